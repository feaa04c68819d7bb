//! Scenario tests of the data plane: kubelets running pods on simulated nodes,
//! told as the stories a user would see with `kubectl get pods -w` and
//! `kubectl describe pod`.

use kubesim_tests::node::*;

#[test]
fn an_nginx_pod_goes_from_pending_to_ready_with_the_kubelets_events_in_order() {
    let mut sim = cluster();
    apply(&mut sim, &pinned_pod("web", "worker-1", "nginx", "", ""));
    assert_eq!(phase(&sim, "default", "web"), "Pending");
    assert_eq!(
        container_reason(&sim, "default", "web", "web"),
        "ContainerCreating"
    );
    wait_seconds(&mut sim, 1);
    assert_eq!(
        container_reason(&sim, "default", "web", "web"),
        "ContainerCreating"
    );
    wait_seconds(&mut sim, 5);
    assert_eq!(phase(&sim, "default", "web"), "Running");
    assert_eq!(pod_condition(&sim, "default", "web", "Ready"), "True");
    let pod = pod(&sim, "default", "web").unwrap();
    let status = pod.status.unwrap();
    assert_eq!(status.pod_ip.as_deref(), Some("10.244.1.2"));
    assert_eq!(status.host_ip.as_deref(), Some("172.18.0.3"));
    let conditions: Vec<String> = status
        .conditions
        .unwrap()
        .iter()
        .map(|c| c.type_.clone().unwrap())
        .collect();
    assert_eq!(
        conditions,
        [
            "PodReadyToStartContainers",
            "Initialized",
            "Ready",
            "ContainersReady",
            "PodScheduled"
        ]
    );
    let container = container_status(&sim, "default", "web", "web").unwrap();
    assert_eq!(
        container.image.as_deref(),
        Some("docker.io/library/nginx:latest")
    );
    assert!(container.container_id.unwrap().starts_with("containerd://"));
    assert!(
        container
            .image_id
            .unwrap()
            .starts_with("docker.io/library/nginx@sha256:")
    );
    let events = events_for(&sim, "default", "web");
    let reasons: Vec<&str> = events.iter().map(|(r, _)| r.as_str()).collect();
    assert_eq!(reasons, ["Pulling", "Pulled", "Created", "Started"]);
    assert_eq!(events[0].1, "Pulling image \"nginx\"");
    assert_eq!(
        events[1].1,
        "Successfully pulled image \"nginx\" in 2.15s (2.15s including waiting). Image size: 70000000 bytes."
    );
    assert_eq!(events[2].1, "Created container: web");
    assert_eq!(events[3].1, "Started container web");
}

#[test]
fn a_sleep_5_pod_that_never_restarts_succeeds_after_five_seconds() {
    let mut sim = cluster();
    let command = "    command: [\"sleep\", \"5\"]\n";
    apply(
        &mut sim,
        &pinned_pod(
            "job",
            "worker-2",
            "busybox:1.36",
            command,
            "  restartPolicy: Never\n",
        ),
    );
    wait_seconds(&mut sim, 2);
    assert_eq!(phase(&sim, "default", "job"), "Running");
    wait_seconds(&mut sim, 5);
    assert_eq!(phase(&sim, "default", "job"), "Succeeded");
    let terminated = terminated_state(&sim, "default", "job", "job").unwrap();
    assert_eq!(
        (terminated.exit_code, terminated.reason.as_deref()),
        (Some(0), Some("Completed"))
    );
    assert_eq!(pod_condition(&sim, "default", "job", "Ready"), "False");
    let started = terminated.started_at.unwrap().0;
    let finished = terminated.finished_at.unwrap().0;
    assert_eq!((finished - started).as_secs(), 5);
}

/// Restart times of a container that exits at once, read from the status as the
/// kubelet reports it: one PLEG relist (1 s) before the first restart, then the
/// back-off of `flowcontrol.Backoff`: 10, 20, 40, 80, 160, 300 s.
#[test]
fn exit_1_with_restart_policy_always_crash_loops_with_doubling_back_off() {
    let mut sim = cluster();
    let command = "    command: [\"sh\", \"-c\", \"exit 1\"]\n";
    apply(
        &mut sim,
        &pinned_pod("crash", "worker-1", "busybox", command, ""),
    );
    let mut restarts_at = Vec::new();
    let mut last_count = 0;
    let start = sim.now();
    for _ in 0..(15 * 60 * 2) {
        wait_millis(&mut sim, 500);
        let status = container_status(&sim, "default", "crash", "crash").unwrap();
        let count = status.restart_count.unwrap();
        if count != last_count {
            restarts_at.push((sim.now() - start).as_millis());
            last_count = count;
        }
    }
    // Pull 0.4 s + 2 MB/40 MB/s = 0.45 s after the 0.5 s sandbox: the container
    // starts and exits at 0.95 s. Each restart comes back-off after the exit.
    let gaps: Vec<i64> = restarts_at
        .windows(2)
        .map(|w| (w[1] - w[0] + 250) / 1000)
        .collect();
    assert_eq!(gaps[..6], [10, 20, 40, 80, 160, 300]);
    assert!(
        restarts_at[0] <= 3_000,
        "first restart right after the first exit: {restarts_at:?}"
    );
    assert_eq!(
        container_reason(&sim, "default", "crash", "crash"),
        "CrashLoopBackOff"
    );
    let waiting = waiting_state(&sim, "default", "crash", "crash").unwrap();
    let pod = pod(&sim, "default", "crash").unwrap();
    assert_eq!(
        waiting.message.unwrap(),
        format!(
            "back-off 5m0s restarting failed container=crash pod=crash_default({})",
            pod.metadata.uid()
        )
    );
    assert_eq!(phase(&sim, "default", "crash"), "Running");
    let back_offs = events_for(&sim, "default", "crash")
        .into_iter()
        .filter(|(reason, _)| reason == "BackOff")
        .count();
    assert_eq!(back_offs, 1, "one BackOff event, counted");
}

#[test]
fn busybox_without_a_command_completes_at_once_and_crash_loops() {
    let mut sim = cluster();
    apply(&mut sim, &pinned_pod("box", "worker-3", "busybox", "", ""));
    wait_seconds(&mut sim, 3);
    let status = container_status(&sim, "default", "box", "box").unwrap();
    assert!(status.restart_count.unwrap() >= 1);
    let last = status.last_state.unwrap().terminated.unwrap();
    assert_eq!(
        (last.exit_code, last.reason.as_deref()),
        (Some(0), Some("Completed"))
    );
    wait_seconds(&mut sim, 2);
    assert_eq!(
        container_reason(&sim, "default", "box", "box"),
        "CrashLoopBackOff"
    );
}

#[test]
fn a_typo_tag_fails_to_pull_then_backs_off() {
    let mut sim = cluster();
    apply(
        &mut sim,
        &pinned_pod("web", "worker-1", "nginx:1.161", "", ""),
    );
    wait_millis(&mut sim, 1_200);
    assert_eq!(
        container_reason(&sim, "default", "web", "web"),
        "ErrImagePull"
    );
    wait_seconds(&mut sim, 1);
    assert_eq!(
        container_reason(&sim, "default", "web", "web"),
        "ImagePullBackOff"
    );
    let waiting = waiting_state(&sim, "default", "web", "web").unwrap();
    assert_eq!(
        waiting.message.as_deref(),
        Some("Back-off pulling image \"nginx:1.161\"")
    );
    let events = events_for(&sim, "default", "web");
    assert_eq!(
        events[0],
        (
            "Pulling".to_string(),
            "Pulling image \"nginx:1.161\"".to_string()
        )
    );
    assert_eq!(
        events[1].1,
        "Failed to pull image \"nginx:1.161\": rpc error: code = NotFound desc = failed to pull and unpack image \"docker.io/library/nginx:1.161\": failed to resolve reference \"docker.io/library/nginx:1.161\": docker.io/library/nginx:1.161: not found"
    );
    assert_eq!(events[2].1, "Error: ErrImagePull");
    assert_eq!(
        events[3],
        (
            "BackOff".to_string(),
            "Back-off pulling image \"nginx:1.161\"".to_string()
        )
    );
    assert_eq!(events[4].1, "Error: ImagePullBackOff");
    assert_eq!(phase(&sim, "default", "web"), "Pending");
    // The next pull comes after the back-off (10 s), then 20 s.
    wait_seconds(&mut sim, 10);
    let pulls = events_for(&sim, "default", "web")
        .iter()
        .filter(|(r, _)| r == "Pulling")
        .count();
    assert_eq!(pulls, 1, "one Pulling event counted twice");
}

#[test]
fn a_stress_container_above_its_memory_limit_is_oom_killed() {
    let mut sim = cluster();
    let container = "    command: [\"stress\"]\n    args: [\"--vm\", \"1\", \"--vm-bytes\", \"250M\", \"--vm-hang\", \"1\"]\n    resources:\n      limits:\n        memory: 100Mi\n";
    apply(
        &mut sim,
        &pinned_pod("memory-demo", "worker-2", "polinux/stress", container, ""),
    );
    wait_seconds(&mut sim, 4);
    let terminated = last_terminated_state(&sim, "default", "memory-demo", "memory-demo")
        .or_else(|| terminated_state(&sim, "default", "memory-demo", "memory-demo"))
        .unwrap();
    assert_eq!(
        (terminated.exit_code, terminated.reason.as_deref()),
        (Some(137), Some("OOMKilled"))
    );
}

#[test]
fn deletion_honours_the_grace_period_of_a_shell_that_ignores_sigterm() {
    let mut sim = cluster();
    let command = "    command: [\"sleep\", \"3600\"]\n";
    apply(
        &mut sim,
        &pinned_pod(
            "sleeper",
            "worker-1",
            "busybox",
            command,
            "  terminationGracePeriodSeconds: 20\n",
        ),
    );
    wait_seconds(&mut sim, 3);
    assert_eq!(phase(&sim, "default", "sleeper"), "Running");
    let pod_type = kubesim::model::registry::lookup_kind_name("Pod").unwrap();
    sim.api_mut()
        .delete(pod_type, "default", "sleeper", &Default::default())
        .unwrap();
    wait_seconds(&mut sim, 19);
    assert!(
        pod(&sim, "default", "sleeper").is_some(),
        "still terminating"
    );
    wait_seconds(&mut sim, 2);
    assert!(
        pod(&sim, "default", "sleeper").is_none(),
        "killed after 20 s and removed"
    );
    let events = events_for(&sim, "default", "sleeper");
    assert!(events.contains(&(
        "Killing".to_string(),
        "Stopping container sleeper".to_string()
    )));

    // nginx exits on SIGTERM at once: the pod goes within a second.
    apply(&mut sim, &pinned_pod("web", "worker-1", "nginx", "", ""));
    wait_seconds(&mut sim, 5);
    sim.api_mut()
        .delete(pod_type, "default", "web", &Default::default())
        .unwrap();
    wait_seconds(&mut sim, 1);
    assert!(pod(&sim, "default", "web").is_none());
}

#[test]
fn a_readiness_probe_gates_ready_until_it_passes() {
    let mut sim = cluster();
    let probe = "    readinessProbe:\n      httpGet:\n        path: /\n        port: 80\n      initialDelaySeconds: 5\n      periodSeconds: 5\n";
    apply(&mut sim, &pinned_pod("web", "worker-1", "nginx", probe, ""));
    wait_seconds(&mut sim, 4);
    assert_eq!(phase(&sim, "default", "web"), "Running");
    assert_eq!(pod_condition(&sim, "default", "web", "Ready"), "False");
    assert_eq!(
        pod_condition(&sim, "default", "web", "ContainersReady"),
        "False"
    );
    wait_seconds(&mut sim, 5);
    assert_eq!(pod_condition(&sim, "default", "web", "Ready"), "True");

    // A probe on a path nginx does not serve never passes.
    let bad = "    readinessProbe:\n      httpGet:\n        path: /healthz\n        port: 80\n";
    apply(&mut sim, &pinned_pod("bad", "worker-2", "nginx", bad, ""));
    wait_seconds(&mut sim, 60);
    assert_eq!(pod_condition(&sim, "default", "bad", "Ready"), "False");
}

#[test]
fn a_failing_liveness_probe_restarts_the_container() {
    let mut sim = cluster();
    let container = "    args: [\"/bin/sh\", \"-c\", \"touch /tmp/healthy; sleep 30; rm -f /tmp/healthy; sleep 600\"]\n    livenessProbe:\n      exec:\n        command: [\"cat\", \"/tmp/healthy\"]\n      initialDelaySeconds: 5\n      periodSeconds: 5\n";
    apply(
        &mut sim,
        &pinned_pod(
            "liveness",
            "worker-1",
            "busybox",
            container,
            "  terminationGracePeriodSeconds: 1\n",
        ),
    );
    wait_seconds(&mut sim, 40);
    assert_eq!(
        container_status(&sim, "default", "liveness", "liveness")
            .unwrap()
            .restart_count,
        Some(0)
    );
    wait_seconds(&mut sim, 20);
    assert_eq!(
        container_status(&sim, "default", "liveness", "liveness")
            .unwrap()
            .restart_count,
        Some(1)
    );
    let events = events_for(&sim, "default", "liveness");
    assert!(events.iter().any(|(r, m)| r == "Unhealthy" && m == "Liveness probe failed: cat: can't open '/tmp/healthy': No such file or directory"));
    assert!(events.iter().any(|(r, m)| r == "Killing"
        && m == "Container liveness failed liveness probe, will be restarted"));
}

fn lease_renew_time(sim: &kubesim::Simulation, node: &str) -> String {
    let lease_type = kubesim::model::registry::lookup_kind_name("Lease").unwrap();
    let lease = sim
        .api()
        .get(lease_type, "kube-node-lease", node)
        .expect("the kubelet created its Lease");
    lease.to_value()["spec"]["renewTime"]
        .as_str()
        .unwrap()
        .to_string()
}

fn ready_heartbeat(sim: &kubesim::Simulation, node: &str) -> String {
    let node_type = kubesim::model::registry::lookup_kind_name("Node").unwrap();
    let node = sim.api().get(node_type, "", node).unwrap();
    node.as_::<kubesim::model::node::Node>()
        .unwrap()
        .condition("Ready")
        .unwrap()
        .last_heartbeat_time
        .unwrap()
        .0
        .to_rfc3339()
}

#[test]
fn a_failed_node_stops_renewing_its_lease_and_its_pods_stop() {
    let mut sim = cluster();
    // The pod tolerates the unreachable taint forever, so the taint manager does not
    // evict it while its node is down and the same container comes back.
    let tolerate_forever = "  tolerations:\n  - key: node.kubernetes.io/unreachable\n    operator: Exists\n    effect: NoExecute\n  - key: node.kubernetes.io/not-ready\n    operator: Exists\n    effect: NoExecute\n";
    apply(
        &mut sim,
        &pinned_pod("web", "worker-2", "nginx", "", tolerate_forever),
    );
    wait_seconds(&mut sim, 30);
    assert_eq!(
        lease_renew_time(&sim, "worker-2"),
        "2025-01-01T00:00:30.000000Z"
    );
    assert!(sim.http_request(None, "GET", "http://10.244.2.2/").is_ok());

    sim.fail_node("worker-2").unwrap();
    wait_seconds(&mut sim, 600);
    assert_eq!(
        lease_renew_time(&sim, "worker-2"),
        "2025-01-01T00:00:30.000000Z",
        "frozen"
    );
    assert_eq!(
        lease_renew_time(&sim, "worker-1"),
        "2025-01-01T00:10:30.000000Z"
    );
    assert_eq!(ready_heartbeat(&sim, "worker-1"), "2025-01-01T00:10:00Z");
    assert!(ready_heartbeat(&sim, "worker-2").as_str() <= "2025-01-01T00:00:30Z");
    let error = sim
        .http_request(None, "GET", "http://10.244.2.2/")
        .unwrap_err();
    assert_eq!(error.code, 28);

    sim.recover_node("worker-2").unwrap();
    wait_seconds(&mut sim, 15);
    assert_eq!(
        lease_renew_time(&sim, "worker-2"),
        "2025-01-01T00:10:40.000000Z"
    );
    let status = container_status(&sim, "default", "web", "web").unwrap();
    let last = status.last_state.unwrap().terminated.unwrap();
    assert_eq!(
        (last.exit_code, last.reason.as_deref()),
        (Some(255), Some("Unknown"))
    );
    assert_eq!(status.restart_count, Some(1));
}

const SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: hello\nspec:\n  selector:\n    app: hello\n  ports:\n  - port: 80\n    targetPort: 8080\n";

fn hello_pod(name: &str, node: &str) -> String {
    format!(
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: {name}\n  labels:\n    app: hello\nspec:\n  nodeName: {node}\n  containers:\n  - name: hello\n    image: gcr.io/google-samples/hello-app:1.0\n    ports:\n    - containerPort: 8080\n"
    )
}

#[test]
fn http_through_a_service_reaches_a_ready_pod_that_names_itself() {
    let mut sim = cluster();
    apply(&mut sim, SERVICE);
    apply(&mut sim, &hello_pod("hello-a", "worker-1"));
    apply(&mut sim, &hello_pod("hello-b", "worker-2"));
    apply(
        &mut sim,
        &pinned_pod(
            "client",
            "worker-3",
            "busybox",
            "    command: [\"sleep\", \"3600\"]\n",
            "",
        ),
    );
    wait_seconds(&mut sim, 10);

    let mut served = std::collections::BTreeSet::new();
    for _ in 0..20 {
        let response = sim
            .http_request(Some(("default", "client")), "GET", "http://hello/")
            .expect("the Service answers");
        assert_eq!(response.status, 200);
        assert_eq!(
            response.body,
            format!(
                "Hello, world!\nVersion: 1.0.0\nHostname: {}\n",
                response.pod.1
            )
        );
        served.insert(response.pod.1);
    }
    assert_eq!(served.len(), 2, "both pods serve: {served:?}");

    let service_type = kubesim::model::registry::lookup_kind_name("Service").unwrap();
    let cluster_ip = sim
        .api()
        .get(service_type, "default", "hello")
        .unwrap()
        .to_value()["spec"]["clusterIP"]
        .as_str()
        .unwrap()
        .to_string();
    for url in [
        "http://hello.default/",
        "http://hello.default.svc.cluster.local",
        &format!("http://{cluster_ip}:80/"),
    ] {
        assert!(
            sim.http_request(Some(("default", "client")), "GET", url)
                .is_ok(),
            "{url}"
        );
    }
    let unknown = sim
        .http_request(Some(("default", "client")), "GET", "http://foo/")
        .unwrap_err();
    assert_eq!(unknown.to_string(), "curl: (6) Could not resolve host: foo");
    let wrong_port = sim
        .http_request(Some(("default", "client")), "GET", "http://hello:81/")
        .unwrap_err();
    assert_eq!(
        wrong_port.code, 28,
        "no Service port 81: the packet to the ClusterIP goes nowhere"
    );
    let busybox = sim
        .http_request(Some(("default", "client")), "GET", "http://10.244.3.2/")
        .unwrap_err();
    assert_eq!(
        busybox.to_string(),
        "curl: (7) Failed to connect to 10.244.3.2 port 80 after 0 ms: Couldn't connect to server"
    );
}

#[test]
fn nginx_serves_its_welcome_page_and_logs_the_request() {
    let mut sim = cluster();
    apply(&mut sim, &pinned_pod("web", "worker-1", "nginx", "", ""));
    wait_seconds(&mut sim, 5);
    let response = sim.http_request(None, "GET", "http://10.244.1.2/").unwrap();
    assert!(response.body.contains("<title>Welcome to nginx!</title>"));
    let missing = sim
        .http_request(None, "GET", "http://10.244.1.2/nope")
        .unwrap();
    assert_eq!(missing.status, 404);
    let logs = sim.container_logs("default", "web", None, false).unwrap();
    assert!(logs.contains("Configuration complete; ready for start up"));
    assert!(logs.contains("\"GET / HTTP/1.1\" 200 615"), "{logs}");
}

#[test]
fn logs_and_previous_logs_follow_the_container_instances() {
    let mut sim = cluster();
    let command = "    command: [\"/bin/sh\", \"-c\", \"for i in 1 2 3; do echo $i; sleep 1; done; exit 2\"]\n";
    apply(
        &mut sim,
        &pinned_pod("count", "worker-1", "busybox", command, ""),
    );
    wait_millis(&mut sim, 2_500);
    assert_eq!(
        sim.container_logs("default", "count", None, false).unwrap(),
        "1\n2\n"
    );
    let error = sim
        .container_logs("default", "count", None, true)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Error from server (BadRequest): previous terminated container \"count\" in pod \"count\" not found"
    );
    wait_seconds(&mut sim, 5);
    assert_eq!(
        sim.container_logs("default", "count", None, true).unwrap(),
        "1\n2\n3\n"
    );
    assert_eq!(
        last_terminated_state(&sim, "default", "count", "count")
            .unwrap()
            .exit_code,
        Some(2)
    );

    let two = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: pair\nspec:\n  nodeName: worker-2\n  containers:\n  - name: a\n    image: nginx\n  - name: b\n    image: redis\n";
    apply(&mut sim, two);
    let error = sim
        .container_logs("default", "pair", None, false)
        .unwrap_err();
    assert_eq!(
        error.to_string(),
        "Error from server (BadRequest): a container name must be specified for pod pair, choose one of: [a b]"
    );
    let waiting = sim
        .container_logs("default", "pair", Some("b"), false)
        .unwrap_err();
    assert_eq!(
        waiting.to_string(),
        "Error from server (BadRequest): container \"b\" in pod \"pair\" is waiting to start: ContainerCreating"
    );
}

#[test]
fn a_crashed_container_restarts_and_reports_its_exit() {
    let mut sim = cluster();
    apply(&mut sim, &pinned_pod("web", "worker-1", "nginx", "", ""));
    wait_seconds(&mut sim, 5);
    sim.crash_container("default", "web", None).unwrap();
    wait_seconds(&mut sim, 3);
    let status = container_status(&sim, "default", "web", "web").unwrap();
    assert_eq!(status.restart_count, Some(1));
    assert_eq!(
        status.last_state.unwrap().terminated.unwrap().exit_code,
        Some(1)
    );
    assert_eq!(container_reason(&sim, "default", "web", "web"), "Running");
}

/// The same seed and inputs give the same cluster, kubelets included.
#[test]
fn same_seed_same_trace() {
    let run = || {
        let mut sim = cluster_with_seed(42);
        apply(&mut sim, SERVICE);
        apply(&mut sim, &hello_pod("hello-a", "worker-1"));
        apply(&mut sim, &hello_pod("hello-b", "worker-2"));
        apply(
            &mut sim,
            &pinned_pod(
                "crash",
                "worker-3",
                "busybox",
                "    command: [\"false\"]\n",
                "",
            ),
        );
        wait_seconds(&mut sim, 120);
        let bodies: Vec<String> = (0..10)
            .map(|_| {
                sim.http_request(None, "GET", "http://hello/")
                    .unwrap()
                    .pod
                    .1
            })
            .collect();
        let trace: Vec<String> = sim
            .drain_trace()
            .into_iter()
            .map(|t| format!("{} {} {}", t.time, t.component, t.message))
            .collect();
        (sim.fingerprint(), bodies, trace)
    };
    assert_eq!(run(), run());
}

#[test]
fn the_docs_pi_job_completes_and_its_log_is_pi_to_2000_digits() {
    // https://kubernetes.io/docs/concepts/workloads/controllers/job/#running-an-example-job
    let mut sim = cluster();
    apply(
        &mut sim,
        "apiVersion: batch/v1\nkind: Job\nmetadata:\n  name: pi\nspec:\n  backoffLimit: 4\n  template:\n    spec:\n      restartPolicy: Never\n      containers:\n      - name: pi\n        image: perl:5.34.0\n        command: [\"perl\", \"-Mbignum=bpi\", \"-wle\", \"print bpi(2000)\"]\n",
    );
    let pods = kubesim_tests::batchnodes::pods_labelled(&sim, "default", "job-name", "pi");
    assert_eq!(pods.len(), 1);
    let name = pods[0].metadata.name().to_string();
    wait_seconds(&mut sim, 5);
    assert_eq!(phase(&sim, "default", &name), "Running", "perl computes");
    wait_seconds(&mut sim, 55);
    assert_eq!(phase(&sim, "default", &name), "Succeeded");
    assert_eq!(container_reason(&sim, "default", &name, "pi"), "Completed");
    let logs = sim.container_logs("default", &name, None, false).unwrap();
    assert!(logs.starts_with("3.14159265358979323846264338327950288419716939937510"));
    // The last digits of the docs' sample output for this Job.
    assert!(logs.ends_with("59958133904780275901\n"), "{logs}");
    let job_type = kubesim::model::registry::lookup_kind_name("Job").unwrap();
    let job = sim.api().get_ref(job_type, "default", "pi").unwrap();
    let job = job.as_::<kubesim::model::job::Job>().unwrap();
    let status = job.status.clone().unwrap_or_default();
    assert_eq!(status.succeeded, Some(1));
    assert!(
        status
            .conditions
            .unwrap_or_default()
            .iter()
            .any(|c| c.type_.as_deref() == Some("Complete") && c.status.as_deref() == Some("True"))
    );
}

#[test]
fn the_docs_command_and_environment_examples_print_what_they_print_for_real() {
    // https://kubernetes.io/docs/tasks/inject-data-application/define-command-argument-container/
    // and .../define-environment-variable-container/: printenv, `$(VAR)` in args,
    // env values that refer to earlier variables.
    let mut sim = cluster();
    let command_demo =
        "    command: [\"printenv\"]\n    args: [\"HOSTNAME\", \"KUBERNETES_PORT\"]\n";
    apply(
        &mut sim,
        &pinned_pod(
            "command-demo",
            "worker-1",
            "debian",
            command_demo,
            "  restartPolicy: OnFailure\n",
        ),
    );
    let env_demo = "    env:\n    - name: GREETING\n      value: \"Warm greetings to\"\n    - name: HONORIFIC\n      value: \"The Most Honorable\"\n    - name: NAME\n      value: \"Kubernetes\"\n    - name: MESSAGE\n      value: \"$(GREETING) $(HONORIFIC) $(NAME)\"\n    command: [\"echo\"]\n    args: [\"$(MESSAGE)\"]\n";
    apply(
        &mut sim,
        &pinned_pod(
            "print-greeting",
            "worker-2",
            "bash",
            env_demo,
            "  restartPolicy: Never\n",
        ),
    );
    wait_seconds(&mut sim, 30);
    assert_eq!(phase(&sim, "default", "command-demo"), "Succeeded");
    assert_eq!(
        sim.container_logs("default", "command-demo", None, false)
            .unwrap(),
        "command-demo\ntcp://10.96.0.1:443\n"
    );
    assert_eq!(
        sim.container_logs("default", "print-greeting", None, false)
            .unwrap(),
        "Warm greetings to The Most Honorable Kubernetes\n"
    );
    // A long-running program the model does not know keeps running.
    apply(
        &mut sim,
        &pinned_pod(
            "app",
            "worker-3",
            "node:20",
            "    command: [\"node\", \"server.js\"]\n",
            "",
        ),
    );
    wait_seconds(&mut sim, 600);
    assert_eq!(container_reason(&sim, "default", "app", "app"), "Running");
}

/// The Kubernetes docs' init-container example, verbatim.
/// https://kubernetes.io/docs/concepts/workloads/pods/init-containers/#init-containers-in-use
const MYAPP_POD: &str = r#"apiVersion: v1
kind: Pod
metadata:
  name: myapp-pod
  labels:
    app.kubernetes.io/name: MyApp
spec:
  containers:
  - name: myapp-container
    image: busybox:1.28
    command: ['sh', '-c', 'echo The app is running! && sleep 3600']
  initContainers:
  - name: init-myservice
    image: busybox:1.28
    command: ['sh', '-c', "until nslookup myservice.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for myservice; sleep 2; done"]
  - name: init-mydb
    image: busybox:1.28
    command: ['sh', '-c', "until nslookup mydb.$(cat /var/run/secrets/kubernetes.io/serviceaccount/namespace).svc.cluster.local; do echo waiting for mydb; sleep 2; done"]
"#;

const MYAPP_SERVICES: [&str; 2] = [
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: myservice\nspec:\n  ports:\n  - protocol: TCP\n    port: 80\n    targetPort: 9376\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: mydb\nspec:\n  ports:\n  - protocol: TCP\n    port: 80\n    targetPort: 9377\n",
];

fn pod_status_column(sim: &mut kubesim::Simulation, name: &str) -> String {
    let table = kubectl(sim, &format!("kubectl get pod {name} --no-headers"));
    table
        .split_whitespace()
        .nth(2)
        .unwrap_or_default()
        .to_string()
}

#[test]
fn the_docs_init_containers_wait_for_their_services_then_the_app_runs() {
    let mut sim = cluster();
    apply(&mut sim, MYAPP_POD);
    wait_seconds(&mut sim, 60);
    // A minute later the first init container still polls DNS every 2 s.
    assert_eq!(pod_status_column(&mut sim, "myapp-pod"), "Init:0/2");
    let logs = kubectl(&mut sim, "kubectl logs myapp-pod -c init-myservice");
    let waiting = logs
        .lines()
        .filter(|line| *line == "waiting for myservice")
        .count();
    assert!((25..=31).contains(&waiting), "{waiting} lines:\n{logs}");
    assert!(
        logs.contains("nslookup: can't resolve 'myservice.default.svc.cluster.local'"),
        "{logs}"
    );

    apply(&mut sim, MYAPP_SERVICES[0]);
    wait_seconds(&mut sim, 5);
    // myservice resolves: the first init container completes, the second waits.
    assert_eq!(pod_status_column(&mut sim, "myapp-pod"), "Init:1/2");
    let logs = kubectl(&mut sim, "kubectl logs myapp-pod -c init-myservice");
    assert!(
        logs.contains("Name:      myservice.default.svc.cluster.local"),
        "{logs}"
    );
    assert_eq!(
        terminated_state(&sim, "default", "myapp-pod", "init-myservice").and_then(|t| t.exit_code),
        Some(0)
    );
    wait_seconds(&mut sim, 20);
    assert_eq!(pod_status_column(&mut sim, "myapp-pod"), "Init:1/2");
    assert!(
        kubectl(&mut sim, "kubectl logs myapp-pod -c init-mydb").contains("waiting for mydb\n")
    );

    apply(&mut sim, MYAPP_SERVICES[1]);
    wait_seconds(&mut sim, 10);
    assert_eq!(pod_status_column(&mut sim, "myapp-pod"), "Running");
    assert_eq!(
        kubectl(&mut sim, "kubectl logs myapp-pod"),
        "The app is running!\n"
    );
}

#[test]
fn exec_probes_on_the_files_every_container_has_stay_healthy() {
    let mut sim = cluster();
    let probe = |command: &str| {
        format!(
            "    command: [\"sleep\", \"3600\"]\n    livenessProbe:\n      exec:\n        command: {command}\n      periodSeconds: 5\n    readinessProbe:\n      exec:\n        command: {command}\n      periodSeconds: 5\n"
        )
    };
    let probes = [
        ("hostname", r#"["cat", "/etc/hostname"]"#),
        ("hosts", r#"["cat", "/etc/hosts"]"#),
        ("resolv", r#"["sh", "-c", "cat /etc/resolv.conf"]"#),
        ("test-f", r#"["test", "-f", "/etc/hostname"]"#),
        ("ls-root", r#"["ls", "/"]"#),
        ("missing", r#"["cat", "/tmp/ready"]"#),
    ];
    for (name, command) in probes {
        apply(
            &mut sim,
            &pinned_pod(name, "worker-1", "busybox:1.36", &probe(command), ""),
        );
    }
    wait_seconds(&mut sim, 120);
    for (name, _) in &probes[..5] {
        assert_eq!(
            pod_condition(&sim, "default", name, "Ready"),
            "True",
            "{name}"
        );
        assert_eq!(
            container_status(&sim, "default", name, name)
                .unwrap()
                .restart_count,
            Some(0),
            "{name}"
        );
    }
    // A file nobody created still fails, as before.
    assert_eq!(pod_condition(&sim, "default", "missing", "Ready"), "False");
}

#[test]
fn the_docs_host_aliases_pod_prints_the_kubelet_managed_hosts_file() {
    // https://kubernetes.io/docs/tasks/network/customize-hosts-file-for-pods/
    let mut sim = cluster();
    apply(
        &mut sim,
        r#"apiVersion: v1
kind: Pod
metadata:
  name: hostaliases-pod
spec:
  restartPolicy: Never
  hostAliases:
  - ip: "127.0.0.1"
    hostnames:
    - "foo.local"
    - "bar.local"
  - ip: "10.1.2.3"
    hostnames:
    - "foo.remote"
    - "bar.remote"
  containers:
  - name: cat-hosts
    image: busybox:1.28
    command:
    - cat
    args:
    - "/etc/hosts"
"#,
    );
    wait_seconds(&mut sim, 10);
    assert_eq!(phase(&sim, "default", "hostaliases-pod"), "Succeeded");
    let pod_ip = pod(&sim, "default", "hostaliases-pod")
        .unwrap()
        .status
        .unwrap()
        .pod_ip
        .unwrap();
    assert_eq!(
        kubectl(&mut sim, "kubectl logs hostaliases-pod"),
        format!(
            "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n{pod_ip}\thostaliases-pod\n\n# Entries added by HostAliases.\n127.0.0.1\tfoo.local\tbar.local\n10.1.2.3\tfoo.remote\tbar.remote\n"
        )
    );
    apply(
        &mut sim,
        &pinned_pod(
            "resolv",
            "worker-2",
            "busybox:1.28",
            "    command: [\"cat\", \"/etc/resolv.conf\"]\n",
            "  restartPolicy: Never\n",
        ),
    );
    wait_seconds(&mut sim, 10);
    assert_eq!(
        kubectl(&mut sim, "kubectl logs resolv"),
        "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"
    );
}
