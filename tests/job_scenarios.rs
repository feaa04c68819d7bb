//! Jobs: pods run to completion within parallelism, failures back off and stop at
//! backoffLimit, deadlines fail the Job, finished Jobs expire after their TTL.

use kubesim::Simulation;
use kubesim::model::job::Job;
use kubesim::model::pod::Pod;
use kubesim_tests::batchnodes::*;

fn job_manifest(name: &str, extra_spec: &str, restart_policy: &str) -> String {
    format!(
        r#"
apiVersion: batch/v1
kind: Job
metadata: {{ name: {name} }}
spec:
{extra_spec}
  template:
    spec:
      # The tests play scheduler and kubelet, so kube-scheduler leaves the pods alone.
      schedulerName: test-binder
      restartPolicy: {restart_policy}
      containers: [{{ name: work, image: busybox }}]
"#
    )
}

fn job_pods(simulation: &Simulation, job: &str) -> Vec<Pod> {
    pods_labelled(simulation, "default", "batch.kubernetes.io/job-name", job)
}

fn active_pods(simulation: &Simulation, job: &str) -> Vec<Pod> {
    job_pods(simulation, job)
        .into_iter()
        .filter(|p| {
            p.metadata.deletion_timestamp.is_none() && !matches!(p.phase(), "Succeeded" | "Failed")
        })
        .collect()
}

fn conditions(job: &Job) -> Vec<(String, String, String)> {
    job.status
        .iter()
        .flat_map(|s| s.conditions.iter().flatten())
        .map(|c| {
            (
                c.type_.clone().unwrap_or_default(),
                c.status.clone().unwrap_or_default(),
                c.reason.clone().unwrap_or_default(),
            )
        })
        .collect()
}

/// Plays scheduler and kubelet for one pod: bound, running, then finished.
fn run_to(simulation: &mut Simulation, pod: &str, phase: &str) {
    bind(simulation, "default", pod, "worker-1");
    run(simulation, "default", pod, "10.244.1.9", true);
    finish(simulation, "default", pod, phase);
}

#[test]
fn five_completions_two_at_a_time() {
    let mut simulation = cluster();
    create(
        &mut simulation,
        &job_manifest("batch", "  completions: 5\n  parallelism: 2", "Never"),
    );
    settle(&mut simulation);
    let mut rounds = 0;
    loop {
        let active = active_pods(&simulation, "batch");
        assert!(
            active.len() <= 2,
            "never more than parallelism: {}",
            active.len()
        );
        let job: Job = get(&simulation, "default", "batch").unwrap();
        if conditions(&job).iter().any(|c| c.0 == "Complete") {
            break;
        }
        let pod = active
            .first()
            .expect("a pod to run")
            .metadata
            .name()
            .to_string();
        advance_secs(&mut simulation, 5);
        run_to(&mut simulation, &pod, "Succeeded");
        settle(&mut simulation);
        rounds += 1;
        assert!(rounds <= 5, "five successes are enough");
    }
    let job: Job = get(&simulation, "default", "batch").unwrap();
    let status = job.status.clone().unwrap();
    assert_eq!(status.succeeded, Some(5));
    assert_eq!(status.active, None);
    assert!(status.completion_time.is_some());
    assert_eq!(
        conditions(&job),
        vec![
            (
                "SuccessCriteriaMet".into(),
                "True".into(),
                "CompletionsReached".into()
            ),
            (
                "Complete".into(),
                "True".into(),
                "CompletionsReached".into()
            ),
        ]
    );
    let events = events_about(&simulation, "batch");
    assert_eq!(
        events.iter().filter(|e| e.0 == "SuccessfulCreate").count(),
        5
    );
    assert!(events.contains(&("Completed".to_string(), "Job completed".to_string())));
    // Every counted pod lost its tracking finalizer.
    for pod in job_pods(&simulation, "batch") {
        assert!(
            !pod.metadata
                .has_finalizer("batch.kubernetes.io/job-tracking")
        );
    }
}

#[test]
fn a_failing_job_backs_off_exponentially_and_stops_at_the_backoff_limit() {
    let mut simulation = cluster();
    create(
        &mut simulation,
        &job_manifest("flaky", "  backoffLimit: 3", "Never"),
    );
    settle(&mut simulation);
    let mut creations = Vec::new();
    let mut failures = Vec::new();
    for _ in 0..4 {
        let pod = active_pods(&simulation, "flaky")
            .first()
            .cloned()
            .expect("a replacement pod");
        creations.push(pod.metadata.creation_timestamp.unwrap().0);
        advance_secs(&mut simulation, 2);
        run_to(&mut simulation, pod.metadata.name(), "Failed");
        failures.push(simulation.now());
        settle(&mut simulation);
        // The next pod comes only after the backoff: advance until it exists (or 20 min).
        for _ in 0..1200 {
            if !active_pods(&simulation, "flaky").is_empty() {
                break;
            }
            let job: Job = get(&simulation, "default", "flaky").unwrap();
            if conditions(&job).iter().any(|c| c.0 == "Failed") {
                break;
            }
            advance_secs(&mut simulation, 1);
        }
    }
    // Replacement pods come 10 s, 20 s, 40 s after each failure (to the second).
    let delays: Vec<i64> = creations
        .iter()
        .skip(1)
        .zip(failures.iter())
        .map(|(created, failed)| (*created - failed.truncated_to_seconds()).as_secs())
        .collect();
    assert_eq!(delays, vec![10, 20, 40]);
    let job: Job = get(&simulation, "default", "flaky").unwrap();
    assert_eq!(job.status.as_ref().unwrap().failed, Some(4));
    assert_eq!(
        conditions(&job),
        vec![
            (
                "FailureTarget".into(),
                "True".into(),
                "BackoffLimitExceeded".into()
            ),
            (
                "Failed".into(),
                "True".into(),
                "BackoffLimitExceeded".into()
            ),
        ]
    );
    assert!(events_about(&simulation, "flaky").contains(&(
        "BackoffLimitExceeded".to_string(),
        "Job has reached the specified backoff limit".to_string()
    )));
    assert!(job.status.unwrap().completion_time.is_none());
}

#[test]
fn active_deadline_fails_a_job_that_runs_too_long() {
    let mut simulation = cluster();
    create(
        &mut simulation,
        &job_manifest(
            "slow",
            "  activeDeadlineSeconds: 30\n  parallelism: 2\n  completions: 4",
            "Never",
        ),
    );
    settle(&mut simulation);
    for pod in active_pods(&simulation, "slow") {
        bind(&mut simulation, "default", pod.metadata.name(), "worker-1");
        run(
            &mut simulation,
            "default",
            pod.metadata.name(),
            "10.244.1.3",
            true,
        );
    }
    advance_secs(&mut simulation, 29);
    let job: Job = get(&simulation, "default", "slow").unwrap();
    assert!(conditions(&job).is_empty());
    advance_secs(&mut simulation, 2);
    let job: Job = get(&simulation, "default", "slow").unwrap();
    assert_eq!(
        conditions(&job),
        vec![(
            "FailureTarget".into(),
            "True".into(),
            "DeadlineExceeded".into()
        )]
    );
    // Its running pods are being deleted; once the kubelet lets them go, the Job fails.
    let pods = job_pods(&simulation, "slow");
    assert!(pods.iter().all(|p| p.metadata.deletion_timestamp.is_some()));
    for pod in pods {
        remove_pod(&mut simulation, "default", pod.metadata.name());
    }
    settle(&mut simulation);
    let job: Job = get(&simulation, "default", "slow").unwrap();
    assert_eq!(
        conditions(&job).last().unwrap(),
        &("Failed".into(), "True".into(), "DeadlineExceeded".into())
    );
    assert!(events_about(&simulation, "slow").contains(&(
        "DeadlineExceeded".to_string(),
        "Job was active longer than specified deadline".to_string()
    )));
}

#[test]
fn a_finished_job_is_deleted_after_its_ttl() {
    let mut simulation = cluster();
    create(
        &mut simulation,
        &job_manifest("once", "  ttlSecondsAfterFinished: 100", "Never"),
    );
    settle(&mut simulation);
    let pod = active_pods(&simulation, "once")[0]
        .metadata
        .name()
        .to_string();
    run_to(&mut simulation, &pod, "Succeeded");
    settle(&mut simulation);
    let job: Job = get(&simulation, "default", "once").unwrap();
    assert!(conditions(&job).iter().any(|c| c.0 == "Complete"));
    advance_secs(&mut simulation, 99);
    assert!(get::<Job>(&simulation, "default", "once").is_some());
    advance_secs(&mut simulation, 2);
    assert!(
        get::<Job>(&simulation, "default", "once").is_none(),
        "deleted after 100 s"
    );
    assert!(
        job_pods(&simulation, "once").is_empty(),
        "its pods went first (foreground)"
    );
}

#[test]
fn an_indexed_job_gives_each_pod_an_index_and_tracks_completed_indexes() {
    let mut simulation = cluster();
    create(
        &mut simulation,
        &job_manifest(
            "idx",
            "  completions: 3\n  parallelism: 3\n  completionMode: Indexed",
            "Never",
        ),
    );
    settle(&mut simulation);
    let pods = active_pods(&simulation, "idx");
    let mut indexes: Vec<String> = pods
        .iter()
        .map(|p| {
            let index = p
                .metadata
                .annotation("batch.kubernetes.io/job-completion-index")
                .unwrap()
                .to_string();
            assert!(p.metadata.name().starts_with(&format!("idx-{index}-")));
            assert_eq!(
                p.spec.as_ref().unwrap().hostname.as_deref(),
                Some(format!("idx-{index}").as_str())
            );
            index
        })
        .collect();
    indexes.sort();
    assert_eq!(indexes, vec!["0", "1", "2"]);
    let second = pods
        .iter()
        .find(|p| {
            p.metadata
                .annotation("batch.kubernetes.io/job-completion-index")
                == Some("1")
        })
        .unwrap()
        .metadata
        .name()
        .to_string();
    run_to(&mut simulation, &second, "Succeeded");
    settle(&mut simulation);
    let job: Job = get(&simulation, "default", "idx").unwrap();
    assert_eq!(
        job.status.as_ref().unwrap().completed_indexes.as_deref(),
        Some("1")
    );
    assert_eq!(job.status.as_ref().unwrap().succeeded, Some(1));
    // A failed index gets a new pod with the same index.
    let first = pods
        .iter()
        .find(|p| {
            p.metadata
                .annotation("batch.kubernetes.io/job-completion-index")
                == Some("0")
        })
        .unwrap()
        .metadata
        .name()
        .to_string();
    run_to(&mut simulation, &first, "Failed");
    advance_secs(&mut simulation, 11);
    let replacement: Vec<Pod> = active_pods(&simulation, "idx")
        .into_iter()
        .filter(|p| {
            p.metadata
                .annotation("batch.kubernetes.io/job-completion-index")
                == Some("0")
        })
        .collect();
    assert_eq!(replacement.len(), 1);
}

#[test]
fn suspending_a_job_deletes_its_pods_and_resuming_starts_them_again() {
    let mut simulation = cluster();
    create(
        &mut simulation,
        &job_manifest("pausable", "  parallelism: 2\n  completions: 2", "Never"),
    );
    settle(&mut simulation);
    assert_eq!(active_pods(&simulation, "pausable").len(), 2);
    let set_suspend = |simulation: &mut Simulation, value: bool| {
        let mut job: Job = get(simulation, "default", "pausable").unwrap();
        job.spec.as_mut().unwrap().suspend = Some(value);
        simulation
            .api_mut()
            .update(kubesim::model::Object::Job(Box::new(job)))
            .unwrap();
        settle(simulation);
    };
    set_suspend(&mut simulation, true);
    assert!(active_pods(&simulation, "pausable").is_empty());
    let job: Job = get(&simulation, "default", "pausable").unwrap();
    assert_eq!(
        conditions(&job),
        vec![("Suspended".into(), "True".into(), "JobSuspended".into())]
    );
    advance_secs(&mut simulation, 30);
    set_suspend(&mut simulation, false);
    let job: Job = get(&simulation, "default", "pausable").unwrap();
    assert_eq!(
        conditions(&job),
        vec![("Suspended".into(), "False".into(), "JobResumed".into())]
    );
    assert_eq!(
        job.status.as_ref().unwrap().start_time.unwrap().0,
        simulation.now().truncated_to_seconds(),
        "resuming resets startTime"
    );
    assert_eq!(active_pods(&simulation, "pausable").len(), 2);
    let events = events_about(&simulation, "pausable");
    assert!(events.contains(&("Suspended".to_string(), "Job suspended".to_string())));
    assert!(events.contains(&("Resumed".to_string(), "Job resumed".to_string())));
}

#[test]
fn a_work_queue_job_stops_starting_pods_after_the_first_success() {
    let mut simulation = cluster();
    create(
        &mut simulation,
        &job_manifest("queue", "  parallelism: 3", "Never"),
    );
    settle(&mut simulation);
    let pods = active_pods(&simulation, "queue");
    assert_eq!(pods.len(), 3);
    run_to(&mut simulation, pods[0].metadata.name(), "Succeeded");
    settle(&mut simulation);
    assert_eq!(
        active_pods(&simulation, "queue").len(),
        2,
        "no replacement after a success"
    );
    for pod in &pods[1..] {
        run_to(&mut simulation, pod.metadata.name(), "Succeeded");
    }
    settle(&mut simulation);
    let job: Job = get(&simulation, "default", "queue").unwrap();
    assert!(conditions(&job).iter().any(|c| c.0 == "Complete"));
    assert_eq!(job.status.unwrap().succeeded, Some(3));
}
