//! Workloads shared by tests, benchmarks and the determinism probe.
//! Not for production use: they exercise the API the way a user would.

use std::collections::BTreeMap;

use serde_json::json;

use crate::api_server::{DeleteOptions, PropagationPolicy};
use crate::model::registry::lookup_kind_name;
use crate::model::{GenericObject, Object, ObjectMeta, OwnerReference};
use crate::simulation::Simulation;

/// A ConfigMap named by `generateName` (or `name`), optionally owned by `owner`.
pub fn config_map(
    namespace: &str,
    name: Option<&str>,
    generate_name: Option<&str>,
    owner: Option<&Object>,
) -> Object {
    let resource_type = lookup_kind_name("ConfigMap").expect("ConfigMap is served");
    let owner_references = owner.map(|owner| {
        let mut reference = OwnerReference::controller_of(
            &owner.resource_type().api_version(),
            owner.kind(),
            owner.metadata(),
        );
        reference.controller = Some(true);
        vec![reference].into()
    });
    Object::Generic(GenericObject {
        resource_type,
        api_version: "v1".to_string(),
        metadata: ObjectMeta {
            name: name.map(str::to_string),
            generate_name: generate_name.map(str::to_string),
            namespace: Some(namespace.to_string()),
            owner_references,
            ..ObjectMeta::default()
        },
        body: BTreeMap::from([("data".to_string(), json!({ "key": "value" }))]),
    })
}

/// A namespace object.
pub fn namespace(name: &str) -> Object {
    Object::Namespace(
        serde_json::from_value(json!({ "metadata": { "name": name } }))
            .expect("namespace template matches the type"),
    )
}

/// Creates owners with dependents and deletes them with each propagation policy.
pub fn exercise(simulation: &mut Simulation) {
    let api = simulation.api_mut();
    if api.create(namespace("probe")).is_err() {
        return;
    }
    let policies = [
        PropagationPolicy::Background,
        PropagationPolicy::Foreground,
        PropagationPolicy::Orphan,
    ];
    for policy in policies {
        let Ok(owner) = api.create(config_map("probe", None, Some("owner-"), None)) else {
            continue;
        };
        for _ in 0..3 {
            let _ = api.create(config_map("probe", None, Some("dependent-"), Some(&owner)));
        }
        let options = DeleteOptions {
            propagation_policy: Some(policy),
            ..DeleteOptions::default()
        };
        let _ = api.delete(owner.resource_type(), "probe", owner.name(), &options);
    }
    let _ = simulation.run_until_idle(10_000);
}
