//! The garbage collector finds an ownerReference's owner as upstream's `isDangling`
//! does: by kind and name in the dependent's namespace, counting only a matching uid.

use kubesim::model::manifest::decode_manifests;
use kubesim::model::registry::lookup_kind_name;
use kubesim::{SimDuration, Simulation, SimulationConfig};

fn create(simulation: &mut Simulation, manifest: &str) {
    for decoded in decode_manifests(manifest, "test.yaml") {
        simulation
            .api_mut()
            .create(decoded.unwrap().object)
            .unwrap();
    }
}

fn uid_of(simulation: &Simulation, kind: &str, name: &str) -> String {
    let resource_type = lookup_kind_name(kind).unwrap();
    simulation
        .api()
        .get_ref(resource_type, "default", name)
        .unwrap()
        .metadata()
        .uid()
        .to_string()
}

fn exists(simulation: &Simulation, name: &str) -> bool {
    let config_map = lookup_kind_name("ConfigMap").unwrap();
    simulation
        .api()
        .get_ref(config_map, "default", name)
        .is_some()
}

fn dependent(name: &str, owner_kind: &str, owner_name: &str, owner_uid: &str) -> String {
    format!(
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: {name}\n  ownerReferences:\n  - apiVersion: v1\n    kind: {owner_kind}\n    name: {owner_name}\n    uid: {owner_uid}\n"
    )
}

#[test]
fn a_reference_counts_only_when_kind_name_and_uid_all_match() {
    let mut simulation = Simulation::new(SimulationConfig::default());
    create(
        &mut simulation,
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: owner\n",
    );
    let uid = uid_of(&simulation, "ConfigMap", "owner");
    create(
        &mut simulation,
        &dependent("kept", "ConfigMap", "owner", &uid),
    );
    // The owner's uid under another name: upstream GETs `missing`, finds nothing.
    create(
        &mut simulation,
        &dependent("wrong-name", "ConfigMap", "missing", &uid),
    );
    // The right name with another uid: a different object of that name.
    create(
        &mut simulation,
        &dependent("wrong-uid", "ConfigMap", "owner", "not-the-uid"),
    );
    simulation.advance_by(SimDuration::from_secs(5)).unwrap();
    assert!(exists(&simulation, "kept"));
    assert!(!exists(&simulation, "wrong-name"));
    assert!(!exists(&simulation, "wrong-uid"));
}

#[test]
fn an_event_can_own_an_object_although_events_are_not_indexed_by_uid() {
    let mut simulation = Simulation::new(SimulationConfig::default());
    create(
        &mut simulation,
        "apiVersion: v1\nkind: Event\nmetadata:\n  name: note\ninvolvedObject:\n  kind: Node\n  name: worker-1\nreason: Test\nmessage: an owner\n",
    );
    let uid = uid_of(&simulation, "Event", "note");
    create(
        &mut simulation,
        &dependent("owned-by-event", "Event", "note", &uid),
    );
    simulation.advance_by(SimDuration::from_secs(5)).unwrap();
    assert!(exists(&simulation, "owned-by-event"));
    // The Event goes: its dependent follows.
    let event = lookup_kind_name("Event").unwrap();
    simulation
        .api_mut()
        .delete(event, "default", "note", &Default::default())
        .unwrap();
    simulation.advance_by(SimDuration::from_secs(5)).unwrap();
    assert!(!exists(&simulation, "owned-by-event"));
}
