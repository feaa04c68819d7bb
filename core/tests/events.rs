//! Event recording: naming, namespaces, deduplication and the one-hour TTL.

use std::sync::Arc;

use kubesim::controllers::{EventRecorder, EventSourceRef, EventType};
use kubesim::model::Resource;
use kubesim::model::event::Event;
use kubesim::model::node::Node;
use kubesim::{SimDuration, Simulation, SimulationConfig};

fn events(simulation: &Simulation) -> Vec<Event> {
    simulation
        .api()
        .list(Event::resource_type(), None)
        .filter_map(|object| object.as_::<Event>().cloned())
        .collect()
}

#[test]
fn identical_events_count_up_and_expire_after_an_hour() {
    let mut simulation = Simulation::new(SimulationConfig::default());
    let node = Arc::clone(
        simulation
            .api()
            .get_ref(Node::resource_type(), "", "worker-1")
            .unwrap(),
    );
    let mut recorder = EventRecorder::default();
    let source = EventSourceRef {
        component: "kubelet",
        host: Some("worker-1".to_string()),
    };
    recorder.record(
        simulation.api_mut(),
        &source,
        &node,
        EventType::Normal,
        "Starting",
        "Starting kubelet.",
    );
    simulation.advance_by(SimDuration::from_secs(30)).unwrap();
    recorder.record(
        simulation.api_mut(),
        &source,
        &node,
        EventType::Normal,
        "Starting",
        "Starting kubelet.",
    );
    recorder.record(
        simulation.api_mut(),
        &source,
        &node,
        EventType::Warning,
        "Rebooted",
        "Node worker-1 has been rebooted",
    );

    let recorded = events(&simulation);
    assert_eq!(recorded.len(), 2);
    let starting = recorded
        .iter()
        .find(|event| event.reason.as_deref() == Some("Starting"))
        .unwrap();
    // A cluster-scoped object's events live in the default namespace.
    assert_eq!(starting.metadata.namespace(), "default");
    assert!(starting.metadata.name().starts_with("worker-1."));
    assert_eq!(starting.count, Some(2));
    assert_eq!(
        starting.first_timestamp.unwrap().to_string(),
        "2025-01-01T00:00:00Z"
    );
    assert_eq!(
        starting.last_timestamp.unwrap().to_string(),
        "2025-01-01T00:00:30Z"
    );
    assert_eq!(starting.involved_object.kind.as_deref(), Some("Node"));
    assert_eq!(
        starting.source.as_ref().unwrap().host.as_deref(),
        Some("worker-1")
    );

    simulation
        .advance_by(SimDuration::from_secs(3600 - 1))
        .unwrap();
    assert_eq!(
        events(&simulation).len(),
        2,
        "not yet an hour since the last update"
    );
    simulation.advance_by(SimDuration::from_secs(2)).unwrap();
    assert!(
        events(&simulation).is_empty(),
        "events go an hour after their last update"
    );
}
