//! Table tests of the shared controller helpers, carrying upstream's cases
//! (`pkg/controller/controller_utils_test.go`, `controller_ref_manager_test.go`).

use std::sync::Arc;

use kubesim::api_server::ApiServer;
use kubesim::controllers::controller_utils::{
    ControllerExpectations, DeletionClass, DeletionRank, EXPECTATIONS_TIMEOUT, active_pods_less,
    claim, claim_candidates, controller_ref, delete_first, first_to_delete, pod_from_template,
    pod_name_prefix, slow_start_batch, sort_pods_for_deletion,
};
use kubesim::model::pod::{ContainerStatus, Pod, PodCondition, PodStatus, PodTemplateSpec};
use kubesim::model::replica_set::ReplicaSet;
use kubesim::model::selector::Selector;
use kubesim::model::{Object, ObjectMeta, Resource, Shared, Time};
use kubesim::{SimDuration, SimTime, Simulation, SimulationConfig};

// Upstream TestSlowStartBatch: a call fails once callLimit calls have been made.
#[test]
fn slow_start_batch_doubles_and_stops_at_the_first_failing_batch() {
    // (name, count, callLimit, expectedSuccesses, expectError, expectedCallCnt)
    let cases = [
        ("callLimit = 0 (all fail)", 10, 0, 0, true, 1),
        ("callLimit = count (all succeed)", 10, 10, 10, false, 10),
        ("callLimit < count (some succeed)", 10, 5, 5, true, 7),
    ];
    for (name, count, call_limit, successes, error, calls) in cases {
        let mut call_count = 0;
        let (got_successes, got_error) = slow_start_batch(count, 1, || {
            call_count += 1;
            if call_count > call_limit {
                Err("fake error")
            } else {
                Ok(())
            }
        });
        assert_eq!(got_successes, successes, "{name}: successes");
        assert_eq!(got_error.is_some(), error, "{name}: error");
        assert_eq!(call_count, calls, "{name}: calls");
    }
}

// Upstream TestControllerExpectations: expectations are satisfied once every creation
// and deletion was observed, or once they are older than the timeout.
#[test]
fn expectations_are_satisfied_when_observed_or_expired() {
    let now = SimTime::DEFAULT_EPOCH;
    let mut expectations = ControllerExpectations::default();
    assert!(expectations.satisfied("ns/rs", now), "no record syncs");
    expectations.expect_creations("ns/rs", 2, now);
    assert!(!expectations.satisfied("ns/rs", now));
    expectations.creation_observed("ns/rs");
    assert!(!expectations.satisfied("ns/rs", now));
    expectations.creation_observed("ns/rs");
    assert!(expectations.satisfied("ns/rs", now));

    expectations.expect_creations("ns/rs", 1, now);
    assert!(!expectations.satisfied("ns/rs", now + EXPECTATIONS_TIMEOUT));
    assert!(expectations.satisfied(
        "ns/rs",
        now + EXPECTATIONS_TIMEOUT + SimDuration::from_millis(1)
    ));
}

// Upstream TestUIDExpectations: only the awaited pods' deletions count, each once.
#[test]
fn tracked_deletions_count_only_the_awaited_pods_once() {
    let now = SimTime::DEFAULT_EPOCH;
    let mut expectations = ControllerExpectations::default();
    expectations.expect_deletions_of("ns/rs", vec!["ns/a".into(), "ns/b".into()], now);
    expectations.deletion_observed("ns/rs", "ns/other");
    expectations.deletion_observed("ns/rs", "ns/a");
    expectations.deletion_observed("ns/rs", "ns/a");
    assert!(!expectations.satisfied("ns/rs", now));
    expectations.deletion_observed("ns/rs", "ns/b");
    assert!(expectations.satisfied("ns/rs", now));
}

fn pod(name: &str, node: &str, phase: &str) -> Pod {
    Pod {
        metadata: ObjectMeta {
            name: Some(name.to_string()),
            uid: Some(format!("uid-{name}")),
            ..ObjectMeta::default()
        },
        spec: Some(
            kubesim::model::pod::PodSpec {
                node_name: (!node.is_empty()).then(|| node.to_string()),
                ..Default::default()
            }
            .into(),
        ),
        status: Some(PodStatus {
            phase: Some(phase.to_string()),
            ..PodStatus::default()
        }),
    }
}

fn ready(mut pod: Pod, since: Option<SimTime>, restarts: &[i32]) -> Pod {
    let status = pod.status.get_or_insert_with(Default::default);
    status.conditions = Some(vec![PodCondition {
        type_: Some("Ready".to_string()),
        status: Some("True".to_string()),
        last_transition_time: since.map(Time),
        ..PodCondition::default()
    }]);
    status.container_statuses = Some(
        restarts
            .iter()
            .map(|&count| ContainerStatus {
                restart_count: Some(count),
                ..ContainerStatus::default()
            })
            .collect(),
    );
    pod
}

fn created(mut pod: Pod, at: SimTime) -> Pod {
    pod.metadata.creation_timestamp = Some(Time(at));
    pod
}

// Upstream TestSortingActivePods: the plain ActivePods order.
#[test]
fn active_pods_sort_in_upstream_order() {
    let now = SimTime::DEFAULT_EPOCH + SimDuration::from_secs(100 * 86_400);
    let then = now - SimDuration::from_secs(30 * 86_400);
    let want = vec![
        pod("unscheduled", "", "Pending"),
        pod("scheduledButPending", "bar", "Pending"),
        pod("unknownPhase", "foo", "Unknown"),
        pod("runningButNotReady", "foo", "Running"),
        ready(
            pod("runningNoLastTransitionTime", "foo", "Running"),
            None,
            &[3, 0],
        ),
        ready(
            pod("runningWithLastTransitionTime", "foo", "Running"),
            Some(now),
            &[3, 0],
        ),
        ready(
            pod("runningLongerTime", "foo", "Running"),
            Some(then),
            &[3, 0],
        ),
        created(
            ready(
                pod("lowerContainerRestartCount", "foo", "Running"),
                Some(then),
                &[2, 1],
            ),
            now,
        ),
        created(
            ready(pod("oldest", "foo", "Running"), Some(then), &[2, 1]),
            then,
        ),
    ];
    let names = |pods: &[Pod]| {
        pods.iter()
            .map(|p| p.metadata.name().to_string())
            .collect::<Vec<_>>()
    };
    // Every rotation and the reverse of the input sorts to the same order.
    for rotation in 0..want.len() {
        for reverse in [false, true] {
            let mut pods = want.clone();
            pods.rotate_left(rotation);
            if reverse {
                pods.reverse();
            }
            pods.sort_by(|a, b| {
                if active_pods_less(a, b) {
                    std::cmp::Ordering::Less
                } else if active_pods_less(b, a) {
                    std::cmp::Ordering::Greater
                } else {
                    std::cmp::Ordering::Equal
                }
            });
            assert_eq!(
                names(&pods),
                names(&want),
                "rotation {rotation} reverse {reverse}"
            );
        }
    }
}

// Upstream TestSortingActivePodsWithRanks: deletion cost, then rank (doubled-up pods
// first), then ready time in log2 buckets with the UID as tie-break.
#[test]
fn ranked_ordering_uses_deletion_cost_rank_and_log_buckets() {
    let now = SimTime::DEFAULT_EPOCH + SimDuration::from_secs(10_000);
    let ready_pod = |name: &str, ago_seconds: i64| {
        ready(
            pod(name, "node-a", "Running"),
            Some(now - SimDuration::from_secs(ago_seconds)),
            &[0],
        )
    };
    // Lower deletion cost goes first even when its rank is lower.
    let mut cheap = ready_pod("cheap", 100);
    cheap
        .metadata
        .set_annotation("controller.kubernetes.io/pod-deletion-cost", "-10");
    let expensive = ready_pod("expensive", 100);
    assert!(delete_first((&cheap, 0), (&expensive, 5), Some(now), true));
    assert!(!delete_first((&expensive, 5), (&cheap, 0), Some(now), true));
    // Higher rank goes first at equal cost.
    assert!(delete_first(
        (&expensive, 2),
        (&ready_pod("alone", 100), 1),
        Some(now),
        true
    ));
    // 5 s and 6 s ago share the bucket floor(log2(5e9)) = floor(log2(6e9)) = 32: UID decides.
    let five = ready_pod("a-five", 5);
    let six = ready_pod("b-six", 6);
    assert!(delete_first((&five, 0), (&six, 0), Some(now), true));
    assert!(!delete_first((&six, 0), (&five, 0), Some(now), true));
    // Without the log buckets the more recently ready pod goes first.
    assert!(delete_first((&five, 0), (&six, 0), Some(now), false));
    assert!(delete_first(
        (&six, 0),
        (&ready_pod("a-ten", 100), 0),
        Some(now),
        true
    ));
    // The ranking counts related active pods per node.
    let objects = |pods: Vec<Pod>| {
        pods.into_iter()
            .map(|p| Arc::new(Object::Pod(Box::new(p))))
            .collect::<Vec<_>>()
    };
    let mut crowded = objects(vec![
        ready(
            pod("p-alone", "node-b", "Running"),
            Some(now - SimDuration::from_secs(100)),
            &[0],
        ),
        ready(
            pod("p-crowded", "node-a", "Running"),
            Some(now - SimDuration::from_secs(100)),
            &[0],
        ),
    ]);
    let related = objects(vec![
        pod("r1", "node-a", "Running"),
        pod("r2", "node-a", "Running"),
        pod("r3", "node-b", "Running"),
    ]);
    sort_pods_for_deletion(&mut crowded, &related, now);
    assert_eq!(crowded[0].name(), "p-crowded");
}

/// The scale-down comparator as written before ranks were computed once per pod (a
/// direct transcription of `ActivePodsWithRanks.Less`), the oracle for the tests below.
fn oracle_delete_first(a: (&Pod, usize), b: (&Pod, usize), now: SimTime) -> bool {
    use kubesim::model::pod_util::{
        is_pod_ready, max_container_restarts, pod_deletion_cost, pod_ready_time,
    };
    let ((a, rank_a), (b, rank_b)) = (a, b);
    let phase = |pod: &Pod| match pod.phase() {
        "Unknown" => 1,
        "Running" => 2,
        _ => 0,
    };
    let bucket = |time: SimTime| {
        let nanos = (now - time).as_millis() as f64 * 1e6;
        if nanos > 0.0 {
            nanos.log2().floor() as i64
        } else {
            -1
        }
    };
    let after_or_zero = |l: Option<SimTime>, r: Option<SimTime>| match (l, r) {
        (None, _) | (_, None) => l.is_none(),
        (Some(l), Some(r)) => l > r,
    };
    let (node_a, node_b) = (a.node_name(), b.node_name());
    if node_a != node_b && (node_a.is_empty() || node_b.is_empty()) {
        return node_a.is_empty();
    }
    if phase(a) != phase(b) {
        return phase(a) < phase(b);
    }
    if is_pod_ready(a) != is_pod_ready(b) {
        return !is_pod_ready(a);
    }
    if pod_deletion_cost(a) != pod_deletion_cost(b) {
        return pod_deletion_cost(a) < pod_deletion_cost(b);
    }
    if rank_a != rank_b {
        return rank_a > rank_b;
    }
    let uid_order = || a.metadata.uid() < b.metadata.uid();
    if is_pod_ready(a) && is_pod_ready(b) {
        let (ready_a, ready_b) = (pod_ready_time(a), pod_ready_time(b));
        if ready_a != ready_b {
            return match (ready_a, ready_b) {
                (Some(ta), Some(tb)) => {
                    let diff = bucket(ta) - bucket(tb);
                    if diff == 0 { uid_order() } else { diff < 0 }
                }
                _ => after_or_zero(ready_a, ready_b),
            };
        }
    }
    let (restarts_a, restarts_b) = (max_container_restarts(a), max_container_restarts(b));
    if restarts_a != restarts_b {
        return restarts_a > restarts_b;
    }
    let created_a = a.metadata.creation_timestamp.map(|time| time.0);
    let created_b = b.metadata.creation_timestamp.map(|time| time.0);
    if created_a != created_b {
        return match (created_a, created_b) {
            (Some(ta), Some(tb)) => {
                let diff = bucket(ta) - bucket(tb);
                if diff == 0 { uid_order() } else { diff < 0 }
            }
            _ => after_or_zero(created_a, created_b),
        };
    }
    false
}

/// The oracle's stable, panic-free top-down merge sort (as kubesim's).
fn oracle_sort(items: &mut [(Pod, usize)], now: SimTime) {
    if items.len() <= 1 {
        return;
    }
    let middle = items.len() / 2;
    oracle_sort(&mut items[..middle], now);
    oracle_sort(&mut items[middle..], now);
    let mut merged = Vec::new();
    let (mut left, mut right) = (0, middle);
    while left < middle && right < items.len() {
        let (r, l) = (&items[right], &items[left]);
        if oracle_delete_first((&r.0, r.1), (&l.0, l.1), now) {
            merged.push(items[right].clone());
            right += 1;
        } else {
            merged.push(items[left].clone());
            left += 1;
        }
    }
    merged.extend_from_slice(&items[left..middle]);
    merged.extend_from_slice(&items[right..]);
    items.clone_from_slice(&merged);
}

/// Pods drawn from few values, so that ties and the comparator's inconsistent cases
/// (equal ready times beside different ones in one log bucket) are frequent.
fn random_pods(seed: u64, len: usize, now: SimTime) -> Vec<Pod> {
    let mut state = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    let mut draw = |n: u64| {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        (state >> 33) % n
    };
    (0..len)
        .map(|i| {
            let node = ["", "node-a", "node-b", "node-c"][draw(4) as usize];
            let phase = ["Pending", "Running", "Running", "Unknown"][draw(4) as usize];
            let mut pod = pod(&format!("p{i:03}"), node, phase);
            pod.metadata.uid = Some(format!("uid-{:02}", draw(40)));
            if draw(3) > 0 {
                let ago = [None, Some(3), Some(5), Some(6), Some(7), Some(20)][draw(6) as usize];
                let restarts = [draw(2) as i32];
                pod = ready(pod, ago.map(|s| now - SimDuration::from_secs(s)), &restarts);
            }
            if draw(4) > 0 {
                let ago = [0, 3, 5, 6, 100][draw(5) as usize];
                pod = created(pod, now - SimDuration::from_secs(ago));
            }
            if draw(8) == 0 {
                pod.metadata.set_annotation(
                    "controller.kubernetes.io/pod-deletion-cost",
                    ["-1", "5", "x"][draw(3) as usize],
                );
            }
            pod
        })
        .collect()
}

// The ranks computed once per pod order pods exactly as the comparator did, and the
// class-by-class selection of the first k equals the first k of the full sort, for
// every k, inconsistent cases included.
#[test]
fn ranked_selection_equals_the_full_merge_sort() {
    let now = SimTime::DEFAULT_EPOCH + SimDuration::from_secs(10_000);
    for seed in 0..300 {
        let len = 1 + (seed as usize * 7) % 40;
        let pods = random_pods(seed, len, now);
        let related: Vec<Arc<Object>> = random_pods(seed + 1000, 12, now)
            .into_iter()
            .chain(pods.iter().cloned())
            .map(|pod| Arc::new(Object::Pod(Box::new(pod))))
            .collect();
        let rank_of = |pod: &Pod| {
            related
                .iter()
                .filter_map(|object| object.as_::<Pod>())
                .filter(|other| {
                    kubesim::model::pod_util::is_pod_active(other)
                        && other.node_name() == pod.node_name()
                })
                .count()
        };
        let mut oracle: Vec<(Pod, usize)> =
            pods.iter().map(|pod| (pod.clone(), rank_of(pod))).collect();
        oracle_sort(&mut oracle, now);
        let want: Vec<String> = oracle
            .iter()
            .map(|(pod, _)| pod.metadata.name().to_string())
            .collect();
        let mut sorted: Vec<Arc<Object>> = pods
            .iter()
            .map(|pod| Arc::new(Object::Pod(Box::new(pod.clone()))))
            .collect();
        sort_pods_for_deletion(&mut sorted, &related, now);
        let got: Vec<String> = sorted.iter().map(|o| o.name().to_string()).collect();
        assert_eq!(got, want, "seed {seed}: full sort");
        let classes: Vec<DeletionClass> = pods
            .iter()
            .map(|pod| DeletionClass::of(pod, rank_of(pod)))
            .collect();
        for count in 1..len {
            let chosen = first_to_delete(&classes, count, |position| {
                DeletionRank::with_class(&pods[position], classes[position], Some(now))
            });
            let names: Vec<String> = chosen
                .iter()
                .map(|&position| pods[position].metadata.name().to_string())
                .collect();
            assert_eq!(names, want[..count], "seed {seed}: first {count}");
        }
    }
}

fn replica_set(name: &str, uid_labels: &[(&str, &str)]) -> ReplicaSet {
    let labels: std::collections::BTreeMap<String, String> = uid_labels
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    serde_json::from_value(serde_json::json!({
        "metadata": { "name": name, "namespace": "default" },
        "spec": {
            "replicas": 1,
            "selector": { "matchLabels": labels },
            "template": {
                "metadata": { "labels": labels, "annotations": { "a": "b" } },
                "spec": { "containers": [{ "name": "c", "image": "nginx" }] }
            }
        }
    }))
    .unwrap()
}

#[test]
fn pods_from_templates_carry_labels_annotations_and_the_controller_ref() {
    let rs = replica_set("web-5d8f9", &[("app", "web")]);
    let owner = Object::ReplicaSet(Box::new(rs.clone()));
    let template = rs.spec.as_ref().unwrap().template.as_ref().unwrap();
    let pod = pod_from_template(template, &rs.metadata, Some(controller_ref(&owner)));
    assert!(
        Shared::ptr_eq(pod.spec.as_ref().unwrap(), template.spec.as_ref().unwrap()),
        "the pod shares the template's spec until admission changes it"
    );
    assert_eq!(pod.metadata.generate_name.as_deref(), Some("web-5d8f9-"));
    assert_eq!(pod.metadata.namespace.as_deref(), Some("default"));
    assert_eq!(pod.metadata.label("app"), Some("web"));
    assert_eq!(pod.metadata.annotation("a"), Some("b"));
    let reference = &pod.metadata.owner_references()[0];
    assert_eq!(
        (reference.kind.as_str(), reference.api_version.as_str()),
        ("ReplicaSet", "apps/v1")
    );
    assert_eq!(
        (reference.controller, reference.block_owner_deletion),
        (Some(true), Some(true))
    );
    assert!(PodTemplateSpec::default().spec.is_none());
    // A name whose "-" suffix would not be a valid prefix is used as is.
    assert_eq!(pod_name_prefix(&"a".repeat(253)), "a".repeat(253));
}

// Upstream TestClaimPods (controller_ref_manager_test.go): adopt matching orphans,
// release owned pods that stopped matching, ignore pods controlled by others.
#[test]
fn claim_adopts_orphans_releases_strays_and_ignores_others() {
    let mut simulation = Simulation::new(SimulationConfig::default());
    let api: &mut ApiServer = simulation.api_mut();
    let owner = api
        .create(Object::ReplicaSet(Box::new(replica_set(
            "web",
            &[("app", "web")],
        ))))
        .unwrap();
    let other = api
        .create(Object::ReplicaSet(Box::new(replica_set(
            "other",
            &[("app", "web")],
        ))))
        .unwrap();
    let template = ReplicaSet::from_object(&owner)
        .unwrap()
        .spec()
        .template
        .unwrap();
    let mut make = |name: &str, app: &str, controller: Option<&Object>| {
        let mut pod =
            pod_from_template(&template, owner.metadata(), controller.map(controller_ref));
        pod.metadata.generate_name = None;
        pod.metadata.name = Some(name.to_string());
        pod.metadata.set_label("app", app);
        api.create(Object::Pod(Box::new(pod))).unwrap()
    };
    make("orphan-match", "web", None);
    make("orphan-other-labels", "db", None);
    make("owned-match", "web", Some(&owner));
    make("owned-stray", "db", Some(&owner));
    make("someone-elses", "web", Some(&other));

    let candidates = claim_candidates(api, owner.metadata(), Pod::resource_type());
    let names: Vec<&str> = candidates.iter().map(|c| c.name()).collect();
    assert_eq!(
        names,
        [
            "orphan-match",
            "orphan-other-labels",
            "owned-match",
            "owned-stray"
        ],
        "candidates come from the owner and orphan indexes, not others' pods"
    );
    let selector = Selector::parse("app=web").unwrap();
    let result = claim(api, &owner, &selector, candidates, |_| true);
    assert!(result.errors.is_empty(), "{:?}", result.errors);
    let claimed: Vec<&str> = result.claimed.iter().map(|c| c.name()).collect();
    assert_eq!(claimed, ["orphan-match", "owned-match"]);
    let adopted = api
        .get(Pod::resource_type(), "default", "orphan-match")
        .unwrap();
    assert_eq!(
        adopted.metadata().controller_ref().unwrap().uid,
        owner.metadata().uid()
    );
    let released = api
        .get(Pod::resource_type(), "default", "owned-stray")
        .unwrap();
    assert!(released.metadata().owner_references().is_empty());
    // The orphan index follows the writes.
    let orphans: Vec<String> = api
        .store()
        .without_controller(Pod::resource_type(), "default")
        .map(|key| key.name.to_string())
        .collect();
    assert_eq!(orphans, ["orphan-other-labels", "owned-stray"]);
}
