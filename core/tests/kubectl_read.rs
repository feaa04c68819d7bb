//! kubectl's read side against a default cluster: `get` in every format, for
//! objects created through the API server with the status a controller would
//! have written. Expected output is kubectl's, byte for byte.

use kubesim::kubectl::{CommandOutput, run};
use kubesim::model::manifest::{decode_manifests, decode_object};
use kubesim::model::registry::RESOURCE_TYPES;
use kubesim::{Simulation, SimulationConfig};
use serde_json::{Value, json};

/// Creates every document of a manifest, then writes the `status` it carried
/// (creation drops status, as the API server does).
fn apply(simulation: &mut Simulation, manifest: &str) {
    for decoded in decode_manifests(manifest, "test.yaml") {
        let object = decoded.expect("test manifests decode").object;
        let status = object.to_value().get("status").cloned();
        let created = simulation
            .api_mut()
            .create(object)
            .unwrap_or_else(|error| panic!("create: {error}"));
        if let Some(status) = status {
            let mut value = created.to_value();
            value["status"] = status;
            let with_status = decode_object(value, "status").expect("status decodes");
            simulation
                .api_mut()
                .update_status(with_status)
                .unwrap_or_else(|error| panic!("status: {error}"));
        }
    }
}

fn kubectl(simulation: &mut Simulation, line: &str) -> CommandOutput {
    run(simulation, line, "")
}

const WORKLOADS: &str = r#"
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
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
status:
  replicas: 3
  updatedReplicas: 3
  readyReplicas: 2
  availableReplicas: 2
---
apiVersion: v1
kind: Pod
metadata:
  name: web-1
  labels: {app: web}
spec:
  nodeName: worker-1
  containers:
  - name: nginx
    image: nginx:1.25
status:
  phase: Running
  podIP: 10.244.1.5
  podIPs: [{ip: 10.244.1.5}]
  conditions:
  - {type: Ready, status: "True"}
  containerStatuses:
  - name: nginx
    ready: true
    restartCount: 0
    image: nginx:1.25
    imageID: ""
    state: {running: {startedAt: "2025-01-01T00:00:00Z"}}
---
apiVersion: v1
kind: Pod
metadata:
  name: web-2
  labels: {app: web}
spec:
  nodeName: worker-2
  containers:
  - name: nginx
    image: nginx:1.25
status:
  phase: Pending
  containerStatuses:
  - name: nginx
    ready: false
    restartCount: 4
    image: nginx:1.25
    imageID: ""
    state: {waiting: {reason: CrashLoopBackOff}}
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  type: NodePort
  selector: {app: web}
  ports:
  - port: 80
    targetPort: 80
    nodePort: 30080
"#;

fn cluster() -> Simulation {
    let mut simulation = Simulation::new(SimulationConfig::default());
    apply(&mut simulation, WORKLOADS);
    simulation
}

#[test]
fn get_pods_prints_the_pod_table() {
    let mut simulation = cluster();
    let pods = kubectl(&mut simulation, "kubectl get pods");
    assert_eq!(
        pods.stdout,
        "NAME    READY   STATUS             RESTARTS   AGE\n\
         web-1   1/1     Running            0          0s\n\
         web-2   0/1     CrashLoopBackOff   4          0s\n"
    );
    assert_eq!((pods.stderr.as_str(), pods.exit_code), ("", 0));
    let wide = kubectl(&mut simulation, "kubectl get po -o wide");
    assert_eq!(
        wide.stdout,
        "NAME    READY   STATUS             RESTARTS   AGE   IP           NODE       NOMINATED NODE   READINESS GATES\n\
         web-1   1/1     Running            0          0s    10.244.1.5   worker-1   <none>           <none>\n\
         web-2   0/1     CrashLoopBackOff   4          0s    <none>       worker-2   <none>           <none>\n"
    );
    let labels = kubectl(
        &mut simulation,
        "kubectl get pod web-1 --show-labels --no-headers",
    );
    assert_eq!(
        labels.stdout,
        "web-1   1/1   Running   0     0s    app=web\n"
    );
    let columns = kubectl(&mut simulation, "kubectl get pods -L app -l 'app in (web)'");
    assert_eq!(
        columns.stdout.lines().next(),
        Some("NAME    READY   STATUS             RESTARTS   AGE   APP")
    );
}

#[test]
fn get_deployments_services_and_all() {
    let mut simulation = cluster();
    let deployments = kubectl(&mut simulation, "kubectl get deploy -o wide");
    assert_eq!(
        deployments.stdout,
        "NAME   READY   UP-TO-DATE   AVAILABLE   AGE   CONTAINERS   IMAGES       SELECTOR\n\
         web    2/3     3            2           0s    nginx        nginx:1.25   app=web\n"
    );
    let services = kubectl(&mut simulation, "kubectl get svc web");
    let lines: Vec<&str> = services.stdout.lines().collect();
    // The ClusterIP is allocated at random, so its column's width varies.
    assert!(
        lines[0].starts_with("NAME   TYPE       CLUSTER-IP "),
        "{}",
        lines[0]
    );
    assert!(
        lines[0].ends_with("   EXTERNAL-IP   PORT(S)        AGE"),
        "{}",
        lines[0]
    );
    assert!(
        lines[1].starts_with("web    NodePort   10."),
        "{}",
        lines[1]
    );
    assert!(
        lines[1].ends_with("   <none>        80:30080/TCP   0s"),
        "{}",
        lines[1]
    );
    let all = kubectl(&mut simulation, "kubectl get all");
    let sections: Vec<&str> = all.stdout.split("\n\n").collect();
    assert_eq!(sections.len(), 3, "{}", all.stdout);
    assert!(sections[0].starts_with("NAME        READY   STATUS"));
    assert!(sections[0].contains("\npod/web-1   1/1     Running"));
    assert!(
        sections[1].starts_with("NAME                 TYPE        CLUSTER-IP "),
        "{}",
        sections[1]
    );
    assert!(sections[1].contains("\nservice/kubernetes   ClusterIP   10.96.0.1 "));
    assert!(sections[1].contains("\nservice/web          NodePort    10."));
    assert_eq!(
        sections[2],
        "NAME                  READY   UP-TO-DATE   AVAILABLE   AGE\ndeployment.apps/web   2/3     3            2           0s\n"
    );
    let no_headers = kubectl(&mut simulation, "kubectl get pods,deploy --no-headers");
    assert!(
        !no_headers.stdout.contains("\n\n"),
        "no blank line without headers"
    );
    assert!(no_headers.stdout.contains("deployment.apps/web"));
}

#[test]
fn empty_results_and_errors_read_as_kubectl() {
    let mut simulation = cluster();
    let none = kubectl(&mut simulation, "kubectl get jobs -n kube-public");
    assert_eq!(
        (none.stdout.as_str(), none.stderr.as_str(), none.exit_code),
        ("", "No resources found in kube-public namespace.\n", 0)
    );
    let cluster_scoped = kubectl(&mut simulation, "kubectl get pv");
    assert_eq!(cluster_scoped.stderr, "No resources found\n");
    let everywhere = kubectl(&mut simulation, "kubectl get cm -A -l nothing=here");
    assert_eq!(everywhere.stderr, "No resources found\n");
    let missing = kubectl(&mut simulation, "kubectl get pod web-1 nope");
    assert!(missing.stdout.starts_with("NAME    READY"));
    assert_eq!(
        missing.stderr,
        "Error from server (NotFound): pods \"nope\" not found\n"
    );
    assert_eq!(missing.exit_code, 1);
    let ignored = kubectl(&mut simulation, "kubectl get pod nope --ignore-not-found");
    assert_eq!(
        (
            ignored.stdout.as_str(),
            ignored.stderr.as_str(),
            ignored.exit_code
        ),
        ("", "", 0)
    );
    let unknown = kubectl(&mut simulation, "kubectl get frobs");
    assert_eq!(
        unknown.stderr,
        "error: the server doesn't have a resource type \"frobs\"\n"
    );
    let mixed = kubectl(&mut simulation, "kubectl get pods pod/web-1");
    assert!(
        mixed
            .stderr
            .starts_with("error: there is no need to specify a resource type")
    );
    let bad_format = kubectl(&mut simulation, "kubectl get pods -o xml");
    assert_eq!(
        bad_format.stderr,
        "error: unable to match a printer suitable for the output format \"xml\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n"
    );
    let bad_field = kubectl(
        &mut simulation,
        "kubectl get pods --field-selector spec.bogus=x",
    );
    assert!(
        bad_field
            .stderr
            .starts_with("Error from server (BadRequest): "),
        "{}",
        bad_field.stderr
    );
}

#[test]
fn all_namespaces_adds_the_namespace_column() {
    let mut simulation = cluster();
    let pods = kubectl(
        &mut simulation,
        "kubectl get pods -A --field-selector spec.nodeName=worker-1",
    );
    assert_eq!(
        pods.stdout,
        "NAMESPACE   NAME    READY   STATUS    RESTARTS   AGE\ndefault     web-1   1/1     Running   0          0s\n"
    );
    let nodes = kubectl(&mut simulation, "kubectl get nodes -A");
    assert!(
        nodes.stdout.starts_with("NAME            STATUS   ROLES"),
        "cluster-scoped kinds have no NAMESPACE column"
    );
    let named = kubectl(&mut simulation, "kubectl get pod web-1 -A");
    assert_eq!(
        named.stderr,
        "error: a resource cannot be retrieved by name across all namespaces\n"
    );
}

#[test]
fn structured_formats() {
    let mut simulation = cluster();
    let names = kubectl(&mut simulation, "kubectl get pods,deploy -o name");
    assert_eq!(names.stdout, "pod/web-1\npod/web-2\ndeployment.apps/web\n");
    let jsonpath = kubectl(
        &mut simulation,
        "kubectl get pods -o jsonpath='{.items[*].metadata.name}'",
    );
    assert_eq!(jsonpath.stdout, "web-1 web-2");
    let range = kubectl(
        &mut simulation,
        r#"kubectl get pods -o jsonpath='{range .items[*]}{.metadata.name}{"\t"}{.spec.nodeName}{"\n"}{end}'"#,
    );
    assert_eq!(range.stdout, "web-1\tworker-1\nweb-2\tworker-2\n");
    let single = kubectl(
        &mut simulation,
        "kubectl get pod web-2 -o jsonpath={.status.containerStatuses[0].restartCount}",
    );
    assert_eq!(single.stdout, "4");
    let columns = kubectl(
        &mut simulation,
        "kubectl get pods -o custom-columns=NAME:.metadata.name,NODE:.spec.nodeName,IP:.status.podIP --sort-by=.metadata.name",
    );
    assert_eq!(
        columns.stdout,
        "NAME    NODE       IP\nweb-1   worker-1   10.244.1.5\nweb-2   worker-2   <none>\n"
    );
    let sorted = kubectl(
        &mut simulation,
        "kubectl get pods --sort-by=.status.containerStatuses[0].restartCount -o name",
    );
    assert_eq!(sorted.stdout, "pod/web-1\npod/web-2\n");
    let yaml = kubectl(&mut simulation, "kubectl get pods -o yaml");
    assert!(
        yaml.stdout
            .starts_with("apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Pod\n")
    );
    assert!(
        yaml.stdout
            .ends_with("kind: List\nmetadata:\n  resourceVersion: \"\"\n")
    );
    assert!(
        yaml.stdout
            .contains("creationTimestamp: \"2025-01-01T00:00:00Z\"")
    );
    let one = kubectl(&mut simulation, "kubectl get deployment/web -o yaml");
    assert!(
        one.stdout
            .starts_with("apiVersion: apps/v1\nkind: Deployment\n")
    );
    let empty = kubectl(&mut simulation, "kubectl get jobs -o json");
    assert_eq!(
        empty.stdout,
        "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
    );
    let as_json = kubectl(
        &mut simulation,
        "kubectl get pod web-1 -o jsonpath-as-json={.metadata.name}",
    );
    assert_eq!(as_json.stdout, "[\n    \"web-1\"\n]\n");
}

/// Every served kind's `-o json` is a Kubernetes object or List that decodes back.
#[test]
fn json_output_of_every_kind_decodes_back() {
    let mut simulation = cluster();
    apply(
        &mut simulation,
        r#"
apiVersion: v1
kind: ConfigMap
metadata: {name: settings}
data: {a: "1"}
---
apiVersion: v1
kind: Secret
metadata: {name: token}
stringData: {key: value}
---
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db}
spec:
  serviceName: db
  replicas: 2
  selector: {matchLabels: {app: db}}
  template:
    metadata: {labels: {app: db}}
    spec: {containers: [{name: db, image: postgres}]}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: busybox}]
"#,
    );
    for resource_type in RESOURCE_TYPES.iter().filter(|t| t.kind != "Binding") {
        let line = format!("kubectl get {} -A -o json", resource_type.group_resource());
        let output = kubectl(&mut simulation, &line);
        assert_eq!(output.exit_code, 0, "{line}: {}", output.stderr);
        let list: Value = serde_json::from_str(&output.stdout).expect("valid JSON");
        assert_eq!(list["kind"], json!("List"), "{line}");
        for item in list["items"].as_array().unwrap() {
            decode_object(item.clone(), &line)
                .unwrap_or_else(|error| panic!("{line}: item does not decode back: {error}"));
        }
        for format in ["", "-o wide", "-o name", "-o yaml"] {
            let output = kubectl(
                &mut simulation,
                &format!("kubectl get {} -A {format}", resource_type.plural),
            );
            assert_eq!(
                output.exit_code, 0,
                "{}: {}",
                resource_type.plural, output.stderr
            );
        }
    }
    let table = kubectl(&mut simulation, "kubectl get cm,secret,sts,cj");
    assert!(
        table.stdout.contains("configmap/settings   1      0s"),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("secret/token   Opaque   1      0s"),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("statefulset.apps/db   0/2     0s"),
        "{}",
        table.stdout
    );
    assert!(
        table.stdout.contains("NAME                SCHEDULE    TIMEZONE   SUSPEND   ACTIVE   LAST SCHEDULE   AGE\ncronjob.batch/nightly   0 0 * * *")
            || table.stdout.contains("cronjob.batch/nightly"),
        "{}",
        table.stdout
    );
}

#[test]
fn describe_pod_reads_as_kubectl_describe() {
    let mut simulation = cluster();
    let pod = kubectl(&mut simulation, "kubectl describe pod web-2");
    assert_eq!(
        pod.stdout,
        "Name:             web-2
Namespace:        default
Priority:         0
Service Account:  default
Node:             worker-2/
Labels:           app=web
Annotations:      <none>
Status:           Pending
IP:               
IPs:              <none>
Containers:
  nginx:
    Container ID:   
    Image:          nginx:1.25
    Image ID:       
    Port:           <none>
    Host Port:      <none>
    State:          Waiting
      Reason:       CrashLoopBackOff
    Ready:          False
    Restart Count:  4
    Environment:    <none>
    Mounts:         <none>
Volumes:            <none>
QoS Class:          BestEffort
Node-Selectors:     <none>
Tolerations:        node.kubernetes.io/not-ready:NoExecute op=Exists for 300s
                    node.kubernetes.io/unreachable:NoExecute op=Exists for 300s
Events:             <none>
"
    );
    // A name that is not found describes the pods it prefixes, separated by a blank line.
    let both = kubectl(&mut simulation, "kubectl describe pods web");
    assert_eq!(both.stdout.matches("\n\n\nName:").count(), 1);
    assert!(both.stdout.starts_with("Name:             web-1\n"));
    let missing = kubectl(&mut simulation, "kubectl describe pod nothing");
    assert_eq!(
        missing.stderr,
        "Error from server (NotFound): pods \"nothing\" not found\n"
    );
    let none = kubectl(&mut simulation, "kubectl describe pods -n kube-public");
    assert_eq!(
        none.stderr,
        "No resources found in kube-public namespace.\n"
    );
}

#[test]
fn describe_deployment_service_node_namespace() {
    let mut simulation = cluster();
    let deployment = kubectl(&mut simulation, "kubectl describe deployment/web");
    assert!(
        deployment.stdout.starts_with(
            "Name:                   web
Namespace:              default
CreationTimestamp:      Wed, 01 Jan 2025 00:00:00 +0000
Labels:                 app=web
Annotations:            <none>
Selector:               app=web
Replicas:               3 desired | 3 updated | 3 total | 2 available | 0 unavailable
StrategyType:           RollingUpdate
MinReadySeconds:        0
RollingUpdateStrategy:  25% max unavailable, 25% max surge
Pod Template:
  Labels:  app=web
  Containers:
   nginx:
    Image:         nginx:1.25
"
        ),
        "{}",
        deployment.stdout
    );
    let service = kubectl(&mut simulation, "kubectl describe svc web");
    assert!(
        service
            .stdout
            .contains("\nType:                     NodePort\n"),
        "{}",
        service.stdout
    );
    assert!(service.stdout.contains("\nPort:                     <unset>  80/TCP\nTargetPort:               80/TCP\nNodePort:                 <unset>  30080/TCP\n"));
    let node = kubectl(&mut simulation, "kubectl describe no worker-1");
    assert!(
        node.stdout
            .starts_with("Name:               worker-1\nRoles:              <none>\n")
    );
    assert!(
        node.stdout
            .contains("Non-terminated Pods:          (1 in total)\n"),
        "{}",
        node.stdout
    );
    assert!(node.stdout.contains("\n  default                     web-1    0 (0%)        0 (0%)      0 (0%)           0 (0%)         0s\n"), "{}", node.stdout);
    let namespace = kubectl(&mut simulation, "kubectl describe ns default");
    assert_eq!(
        namespace.stdout,
        "Name:         default\nLabels:       kubernetes.io/metadata.name=default\nAnnotations:  <none>\nStatus:       Active\n\nNo resource quota.\n\nNo LimitRange resource.\n"
    );
}

#[test]
fn describe_cron_job_prints_its_job_template() {
    let mut simulation = cluster();
    apply(
        &mut simulation,
        r#"
apiVersion: batch/v1
kind: CronJob
metadata: {name: nightly}
spec:
  schedule: "0 0 * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: c, image: busybox}]
"#,
    );
    let output = kubectl(&mut simulation, "kubectl describe cronjob nightly");
    assert!(
        output.stdout.starts_with(
            "Name:                          nightly\nNamespace:                     default\n"
        ),
        "{}",
        output.stdout
    );
    assert!(output.stdout.contains("\nSchedule:                      0 0 * * *\nConcurrency Policy:            Allow\nSuspend:                       False\n"), "{}", output.stdout);
    assert!(
        output
            .stdout
            .contains("\nLast Schedule Time:  <unset>\nActive Jobs:         <none>\n"),
        "{}",
        output.stdout
    );
}
