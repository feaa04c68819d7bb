//! `Shared<T>`: a field shared between object versions, copied only when written.
//!
//! Every write of an object stores a new version, and the watch log keeps old
//! versions alive. A Pod's status is written many times (the kubelet, binding,
//! conditions) while its spec barely changes, so the spec is shared between those
//! versions, and a pod stamped from a template shares the template's spec until
//! binding, defaulting or admission changes it (`make_mut`, which copies then).
//!
//! Reads go through `Deref`. There is deliberately no `DerefMut`: a write that may
//! copy says so with `make_mut`. Equality looks at the pointer first, so comparing
//! two versions that share the spec (a status write's no-op check, `same_spec`, a
//! ReplicaSet's template against its Deployment's) does not walk it. It serializes
//! as the value itself, so the wire format is unchanged (serde's `rc` feature).

use std::fmt;
use std::ops::Deref;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

/// A value shared by reference count; see the module docs.
#[derive(Default, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Shared<T>(Arc<T>);

impl<T> Shared<T> {
    pub fn new(value: T) -> Self {
        Shared(Arc::new(value))
    }
    /// True when both hold the same allocation (so they are equal without a look).
    pub fn ptr_eq(this: &Self, other: &Self) -> bool {
        Arc::ptr_eq(&this.0, &other.0)
    }
}

impl<T: Clone> Shared<T> {
    /// The value to change, copied first if another version still shares it.
    pub fn make_mut(&mut self) -> &mut T {
        Arc::make_mut(&mut self.0)
    }
    /// The value itself, copied only if it is shared.
    pub fn into_inner(self) -> T {
        Arc::unwrap_or_clone(self.0)
    }
}

impl<T> Clone for Shared<T> {
    /// Another reference to the same value: no copy.
    fn clone(&self) -> Self {
        Shared(Arc::clone(&self.0))
    }
}

impl<T> Deref for Shared<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.0
    }
}

impl<T> AsRef<T> for Shared<T> {
    fn as_ref(&self) -> &T {
        &self.0
    }
}

impl<T> From<T> for Shared<T> {
    fn from(value: T) -> Self {
        Shared::new(value)
    }
}

impl<'a, T> IntoIterator for &'a Shared<T>
where
    &'a T: IntoIterator,
{
    type Item = <&'a T as IntoIterator>::Item;
    type IntoIter = <&'a T as IntoIterator>::IntoIter;
    fn into_iter(self) -> Self::IntoIter {
        self.0.as_ref().into_iter()
    }
}

impl<T: PartialEq> PartialEq for Shared<T> {
    fn eq(&self, other: &Self) -> bool {
        Shared::ptr_eq(self, other) || *self.0 == *other.0
    }
}

impl<T: fmt::Debug> fmt::Debug for Shared<T> {
    /// As the value itself, so debug output and snapshots do not change.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn clone_shares_and_make_mut_copies_only_when_shared() {
        let mut first = Shared::new(vec![1, 2]);
        let second = first.clone();
        assert!(Shared::ptr_eq(&first, &second));
        first.make_mut().push(3);
        assert!(!Shared::ptr_eq(&first, &second));
        assert_eq!(*second, vec![1, 2]);
        let before = &*first as *const Vec<i32>;
        first.make_mut().push(4);
        assert_eq!(before, &*first as *const Vec<i32>, "sole owner: no copy");
    }

    #[test]
    fn serializes_as_the_value() {
        let shared = Shared::new(vec!["a".to_string()]);
        assert_eq!(serde_json::to_string(&shared).unwrap(), r#"["a"]"#);
        let back: Shared<Vec<String>> = serde_json::from_str(r#"["a"]"#).unwrap();
        assert_eq!(back, shared);
        assert_eq!(format!("{shared:?}"), format!("{:?}", vec!["a"]));
    }
}
