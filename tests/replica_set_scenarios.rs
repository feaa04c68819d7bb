//! ReplicaSet stories: a ReplicaSet keeps its pods, adopts and releases, and reports.
//! Upstream behaviour: `pkg/controller/replicaset/replica_set.go`.

use kubesim::model::Object;
use kubesim::model::pod::Pod;
use kubesim::model::replica_set::ReplicaSet;
use kubesim::{SimDuration, StepOutcome};
use kubesim_tests::workloads::*;

fn pod_names(simulation: &kubesim::Simulation) -> Vec<String> {
    active_pods(simulation)
        .iter()
        .map(|pod| pod.metadata.name().to_string())
        .collect()
}

#[test]
fn a_replica_set_creates_its_pods_and_reports_them_ready() {
    let mut cluster = empty_cluster(1);
    let kubelet = FakeKubelet::default();
    apply(&mut cluster, &replica_set_yaml("web", 3, "nginx"));
    kubelet.settle(&mut cluster);

    let pods = active_pods(&cluster);
    assert_eq!(pods.len(), 3);
    for pod in &pods {
        assert!(pod.metadata.name().starts_with("web-"));
        assert_eq!(pod.metadata.name().len(), "web-".len() + 5);
        assert_eq!(pod.metadata.controller_ref().unwrap().name, "web");
    }
    let events = events_about(&cluster, "web");
    let created: Vec<String> = pods
        .iter()
        .map(|pod| format!("Created pod: {}", pod.metadata.name()))
        .collect();
    let mut seen: Vec<String> = events
        .iter()
        .filter(|(reason, _)| reason == "SuccessfulCreate")
        .map(|(_, message)| message.clone())
        .collect();
    seen.sort();
    assert_eq!(seen, created);

    let status = get::<ReplicaSet>(&cluster, "web").status();
    assert_eq!(status.replicas, Some(3));
    assert_eq!(status.fully_labeled_replicas, Some(3));
    assert_eq!(status.ready_replicas, Some(3));
    assert_eq!(status.available_replicas, Some(3));
    assert_eq!(status.observed_generation, Some(1));
}

#[test]
fn a_deleted_pod_is_replaced() {
    let mut cluster = empty_cluster(2);
    let kubelet = FakeKubelet::default();
    apply(&mut cluster, &replica_set_yaml("web", 3, "nginx"));
    kubelet.settle(&mut cluster);
    let before = pod_names(&cluster);

    let victim = before[1].clone();
    delete_pod(&mut cluster, &victim);
    kubelet.settle(&mut cluster);

    let after = pod_names(&cluster);
    assert_eq!(after.len(), 3);
    assert!(!after.contains(&victim));
    let replacement = after.iter().find(|name| !before.contains(name)).unwrap();
    assert!(events_about(&cluster, "web").contains(&(
        "SuccessfulCreate".into(),
        format!("Created pod: {replacement}")
    )));
    assert_eq!(
        get::<ReplicaSet>(&cluster, "web").status().ready_replicas,
        Some(3)
    );
}

#[test]
fn scaling_down_deletes_unready_pods_first() {
    let mut cluster = empty_cluster(3);
    let kubelet = FakeKubelet::default();
    apply(&mut cluster, &replica_set_yaml("web", 2, "nginx"));
    kubelet.settle(&mut cluster);
    let ready = pod_names(&cluster);

    // Two more pods that never become ready.
    let mut rs = get::<ReplicaSet>(&cluster, "web");
    rs.spec.as_mut().unwrap().make_mut().replicas = Some(4);
    cluster
        .api_mut()
        .update(Object::ReplicaSet(Box::new(rs)))
        .unwrap();
    let broken = FakeKubelet {
        broken_images: ["nginx".to_string()].into(),
        ..FakeKubelet::default()
    };
    broken.settle(&mut cluster);
    assert_eq!(active_pods(&cluster).len(), 4);

    let mut rs = get::<ReplicaSet>(&cluster, "web");
    rs.spec.as_mut().unwrap().make_mut().replicas = Some(2);
    cluster
        .api_mut()
        .update(Object::ReplicaSet(Box::new(rs)))
        .unwrap();
    kubelet.settle(&mut cluster);

    assert_eq!(pod_names(&cluster), ready, "the two ready pods stay");
    let deleted = events_about(&cluster, "web")
        .into_iter()
        .filter(|(reason, _)| reason == "SuccessfulDelete")
        .count();
    assert_eq!(deleted, 2);
}

#[test]
fn an_orphan_with_matching_labels_is_adopted_and_counted() {
    let mut cluster = empty_cluster(4);
    let kubelet = FakeKubelet::default();
    apply(
        &mut cluster,
        "apiVersion: v1
kind: Pod
metadata:
  name: stray
  labels:
    app: web
spec:
  containers:
  - name: main
    image: nginx
",
    );
    apply(&mut cluster, &replica_set_yaml("web", 3, "nginx"));
    kubelet.settle(&mut cluster);

    let stray = get::<Pod>(&cluster, "stray");
    let owner = get::<ReplicaSet>(&cluster, "web");
    let reference = stray.metadata.controller_ref().expect("adopted");
    assert_eq!(reference.uid, owner.metadata.uid());
    assert_eq!(reference.block_owner_deletion, Some(true));
    assert_eq!(active_pods(&cluster).len(), 3, "only two pods were created");
}

#[test]
fn a_pod_relabelled_out_of_the_selector_is_released_and_replaced() {
    let mut cluster = empty_cluster(5);
    let kubelet = FakeKubelet::default();
    apply(&mut cluster, &replica_set_yaml("web", 2, "nginx"));
    kubelet.settle(&mut cluster);
    let name = pod_names(&cluster)[0].clone();

    let mut pod = get::<Pod>(&cluster, &name);
    pod.metadata.set_label("app", "debug");
    cluster
        .api_mut()
        .update(Object::Pod(Box::new(pod)))
        .unwrap();
    kubelet.settle(&mut cluster);

    let released = get::<Pod>(&cluster, &name);
    assert!(released.metadata.owner_references().is_empty(), "released");
    let owned = active_pods(&cluster)
        .into_iter()
        .filter(|pod| pod.metadata.controller_ref().is_some())
        .count();
    assert_eq!(owned, 2, "a replacement was created");
}

#[test]
fn one_sync_creates_at_most_500_pods_in_slow_start_batches() {
    let mut cluster = empty_cluster(6);
    apply(&mut cluster, &replica_set_yaml("big", 1200, "nginx"));
    // Step until the first ReplicaSet sync has created pods.
    while active_pods(&cluster).is_empty() {
        assert_eq!(cluster.step(), StepOutcome::Worked);
    }
    assert_eq!(active_pods(&cluster).len(), 500, "BurstReplicas");
    cluster.run_until_idle(1_000_000).unwrap();
    assert_eq!(active_pods(&cluster).len(), 1200);
    assert_eq!(
        get::<ReplicaSet>(&cluster, "big").status().replicas,
        Some(1200)
    );
}

#[test]
fn pods_become_available_only_after_min_ready_seconds() {
    let mut cluster = empty_cluster(7);
    let kubelet = FakeKubelet::default();
    let yaml = replica_set_yaml("web", 2, "nginx").replace(
        "spec:\n  replicas: 2\n",
        "spec:\n  replicas: 2\n  minReadySeconds: 10\n",
    );
    apply(&mut cluster, &yaml);
    kubelet.settle(&mut cluster);
    let status = get::<ReplicaSet>(&cluster, "web").status();
    assert_eq!(status.ready_replicas, Some(2));
    assert_eq!(status.available_replicas, None, "not yet available");

    // Ready at t; available once t + 10s lies strictly in the past.
    cluster.advance_by(SimDuration::from_secs(10)).unwrap();
    assert_eq!(
        get::<ReplicaSet>(&cluster, "web")
            .status()
            .available_replicas,
        None
    );
    cluster.advance_by(SimDuration::from_secs(1)).unwrap();
    assert_eq!(
        get::<ReplicaSet>(&cluster, "web")
            .status()
            .available_replicas,
        Some(2)
    );
}
