//! Event recording: naming, namespaces, deduplication and the one-hour TTL.

use std::sync::Arc;

use kubesim::controllers::{EventRecorder, EventSourceRef, EventType};
use kubesim::model::event::Event;
use kubesim::model::node::Node;
use kubesim::model::{Object, Resource};
use kubesim::{SimDuration, Simulation, SimulationConfig};

fn events(simulation: &Simulation) -> Vec<Event> {
    simulation
        .api()
        .list(Event::resource_type(), None)
        .filter_map(|object| object.as_::<Event>().cloned())
        .collect()
}

/// worker-1's Node, a fresh recorder, and worker-1's kubelet as the source.
fn worker_1_kubelet(simulation: &Simulation) -> (Arc<Object>, EventRecorder, EventSourceRef) {
    let node = Arc::clone(
        simulation
            .api()
            .get_ref(Node::resource_type(), "", "worker-1")
            .unwrap(),
    );
    let source = EventSourceRef {
        component: "kubelet",
        host: Some("worker-1".to_string()),
    };
    (node, EventRecorder::default(), source)
}

#[test]
fn identical_events_count_up_and_expire_after_an_hour() {
    let mut simulation = Simulation::new(SimulationConfig::default());
    let (node, mut recorder, source) = worker_1_kubelet(&simulation);
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

    // Both were written within the minute of the first one's etcd lease (granted at
    // 00:00:00 for 3,600 + 60 s), so both go when it expires at 01:01:00, an hour and
    // half a minute after the last update.
    simulation
        .advance_by(SimDuration::from_secs(3630 - 1))
        .unwrap();
    assert_eq!(
        events(&simulation).len(),
        2,
        "the lease has not expired yet"
    );
    simulation.advance_by(SimDuration::from_secs(1)).unwrap();
    assert_eq!(simulation.now().to_string(), "2025-01-01T01:01:00Z");
    assert!(
        events(&simulation).is_empty(),
        "events go with the lease they were last written with"
    );
}

#[test]
fn an_event_written_after_the_reuse_minute_moves_to_a_newer_lease() {
    let mut simulation = Simulation::new(SimulationConfig::default());
    let (node, mut recorder, source) = worker_1_kubelet(&simulation);
    let mut record = |simulation: &mut Simulation, reason: &str| {
        recorder.record(
            simulation.api_mut(),
            &source,
            &node,
            EventType::Normal,
            reason,
            "message",
        )
    };
    record(&mut simulation, "Starting");
    record(&mut simulation, "Rebooted");
    // Two minutes later the first lease cannot take a write that must live an hour
    // (it expires at 01:01:00, before 01:02:00): the update gets a new lease.
    simulation.advance_by(SimDuration::from_secs(120)).unwrap();
    record(&mut simulation, "Starting");
    simulation
        .advance_to(kubesim::SimTime::DEFAULT_EPOCH + SimDuration::from_secs(3660))
        .unwrap();
    let left = events(&simulation);
    assert_eq!(left.len(), 1, "{left:?}");
    assert_eq!(left[0].reason.as_deref(), Some("Starting"));
    assert_eq!(left[0].count, Some(2));
    simulation
        .advance_to(kubesim::SimTime::DEFAULT_EPOCH + SimDuration::from_secs(120 + 3660 - 1))
        .unwrap();
    assert_eq!(events(&simulation).len(), 1);
    simulation.advance_by(SimDuration::from_secs(1)).unwrap();
    assert!(events(&simulation).is_empty());
}

#[test]
fn the_events_of_a_minute_share_a_lease_and_go_together() {
    // A Deployment's events, recorded by the simulation's own components within its
    // first minute: fewer than 1,000 writes, so one lease, granted for 3,660 s.
    let mut simulation = Simulation::new(SimulationConfig::default());
    let manifest = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
"#;
    for decoded in kubesim::model::manifest::decode_manifests(manifest, "web.yaml") {
        simulation
            .api_mut()
            .create(decoded.unwrap().object)
            .unwrap();
    }
    simulation.advance_by(SimDuration::from_secs(30)).unwrap();
    let recorded = events(&simulation);
    assert!(recorded.len() > 10, "{}", recorded.len());
    let last_write = recorded
        .iter()
        .filter_map(|event| event.last_timestamp)
        .max()
        .unwrap();
    assert!(last_write.0 < kubesim::SimTime::DEFAULT_EPOCH + SimDuration::from_secs(60));
    assert_eq!(
        simulation.api().next_lease_expiry(),
        Some(kubesim::SimTime::DEFAULT_EPOCH + SimDuration::from_secs(3660))
    );
    let leases = simulation.api().store().lease_count();
    assert_eq!(
        leases, 1,
        "fewer than 1,000 writes in a minute share one lease"
    );
    simulation
        .advance_to(kubesim::SimTime::DEFAULT_EPOCH + SimDuration::from_secs(3660 - 1))
        .unwrap();
    assert_eq!(events(&simulation).len(), recorded.len());
    simulation.advance_by(SimDuration::from_secs(1)).unwrap();
    assert!(events(&simulation).is_empty());
    assert_eq!(simulation.api().store().lease_count(), 0);
}

#[test]
fn leases_expiring_together_do_not_make_informers_relist() {
    // 1,500 Events at one instant fill one lease (1,000) and start a second, both
    // expiring at 3,660 s. Their 1,500 deletions exceed a 1,200-entry watch log, but
    // each lease's deletions reach the informers before the next lease goes, as
    // upstream's per-resource watch caches keep Event floods away from other kinds.
    let mut simulation = Simulation::new(SimulationConfig {
        watch_log_capacity: 1_200,
        ..SimulationConfig::default()
    });
    let (node, mut recorder, source) = worker_1_kubelet(&simulation);
    for i in 0..1_500 {
        recorder.record(
            simulation.api_mut(),
            &source,
            &node,
            EventType::Normal,
            "Probe",
            &format!("probe {i}"),
        );
        if i % 500 == 499 {
            // Deliver what was written so far, as the informers do between steps.
            simulation.run_until_idle(1_000).unwrap();
        }
    }
    assert_eq!(events(&simulation).len(), 1_500);
    assert_eq!(simulation.api().store().lease_count(), 2);
    assert_eq!(simulation.informer_relists(), 0);
    simulation
        .advance_to(kubesim::SimTime::DEFAULT_EPOCH + SimDuration::from_secs(3660))
        .unwrap();
    assert!(events(&simulation).is_empty());
    assert_eq!(simulation.api().store().lease_count(), 0);
    assert_eq!(
        simulation.informer_relists(),
        0,
        "each lease's deletions fit in the log"
    );
}
