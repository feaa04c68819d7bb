//! Property test: random sequences of API operations against a simple model.
//!
//! After every operation it checks that resourceVersions strictly increase, that
//! the store agrees with a BTreeMap model, and that a stale update is a Conflict.
//! At the end it checks that replaying the watch from zero equals a list, and
//! that after the garbage collector settles no dependent outlives its owners.

use std::collections::BTreeMap;
use std::sync::Arc;

use kubesim::api_server::{DeleteOptions, PropagationPolicy, WatchEventType};
use kubesim::model::Object;
use kubesim::model::registry::lookup_kind_name;
use kubesim::testing::{config_map, namespace};
use kubesim::{Simulation, SimulationConfig};
use proptest::prelude::*;

#[derive(Clone, Debug)]
enum Operation {
    Create { name: u8 },
    CreateDependent { owner: u8, name: u8 },
    Update { name: u8, value: u8 },
    StaleUpdate { name: u8 },
    UpdateStatus { name: u8 },
    Delete { name: u8, policy: u8 },
    Settle,
}

fn operation() -> impl Strategy<Value = Operation> {
    prop_oneof![
        3 => (0u8..8).prop_map(|name| Operation::Create { name }),
        3 => (0u8..8, 0u8..8).prop_map(|(owner, name)| Operation::CreateDependent { owner, name }),
        3 => (0u8..8, any::<u8>()).prop_map(|(name, value)| Operation::Update { name, value }),
        1 => (0u8..8).prop_map(|name| Operation::StaleUpdate { name }),
        1 => (0u8..8).prop_map(|name| Operation::UpdateStatus { name }),
        2 => (0u8..8, 0u8..3).prop_map(|(name, policy)| Operation::Delete { name, policy }),
        1 => Just(Operation::Settle),
    ]
}

fn object_name(name: u8) -> String {
    format!("cm-{name}")
}

fn dependent_name(owner: u8, name: u8) -> String {
    format!("dep-{owner}-{name}")
}

/// The data value of a ConfigMap, as the model tracks it.
fn data_of(object: &Object) -> Option<String> {
    object.to_value()["data"]["key"]
        .as_str()
        .map(str::to_string)
}

fn with_data(object: &Object, value: &str) -> Object {
    let mut object = object.clone();
    if let Object::Generic(generic) = &mut object {
        generic
            .body
            .insert("data".to_string(), serde_json::json!({ "key": value }));
    }
    object
}

struct Checker {
    simulation: Simulation,
    /// name → data value, for objects the model believes exist and are not being deleted.
    model: BTreeMap<String, String>,
    last_revision: u64,
}

impl Checker {
    fn new(seed: u64) -> Self {
        let mut simulation = Simulation::new(SimulationConfig {
            seed,
            ..SimulationConfig::default()
        });
        simulation
            .api_mut()
            .create(namespace("test"))
            .expect("namespace");
        let last_revision = simulation.api().resource_version();
        Checker {
            simulation,
            model: BTreeMap::new(),
            last_revision,
        }
    }

    fn get(&self, name: &str) -> Option<Arc<Object>> {
        let config_map_type = lookup_kind_name("ConfigMap").unwrap();
        self.simulation
            .api()
            .get(config_map_type, "test", name)
            .ok()
    }

    /// A write either changed nothing (same resourceVersion, store revision
    /// unchanged) or took the store's next revision, above every earlier one.
    fn observe_write(&mut self, written: &Object) {
        let revision = written
            .metadata()
            .resource_version_number()
            .expect("numeric resourceVersion");
        let store_revision = self.simulation.api().resource_version();
        if store_revision == self.last_revision {
            assert!(
                revision <= store_revision,
                "a no-op returned a future resourceVersion {revision}"
            );
            return;
        }
        assert!(
            revision > self.last_revision,
            "resourceVersion went from {} to {revision}",
            self.last_revision
        );
        assert_eq!(
            revision, store_revision,
            "a write must return the revision it took"
        );
        self.last_revision = revision;
    }

    fn apply(&mut self, operation: &Operation) {
        let config_map_type = lookup_kind_name("ConfigMap").unwrap();
        match operation {
            Operation::Create { name } => {
                let name = object_name(*name);
                let result =
                    self.simulation
                        .api_mut()
                        .create(config_map("test", Some(&name), None, None));
                match result {
                    Ok(created) => {
                        assert!(self.get(&name).is_some());
                        self.observe_write(&created);
                        self.model.insert(name, "value".to_string());
                    }
                    Err(error) => assert!(error.is_already_exists(), "unexpected {error}"),
                }
            }
            Operation::CreateDependent { owner, name } => {
                let Some(owner_object) = self.get(&object_name(*owner)) else {
                    return;
                };
                if owner_object.metadata().is_being_deleted() {
                    return;
                }
                let name = dependent_name(*owner, *name);
                let object = config_map("test", Some(&name), None, Some(&owner_object));
                match self.simulation.api_mut().create(object) {
                    Ok(created) => {
                        self.observe_write(&created);
                        self.model.insert(name, "value".to_string());
                    }
                    Err(error) => assert!(error.is_already_exists(), "unexpected {error}"),
                }
            }
            Operation::Update { name, value } => {
                let name = object_name(*name);
                let Some(current) = self.get(&name) else {
                    return;
                };
                let value = value.to_string();
                let updated = self
                    .simulation
                    .api_mut()
                    .update(with_data(&current, &value))
                    .expect("fresh update");
                self.observe_write(&updated);
                if let Some(entry) = self.model.get_mut(&name) {
                    *entry = value;
                }
            }
            Operation::StaleUpdate { name } => {
                let name = object_name(*name);
                let Some(current) = self.get(&name) else {
                    return;
                };
                // Write once so that `current` is stale, then write `current` again.
                let fresh = self
                    .simulation
                    .api_mut()
                    .update(with_data(&current, "fresh"))
                    .expect("fresh update");
                self.observe_write(&fresh);
                if let Some(entry) = self.model.get_mut(&name) {
                    *entry = "fresh".to_string();
                }
                if fresh.metadata().resource_version != current.metadata().resource_version {
                    let error = self
                        .simulation
                        .api_mut()
                        .update(with_data(&current, "stale"))
                        .unwrap_err();
                    assert!(error.is_conflict(), "stale update gave {error}");
                    assert_eq!(
                        error.kubectl_message(),
                        format!(
                            "Error from server (Conflict): Operation cannot be fulfilled on configmaps \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
                        )
                    );
                }
            }
            Operation::UpdateStatus { name } => {
                let name = object_name(*name);
                let Some(current) = self.get(&name) else {
                    return;
                };
                // ConfigMaps have no status subresource: a status update changes nothing.
                let result = self
                    .simulation
                    .api_mut()
                    .update_status(with_data(&current, "ignored"))
                    .expect("status update");
                assert_eq!(
                    result.metadata().resource_version,
                    current.metadata().resource_version
                );
            }
            Operation::Delete { name, policy } => {
                let name = object_name(*name);
                let policy = [
                    PropagationPolicy::Background,
                    PropagationPolicy::Foreground,
                    PropagationPolicy::Orphan,
                ][usize::from(*policy)];
                let options = DeleteOptions {
                    propagation_policy: Some(policy),
                    ..DeleteOptions::default()
                };
                match self
                    .simulation
                    .api_mut()
                    .delete(config_map_type, "test", &name, &options)
                {
                    Ok(outcome) => {
                        self.observe_write(outcome.object());
                        self.model.remove(&name);
                    }
                    Err(error) => assert!(error.is_not_found(), "unexpected {error}"),
                }
            }
            Operation::Settle => self.settle(),
        }
        self.check_model();
    }

    fn settle(&mut self) {
        self.simulation
            .run_until_idle(100_000)
            .expect("garbage collector settles");
        self.last_revision = self
            .last_revision
            .max(self.simulation.api().resource_version());
        // Objects the collector removed leave the model too.
        let names: Vec<String> = self.model.keys().cloned().collect();
        for name in names {
            match self.get(&name) {
                Some(object) if !object.metadata().is_being_deleted() => {}
                _ => {
                    self.model.remove(&name);
                }
            }
        }
    }

    /// Every object the model holds is stored with the model's value.
    fn check_model(&self) {
        for (name, value) in &self.model {
            if let Some(object) = self.get(name) {
                assert_eq!(data_of(&object).as_deref(), Some(value.as_str()), "{name}");
            }
        }
    }

    fn check_end_state(&mut self) {
        self.settle();
        let api = self.simulation.api();
        // No orphans: every owner reference names a live object.
        for (key, object) in api.store().iter() {
            for owner in object.metadata().owner_references() {
                assert!(
                    api.get_by_uid(&owner.uid).is_some(),
                    "{key} outlived its owner {}",
                    owner.name
                );
            }
            assert!(
                !object.metadata().is_being_deleted(),
                "{key} is stuck being deleted"
            );
        }
        // The model and the store agree.
        let config_map_type = lookup_kind_name("ConfigMap").unwrap();
        let listed: BTreeMap<String, String> = api
            .list(config_map_type, Some("test"))
            .map(|object| {
                (
                    object.name().to_string(),
                    data_of(object).unwrap_or_default(),
                )
            })
            .collect();
        assert_eq!(listed, self.model);
        // Replaying the watch from the beginning gives the list.
        let mut replayed: BTreeMap<String, Arc<Object>> = BTreeMap::new();
        let mut previous_revision = 0;
        for event in api.watch(0).expect("the log holds every event") {
            assert!(
                event.revision > previous_revision,
                "watch revisions must increase"
            );
            previous_revision = event.revision;
            let key = format!(
                "{}/{}/{}",
                event.object.kind(),
                event.object.namespace(),
                event.object.name()
            );
            match event.event_type {
                WatchEventType::Added | WatchEventType::Modified => {
                    replayed.insert(key, Arc::clone(&event.object));
                }
                WatchEventType::Deleted => {
                    replayed.remove(&key);
                }
            }
        }
        let stored: BTreeMap<String, Arc<Object>> = api
            .store()
            .iter()
            .map(|(_, object)| {
                (
                    format!("{}/{}/{}", object.kind(), object.namespace(), object.name()),
                    Arc::clone(object),
                )
            })
            .collect();
        assert_eq!(replayed.len(), stored.len());
        for (key, object) in &stored {
            assert_eq!(
                replayed.get(key).map(|o| o.as_ref()),
                Some(object.as_ref()),
                "{key}"
            );
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    #[test]
    fn store_behaves_like_the_model(seed in any::<u64>(), operations in prop::collection::vec(operation(), 1..60)) {
        let mut checker = Checker::new(seed);
        for operation in &operations {
            checker.apply(operation);
        }
        checker.check_end_state();
    }
}

#[test]
fn stale_update_is_a_conflict() {
    let mut checker = Checker::new(1);
    checker.apply(&Operation::Create { name: 1 });
    checker.apply(&Operation::StaleUpdate { name: 1 });
}

#[test]
fn background_delete_leaves_no_orphans() {
    let mut checker = Checker::new(2);
    checker.apply(&Operation::Create { name: 1 });
    checker.apply(&Operation::CreateDependent { owner: 1, name: 1 });
    checker.apply(&Operation::CreateDependent { owner: 1, name: 2 });
    checker.apply(&Operation::Delete { name: 1, policy: 0 });
    checker.check_end_state();
    assert!(checker.get("dep-1-1").is_none());
}

#[test]
fn orphan_delete_keeps_dependents_without_owner_reference() {
    let mut checker = Checker::new(3);
    checker.apply(&Operation::Create { name: 1 });
    checker.apply(&Operation::CreateDependent { owner: 1, name: 1 });
    checker.apply(&Operation::Delete { name: 1, policy: 2 });
    checker.check_end_state();
    let dependent = checker.get("dep-1-1").expect("orphaned dependent survives");
    assert!(dependent.metadata().owner_references().is_empty());
    assert!(checker.get("cm-1").is_none());
}

#[test]
fn foreground_delete_removes_dependents_before_owner() {
    let mut checker = Checker::new(4);
    checker.apply(&Operation::Create { name: 1 });
    checker.apply(&Operation::CreateDependent { owner: 1, name: 1 });
    checker.apply(&Operation::Delete { name: 1, policy: 1 });
    // The owner waits, being deleted, while its dependent exists.
    let owner = checker.get("cm-1").expect("owner waits for dependents");
    assert!(owner.metadata().is_being_deleted());
    assert!(owner.metadata().has_finalizer("foregroundDeletion"));
    checker.check_end_state();
    assert!(checker.get("cm-1").is_none());
    assert!(checker.get("dep-1-1").is_none());
}
