//! Admission defaulting: what the API server fills in, checked through `ApiServer::create`.

use std::sync::Arc;

use kubesim::api_server::ApiError;
use kubesim::model::Object;
use kubesim::model::manifest::decode_manifests;
use kubesim::{Simulation, SimulationConfig};
use serde_json::{Value, json};

fn decode(yaml: &str) -> Object {
    let mut documents = decode_manifests(yaml, "test.yaml");
    assert_eq!(documents.len(), 1, "one document expected");
    documents.remove(0).expect("manifest decodes").object
}

fn simulation() -> Simulation {
    Simulation::new(SimulationConfig::default())
}

fn create(simulation: &mut Simulation, yaml: &str) -> Result<Arc<Object>, ApiError> {
    simulation.api_mut().create(decode(yaml))
}

/// The stored object as Kubernetes JSON.
fn created(simulation: &mut Simulation, yaml: &str) -> Value {
    match create(simulation, yaml) {
        Ok(object) => object.to_value(),
        Err(error) => panic!("create failed: {}", error.kubectl_message()),
    }
}

const POD: &str = "
apiVersion: v1
kind: Pod
metadata: {name: web}
spec:
  containers:
  - name: app
    image: nginx
    ports: [{containerPort: 80}]
    readinessProbe:
      httpGet: {port: 80}
";

#[test]
fn pod_defaults() {
    let mut sim = simulation();
    let pod = created(&mut sim, POD);
    let spec = &pod["spec"];
    let table: &[(&str, Value)] = &[
        ("restartPolicy", json!("Always")),
        ("terminationGracePeriodSeconds", json!(30)),
        ("dnsPolicy", json!("ClusterFirst")),
        ("schedulerName", json!("default-scheduler")),
        ("securityContext", json!({})),
        ("enableServiceLinks", json!(true)),
        ("serviceAccountName", json!("default")),
        ("serviceAccount", json!("default")),
        ("priority", json!(0)),
        ("preemptionPolicy", json!("PreemptLowerPriority")),
    ];
    for (field, expected) in table {
        assert_eq!(&spec[field], expected, "spec.{field}");
    }
    let container = &spec["containers"][0];
    assert_eq!(container["imagePullPolicy"], "Always");
    assert_eq!(container["terminationMessagePath"], "/dev/termination-log");
    assert_eq!(container["terminationMessagePolicy"], "File");
    assert_eq!(container["ports"][0]["protocol"], "TCP");
    let probe = &container["readinessProbe"];
    assert_eq!(
        (
            &probe["timeoutSeconds"],
            &probe["periodSeconds"],
            &probe["successThreshold"],
            &probe["failureThreshold"]
        ),
        (&json!(1), &json!(10), &json!(1), &json!(3))
    );
    assert_eq!(probe["httpGet"]["scheme"], "HTTP");
    assert_eq!(probe["httpGet"]["path"], "/");
    assert_eq!(
        spec["tolerations"],
        json!([
            {"key": "node.kubernetes.io/not-ready", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
            {"key": "node.kubernetes.io/unreachable", "operator": "Exists", "effect": "NoExecute", "tolerationSeconds": 300},
        ])
    );
    assert_eq!(
        pod["status"],
        json!({"phase": "Pending", "qosClass": "BestEffort"})
    );
}

#[test]
fn image_pull_policy_follows_the_tag() {
    let cases = [
        ("nginx", "Always"),
        ("nginx:latest", "Always"),
        ("nginx:1.25", "IfNotPresent"),
        ("localhost:5000/app", "Always"),
        ("localhost:5000/app:v2", "IfNotPresent"),
        (
            "nginx@sha256:0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
            "IfNotPresent",
        ),
    ];
    for (index, (image, policy)) in cases.into_iter().enumerate() {
        let mut sim = simulation();
        let yaml = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p{index}}}\nspec:\n  containers: [{{name: a, image: \"{image}\"}}]\n"
        );
        let pod = created(&mut sim, &yaml);
        assert_eq!(
            pod["spec"]["containers"][0]["imagePullPolicy"], policy,
            "{image}"
        );
    }
}

#[test]
fn qos_classes_and_requests_from_limits() {
    let cases = [
        ("{limits: {cpu: 500m, memory: 128Mi}}", "Guaranteed"),
        ("{requests: {cpu: 100m}}", "Burstable"),
        (
            "{requests: {cpu: 100m, memory: 64Mi}, limits: {cpu: 200m, memory: 64Mi}}",
            "Burstable",
        ),
        ("{}", "BestEffort"),
    ];
    for (resources, qos) in cases {
        let mut sim = simulation();
        let yaml = format!(
            "apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n  containers: [{{name: a, image: nginx, resources: {resources}}}]\n"
        );
        let pod = created(&mut sim, &yaml);
        assert_eq!(pod["status"]["qosClass"], qos, "{resources}");
    }
    let mut sim = simulation();
    let pod = created(
        &mut sim,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: nginx, resources: {limits: {cpu: 500m}, requests: {memory: 1Gi}}}]\n",
    );
    assert_eq!(
        pod["spec"]["containers"][0]["resources"]["requests"],
        json!({"cpu": "500m", "memory": "1Gi"})
    );
}

#[test]
fn quantities_are_stored_canonical_and_rounded_to_millis() {
    let mut sim = simulation();
    let pod = created(
        &mut sim,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: a, image: nginx, resources: {limits: {cpu: 0.5, memory: 1024Mi}, requests: {cpu: 0.0001}}}]\n",
    );
    assert_eq!(
        pod["spec"]["containers"][0]["resources"],
        json!({"limits": {"cpu": "500m", "memory": "1Gi"}, "requests": {"cpu": "1m", "memory": "1Gi"}})
    );
}

#[test]
fn existing_toleration_suppresses_the_default() {
    let mut sim = simulation();
    let pod = created(
        &mut sim,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  tolerations: [{key: node.kubernetes.io/unreachable, operator: Exists, effect: NoExecute, tolerationSeconds: 10}]\n  containers: [{name: a, image: nginx}]\n",
    );
    let tolerations = pod["spec"]["tolerations"].as_array().unwrap().clone();
    assert_eq!(tolerations.len(), 2);
    assert_eq!(tolerations[0]["tolerationSeconds"], 10);
    assert_eq!(tolerations[1]["key"], "node.kubernetes.io/not-ready");
}

#[test]
fn priority_class_sets_priority() {
    let mut sim = simulation();
    created(
        &mut sim,
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: high}\nvalue: 1000\npreemptionPolicy: Never\n",
    );
    let pod = created(
        &mut sim,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  priorityClassName: high\n  containers: [{name: a, image: nginx}]\n",
    );
    assert_eq!(pod["spec"]["priority"], 1000);
    assert_eq!(pod["spec"]["preemptionPolicy"], "Never");
    let error = create(
        &mut sim,
        "apiVersion: v1\nkind: Pod\nmetadata: {name: q}\nspec:\n  priorityClassName: missing\n  containers: [{name: a, image: nginx}]\n",
    )
    .unwrap_err();
    assert_eq!(
        error.kubectl_message(),
        "Error from server (Forbidden): pods \"q\" is forbidden: no PriorityClass with name missing was found"
    );
}

const DEPLOYMENT: &str = "
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx:1.25, resources: {limits: {cpu: 1}}}]
";

#[test]
fn deployment_defaults() {
    let mut sim = simulation();
    let deployment = created(&mut sim, DEPLOYMENT);
    let spec = &deployment["spec"];
    assert_eq!(spec["replicas"], 1);
    assert_eq!(
        spec["strategy"],
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": "25%", "maxSurge": "25%"}})
    );
    assert_eq!(spec["revisionHistoryLimit"], 10);
    assert_eq!(spec["progressDeadlineSeconds"], 600);
    let pod_spec = &spec["template"]["spec"];
    assert_eq!(pod_spec["restartPolicy"], "Always");
    assert_eq!(pod_spec["terminationGracePeriodSeconds"], 30);
    assert_eq!(pod_spec["containers"][0]["imagePullPolicy"], "IfNotPresent");
    // Template-only defaults stop at the PodSpec: no requests from limits, no
    // service links, tolerations or priority (those are Pod-only upstream).
    assert_eq!(
        pod_spec["containers"][0]["resources"],
        json!({"limits": {"cpu": "1"}})
    );
    assert_eq!(pod_spec.get("enableServiceLinks"), None);
    assert_eq!(pod_spec.get("tolerations"), None);
    assert_eq!(pod_spec.get("serviceAccountName"), None);
}

#[test]
fn service_account_mirrors_the_deprecated_field_in_templates_too() {
    let mut sim = simulation();
    let deployment = created(
        &mut sim,
        &DEPLOYMENT.replace(
            "      containers:",
            "      serviceAccount: robot\n      containers:",
        ),
    );
    let pod_spec = &deployment["spec"]["template"]["spec"];
    assert_eq!(pod_spec["serviceAccountName"], "robot");
    assert_eq!(pod_spec["serviceAccount"], "robot");
}

#[test]
fn recreate_strategy_gets_no_rolling_update() {
    let mut sim = simulation();
    let yaml = DEPLOYMENT.replace(
        "spec:\n  selector",
        "spec:\n  strategy: {type: Recreate}\n  selector",
    );
    let deployment = created(&mut sim, &yaml);
    assert_eq!(deployment["spec"]["strategy"], json!({"type": "Recreate"}));
}

#[test]
fn replica_set_and_daemon_set_defaults() {
    let mut sim = simulation();
    let replica_set = created(&mut sim, &DEPLOYMENT.replace("Deployment", "ReplicaSet"));
    assert_eq!(replica_set["spec"]["replicas"], 1);
    let daemon_set = created(&mut sim, &DEPLOYMENT.replace("Deployment", "DaemonSet"));
    assert_eq!(
        daemon_set["spec"]["updateStrategy"],
        json!({"type": "RollingUpdate", "rollingUpdate": {"maxUnavailable": 1, "maxSurge": 0}})
    );
    assert_eq!(daemon_set["spec"]["revisionHistoryLimit"], 10);
}

const JOB: &str = "
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: perl}]
";

#[test]
fn job_defaults_and_generated_selector() {
    let mut sim = simulation();
    let job = created(&mut sim, JOB);
    let spec = &job["spec"];
    assert_eq!(
        (&spec["completions"], &spec["parallelism"]),
        (&json!(1), &json!(1))
    );
    assert_eq!(spec["backoffLimit"], 6);
    assert_eq!(spec["completionMode"], "NonIndexed");
    assert_eq!(spec["suspend"], false);
    assert_eq!(spec["podReplacementPolicy"], "TerminatingOrFailed");
    let uid = job["metadata"]["uid"].as_str().unwrap();
    assert_eq!(
        spec["selector"],
        json!({"matchLabels": {"batch.kubernetes.io/controller-uid": uid}})
    );
    assert_eq!(
        spec["template"]["metadata"]["labels"],
        json!({
            "batch.kubernetes.io/controller-uid": uid,
            "batch.kubernetes.io/job-name": "pi",
            "controller-uid": uid,
            "job-name": "pi",
        })
    );
}

#[test]
fn job_with_only_parallelism_keeps_completions_unset() {
    let mut sim = simulation();
    let job = created(
        &mut sim,
        &JOB.replace("spec:\n  template", "spec:\n  parallelism: 3\n  template"),
    );
    assert_eq!(job["spec"]["parallelism"], 3);
    assert_eq!(job["spec"].get("completions"), None);
}

#[test]
fn service_defaults_and_cluster_ip() {
    let mut sim = simulation();
    let service = created(
        &mut sim,
        "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80}]\n",
    );
    let spec = &service["spec"];
    assert_eq!(spec["type"], "ClusterIP");
    assert_eq!(spec["sessionAffinity"], "None");
    assert_eq!(
        spec["ports"][0],
        json!({"port": 80, "protocol": "TCP", "targetPort": 80})
    );
    assert_eq!(spec["ipFamilies"], json!(["IPv4"]));
    assert_eq!(spec["ipFamilyPolicy"], "SingleStack");
    assert_eq!(spec["internalTrafficPolicy"], "Cluster");
    assert_eq!(spec.get("externalTrafficPolicy"), None);
    let ip: std::net::Ipv4Addr = spec["clusterIP"].as_str().unwrap().parse().unwrap();
    let [a, b, _, _] = ip.octets();
    assert!(
        a == 10 && (96..112).contains(&b),
        "{ip} is outside 10.96.0.0/12"
    );
    assert_eq!(spec["clusterIPs"], json!([ip.to_string()]));
}

#[test]
fn node_port_and_load_balancer_services() {
    let mut sim = simulation();
    let service = created(
        &mut sim,
        "apiVersion: v1\nkind: Service\nmetadata: {name: lb}\nspec:\n  type: LoadBalancer\n  sessionAffinity: ClientIP\n  ports: [{name: a, port: 80, nodePort: 30080}, {name: b, port: 81}]\n",
    );
    let spec = &service["spec"];
    assert_eq!(spec["externalTrafficPolicy"], "Cluster");
    assert_eq!(spec["allocateLoadBalancerNodePorts"], true);
    assert_eq!(
        spec["sessionAffinityConfig"],
        json!({"clientIP": {"timeoutSeconds": 10800}})
    );
    assert_eq!(spec["ports"][0]["nodePort"], 30080);
    let dynamic = spec["ports"][1]["nodePort"].as_i64().unwrap();
    assert!((30000..=32767).contains(&dynamic));
}

#[test]
fn headless_and_external_name_services_get_no_cluster_ip() {
    let mut sim = simulation();
    let headless = created(
        &mut sim,
        "apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  clusterIP: None\n  selector: {app: db}\n",
    );
    assert_eq!(headless["spec"]["clusterIP"], "None");
    assert_eq!(headless["spec"]["clusterIPs"], json!(["None"]));
    let external = created(
        &mut sim,
        "apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  type: ExternalName\n  externalName: example.com\n",
    );
    assert_eq!(external["spec"].get("clusterIP"), None);
}

#[test]
fn deleting_a_service_frees_its_cluster_ip_and_node_port() {
    let mut sim = simulation();
    let yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: NodePort\n  clusterIP: 10.96.0.50\n  ports: [{port: 80, nodePort: 30080}]\n";
    created(&mut sim, yaml);
    let service_type = kubesim::model::registry::lookup_kind_name("Service").unwrap();
    sim.api_mut()
        .delete(service_type, "default", "a", &Default::default())
        .unwrap();
    created(&mut sim, yaml);
}

#[test]
fn namespace_defaults() {
    let mut sim = simulation();
    let namespace = created(
        &mut sim,
        "apiVersion: v1\nkind: Namespace\nmetadata: {name: team-a}\n",
    );
    assert_eq!(namespace["spec"], json!({"finalizers": ["kubernetes"]}));
    assert_eq!(namespace["status"], json!({"phase": "Active"}));
    assert_eq!(
        namespace["metadata"]["labels"],
        json!({"kubernetes.io/metadata.name": "team-a"})
    );
}

#[test]
fn endpoints_ports_default_to_tcp() {
    let mut sim = simulation();
    let endpoints = created(
        &mut sim,
        "apiVersion: v1\nkind: Endpoints\nmetadata: {name: web}\nsubsets: [{addresses: [{ip: 10.0.0.1}], ports: [{port: 80}]}]\n",
    );
    assert_eq!(endpoints["subsets"][0]["ports"][0]["protocol"], "TCP");
}

#[test]
fn global_default_priority_class_applies_to_pods_without_a_class() {
    let mut sim = simulation();
    created(
        &mut sim,
        "apiVersion: scheduling.k8s.io/v1\nkind: PriorityClass\nmetadata: {name: normal}\nvalue: 100\nglobalDefault: true\n",
    );
    let pod = created(&mut sim, POD);
    assert_eq!(pod["spec"]["priorityClassName"], "normal");
    assert_eq!(pod["spec"]["priority"], 100);
}

#[test]
fn status_writes_keep_the_qos_class() {
    let mut sim = simulation();
    let pod = create(&mut sim, POD).unwrap();
    let mut next = (*pod).clone();
    if let Object::Pod(inner) = &mut next {
        inner.status = Some(kubesim::model::pod::PodStatus {
            phase: Some("Running".to_string()),
            ..Default::default()
        });
    }
    let stored = sim.api_mut().update_status(next).unwrap().to_value();
    assert_eq!(
        stored["status"],
        json!({"phase": "Running", "qosClass": "BestEffort"})
    );
}

#[test]
fn stored_only_kinds_get_their_visible_defaults() {
    let mut sim = simulation();
    let secret = created(
        &mut sim,
        "apiVersion: v1\nkind: Secret\nmetadata: {name: s}\nstringData: {a: b}\n",
    );
    assert_eq!(secret["type"], "Opaque");
    let cron_job = created(
        &mut sim,
        "apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: c}\nspec:\n  schedule: '*/5 * * * *'\n  jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: a, image: busybox}]}}}}\n",
    );
    assert_eq!(cron_job["spec"]["concurrencyPolicy"], "Allow");
    assert_eq!(cron_job["spec"]["suspend"], false);
    assert_eq!(cron_job["spec"]["successfulJobsHistoryLimit"], 3);
    assert_eq!(cron_job["spec"]["failedJobsHistoryLimit"], 1);
}
