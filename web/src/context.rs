//! What every component may reach without props: the reducer's dispatcher (to act)
//! and the session (to read, e.g. for tab completion).

use std::cell::RefCell;
use std::rc::Rc;

use yew::prelude::*;

use crate::session::Session;
use crate::state::{Action, PlaygroundState};

#[derive(Clone)]
pub struct Playground {
    pub dispatcher: UseReducerDispatcher<PlaygroundState>,
    pub session: Rc<RefCell<Session>>,
}

impl PartialEq for Playground {
    fn eq(&self, other: &Self) -> bool {
        self.dispatcher == other.dispatcher && Rc::ptr_eq(&self.session, &other.session)
    }
}

impl Playground {
    pub fn dispatch(&self, action: Action) {
        self.dispatcher.dispatch(action);
    }

    /// A callback that dispatches the same action each time.
    pub fn on<E>(&self, make: impl Fn() -> Action + 'static) -> Callback<E> {
        let dispatcher = self.dispatcher.clone();
        Callback::from(move |_| dispatcher.dispatch(make()))
    }
}

/// The playground context; components live inside its provider.
#[hook]
pub fn use_playground() -> Playground {
    use_context::<Playground>().expect("components are rendered inside the Playground provider")
}
