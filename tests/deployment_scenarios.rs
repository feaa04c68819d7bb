//! Deployment stories: rollouts, rollbacks, pauses, deadlines, history and deletion.
//! Upstream behaviour: `pkg/controller/deployment/`.

use kubesim::api_server::PropagationPolicy;
use kubesim::model::Resource;
use kubesim::model::deployment::Deployment;
use kubesim::model::pod::Pod;
use kubesim::model::replica_set::ReplicaSet;
use kubesim::model::selector::Selector;
use kubesim_tests::node::{cluster as default_cluster, wait_seconds};
use kubesim_tests::workloads::*;

fn scaling_events(cluster: &kubesim::Simulation, name: &str) -> Vec<String> {
    events_about(cluster, name)
        .into_iter()
        .filter(|(reason, _)| reason == "ScalingReplicaSet")
        .map(|(_, message)| message)
        .collect()
}

#[test]
fn a_new_deployment_creates_one_replica_set_and_becomes_available() {
    let mut cluster = empty_cluster(11);
    let kubelet = FakeKubelet::default();
    apply(&mut cluster, &deployment_yaml("web", 3, "nginx:1.25", ""));
    kubelet.settle(&mut cluster);

    let rss = replica_sets_of(&cluster, "web");
    assert_eq!(rss.len(), 1);
    let rs = &rss[0];
    let hash = rs.metadata.label("pod-template-hash").unwrap().to_string();
    assert_eq!(rs.metadata.name(), format!("web-{hash}"));
    assert!(hash.chars().all(|c| "456789bcdf".contains(c)), "{hash}");
    assert_eq!(revision(rs), 1);
    assert_eq!(
        rs.metadata
            .annotation("deployment.kubernetes.io/desired-replicas"),
        Some("3")
    );
    assert_eq!(
        rs.metadata
            .annotation("deployment.kubernetes.io/max-replicas"),
        Some("4")
    );
    assert_eq!(active_pods(&cluster).len(), 3);
    for pod in active_pods(&cluster) {
        assert_eq!(pod.metadata.label("pod-template-hash"), Some(hash.as_str()));
        assert!(pod.metadata.name().starts_with(&format!("web-{hash}-")));
    }

    let d = deployment(&cluster, "web");
    let status = d.status();
    assert_eq!(
        (
            status.replicas,
            status.updated_replicas,
            status.ready_replicas,
            status.available_replicas
        ),
        (Some(3), Some(3), Some(3), Some(3))
    );
    assert_eq!(status.observed_generation, Some(1));
    assert_eq!(
        d.metadata.generation,
        Some(1),
        "status writes never bump the generation"
    );
    assert_eq!(
        d.metadata.annotation("deployment.kubernetes.io/revision"),
        Some("1")
    );
    assert_eq!(
        condition(&d, "Available"),
        Some(("True".into(), "MinimumReplicasAvailable".into()))
    );
    assert_eq!(
        condition(&d, "Progressing"),
        Some(("True".into(), "NewReplicaSetAvailable".into()))
    );
    assert_eq!(
        scaling_events(&cluster, "web"),
        [format!("Scaled up replica set web-{hash} to 3")]
    );
}

/// The image of a pod's first container.
fn image_of(pod: &Pod) -> String {
    pod.spec().containers.as_ref().expect("containers")[0]
        .image
        .clone()
        .unwrap_or_default()
}

#[test]
fn a_deleted_pod_of_a_deployment_is_replaced() {
    let mut cluster = empty_cluster(12);
    let kubelet = FakeKubelet::default();
    apply(&mut cluster, &deployment_yaml("web", 3, "nginx:1.25", ""));
    kubelet.settle(&mut cluster);
    let victim = active_pods(&cluster)[0].metadata.name().to_string();

    delete_pod(&mut cluster, &victim);
    kubelet.settle(&mut cluster);

    let names: Vec<String> = active_pods(&cluster)
        .iter()
        .map(|p| p.metadata.name().to_string())
        .collect();
    assert_eq!(names.len(), 3);
    assert!(!names.contains(&victim));
    assert_eq!(
        replica_sets_of(&cluster, "web").len(),
        1,
        "no new ReplicaSet for a replacement"
    );
    assert_eq!(
        deployment(&cluster, "web").status().available_replicas,
        Some(3)
    );
}

/// Rolls `nginx:1.25` → `nginx:1.26` with the given strategy values and checks, after
/// every controller step and kubelet pass, that the pods never exceed replicas +
/// maxSurge nor available ones drop below replicas − maxUnavailable.
fn rolling_update_stays_within_bounds(
    replicas: i32,
    surge: &str,
    unavailable: &str,
    max_pods: usize,
    min_available: usize,
) {
    let mut cluster = empty_cluster(13);
    let kubelet = FakeKubelet::default();
    let strategy = format!(
        "  strategy:\n    type: RollingUpdate\n    rollingUpdate:\n      maxSurge: {surge}\n      maxUnavailable: {unavailable}\n"
    );
    apply(
        &mut cluster,
        &deployment_yaml("web", replicas, "nginx:1.25", &strategy),
    );
    kubelet.settle(&mut cluster);
    assert_eq!(available_pods(&cluster, 0), replicas as usize);

    set_image(&mut cluster, "web", "nginx:1.26");
    let mut steps = 0;
    let mut peak = 0;
    let mut trough = usize::MAX;
    kubelet.settle_checking(&mut cluster, |cluster| {
        steps += 1;
        let active = active_pods(cluster).len();
        let available = available_pods(cluster, 0);
        peak = peak.max(active);
        trough = trough.min(available);
        assert!(
            active <= max_pods,
            "{active} pods > {max_pods} at step {steps} ({surge}/{unavailable})"
        );
        assert!(
            available >= min_available,
            "{available} available < {min_available} at step {steps} ({surge}/{unavailable})"
        );
    });

    let pods = active_pods(&cluster);
    assert_eq!(pods.len(), replicas as usize);
    assert!(pods.iter().all(|pod| image_of(pod) == "nginx:1.26"));
    let rss = replica_sets_of(&cluster, "web");
    assert_eq!(rss.len(), 2);
    assert_eq!((spec_replicas(&rss[0]), revision(&rss[0])), (0, 1));
    assert_eq!((spec_replicas(&rss[1]), revision(&rss[1])), (replicas, 2));
    let d = deployment(&cluster, "web");
    assert_eq!(
        d.metadata.annotation("deployment.kubernetes.io/revision"),
        Some("2")
    );
    assert_eq!(
        condition(&d, "Progressing"),
        Some(("True".into(), "NewReplicaSetAvailable".into()))
    );
    // The bounds were used, not just respected.
    assert!(peak > replicas as usize || trough < replicas as usize);
}

#[test]
fn a_rolling_update_with_default_25_percent_stays_within_bounds() {
    // 4 replicas: maxSurge 25% → 1 (rounded up), maxUnavailable 25% → 1 (rounded down).
    rolling_update_stays_within_bounds(4, "25%", "25%", 5, 3);
}

#[test]
fn a_rolling_update_with_surge_only_never_loses_availability() {
    rolling_update_stays_within_bounds(3, "1", "0", 4, 3);
}

#[test]
fn a_rolling_update_with_unavailability_only_never_adds_pods() {
    rolling_update_stays_within_bounds(3, "0", "1", 3, 2);
}

#[test]
fn a_rolling_update_with_large_bounds_stays_within_them() {
    // 10 replicas: maxSurge 3, maxUnavailable 30% → 3.
    rolling_update_stays_within_bounds(10, "3", "30%", 13, 7);
}

#[test]
fn recreate_removes_every_old_pod_before_starting_new_ones() {
    let mut cluster = empty_cluster(14);
    let kubelet = FakeKubelet::default();
    apply(
        &mut cluster,
        &deployment_yaml("web", 3, "nginx:1.25", "  strategy:\n    type: Recreate\n"),
    );
    kubelet.settle(&mut cluster);

    set_image(&mut cluster, "web", "nginx:1.26");
    kubelet.settle_checking(&mut cluster, |cluster| {
        let images: Vec<String> = pods(cluster).iter().map(image_of).collect();
        let old = images.iter().filter(|i| *i == "nginx:1.25").count();
        let new = images.iter().filter(|i| *i == "nginx:1.26").count();
        assert!(old == 0 || new == 0, "old and new pods coexist: {images:?}");
    });

    let pods = active_pods(&cluster);
    assert_eq!(pods.len(), 3);
    assert!(pods.iter().all(|pod| image_of(pod) == "nginx:1.26"));
    let rss = replica_sets_of(&cluster, "web");
    let events = scaling_events(&cluster, "web");
    assert_eq!(
        events,
        [
            format!("Scaled up replica set {} to 3", rss[0].metadata.name()),
            format!(
                "Scaled down replica set {} to 0 from 3",
                rss[0].metadata.name()
            ),
            format!("Scaled up replica set {} to 3", rss[1].metadata.name()),
        ]
    );
}

#[test]
fn the_legacy_rollback_annotation_restores_a_given_revision() {
    let mut cluster = empty_cluster(15);
    let kubelet = FakeKubelet::default();
    apply(&mut cluster, &deployment_yaml("web", 2, "nginx:1.23", ""));
    kubelet.settle(&mut cluster);
    set_image(&mut cluster, "web", "nginx:1.24");
    kubelet.settle(&mut cluster);
    set_image(&mut cluster, "web", "nginx:1.25");
    kubelet.settle(&mut cluster);
    let first = replica_sets_of(&cluster, "web")[0]
        .metadata
        .name()
        .to_string();

    edit_deployment(&mut cluster, "web", |d| {
        d.metadata
            .set_annotation("deprecated.deployment.rollback.to", "1");
    });
    kubelet.settle(&mut cluster);

    let d = deployment(&cluster, "web");
    assert_eq!(
        d.metadata.annotation("deprecated.deployment.rollback.to"),
        None,
        "cleared"
    );
    assert!(
        active_pods(&cluster)
            .iter()
            .all(|pod| image_of(pod) == "nginx:1.23")
    );
    let reused = get::<ReplicaSet>(&cluster, &first);
    assert_eq!(
        revision(&reused),
        4,
        "the reused ReplicaSet takes the next revision"
    );
    assert_eq!(
        reused
            .metadata
            .annotation("deployment.kubernetes.io/revision-history"),
        Some("1")
    );
    assert_eq!(spec_replicas(&reused), 2);
    assert_eq!(
        d.metadata.annotation("deployment.kubernetes.io/revision"),
        Some("4")
    );
    assert!(events_about(&cluster, "web").contains(&(
        "DeploymentRollback".into(),
        "Rolled back deployment \"web\" to revision 1".into()
    )));
    assert_eq!(
        replica_sets_of(&cluster, "web").len(),
        3,
        "no new ReplicaSet"
    );
}

#[test]
fn edits_while_paused_roll_out_once_on_resume() {
    let mut cluster = empty_cluster(16);
    let kubelet = FakeKubelet::default();
    apply(&mut cluster, &deployment_yaml("web", 3, "nginx:1.25", ""));
    kubelet.settle(&mut cluster);

    edit_deployment(&mut cluster, "web", |d| {
        d.spec.as_mut().unwrap().make_mut().paused = Some(true)
    });
    kubelet.settle(&mut cluster);
    assert_eq!(
        condition(&deployment(&cluster, "web"), "Progressing"),
        Some(("Unknown".into(), "DeploymentPaused".into()))
    );
    for image in ["nginx:1.26", "nginx:1.27", "nginx:1.28"] {
        set_image(&mut cluster, "web", image);
        kubelet.advance(&mut cluster, 5);
        assert_eq!(
            replica_sets_of(&cluster, "web").len(),
            1,
            "nothing rolls while paused"
        );
    }
    assert!(
        active_pods(&cluster)
            .iter()
            .all(|pod| image_of(pod) == "nginx:1.25")
    );

    edit_deployment(&mut cluster, "web", |d| {
        d.spec.as_mut().unwrap().make_mut().paused = Some(false)
    });
    kubelet.settle(&mut cluster);

    let rss = replica_sets_of(&cluster, "web");
    assert_eq!(rss.len(), 2, "exactly one rollout");
    assert_eq!(revision(&rss[1]), 2);
    assert!(
        active_pods(&cluster)
            .iter()
            .all(|pod| image_of(pod) == "nginx:1.28")
    );
    assert_eq!(
        condition(&deployment(&cluster, "web"), "Progressing"),
        Some(("True".into(), "NewReplicaSetAvailable".into()))
    );
}

#[test]
fn a_stuck_rollout_exceeds_its_deadline_and_a_rollback_fixes_it() {
    let mut cluster = empty_cluster(17);
    let kubelet = FakeKubelet {
        broken_images: ["nginx:1.161".to_string()].into(),
        ..FakeKubelet::default()
    };
    apply(
        &mut cluster,
        &deployment_yaml("web", 3, "nginx:1.16", "  progressDeadlineSeconds: 60\n"),
    );
    kubelet.settle(&mut cluster);

    set_image(&mut cluster, "web", "nginx:1.161");
    kubelet.advance(&mut cluster, 30);
    let d = deployment(&cluster, "web");
    assert_eq!(
        condition(&d, "Progressing"),
        Some(("True".into(), "ReplicaSetUpdated".into()))
    );
    assert_eq!(
        condition(&d, "Available"),
        Some(("True".into(), "MinimumReplicasAvailable".into()))
    );
    // 3 replicas at 25%: maxSurge 1 (rounded up), maxUnavailable 0 (rounded down), so
    // one broken new pod is added and all three old pods keep serving.
    assert_eq!(available_pods(&cluster, 0), 3);
    assert_eq!(active_pods(&cluster).len(), 4);

    kubelet.advance(&mut cluster, 32);
    let d = deployment(&cluster, "web");
    let new_rs = replica_sets_of(&cluster, "web")[1]
        .metadata
        .name()
        .to_string();
    assert_eq!(
        condition(&d, "Progressing"),
        Some(("False".into(), "ProgressDeadlineExceeded".into()))
    );
    let message = d
        .status()
        .conditions
        .unwrap()
        .into_iter()
        .find(|c| c.type_.as_deref() == Some("Progressing"))
        .and_then(|c| c.message)
        .unwrap();
    assert_eq!(
        message,
        format!("ReplicaSet \"{new_rs}\" has timed out progressing.")
    );

    // Roll back to the previous revision (0 means the last one).
    edit_deployment(&mut cluster, "web", |d| {
        d.metadata
            .set_annotation("deprecated.deployment.rollback.to", "0");
    });
    kubelet.settle(&mut cluster);
    let d = deployment(&cluster, "web");
    assert_eq!(
        condition(&d, "Progressing"),
        Some(("True".into(), "NewReplicaSetAvailable".into()))
    );
    let pods = active_pods(&cluster);
    assert_eq!(pods.len(), 3);
    assert!(pods.iter().all(|pod| image_of(pod) == "nginx:1.16"));
}

#[test]
fn old_replica_sets_beyond_the_history_limit_are_deleted() {
    let mut cluster = empty_cluster(18);
    let kubelet = FakeKubelet::default();
    apply(
        &mut cluster,
        &deployment_yaml("web", 2, "nginx:1.20", "  revisionHistoryLimit: 2\n"),
    );
    kubelet.settle(&mut cluster);
    for minor in 21..=25 {
        set_image(&mut cluster, "web", &format!("nginx:1.{minor}"));
        kubelet.settle(&mut cluster);
    }

    let rss = replica_sets_of(&cluster, "web");
    let revisions: Vec<i64> = rss.iter().map(revision).collect();
    assert_eq!(
        revisions,
        [4, 5, 6],
        "the current one and the two before it"
    );
    assert_eq!(spec_replicas(&rss[2]), 2);
}

#[test]
fn scaling_in_the_middle_of_a_stalled_rollout_is_proportional() {
    let mut cluster = empty_cluster(19);
    let kubelet = FakeKubelet {
        broken_images: ["nginx:broken".to_string()].into(),
        ..FakeKubelet::default()
    };
    let strategy = "  strategy:\n    rollingUpdate:\n      maxSurge: 3\n      maxUnavailable: 2\n";
    apply(
        &mut cluster,
        &deployment_yaml("web", 10, "nginx:1.25", strategy),
    );
    kubelet.settle(&mut cluster);
    set_image(&mut cluster, "web", "nginx:broken");
    kubelet.settle(&mut cluster);
    // upstream's rolling.go example: new 3 → old 8 → new 5, then stuck (13 − 8 − 5 = 0).
    let rss = replica_sets_of(&cluster, "web");
    assert_eq!((spec_replicas(&rss[0]), spec_replicas(&rss[1])), (8, 5));

    edit_deployment(&mut cluster, "web", |d| {
        d.spec.as_mut().unwrap().make_mut().replicas = Some(20)
    });
    kubelet.settle(&mut cluster);
    // toAdd = 20 + 3 − 13 = 10. Old: round(8·23/13) − 8 = 6; new: round(5·23/13) − 5 = 4.
    let rss = replica_sets_of(&cluster, "web");
    assert_eq!((spec_replicas(&rss[0]), spec_replicas(&rss[1])), (14, 9));
    for rs in &rss {
        assert_eq!(
            rs.metadata
                .annotation("deployment.kubernetes.io/desired-replicas"),
            Some("20")
        );
        assert_eq!(
            rs.metadata
                .annotation("deployment.kubernetes.io/max-replicas"),
            Some("23")
        );
    }
    let events = scaling_events(&cluster, "web");
    assert!(events.contains(&format!(
        "Scaled up replica set {} to 14 from 8",
        rss[0].metadata.name()
    )));
    assert!(events.contains(&format!(
        "Scaled up replica set {} to 9 from 5",
        rss[1].metadata.name()
    )));
}

fn three_pod_deployment(seed: u64) -> (kubesim::Simulation, FakeKubelet) {
    let mut cluster = empty_cluster(seed);
    let kubelet = FakeKubelet::default();
    apply(&mut cluster, &deployment_yaml("web", 3, "nginx:1.25", ""));
    kubelet.settle(&mut cluster);
    (cluster, kubelet)
}

fn replica_set_count(cluster: &kubesim::Simulation) -> usize {
    cluster
        .api()
        .list(ReplicaSet::resource_type(), Some("default"))
        .count()
}

#[test]
fn background_deletion_removes_the_deployment_then_its_replica_sets_and_pods() {
    let (mut cluster, kubelet) = three_pod_deployment(20);
    delete_with(
        &mut cluster,
        Deployment::resource_type(),
        "web",
        PropagationPolicy::Background,
    );
    assert!(
        cluster
            .api()
            .get(Deployment::resource_type(), "default", "web")
            .is_err(),
        "gone at once"
    );
    kubelet.settle(&mut cluster);
    assert_eq!(replica_set_count(&cluster), 0);
    assert!(pods(&cluster).is_empty());
}

#[test]
fn foreground_deletion_keeps_the_deployment_until_its_dependents_are_gone() {
    let (mut cluster, kubelet) = three_pod_deployment(21);
    delete_with(
        &mut cluster,
        Deployment::resource_type(),
        "web",
        PropagationPolicy::Foreground,
    );
    let d = deployment(&cluster, "web");
    assert!(d.metadata.is_being_deleted());
    assert!(d.metadata.has_finalizer("foregroundDeletion"));
    kubelet.settle(&mut cluster);
    assert!(
        cluster
            .api()
            .get(Deployment::resource_type(), "default", "web")
            .is_err()
    );
    assert_eq!(replica_set_count(&cluster), 0);
    assert!(pods(&cluster).is_empty());
}

#[test]
fn orphan_deletion_leaves_the_replica_set_running_its_pods() {
    let (mut cluster, kubelet) = three_pod_deployment(22);
    let rs_name = replica_sets_of(&cluster, "web")[0]
        .metadata
        .name()
        .to_string();
    delete_with(
        &mut cluster,
        Deployment::resource_type(),
        "web",
        PropagationPolicy::Orphan,
    );
    kubelet.settle(&mut cluster);
    assert!(
        cluster
            .api()
            .get(Deployment::resource_type(), "default", "web")
            .is_err()
    );
    let rs = get::<ReplicaSet>(&cluster, &rs_name);
    assert!(rs.metadata.owner_references().is_empty(), "orphaned");
    assert_eq!(active_pods(&cluster).len(), 3);
    assert!(
        active_pods(&cluster)
            .iter()
            .all(|pod| pod.metadata.controller_ref().unwrap().name == rs_name)
    );
    // The orphaned ReplicaSet still keeps its pods.
    let victim = active_pods(&cluster)[0].metadata.name().to_string();
    delete_pod(&mut cluster, &victim);
    kubelet.settle(&mut cluster);
    assert_eq!(active_pods(&cluster).len(), 3);
}

/// A rolling update's whole event trace, as (reason, message) in order.
fn rollout_trace(seed: u64) -> (Vec<(String, String, String)>, u64) {
    let (mut cluster, kubelet) = three_pod_deployment(seed);
    set_image(&mut cluster, "web", "nginx:1.26");
    kubelet.advance(&mut cluster, 3);
    let mut trace: Vec<(String, String, String)> = cluster
        .api()
        .list(
            kubesim::model::event::Event::resource_type(),
            Some("default"),
        )
        .filter_map(|o| o.as_::<kubesim::model::event::Event>().cloned())
        .map(|e| {
            (
                e.metadata.name().to_string(),
                e.reason.unwrap_or_default(),
                e.message.unwrap_or_default(),
            )
        })
        .collect();
    trace.sort();
    (trace, cluster.fingerprint())
}

#[test]
fn the_same_seed_gives_the_same_event_trace() {
    let (first, first_print) = rollout_trace(99);
    let (second, second_print) = rollout_trace(99);
    assert!(first.len() > 10);
    assert_eq!(first, second);
    assert_eq!(first_print, second_print);
    let (other, _) = rollout_trace(100);
    assert_ne!(first, other, "another seed names pods differently");
}

#[test]
fn a_replica_set_relabelled_out_of_the_selector_is_released_and_replaced() {
    let (mut cluster, kubelet) = three_pod_deployment(23);
    let released = replica_sets_of(&cluster, "web")[0].clone();
    let mut relabelled = released.clone();
    relabelled.metadata.set_label("app", "debug");
    cluster
        .api_mut()
        .update(kubesim::model::Object::ReplicaSet(Box::new(relabelled)))
        .unwrap();
    kubelet.settle(&mut cluster);

    let orphan = get::<ReplicaSet>(&cluster, released.metadata.name());
    assert!(orphan.metadata.owner_references().is_empty(), "released");
    // Its name is taken, so the new ReplicaSet needs a new hash: collisionCount 1.
    let d = deployment(&cluster, "web");
    assert_eq!(d.status().collision_count, Some(1));
    let owned = replica_sets_of(&cluster, "web");
    assert_eq!(owned.len(), 1);
    assert_ne!(owned[0].metadata.name(), released.metadata.name());
    let selector: Selector = d.spec().selector.unwrap().to_selector().unwrap();
    assert!(selector.matches(owned[0].metadata.labels_or_empty()));
    assert_eq!(spec_replicas(&owned[0]), 3);
}

// ---------------------------------------------------------------------------------------
// End to end: the real scheduler and kubelets on the default cluster.

#[test]
fn end_to_end_an_nginx_deployment_becomes_available_on_the_workers() {
    let mut cluster = default_cluster();
    apply(&mut cluster, &deployment_yaml("nginx", 3, "nginx:1.25", ""));
    wait_seconds(&mut cluster, 120);

    let d = deployment(&cluster, "nginx");
    assert_eq!(
        condition(&d, "Available"),
        Some(("True".into(), "MinimumReplicasAvailable".into()))
    );
    assert_eq!(
        condition(&d, "Progressing"),
        Some(("True".into(), "NewReplicaSetAvailable".into()))
    );
    assert_eq!(d.status().available_replicas, Some(3));
    let pods = active_pods(&cluster);
    assert_eq!(pods.len(), 3);
    for pod in &pods {
        assert!(
            pod.node_name().starts_with("worker-"),
            "{} on {:?}",
            pod.metadata.name(),
            pod.node_name()
        );
        assert_eq!(pod.phase(), "Running");
    }
}

#[test]
fn end_to_end_a_bad_image_tag_exceeds_the_progress_deadline() {
    let mut cluster = default_cluster();
    apply(&mut cluster, &deployment_yaml("nginx", 3, "nginx:1.25", ""));
    wait_seconds(&mut cluster, 120);
    set_image(&mut cluster, "nginx", "nginx:1.161");
    // The default progressDeadlineSeconds is 600.
    wait_seconds(&mut cluster, 300);
    let d = deployment(&cluster, "nginx");
    assert_eq!(
        condition(&d, "Progressing"),
        Some(("True".into(), "ReplicaSetUpdated".into()))
    );
    wait_seconds(&mut cluster, 400);
    let d = deployment(&cluster, "nginx");
    assert_eq!(
        condition(&d, "Progressing"),
        Some(("False".into(), "ProgressDeadlineExceeded".into()))
    );
    // 3 replicas at 25%: one surge pod that never starts, all three old pods serving.
    assert_eq!(
        condition(&d, "Available"),
        Some(("True".into(), "MinimumReplicasAvailable".into()))
    );
    assert_eq!(d.status().available_replicas, Some(3));
    assert_eq!(d.status().updated_replicas, Some(1));
}
