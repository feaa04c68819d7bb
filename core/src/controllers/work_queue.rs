//! A controller's work queue: keys waiting to be reconciled, each at most once.
//! Upstream: `staging/src/k8s.io/client-go/util/workqueue` (a FIFO that dedups keys).

use std::collections::{BTreeSet, VecDeque};

use crate::api_server::ObjectKey;

#[derive(Clone, Debug, Default)]
pub struct WorkQueue {
    order: VecDeque<ObjectKey>,
    queued: BTreeSet<ObjectKey>,
}

impl WorkQueue {
    /// Queues `key` unless it is already waiting.
    pub fn add(&mut self, key: ObjectKey) {
        if self.queued.insert(key.clone()) {
            self.order.push_back(key);
        }
    }

    /// The key that has waited longest.
    pub fn pop(&mut self) -> Option<ObjectKey> {
        let key = self.order.pop_front()?;
        self.queued.remove(&key);
        Some(key)
    }

    pub fn len(&self) -> usize {
        self.order.len()
    }

    pub fn is_empty(&self) -> bool {
        self.order.is_empty()
    }

    /// The waiting keys, oldest first.
    pub fn iter(&self) -> impl Iterator<Item = &ObjectKey> {
        self.order.iter()
    }
}
