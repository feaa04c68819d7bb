//! create, run and expose: the objects kubectl's generators build, printed as
//! kubectl prints them, and their errors.

use kubesim::kubectl::{CommandOutput, run};
use kubesim::model::registry::lookup_kind_name;
use kubesim::{Simulation, SimulationConfig};

fn sim() -> Simulation {
    Simulation::new(SimulationConfig::default())
}

fn kubectl(sim: &mut Simulation, line: &str) -> CommandOutput {
    run(sim, line, "")
}

fn stored(sim: &Simulation, kind: &str, namespace: &str, name: &str) -> serde_json::Value {
    sim.api()
        .get(lookup_kind_name(kind).unwrap(), namespace, name)
        .unwrap()
        .to_value()
}

#[test]
fn create_deployment_dry_run_prints_what_kubectl_prints() {
    let mut sim = sim();
    let before = sim.fingerprint();
    let output = kubectl(
        &mut sim,
        "kubectl create deployment web --image=nginx --dry-run=client -o yaml",
    );
    assert_eq!(
        output.stdout,
        "apiVersion: apps/v1
kind: Deployment
metadata:
  creationTimestamp: null
  labels:
    app: web
  name: web
spec:
  replicas: 1
  selector:
    matchLabels:
      app: web
  strategy: {}
  template:
    metadata:
      creationTimestamp: null
      labels:
        app: web
    spec:
      containers:
      - image: nginx
        name: nginx
        resources: {}
status: {}
"
    );
    assert_eq!(before, sim.fingerprint());
}

#[test]
fn run_pod_dry_run_prints_what_kubectl_prints() {
    let mut sim = sim();
    let output = kubectl(
        &mut sim,
        "kubectl run nginx --image=nginx --dry-run=client -o yaml",
    );
    assert_eq!(
        output.stdout,
        "apiVersion: v1
kind: Pod
metadata:
  creationTimestamp: null
  labels:
    run: nginx
  name: nginx
spec:
  containers:
  - image: nginx
    name: nginx
    resources: {}
  dnsPolicy: ClusterFirst
  restartPolicy: Always
status: {}
"
    );
}

#[test]
fn generators_create_objects() {
    let mut sim = sim();
    assert_eq!(
        kubectl(&mut sim, "kubectl create namespace shop").stdout,
        "namespace/shop created\n"
    );
    assert_eq!(
        kubectl(
            &mut sim,
            "kubectl create deployment web --image=nginx:1.25 --replicas=3 --port=80 -n shop"
        )
        .stdout,
        "deployment.apps/web created\n"
    );
    let web = stored(&sim, "Deployment", "shop", "web");
    assert_eq!(web["spec"]["replicas"], 3);
    assert_eq!(
        web["spec"]["template"]["spec"]["containers"][0]["ports"][0]["containerPort"],
        80
    );
    assert_eq!(
        web["spec"]["template"]["spec"]["containers"][0]["name"],
        "nginx"
    );
    assert_eq!(
        kubectl(
            &mut sim,
            "kubectl create job pi --image=perl -- perl -e 'print 1'"
        )
        .stdout,
        "job.batch/pi created\n"
    );
    let job = stored(&sim, "Job", "default", "pi");
    assert_eq!(
        job["spec"]["template"]["spec"]["containers"][0]["command"],
        serde_json::json!(["perl", "-e", "print 1"])
    );
    assert_eq!(job["spec"]["template"]["spec"]["restartPolicy"], "Never");
    assert_eq!(
        kubectl(
            &mut sim,
            "kubectl create service clusterip api --tcp=80:8080"
        )
        .stdout,
        "service/api created\n"
    );
    let api = stored(&sim, "Service", "default", "api");
    assert_eq!(api["spec"]["ports"][0]["name"], "80-8080");
    assert_eq!(api["spec"]["ports"][0]["targetPort"], 8080);
    assert_eq!(api["spec"]["selector"]["app"], "api");
    assert_eq!(
        kubectl(
            &mut sim,
            "kubectl create service nodeport edge --tcp=80 --node-port=30080"
        )
        .stdout,
        "service/edge created\n"
    );
    assert_eq!(
        stored(&sim, "Service", "default", "edge")["spec"]["ports"][0]["nodePort"],
        30080
    );
    assert_eq!(
        kubectl(
            &mut sim,
            "kubectl create configmap settings --from-literal=color=blue --from-literal=size=L"
        )
        .stdout,
        "configmap/settings created\n"
    );
    assert_eq!(
        stored(&sim, "ConfigMap", "default", "settings")["data"]["size"],
        "L"
    );
    assert_eq!(
        kubectl(
            &mut sim,
            "kubectl create secret generic db --from-literal=password=s3cret"
        )
        .stdout,
        "secret/db created\n"
    );
    assert_eq!(
        stored(&sim, "Secret", "default", "db")["data"]["password"],
        "czNjcmV0"
    );
    let exists = kubectl(&mut sim, "kubectl create namespace shop");
    assert_eq!(
        exists.stderr,
        "Error from server (AlreadyExists): namespaces \"shop\" already exists\n"
    );
}

#[test]
fn create_from_a_file() {
    let mut sim = sim();
    let manifest = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: a\n";
    assert_eq!(
        run(&mut sim, "kubectl create -f -", manifest).stdout,
        "configmap/a created\n"
    );
    let again = run(&mut sim, "kubectl create -f -", manifest);
    assert_eq!(
        again.stderr,
        "Error from server (AlreadyExists): error when creating \"STDIN\": configmaps \"a\" already exists\n"
    );
    let saved = run(
        &mut sim,
        "kubectl create -f - --save-config -n kube-system",
        manifest,
    );
    assert_eq!(saved.stdout, "configmap/a created\n");
    let value = stored(&sim, "ConfigMap", "kube-system", "a");
    assert!(
        value["metadata"]["annotations"]["kubectl.kubernetes.io/last-applied-configuration"]
            .is_string()
    );
}

#[test]
fn run_builds_a_pod() {
    let mut sim = sim();
    let output = kubectl(
        &mut sim,
        "kubectl run box --image=busybox --restart=Never --labels=app=box,tier=tools --env=MODE=test --port=8080 -- sleep 3600",
    );
    assert_eq!(output.stdout, "pod/box created\n", "{}", output.stderr);
    let pod = stored(&sim, "Pod", "default", "box");
    assert_eq!(
        pod["metadata"]["labels"],
        serde_json::json!({"app": "box", "tier": "tools"})
    );
    assert_eq!(pod["spec"]["restartPolicy"], "Never");
    let container = &pod["spec"]["containers"][0];
    assert_eq!(container["args"], serde_json::json!(["sleep", "3600"]));
    assert_eq!(
        container["env"][0],
        serde_json::json!({"name": "MODE", "value": "test"})
    );
    assert_eq!(container["ports"][0]["containerPort"], 8080);
    kubectl(
        &mut sim,
        "kubectl run cmd --image=busybox --command -- sh -c 'echo hi'",
    );
    let cmd = stored(&sim, "Pod", "default", "cmd");
    assert_eq!(
        cmd["spec"]["containers"][0]["command"],
        serde_json::json!(["sh", "-c", "echo hi"])
    );
    assert_eq!(cmd["metadata"]["labels"]["run"], "cmd");
}

#[test]
fn expose_selects_the_workload_pods() {
    let mut sim = sim();
    kubectl(
        &mut sim,
        "kubectl create deployment web --image=nginx --port=80",
    );
    let output = kubectl(
        &mut sim,
        "kubectl expose deployment web --port=80 --target-port=8080 --type=NodePort",
    );
    assert_eq!(output.stdout, "service/web exposed\n", "{}", output.stderr);
    let service = stored(&sim, "Service", "default", "web");
    assert_eq!(
        service["spec"]["selector"],
        serde_json::json!({"app": "web"})
    );
    assert_eq!(service["spec"]["type"], "NodePort");
    assert_eq!(service["spec"]["ports"][0]["targetPort"], 8080);
    assert_eq!(service["metadata"]["labels"]["app"], "web");
    let introspected = kubectl(&mut sim, "kubectl expose deploy/web --name=web-internal");
    assert_eq!(introspected.stdout, "service/web-internal exposed\n");
    let internal = stored(&sim, "Service", "default", "web-internal");
    assert_eq!(internal["spec"]["ports"][0]["port"], 80);
    assert_eq!(internal["spec"]["ports"][0]["targetPort"], 80);
    kubectl(&mut sim, "kubectl run solo --image=nginx");
    assert_eq!(
        kubectl(&mut sim, "kubectl expose pod solo").stderr,
        "error: couldn't find port via --port flag or introspection\nSee 'kubectl expose -h' for help and examples\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl expose pod solo --port=80").stdout,
        "service/solo exposed\n"
    );
}

#[test]
fn generator_errors_change_nothing() {
    let mut sim = sim();
    kubectl(&mut sim, "kubectl create configmap existing");
    let before = sim.fingerprint();
    for (line, stderr) in [
        (
            "kubectl create deployment web",
            "error: required flag(s) \"image\" not set\n",
        ),
        (
            "kubectl create deployment --image=nginx",
            "error: exactly one NAME is required, got 0\nSee 'kubectl create deployment -h' for help and examples\n",
        ),
        (
            "kubectl create deployment web --image=nginx --replicas=many",
            "error: invalid argument \"many\" for \"--replicas\" flag: strconv.ParseInt: parsing \"many\": invalid syntax\nSee 'kubectl create deployment --help' for usage.\n",
        ),
        (
            "kubectl create deployment web --image=a --image=b -- sleep 1",
            "error: cannot specify multiple --image options and command\n",
        ),
        (
            "kubectl create deployment Web --image=nginx",
            "The Deployment \"Web\" is invalid: metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n",
        ),
        (
            "kubectl create service clusterip api",
            "error: at least one tcp port specifier must be provided\n",
        ),
        (
            "kubectl create service clusterip api --tcp=http:80",
            "error: strconv.Atoi: parsing \"http\": invalid syntax\n",
        ),
        (
            "kubectl create configmap c --from-literal=novalue",
            "error: invalid literal source novalue, expected key=value\n",
        ),
        (
            "kubectl create namespace",
            "error: exactly one NAME is required, got 0\nSee 'kubectl create namespace -h' for help and examples\n",
        ),
        (
            "kubectl create -f missing.yaml",
            "error: the path \"missing.yaml\" does not exist\n",
        ),
        (
            "kubectl run",
            "error: NAME is required for run\nSee 'kubectl run -h' for help and examples\n",
        ),
        (
            "kubectl run x",
            "error: required flag(s) \"image\" not set\n",
        ),
        (
            "kubectl run x --image=nginx --restart=Sometimes",
            "error: invalid restart policy: Sometimes\n",
        ),
        (
            "kubectl run x --image=nginx --port=http",
            "error: invalid argument \"http\" for \"--port\" flag: strconv.ParseInt: parsing \"http\": invalid syntax\nSee 'kubectl run --help' for usage.\n",
        ),
        (
            "kubectl run x --image=nginx --rm",
            "error: --rm should only be used for attached containers\n",
        ),
        (
            "kubectl expose deployment missing --port=80",
            "Error from server (NotFound): deployments.apps \"missing\" not found\n",
        ),
        (
            "kubectl expose configmap existing --port=80",
            "error: cannot expose a ConfigMap\n",
        ),
        (
            "kubectl create deployment web --image=nginx -n nowhere",
            "Error from server (NotFound): namespaces \"nowhere\" not found\n",
        ),
    ] {
        let output = kubectl(&mut sim, line);
        assert_eq!(output.stderr, stderr, "{line}");
        assert_eq!(output.exit_code, 1, "{line}");
        assert_eq!(before, sim.fingerprint(), "{line} changed the cluster");
    }
}
