//! Table tests of the rollout arithmetic, carrying upstream's own cases from
//! `pkg/controller/deployment/{rolling_test.go,sync_test.go,progress_test.go}` and
//! `pkg/controller/deployment/util/deployment_util_test.go`.

// The tables are tuples, as upstream writes them as struct literals.
#![allow(clippy::type_complexity)]

use kubesim::SimTime;
use kubesim::controllers::deployment::rolling::{
    cleanup_unhealthy_replicas, reconcile_new_replica_set, reconcile_old_replica_sets,
    scale_down_old_replica_sets_for_rolling_update,
};
use kubesim::controllers::deployment::sync::{apply_ops, cleanup_plan, scale_plan};
use kubesim::controllers::deployment::util::*;
use kubesim::model::Time;
use kubesim::model::deployment::{Deployment, DeploymentStatus};
use kubesim::model::intstr::{IntOrString, resolve_fenceposts};
use kubesim::model::pod::PodTemplateSpec;
use kubesim::model::replica_set::ReplicaSet;
use serde_json::{Value, json};

/// upstream `newDeployment(name, replicas, revisionHistoryLimit, maxSurge, maxUnavailable, selector)`.
fn deployment(replicas: i32, max_surge: Value, max_unavailable: Value) -> Deployment {
    serde_json::from_value(json!({
        "metadata": { "name": "foo", "namespace": "default", "uid": "d-uid", "generation": 1 },
        "spec": {
            "replicas": replicas,
            "selector": { "matchLabels": { "foo": "bar" } },
            "strategy": {
                "type": "RollingUpdate",
                "rollingUpdate": { "maxSurge": max_surge, "maxUnavailable": max_unavailable }
            },
            "template": {
                "metadata": { "labels": { "foo": "bar" } },
                "spec": { "containers": [{ "name": "foo", "image": "foo/bar" }] }
            }
        }
    }))
    .unwrap()
}

fn recreate(replicas: i32) -> Deployment {
    let mut d = deployment(replicas, json!(0), json!(0));
    let strategy = d
        .spec
        .as_mut()
        .unwrap()
        .make_mut()
        .strategy
        .as_mut()
        .unwrap();
    strategy.type_ = Some("Recreate".to_string());
    strategy.rolling_update = None;
    d
}

const BASE: i64 = 1_700_000_000;

/// upstream `rs(name, replicas, selector, timestamp)` with status available replicas.
fn rs(name: &str, replicas: i32, available: i32, created_seconds: i64) -> ReplicaSet {
    serde_json::from_value(json!({
        "metadata": {
            "name": name, "namespace": "default", "uid": format!("uid-{name}"),
            "creationTimestamp": SimTime::from_unix_seconds(BASE + created_seconds).to_rfc3339(),
        },
        "spec": {
            "replicas": replicas,
            "selector": { "matchLabels": { "foo": "bar" } },
            "template": {
                "metadata": { "labels": { "foo": "bar" } },
                "spec": { "containers": [{ "name": "foo", "image": "foo/bar" }] }
            }
        },
        "status": { "replicas": replicas, "availableReplicas": available }
    }))
    .unwrap()
}

fn with_annotations(mut rs: ReplicaSet, pairs: &[(&str, &str)]) -> ReplicaSet {
    for (key, value) in pairs {
        rs.metadata.set_annotation(key, value);
    }
    rs
}

// TestResolveFenceposts (deployment_util_test.go).
#[test]
fn resolve_fenceposts_table() {
    let s = |text: &str| Some(IntOrString::String(text.to_string()));
    let cases: [(
        Option<IntOrString>,
        Option<IntOrString>,
        i32,
        i32,
        i32,
        bool,
    ); 7] = [
        (s("0%"), s("0%"), 0, 0, 1, false),
        (s("39%"), s("39%"), 10, 4, 3, false),
        (s("oops"), s("39%"), 10, 0, 0, true),
        (s("55%"), s("urg"), 10, 0, 0, true),
        (None, s("39%"), 10, 0, 3, false),
        (s("39%"), None, 10, 4, 0, false),
        (None, None, 10, 0, 1, false),
    ];
    for (surge, unavailable, desired, want_surge, want_unavailable, want_error) in cases {
        let result = resolve_fenceposts(surge.as_ref(), unavailable.as_ref(), desired);
        match result {
            Ok((got_surge, got_unavailable)) => {
                assert!(!want_error, "{surge:?}/{unavailable:?}: expected an error");
                assert_eq!((got_surge, got_unavailable), (want_surge, want_unavailable));
            }
            Err(_) => assert!(want_error, "{surge:?}/{unavailable:?}: unexpected error"),
        }
    }
}

// TestMaxUnavailable and TestMinAvailable (deployment_util_test.go), maxSurge 1.
#[test]
fn max_unavailable_and_min_available_tables() {
    let cases = [
        (10, json!(5), 5, 5),
        (10, json!(10), 10, 0),
        (5, json!(10), 5, 0),
        (0, json!(10), 0, 0),
        (10, json!("50%"), 5, 5),
        (10, json!("100%"), 10, 0),
        (5, json!("100%"), 5, 0),
    ];
    for (replicas, max_unavailable_value, want_max, want_min) in cases {
        let d = deployment(replicas, json!(1), max_unavailable_value.clone());
        assert_eq!(
            max_unavailable(&d),
            want_max,
            "{replicas} {max_unavailable_value}"
        );
        assert_eq!(
            min_available(&d),
            want_min,
            "{replicas} {max_unavailable_value}"
        );
    }
    assert_eq!(max_unavailable(&recreate(10)), 0);
    assert_eq!(min_available(&recreate(10)), 0);
    assert_eq!(
        min_available(&deployment(10, json!(1), json!("60%"))),
        4,
        "TestMinAvailable: 60% of 10 rounds down to 6"
    );
}

// TestNewRSNewReplicas (deployment_util_test.go): allRSs = [rs5 with 5 replicas].
#[test]
fn new_rs_new_replicas_table() {
    let rs5 = rs("rs5", 5, 5, 0);
    let cases = [
        (
            "can not scale up - to newRSReplicas",
            deployment(1, json!(1), json!(1)),
            5,
            5,
        ),
        (
            "scale up - to depReplicas",
            deployment(6, json!(10), json!(1)),
            2,
            6,
        ),
        ("recreate - to depReplicas", recreate(3), 1, 3),
    ];
    for (name, d, new_replicas, want) in cases {
        let new_rs = rs("new", new_replicas, 0, 1);
        assert_eq!(
            new_rs_new_replicas(&d, &[&rs5], &new_rs).unwrap(),
            want,
            "{name}"
        );
    }
}

// TestDeploymentController_reconcileNewReplicaSet (rolling_test.go): maxUnavailable 0.
#[test]
fn reconcile_new_replica_set_table() {
    // (deploymentReplicas, maxSurge, oldReplicas, newReplicas, scaleExpected, expectedNewReplicas)
    let cases = [
        (10, 0, 10, 0, false, 0),
        (10, 2, 10, 0, true, 2),
        (10, 2, 5, 0, true, 7),
        (10, 2, 10, 2, false, 0),
        (10, 2, 2, 11, true, 10),
    ];
    for (i, (replicas, surge, old, new, scale, want)) in cases.into_iter().enumerate() {
        let d = deployment(replicas, json!(surge), json!(0));
        let new_rs = rs("foo-v2", new, new, 1);
        let old_rs = rs("foo-v1", old, old, 0);
        let got = reconcile_new_replica_set(&[&new_rs, &old_rs], &new_rs, &d).unwrap();
        assert_eq!(got.is_some(), scale, "case {i}");
        if scale {
            assert_eq!(got, Some(want), "case {i}");
        }
    }
}

// TestDeploymentController_reconcileOldReplicaSets (rolling_test.go): maxSurge 0,
// old RS available = readyPodsFromOldRS, new RS available = readyPodsFromNewRS.
#[test]
fn reconcile_old_replica_sets_table() {
    // (deploymentReplicas, maxUnavailable, oldReplicas, newReplicas, readyOld, readyNew, scaleExpected, expectedOld)
    let cases = [
        (10, 0, 10, 0, 10, 0, true, 9),
        (10, 2, 10, 0, 10, 0, true, 8),
        (10, 2, 10, 0, 8, 0, true, 8),
        (10, 2, 10, 0, 9, 0, true, 8),
        (10, 2, 8, 2, 8, 0, false, 0),
    ];
    for (i, (replicas, unavailable, old, new, ready_old, ready_new, scale, want_old)) in
        cases.into_iter().enumerate()
    {
        let d = deployment(replicas, json!(0), json!(unavailable));
        let new_rs = rs("foo-new", new, ready_new, 1);
        let old_rs = rs("foo-old", old, ready_old, 0);
        let ops = reconcile_old_replica_sets(&[&new_rs, &old_rs], &[&old_rs], &new_rs, &d);
        assert_eq!(!ops.is_empty(), scale, "case {i}: {ops:?}");
        if scale {
            let mut after = vec![old_rs.clone()];
            apply_ops(&mut after, &ops);
            assert_eq!(rs_replicas(&after[0]), want_old, "case {i}");
        }
    }
}

// TestDeploymentController_cleanupUnhealthyReplicas (rolling_test.go): an old RS of 10.
#[test]
fn cleanup_unhealthy_replicas_table() {
    // (oldReplicas, readyPods, unHealthyPods, maxCleanupCount, cleanupCountExpected)
    let cases = [
        (10, 8, 2, 1, 1),
        (10, 8, 2, 3, 2),
        (10, 8, 2, 0, 0),
        (10, 10, 0, 3, 0),
    ];
    for (i, (replicas, ready, _unhealthy, max_cleanup, want)) in cases.into_iter().enumerate() {
        let mut old = vec![rs("foo-v2", replicas, ready, 0)];
        let (_, cleaned) = cleanup_unhealthy_replicas(&mut old, max_cleanup);
        assert_eq!(cleaned, want, "case {i}");
    }
}

// TestDeploymentController_scaleDownOldReplicaSetsForRollingUpdate (rolling_test.go):
// one old RS, maxSurge 0; allRSs = [oldRS].
#[test]
fn scale_down_old_replica_sets_for_rolling_update_table() {
    // (deploymentReplicas, maxUnavailable, readyPods, oldReplicas, scaleExpected, expectedOldReplicas)
    let cases = [
        (10, 0, 10, 10, true, 9),
        (10, 2, 10, 10, true, 8),
        (10, 2, 8, 10, false, 0),
        (10, 2, 10, 0, false, 0),
        (10, 2, 1, 10, false, 0),
    ];
    for (i, (replicas, unavailable, ready, old, scale, want)) in cases.into_iter().enumerate() {
        let d = deployment(replicas, json!(0), json!(unavailable));
        let mut olds = vec![rs("foo-old", old, ready, 0)];
        let (ops, _) = scale_down_old_replica_sets_for_rolling_update(&[], &mut olds, &d);
        assert_eq!(!ops.is_empty(), scale, "case {i}");
        if scale {
            assert_eq!(rs_replicas(&olds[0]), want, "case {i}");
        }
    }
}

/// TestScale's RS: annotated from the *old* deployment (desired = old replicas,
/// max = old replicas + old maxSurge); timestamps v1 < v2 < v3.
fn scale_rs(
    name: &str,
    replicas: i32,
    available: i32,
    created: i64,
    old: &Deployment,
) -> ReplicaSet {
    let desired = deployment_replicas(old).to_string();
    let max = (deployment_replicas(old) + max_surge(old)).to_string();
    with_annotations(
        rs(name, replicas, available, created),
        &[
            ("deployment.kubernetes.io/desired-replicas", &desired),
            ("deployment.kubernetes.io/max-replicas", &max),
        ],
    )
}

struct ScaleCase {
    name: &'static str,
    new_d: Deployment,
    old_d: Deployment,
    new_rs: Option<(i32, i32)>,
    old_rss: Vec<(i32, i32)>,
    want_new: Option<i32>,
    want_old: Vec<i32>,
}

// TestScale (sync_test.go).
#[test]
fn proportional_scale_table() {
    let d = |replicas: i32| deployment(replicas, json!(0), json!(0));
    let surge = |replicas: i32, surge: i32| deployment(replicas, json!(surge), json!(0));
    let cases = vec![
        ScaleCase {
            name: "normal scaling event: 10 -> 12",
            new_d: d(12),
            old_d: d(10),
            new_rs: Some((10, 10)),
            old_rss: vec![],
            want_new: Some(12),
            want_old: vec![],
        },
        ScaleCase {
            name: "normal scaling event: 10 -> 5",
            new_d: d(5),
            old_d: d(10),
            new_rs: Some((10, 10)),
            old_rss: vec![],
            want_new: Some(5),
            want_old: vec![],
        },
        ScaleCase {
            name: "proportional scaling: 5 -> 10",
            new_d: d(10),
            old_d: d(5),
            new_rs: Some((2, 2)),
            old_rss: vec![(3, 3)],
            want_new: Some(4),
            want_old: vec![6],
        },
        ScaleCase {
            name: "proportional scaling: 5 -> 3",
            new_d: d(3),
            old_d: d(5),
            new_rs: Some((2, 2)),
            old_rss: vec![(3, 3)],
            want_new: Some(1),
            want_old: vec![2],
        },
        ScaleCase {
            name: "proportional scaling: 9 -> 4",
            new_d: d(4),
            old_d: d(9),
            new_rs: Some((8, 8)),
            old_rss: vec![(1, 1)],
            want_new: Some(4),
            want_old: vec![0],
        },
        ScaleCase {
            name: "proportional scaling: 7 -> 10",
            new_d: d(10),
            old_d: d(7),
            new_rs: Some((2, 2)),
            old_rss: vec![(3, 3), (2, 2)],
            want_new: Some(3),
            want_old: vec![4, 3],
        },
        ScaleCase {
            name: "proportional scaling: 13 -> 8",
            new_d: d(8),
            old_d: d(13),
            new_rs: Some((2, 2)),
            old_rss: vec![(8, 8), (3, 3)],
            want_new: Some(1),
            want_old: vec![5, 2],
        },
        ScaleCase {
            name: "leftover distribution: 3 -> 4",
            new_d: d(4),
            old_d: d(3),
            new_rs: Some((1, 1)),
            old_rss: vec![(1, 1), (1, 1)],
            want_new: Some(2),
            want_old: vec![1, 1],
        },
        ScaleCase {
            name: "leftover distribution: 3 -> 2",
            new_d: d(2),
            old_d: d(3),
            new_rs: Some((1, 1)),
            old_rss: vec![(1, 1), (1, 1)],
            want_new: Some(1),
            want_old: vec![1, 0],
        },
        ScaleCase {
            name: "no new RS: 4 -> 5",
            new_d: d(5),
            old_d: d(4),
            new_rs: None,
            old_rss: vec![(2, 2), (2, 2)],
            want_new: None,
            want_old: vec![3, 2],
        },
        ScaleCase {
            name: "scale down to zero",
            new_d: d(0),
            old_d: d(6),
            new_rs: Some((3, 3)),
            old_rss: vec![(2, 2), (1, 1)],
            want_new: Some(0),
            want_old: vec![0, 0],
        },
        ScaleCase {
            name: "scale up from zero",
            new_d: d(6),
            old_d: d(6),
            new_rs: Some((0, 0)),
            old_rss: vec![(0, 0), (0, 0)],
            want_new: Some(6),
            want_old: vec![0, 0],
        },
        ScaleCase {
            name: "scenario: deployment.spec.replicas == 3 ( foo-v1.spec.replicas == foo-v2.spec.replicas == foo-v3.spec.replicas == 1 )",
            new_d: d(3),
            old_d: d(3),
            new_rs: Some((1, 1)),
            old_rss: vec![(1, 1), (1, 1)],
            want_new: Some(1),
            want_old: vec![1, 1],
        },
        ScaleCase {
            name: "deployment with surge pods",
            new_d: surge(20, 2),
            old_d: surge(10, 2),
            new_rs: Some((6, 6)),
            old_rss: vec![(6, 6)],
            want_new: Some(11),
            want_old: vec![11],
        },
        ScaleCase {
            name: "change both surge and size",
            new_d: surge(50, 6),
            old_d: surge(10, 3),
            new_rs: Some((5, 5)),
            old_rss: vec![(8, 8)],
            want_new: Some(22),
            want_old: vec![34],
        },
        ScaleCase {
            name: "change both size and template",
            new_d: d(14),
            old_d: d(10),
            new_rs: None,
            old_rss: vec![(7, 7), (3, 3)],
            want_new: None,
            want_old: vec![10, 4],
        },
        ScaleCase {
            name: "saturated but broken new replica set does not affect old pods",
            new_d: deployment(2, json!(1), json!(1)),
            old_d: deployment(2, json!(1), json!(1)),
            new_rs: Some((2, 0)),
            old_rss: vec![(1, 1)],
            want_new: Some(2),
            want_old: vec![1],
        },
    ];
    for case in cases {
        // Old RSs are v2, v1 (newest first), the new one v3 — or v2 without old pairs.
        let old_count = case.old_rss.len() as i64;
        let olds: Vec<ReplicaSet> = case
            .old_rss
            .iter()
            .enumerate()
            .map(|(i, (replicas, available))| {
                let version = old_count - i as i64;
                scale_rs(
                    &format!("foo-v{version}"),
                    *replicas,
                    *available,
                    version,
                    &case.old_d,
                )
            })
            .collect();
        let new_rs = case.new_rs.map(|(replicas, available)| {
            let version = old_count + 1;
            scale_rs(
                &format!("foo-v{version}"),
                replicas,
                available,
                version,
                &case.old_d,
            )
        });
        // The deployment's status.replicas is the old size (fallback for a missing annotation).
        let mut d = case.new_d.clone();
        d.status = Some(DeploymentStatus {
            replicas: Some(deployment_replicas(&case.old_d)),
            ..DeploymentStatus::default()
        });
        let old_refs: Vec<&ReplicaSet> = olds.iter().collect();
        let ops = scale_plan(&d, new_rs.as_ref(), &old_refs);
        let mut all: Vec<ReplicaSet> = olds.clone();
        all.extend(new_rs.clone());
        apply_ops(&mut all, &ops);
        let got_old: Vec<i32> = all[..olds.len()].iter().map(rs_replicas).collect();
        assert_eq!(got_old, case.want_old, "{}", case.name);
        if let Some(want_new) = case.want_new {
            assert_eq!(rs_replicas(all.last().unwrap()), want_new, "{}", case.name);
        }
    }
}

// TestGetReplicaSetFraction ([newer] deployment_util_test.go): maxUnavailable 1.
#[test]
fn replica_set_fraction_table() {
    // (deploymentReplicas, deploymentStatusReplicas, maxSurge, rsReplicas, maxReplicasAnnotation, expected)
    let cases: [(i32, i32, i32, i32, Option<&str>, i32); 9] = [
        (0, 0, 0, 10, None, -10),
        (10, 0, 0, 5, None, 0),
        (10, 0, 0, 5, Some("0"), 0),
        (120, 100, 0, 50, None, 10),
        (120, 100, 0, 50, Some("0"), 10),
        (120, 0, 0, 50, Some("100"), 10),
        (120, 0, 10, 50, Some("110"), 9),
        (10, 0, 0, 6, Some("12"), -1),
        (100, 0, 10, 50, Some("130"), -8),
    ];
    for (i, (replicas, status_replicas, surge, rs_size, annotation, want)) in
        cases.into_iter().enumerate()
    {
        let mut d = deployment(replicas, json!(surge), json!(1));
        d.status = Some(DeploymentStatus {
            replicas: Some(status_replicas),
            ..DeploymentStatus::default()
        });
        let mut replica_set = rs("rs", rs_size, rs_size, 0);
        if let Some(value) = annotation {
            replica_set
                .metadata
                .set_annotation(MAX_REPLICAS_ANNOTATION, value);
        }
        assert_eq!(replica_set_fraction(&replica_set, &d), want, "case {i}");
    }
}

fn cleanup_rs(name: &str, spec: i32, status: i32, revision_number: i64) -> ReplicaSet {
    let mut replica_set = rs(name, spec, 0, revision_number);
    replica_set.status.as_mut().unwrap().replicas = Some(status);
    replica_set
        .metadata
        .set_annotation(REVISION_ANNOTATION, &revision_number.to_string());
    replica_set
}

// TestDeploymentController_cleanupDeployment (sync_test.go): (spec, status) replicas.
#[test]
fn cleanup_deployment_table() {
    let cases: Vec<(Vec<(i32, i32)>, Option<i32>, usize)> = vec![
        (vec![(0, 0), (0, 0), (0, 0)], Some(1), 2),
        (vec![(0, 0), (0, 1), (1, 0), (1, 1)], Some(0), 1),
        (vec![(0, 0), (0, 0)], Some(0), 2),
        (vec![(1, 1), (1, 1)], Some(0), 0),
        (vec![(0, 0), (0, 0), (0, 0)], Some(i32::MAX), 0),
        (vec![(0, 0), (0, 0), (0, 0)], None, 0),
    ];
    for (i, (olds, limit, want)) in cases.into_iter().enumerate() {
        let mut d = deployment(1, json!(1), json!(1));
        d.spec.as_mut().unwrap().make_mut().revision_history_limit = limit;
        let rss: Vec<ReplicaSet> = olds
            .iter()
            .enumerate()
            .map(|(n, (spec, status))| {
                cleanup_rs(&format!("foo-{n}"), *spec, *status, n as i64 + 1)
            })
            .collect();
        let refs: Vec<&ReplicaSet> = rss.iter().collect();
        assert_eq!(cleanup_plan(&refs, &d).len(), want, "case {i}");
    }
    // "with deletion timestamp": an RS already being deleted is not a candidate.
    let mut d = deployment(1, json!(1), json!(1));
    d.spec.as_mut().unwrap().make_mut().revision_history_limit = Some(0);
    let mut deleting = cleanup_rs("foo-1", 0, 0, 1);
    deleting.metadata.deletion_timestamp = Some(Time(SimTime::from_unix_seconds(BASE)));
    assert!(cleanup_plan(&[&deleting], &d).is_empty());
}

/// upstream `deployment(desired, current, updated, available, maxUnavailable, maxSurge)`.
fn with_status(
    desired: i32,
    current: i32,
    updated: i32,
    available: i32,
    unavailable: i32,
    surge: i32,
) -> (Deployment, DeploymentStatus) {
    let mut d = deployment(desired, json!(surge), json!(unavailable));
    let status = DeploymentStatus {
        replicas: Some(current),
        updated_replicas: Some(updated),
        available_replicas: Some(available),
        observed_generation: Some(1),
        ..DeploymentStatus::default()
    };
    d.status = Some(status.clone());
    (d, status)
}

// TestDeploymentComplete (deployment_util_test.go).
#[test]
fn deployment_complete_table() {
    let cases = [
        ((5, 5, 5, 4, 1, 0), false),
        ((5, 5, 5, 3, 1, 0), false),
        ((5, 5, 5, 5, 0, 0), true),
        ((5, 5, 4, 5, 0, 0), false),
        ((1, 2, 1, 1, 0, 1), false),
        ((1, 1, 1, 0, 1, 1), false),
    ];
    for ((desired, current, updated, available, unavailable, surge), want) in cases {
        let (d, status) = with_status(desired, current, updated, available, unavailable, surge);
        assert_eq!(
            deployment_complete(&d, &status),
            want,
            "{desired},{current},{updated},{available}"
        );
    }
}

// TestDeploymentProgressing (deployment_util_test.go): (current, updated, ready, available).
#[test]
fn deployment_progressing_table() {
    let status = |(replicas, updated, ready, available): (i32, i32, i32, i32)| DeploymentStatus {
        replicas: Some(replicas),
        updated_replicas: Some(updated),
        ready_replicas: Some(ready),
        available_replicas: Some(available),
        ..DeploymentStatus::default()
    };
    let cases = [
        (
            "progressing: updated pods",
            (10, 4, 4, 4),
            (10, 6, 4, 4),
            true,
        ),
        ("not progressing", (10, 4, 4, 4), (10, 4, 4, 4), false),
        (
            "progressing: old pods removed",
            (10, 4, 6, 6),
            (8, 4, 6, 6),
            true,
        ),
        (
            "not progressing: less new pods",
            (10, 7, 3, 3),
            (10, 6, 3, 3),
            false,
        ),
        (
            "progressing: less overall but more new pods",
            (10, 4, 7, 7),
            (8, 8, 5, 5),
            true,
        ),
        (
            "progressing: more ready pods",
            (10, 10, 9, 8),
            (10, 10, 10, 8),
            true,
        ),
        (
            "progressing: more available pods",
            (10, 10, 10, 9),
            (10, 10, 10, 10),
            true,
        ),
    ];
    for (name, old, new, want) in cases {
        let mut d = deployment(10, json!(1), json!(1));
        d.status = Some(status(old));
        assert_eq!(deployment_progressing(&d, &status(new)), want, "{name}");
    }
}

// TestDeploymentTimedOut (deployment_util_test.go).
#[test]
fn deployment_timed_out_table() {
    let at = |minute: i64, second: i64| SimTime::from_unix_seconds(BASE + minute * 60 + second);
    let now = at(1, 20);
    let progressing = |reason: &str, last_update: SimTime| DeploymentStatus {
        conditions: Some(vec![new_condition(
            PROGRESSING,
            "True",
            reason,
            "",
            last_update,
        )]),
        ..DeploymentStatus::default()
    };
    let cases: [(&str, Option<i32>, SimTime, &str, bool); 5] = [
        (
            "nil progressDeadlineSeconds specified - no timeout",
            None,
            at(1, 9),
            REPLICA_SET_UPDATED_REASON,
            false,
        ),
        (
            "infinite progressDeadlineSeconds specified - no timeout",
            Some(i32::MAX),
            at(1, 9),
            REPLICA_SET_UPDATED_REASON,
            false,
        ),
        (
            "progressDeadlineSeconds: now - started > progressDeadlineSeconds",
            Some(10),
            at(1, 9),
            REPLICA_SET_UPDATED_REASON,
            true,
        ),
        (
            "progressDeadlineSeconds: now - started < progressDeadlineSeconds",
            Some(10),
            at(1, 11),
            REPLICA_SET_UPDATED_REASON,
            false,
        ),
        (
            "complete deployment does not time out",
            Some(10),
            at(1, 9),
            NEW_RS_AVAILABLE_REASON,
            false,
        ),
    ];
    for (name, deadline, last_update, reason, want) in cases {
        let mut d = deployment(1, json!(1), json!(1));
        d.spec
            .as_mut()
            .unwrap()
            .make_mut()
            .progress_deadline_seconds = deadline;
        assert_eq!(
            deployment_timed_out(&d, &progressing(reason, last_update), now),
            want,
            "{name}"
        );
    }
}

fn template(labels: &[(&str, &str)], annotations: &[(&str, &str)]) -> PodTemplateSpec {
    let labels: serde_json::Map<String, Value> = labels
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    let annotations: serde_json::Map<String, Value> = annotations
        .iter()
        .map(|(k, v)| (k.to_string(), json!(v)))
        .collect();
    serde_json::from_value(json!({
        "metadata": { "labels": labels, "annotations": annotations },
        "spec": { "containers": [{ "name": "nginx", "image": "nginx" }] }
    }))
    .unwrap()
}

// TestEqualIgnoreHash (deployment_util_test.go).
#[test]
fn equal_ignore_hash_table() {
    let hash = POD_TEMPLATE_HASH_LABEL;
    let cases = [
        (
            "Same spec, same labels",
            template(&[(hash, "value-1"), ("something", "else")], &[]),
            template(&[(hash, "value-1"), ("something", "else")], &[]),
            true,
        ),
        (
            "Same spec, only pod-template-hash label value is different",
            template(&[(hash, "value-1"), ("something", "else")], &[]),
            template(&[(hash, "value-2"), ("something", "else")], &[]),
            true,
        ),
        (
            "Same spec, the former doesn't have pod-template-hash label",
            template(&[("something", "else")], &[]),
            template(&[(hash, "value-2"), ("something", "else")], &[]),
            true,
        ),
        (
            "Same spec, the label is different, the former doesn't have pod-template-hash label, same number of labels",
            template(&[("something", "else")], &[]),
            template(&[(hash, "value-2")], &[]),
            false,
        ),
        (
            "Same spec, the label is different, the latter doesn't have pod-template-hash label, same number of labels",
            template(&[(hash, "value-1")], &[]),
            template(&[("something", "else")], &[]),
            false,
        ),
        (
            "Same spec, the label is different, and the pod-template-hash label value is the same",
            template(&[(hash, "value-1")], &[]),
            template(&[(hash, "value-1"), ("something", "else")], &[]),
            false,
        ),
        (
            "Different spec, same labels",
            template(
                &[(hash, "value-1"), ("something", "else")],
                &[("former", "value")],
            ),
            template(
                &[(hash, "value-1"), ("something", "else")],
                &[("latter", "value")],
            ),
            false,
        ),
    ];
    for (name, former, latter, want) in cases {
        assert_eq!(equal_ignore_hash(&former, &latter), want, "{name}");
        assert_eq!(
            equal_ignore_hash(&latter, &former),
            want,
            "{name} (reversed)"
        );
    }
}

#[test]
fn template_hashes_use_the_safe_alphabet_and_the_collision_count() {
    let base = template(&[("app", "web")], &[]);
    let hash = compute_hash(&base, None);
    assert!(!hash.is_empty() && hash.len() <= 10);
    assert!(hash.chars().all(|c| "456789bcdf".contains(c)), "{hash}");
    assert_eq!(hash, compute_hash(&base, None), "stable");
    assert_ne!(
        hash,
        compute_hash(&base, Some(1)),
        "a collision gives a new hash"
    );
    assert_eq!(safe_encode_string("0123456789"), "456789bcdf");
    // FNV-1a 32 of "a" is 0xe40c292c.
    assert_eq!(fnv1a_32(b"a"), 0xe40c_292c);
}

// TestSetNewReplicaSetAnnotations / revision history (deployment_util_test.go).
#[test]
fn reused_replica_sets_keep_their_revision_history() {
    let d = deployment(1, json!(1), json!(1));
    let mut reused = with_annotations(rs("foo", 1, 1, 0), &[(REVISION_ANNOTATION, "1")]);
    assert!(set_new_replica_set_annotations(&d, &mut reused, 3, true));
    assert_eq!(reused.metadata.annotation(REVISION_ANNOTATION), Some("3"));
    assert_eq!(
        reused.metadata.annotation(REVISION_HISTORY_ANNOTATION),
        Some("1")
    );
    assert!(set_new_replica_set_annotations(&d, &mut reused, 5, true));
    assert_eq!(
        reused.metadata.annotation(REVISION_HISTORY_ANNOTATION),
        Some("1,3")
    );
    assert!(
        !set_new_replica_set_annotations(&d, &mut reused, 4, true),
        "never lowered"
    );
    let rss = [rs("a", 0, 0, 0), reused.clone()];
    let refs: Vec<&ReplicaSet> = rss.iter().collect();
    assert_eq!(max_revision(&refs), 5);
    assert_eq!(last_revision(&refs), 0);
    assert!(find_revision(&refs, 5).is_some());
}
