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
