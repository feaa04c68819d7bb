//! Services and their endpoints: the Endpoints and EndpointSlice controllers
//! follow the pods a Service selects, their IPs and their readiness.

use kubesim::model::endpoint_slice::EndpointSlice;
use kubesim::model::endpoints::Endpoints;
use kubesim::model::pod::Pod;
use kubesim_tests::batchnodes::*;

const SERVICE: &str = r#"
apiVersion: v1
kind: Service
metadata: { name: web, labels: { tier: front } }
spec:
  selector: { app: web }
  ports:
  - { name: http, port: 80, targetPort: http }
"#;

fn web_pod(name: &str) -> String {
    format!(
        r#"
apiVersion: v1
kind: Pod
metadata: {{ name: {name}, labels: {{ app: web }} }}
spec:
  # The test binds the pods itself, so kube-scheduler leaves them alone.
  schedulerName: test-binder
  containers:
  - name: nginx
    image: nginx
    ports: [{{ name: http, containerPort: 8080 }}]
"#
    )
}

fn slices_of(simulation: &kubesim::Simulation, service: &str) -> Vec<EndpointSlice> {
    list::<EndpointSlice>(simulation, "default")
        .into_iter()
        .filter(|s| s.metadata.label("kubernetes.io/service-name") == Some(service))
        .collect()
}

fn addresses(endpoints: &Endpoints) -> (Vec<String>, Vec<String>) {
    let mut ready = Vec::new();
    let mut not_ready = Vec::new();
    for subset in endpoints.subsets.iter().flatten() {
        ready.extend(
            subset
                .addresses
                .iter()
                .flatten()
                .filter_map(|a| a.ip.clone()),
        );
        not_ready.extend(
            subset
                .not_ready_addresses
                .iter()
                .flatten()
                .filter_map(|a| a.ip.clone()),
        );
    }
    (ready, not_ready)
}

#[test]
fn a_fresh_cluster_has_the_kubernetes_service_pointing_at_the_apiserver() {
    let simulation = cluster();
    let service: kubesim::model::service::Service =
        get(&simulation, "default", "kubernetes").expect("kubernetes service");
    assert_eq!(
        service.spec.as_ref().unwrap().cluster_ip.as_deref(),
        Some("10.96.0.1")
    );
    let endpoints: Endpoints = get(&simulation, "default", "kubernetes").unwrap();
    assert_eq!(addresses(&endpoints).0, vec!["172.18.0.2"]);
    let port = &endpoints.subsets.as_ref().unwrap()[0]
        .ports
        .as_ref()
        .unwrap()[0];
    assert_eq!(
        (port.name.as_deref(), port.port),
        (Some("https"), Some(6443))
    );
    let slice: EndpointSlice = get(&simulation, "default", "kubernetes").unwrap();
    assert_eq!(
        slice.endpoints.unwrap()[0].addresses,
        Some(vec!["172.18.0.2".to_string()])
    );
}

#[test]
fn endpoints_follow_pod_readiness_with_the_named_target_port_resolved() {
    let mut simulation = cluster();
    create(&mut simulation, SERVICE);
    create(&mut simulation, &web_pod("web-1"));
    create(&mut simulation, &web_pod("web-2"));
    settle(&mut simulation);

    // No pod has an IP yet: the Endpoints exist, empty, and a placeholder slice.
    let endpoints: Endpoints = get(&simulation, "default", "web").expect("endpoints created");
    assert!(endpoints.subsets.is_none());
    assert_eq!(endpoints.metadata.label("tier"), Some("front"));
    let slices = slices_of(&simulation, "web");
    assert_eq!(slices.len(), 1);
    assert!(slices[0].endpoints.is_none());

    // One pod runs and is ready, the other runs but is not ready yet.
    bind(&mut simulation, "default", "web-1", "worker-1");
    bind(&mut simulation, "default", "web-2", "worker-2");
    run(&mut simulation, "default", "web-1", "10.244.1.5", true);
    run(&mut simulation, "default", "web-2", "10.244.2.7", false);
    settle(&mut simulation);

    let endpoints: Endpoints = get(&simulation, "default", "web").unwrap();
    assert_eq!(
        addresses(&endpoints),
        (
            vec!["10.244.1.5".to_string()],
            vec!["10.244.2.7".to_string()]
        )
    );
    let subset = &endpoints.subsets.as_ref().unwrap()[0];
    let port = &subset.ports.as_ref().unwrap()[0];
    assert_eq!(
        (port.name.as_deref(), port.port),
        (Some("http"), Some(8080))
    );
    let address = &subset.addresses.as_ref().unwrap()[0];
    assert_eq!(address.node_name.as_deref(), Some("worker-1"));
    assert_eq!(
        address.target_ref.as_ref().unwrap().name.as_deref(),
        Some("web-1")
    );

    let slices = slices_of(&simulation, "web");
    assert_eq!(slices.len(), 1, "the placeholder slice is reused");
    let slice = &slices[0];
    assert!(slice.metadata.name().starts_with("web-"));
    assert_eq!(
        slice
            .metadata
            .label("endpointslice.kubernetes.io/managed-by"),
        Some("endpointslice-controller.k8s.io")
    );
    assert_eq!(slice.address_type.as_deref(), Some("IPv4"));
    let conditions: Vec<(String, bool)> = slice
        .endpoints
        .iter()
        .flatten()
        .map(|e| {
            (
                e.addresses.as_ref().unwrap()[0].clone(),
                e.conditions.as_ref().unwrap().ready.unwrap(),
            )
        })
        .collect();
    assert_eq!(
        conditions,
        vec![
            ("10.244.1.5".to_string(), true),
            ("10.244.2.7".to_string(), false)
        ]
    );
    let port = &slice.ports.as_ref().unwrap()[0];
    assert_eq!(
        (port.name.as_deref(), port.port),
        (Some("http"), Some(8080))
    );

    // web-2 becomes ready: both addresses are ready now.
    run(&mut simulation, "default", "web-2", "10.244.2.7", true);
    settle(&mut simulation);
    let endpoints: Endpoints = get(&simulation, "default", "web").unwrap();
    assert_eq!(addresses(&endpoints).0.len(), 2);
    assert!(addresses(&endpoints).1.is_empty());
}

#[test]
fn a_terminating_pod_leaves_endpoints_but_stays_in_its_slice_as_terminating() {
    let mut simulation = cluster();
    create(&mut simulation, SERVICE);
    create(&mut simulation, &web_pod("web-1"));
    settle(&mut simulation);
    bind(&mut simulation, "default", "web-1", "worker-1");
    run(&mut simulation, "default", "web-1", "10.244.1.5", true);
    settle(&mut simulation);

    // A graceful deletion: the pod is terminating for 30 s.
    delete(&mut simulation, "Pod", "default", "web-1");
    settle(&mut simulation);
    let pod: Pod = get(&simulation, "default", "web-1").expect("still terminating");
    assert!(pod.metadata.deletion_timestamp.is_some());
    let endpoints: Endpoints = get(&simulation, "default", "web").unwrap();
    assert!(
        endpoints.subsets.is_none(),
        "terminating pods leave Endpoints"
    );
    let slices = slices_of(&simulation, "web");
    let conditions = slices[0].endpoints.as_ref().unwrap()[0]
        .conditions
        .clone()
        .unwrap();
    assert_eq!(
        (conditions.ready, conditions.serving, conditions.terminating),
        (Some(false), Some(true), Some(true))
    );

    // The kubelet finishes the deletion: the slice goes back to a placeholder.
    remove_pod(&mut simulation, "default", "web-1");
    settle(&mut simulation);
    let slices = slices_of(&simulation, "web");
    assert_eq!(slices.len(), 1);
    assert!(slices[0].endpoints.is_none());
}

#[test]
fn publish_not_ready_addresses_lists_unready_pods_as_ready() {
    let mut simulation = cluster();
    create(
        &mut simulation,
        r#"
apiVersion: v1
kind: Service
metadata: { name: peers }
spec:
  clusterIP: None
  publishNotReadyAddresses: true
  selector: { app: web }
  ports: [{ port: 7000 }]
"#,
    );
    create(&mut simulation, &web_pod("web-1"));
    settle(&mut simulation);
    bind(&mut simulation, "default", "web-1", "worker-1");
    run(&mut simulation, "default", "web-1", "10.244.1.5", false);
    settle(&mut simulation);
    let endpoints: Endpoints = get(&simulation, "default", "peers").unwrap();
    assert_eq!(addresses(&endpoints).0, vec!["10.244.1.5"]);
    assert_eq!(
        endpoints.metadata.label("service.kubernetes.io/headless"),
        Some("")
    );
    let slice = &slices_of(&simulation, "peers")[0];
    let conditions = slice.endpoints.as_ref().unwrap()[0]
        .conditions
        .clone()
        .unwrap();
    assert_eq!(
        (conditions.ready, conditions.serving),
        (Some(true), Some(false))
    );
}

#[test]
fn a_service_whose_selector_stops_matching_empties_its_endpoints() {
    let mut simulation = cluster();
    create(&mut simulation, SERVICE);
    create(&mut simulation, &web_pod("web-1"));
    settle(&mut simulation);
    bind(&mut simulation, "default", "web-1", "worker-1");
    run(&mut simulation, "default", "web-1", "10.244.1.5", true);
    settle(&mut simulation);
    let revision = simulation.api().resource_version();
    settle(&mut simulation);
    assert_eq!(
        simulation.api().resource_version(),
        revision,
        "no write without a change"
    );

    // Relabel the pod away from the selector.
    let mut pod: Pod = get(&simulation, "default", "web-1").unwrap();
    pod.metadata.set_label("app", "other");
    simulation
        .api_mut()
        .update(kubesim::model::Object::Pod(Box::new(pod)))
        .unwrap();
    settle(&mut simulation);
    let endpoints: Endpoints = get(&simulation, "default", "web").unwrap();
    assert!(endpoints.subsets.is_none());

    // Deleting the Service deletes its Endpoints and (by ownership) its slices.
    delete(&mut simulation, "Service", "default", "web");
    settle(&mut simulation);
    assert!(get::<Endpoints>(&simulation, "default", "web").is_none());
    assert!(slices_of(&simulation, "web").is_empty());
}

#[test]
fn a_hundred_and_fifty_pods_fill_two_slices() {
    let mut simulation = cluster();
    create(&mut simulation, SERVICE);
    for index in 0..150 {
        create(&mut simulation, &web_pod(&format!("web-{index}")));
    }
    settle(&mut simulation);
    for index in 0..150 {
        let name = format!("web-{index}");
        bind(&mut simulation, "default", &name, "worker-1");
        run(
            &mut simulation,
            "default",
            &name,
            &format!("10.244.{}.{}", 1 + index / 200, 2 + index % 200),
            true,
        );
    }
    settle(&mut simulation);
    let mut sizes: Vec<usize> = slices_of(&simulation, "web")
        .iter()
        .map(|s| s.endpoints.as_ref().map_or(0, Vec::len))
        .collect();
    sizes.sort();
    assert_eq!(sizes.iter().sum::<usize>(), 150);
    assert!(sizes.iter().all(|&n| n <= 100), "{sizes:?}");
    assert_eq!(sizes.len(), 2, "{sizes:?}");
}
