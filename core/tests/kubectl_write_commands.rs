//! delete, scale, label, annotate, patch and set image: kubectl's outputs and
//! errors, exact strings; bad input leaves the cluster unchanged.

use kubesim::kubectl::{CommandOutput, run};
use kubesim::model::registry::lookup_kind_name;
use kubesim::{Simulation, SimulationConfig};

const SETUP: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels:
    app: web
spec:
  replicas: 2
  selector:
    matchLabels:
      app: web
  template:
    metadata:
      labels:
        app: web
    spec:
      containers:
      - name: nginx
        image: nginx:1.24
      - name: sidecar
        image: busybox
---
apiVersion: v1
kind: Pod
metadata:
  name: solo
  labels:
    app: nginx
spec:
  containers:
  - name: main
    image: nginx
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  labels:
    tier: backend
data:
  color: blue
";

fn cluster() -> Simulation {
    let mut sim = Simulation::new(SimulationConfig::default());
    let output = run(&mut sim, "kubectl apply -f -", SETUP);
    assert_eq!(output.exit_code, 0, "{}", output.stderr);
    sim
}

fn kubectl(sim: &mut Simulation, line: &str) -> CommandOutput {
    run(sim, line, "")
}

fn value(sim: &Simulation, kind: &str, name: &str) -> Option<serde_json::Value> {
    sim.api()
        .get(lookup_kind_name(kind).unwrap(), "default", name)
        .ok()
        .map(|object| object.to_value())
}

#[test]
fn scale_sets_replicas_and_checks_the_precondition() {
    let mut sim = cluster();
    let output = kubectl(&mut sim, "kubectl scale deployment web --replicas=5");
    assert_eq!(output.stdout, "deployment.apps/web scaled\n");
    assert_eq!(
        value(&sim, "Deployment", "web").unwrap()["spec"]["replicas"],
        5
    );
    let before = sim.fingerprint();
    let wrong = kubectl(
        &mut sim,
        "kubectl scale deploy/web --replicas=3 --current-replicas=2",
    );
    assert_eq!(wrong.stderr, "error: Expected replicas to be 2, was 5\n");
    assert_eq!(wrong.exit_code, 1);
    assert_eq!(before, sim.fingerprint());
    let right = kubectl(
        &mut sim,
        "kubectl scale deploy/web --replicas=3 --current-replicas=5 -o name",
    );
    assert_eq!(right.stdout, "deployment.apps/web\n");
    let pod = kubectl(&mut sim, "kubectl scale pod solo --replicas=2");
    assert_eq!(
        pod.stderr,
        "Error from server (NotFound): the server could not find the requested resource\n"
    );
}

#[test]
fn label_and_annotate() {
    let mut sim = cluster();
    assert_eq!(
        kubectl(&mut sim, "kubectl label pod solo tier=web").stdout,
        "pod/solo labeled\n"
    );
    let conflict = kubectl(&mut sim, "kubectl label pod solo app=other");
    assert_eq!(
        conflict.stderr,
        "error: 'app' already has a value (nginx), and --overwrite is false\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl label pod solo app=other --overwrite").stdout,
        "pod/solo labeled\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl label pod solo app=other").stdout,
        "pod/solo not labeled\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl label pod solo tier-").stdout,
        "pod/solo unlabeled\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl label pod solo tier-").stdout,
        "label \"tier\" not found.\npod/solo not labeled\n"
    );
    let labels = &value(&sim, "Pod", "solo").unwrap()["metadata"]["labels"];
    assert_eq!(labels, &serde_json::json!({"app": "other"}));
    assert_eq!(
        kubectl(
            &mut sim,
            "kubectl annotate deployment web kubernetes.io/change-cause=first"
        )
        .stdout,
        "deployment.apps/web annotated\n"
    );
    assert_eq!(
        kubectl(
            &mut sim,
            "kubectl annotate deployment web kubernetes.io/change-cause=second"
        )
        .stderr,
        "error: 'kubernetes.io/change-cause' already has a value (first), and --overwrite is false\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl label configmaps --all env=prod").stdout,
        "configmap/settings labeled\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl label pods -l app=other owner=me").stdout,
        "pod/solo labeled\n"
    );
}

#[test]
fn patch_types() {
    let mut sim = cluster();
    let strategic = kubectl(
        &mut sim,
        r#"kubectl patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}}}'"#,
    );
    assert_eq!(
        strategic.stdout, "deployment.apps/web patched\n",
        "{}",
        strategic.stderr
    );
    let web = value(&sim, "Deployment", "web").unwrap();
    assert_eq!(
        web["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.25"
    );
    assert_eq!(
        web["spec"]["template"]["spec"]["containers"][1]["name"],
        "sidecar"
    );
    let again = kubectl(
        &mut sim,
        r#"kubectl patch deployment web -p '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.25"}]}}}}'"#,
    );
    assert_eq!(again.stdout, "deployment.apps/web patched (no change)\n");
    let merge = kubectl(
        &mut sim,
        r#"kubectl patch deploy web --type merge -p '{"spec":{"replicas":4}}'"#,
    );
    assert_eq!(merge.stdout, "deployment.apps/web patched\n");
    let json = kubectl(
        &mut sim,
        r#"kubectl patch deploy web --type=json -p '[{"op":"replace","path":"/spec/replicas","value":1}]'"#,
    );
    assert_eq!(json.stdout, "deployment.apps/web patched\n");
    assert_eq!(
        value(&sim, "Deployment", "web").unwrap()["spec"]["replicas"],
        1
    );
    let yaml = kubectl(
        &mut sim,
        "kubectl patch configmap settings -p 'data: {color: red}'",
    );
    assert_eq!(yaml.stdout, "configmap/settings patched\n");
    let before = sim.fingerprint();
    for (line, stderr) in [
        (
            r#"kubectl patch deploy web --type=json -p '[{"op":"remove","path":"/spec/nothing"}]'"#,
            "Error from server (BadRequest): remove operation does not apply: doc is missing path: \"/spec/nothing\"\n",
        ),
        (
            "kubectl patch deploy web --type=xml -p '{}'",
            "error: --type must be one of [json merge strategic], not \"xml\"\n",
        ),
        (
            "kubectl patch deploy web",
            "error: must specify --patch or --patch-file containing the contents of the patch\n",
        ),
        (
            r#"kubectl patch deploy missing -p '{"spec":{}}'"#,
            "Error from server (NotFound): deployments.apps \"missing\" not found\n",
        ),
        (
            r#"kubectl patch deploy web -p '{"spec":{"replicas":-3}}'"#,
            "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -3: must be greater than or equal to 0\n",
        ),
    ] {
        let output = kubectl(&mut sim, line);
        assert_eq!(output.stderr, stderr, "{line}");
        assert_eq!(before, sim.fingerprint(), "{line}");
    }
}

#[test]
fn set_image_updates_named_containers() {
    let mut sim = cluster();
    let output = kubectl(
        &mut sim,
        "kubectl set image deployment/web nginx=nginx:1.25",
    );
    assert_eq!(output.stdout, "deployment.apps/web image updated\n");
    let unchanged = kubectl(
        &mut sim,
        "kubectl set image deployment/web nginx=nginx:1.25",
    );
    assert_eq!(unchanged.stdout, "");
    assert_eq!(unchanged.exit_code, 0);
    let before = sim.fingerprint();
    let missing = kubectl(&mut sim, "kubectl set image deployment/web app=nginx:1.26");
    assert_eq!(
        missing.stderr,
        "error: unable to find container named \"app\"\n"
    );
    assert_eq!(before, sim.fingerprint());
    let all = kubectl(&mut sim, "kubectl set image deploy web *=alpine");
    assert_eq!(all.stdout, "deployment.apps/web image updated\n");
    let web = value(&sim, "Deployment", "web").unwrap();
    assert_eq!(
        web["spec"]["template"]["spec"]["containers"][1]["image"],
        "alpine"
    );
    let service = kubectl(&mut sim, "kubectl set image configmap/settings a=b");
    assert_eq!(
        service.stderr,
        "error: configmaps/settings the object is not a pod or does not have a pod template: *v1.ConfigMap\n"
    );
}

#[test]
fn delete_by_name_selector_and_all() {
    let mut sim = cluster();
    let pod = kubectl(&mut sim, "kubectl delete pod solo");
    assert_eq!(pod.stdout, "pod \"solo\" deleted\n");
    assert_eq!(pod.stderr, "");
    assert!(value(&sim, "Pod", "solo").is_none());
    let missing = kubectl(&mut sim, "kubectl delete pod solo");
    assert_eq!(
        missing.stderr,
        "Error from server (NotFound): pods \"solo\" not found\n"
    );
    assert_eq!(missing.exit_code, 1);
    let ignored = kubectl(&mut sim, "kubectl delete pod solo --ignore-not-found");
    assert_eq!((ignored.stdout.as_str(), ignored.exit_code), ("", 0));
    let none = kubectl(&mut sim, "kubectl delete pods -l app=nothing");
    assert_eq!(none.stdout, "No resources found\n");
    let by_label = kubectl(&mut sim, "kubectl delete cm -l tier=backend");
    assert_eq!(by_label.stdout, "configmap \"settings\" deleted\n");
    let deployment = kubectl(
        &mut sim,
        "kubectl delete deployment.apps/web --cascade=orphan -o name",
    );
    assert_eq!(deployment.stdout, "deployment.apps/web\n");
    run(&mut sim, "kubectl apply -f -", SETUP);
    let dry = kubectl(&mut sim, "kubectl delete deploy web --dry-run=client");
    assert_eq!(dry.stdout, "deployment.apps \"web\" deleted (dry run)\n");
    let force = kubectl(&mut sim, "kubectl delete pod solo --force --grace-period=0");
    assert_eq!(force.stdout, "pod \"solo\" force deleted\n");
    assert_eq!(
        force.stderr,
        "Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.\n"
    );
    let all = kubectl(&mut sim, "kubectl delete deploy,cm --all");
    assert_eq!(
        all.stdout,
        "deployment.apps \"web\" deleted\nconfigmap \"settings\" deleted\n"
    );
}

#[test]
fn delete_from_a_manifest() {
    let mut sim = cluster();
    let output = run(&mut sim, "kubectl delete -f -", SETUP);
    assert_eq!(
        output.stdout,
        "deployment.apps \"web\" deleted\npod \"solo\" deleted\nconfigmap \"settings\" deleted\n"
    );
}

#[test]
fn malformed_commands_change_nothing() {
    let mut sim = cluster();
    let before = sim.fingerprint();
    let cases: &[(&str, &str)] = &[
        (
            "kubectl delete",
            "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n",
        ),
        (
            "kubectl delete pods",
            "error: resource(s) were provided, but no name was specified\nSee 'kubectl delete -h' for help and examples\n",
        ),
        (
            "kubectl delete pod solo --cascade=sometimes",
            "error: invalid cascade value (sometimes). Must be \"background\", \"foreground\", or \"orphan\".\n",
        ),
        (
            "kubectl delete pod solo --grace-period=soon",
            "error: invalid argument \"soon\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"soon\": invalid syntax\nSee 'kubectl delete --help' for usage.\n",
        ),
        (
            "kubectl delete pod solo --now --grace-period=5",
            "error: --now and --grace-period cannot be specified together\n",
        ),
        (
            "kubectl delete pod solo --timeout=forever",
            "error: invalid argument \"forever\" for \"--timeout\" flag: time: invalid duration \"forever\"\nSee 'kubectl delete --help' for usage.\n",
        ),
        (
            "kubectl delete pod solo --dry-run=later",
            "error: Invalid dry-run value (later). Must be \"none\", \"server\", or \"client\".\n",
        ),
        (
            "kubectl delete frobs x",
            "error: the server doesn't have a resource type \"frobs\"\n",
        ),
        (
            "kubectl delete pod solo -l app=nginx",
            "error: name cannot be provided when a selector is specified\n",
        ),
        (
            "kubectl scale deploy web",
            "error: required flag(s) \"replicas\" not set\n",
        ),
        (
            "kubectl scale deploy web --replicas=-1",
            "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n",
        ),
        (
            "kubectl scale deploy web --replicas=three",
            "error: invalid argument \"three\" for \"--replicas\" flag: strconv.ParseInt: parsing \"three\": invalid syntax\nSee 'kubectl scale --help' for usage.\n",
        ),
        (
            "kubectl scale deploy web --replicas=3 --current-replicas=9",
            "error: Expected replicas to be 9, was 2\n",
        ),
        (
            "kubectl scale deploy missing --replicas=3",
            "Error from server (NotFound): deployments.apps \"missing\" not found\n",
        ),
        (
            "kubectl label pod solo",
            "error: at least one label update is required\nSee 'kubectl label -h' for help and examples\n",
        ),
        (
            "kubectl label app=x",
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\nSee 'kubectl label -h' for help and examples\n",
        ),
        (
            "kubectl label pod solo a=b pod",
            "error: all resources must be specified before label changes: pod\n",
        ),
        (
            "kubectl label pod solo =b",
            "error: at least one label update is required\nSee 'kubectl label -h' for help and examples\n",
        ),
        (
            "kubectl label pod solo app=x app-",
            "error: can not both modify and remove a label in the same command\n",
        ),
        (
            "kubectl label pod solo bad/key/x=y",
            "The Pod \"solo\" is invalid: metadata.labels: Invalid value: \"bad/key/x\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')\n",
        ),
        (
            "kubectl annotate pod solo",
            "error: at least one annotation update is required\nSee 'kubectl annotate -h' for help and examples\n",
        ),
        (
            "kubectl set image deploy/web",
            "error: at least one image update is required\n",
        ),
        (
            "kubectl set image nginx=x",
            "error: one or more resources must be specified as <resource> <name> or <resource>/<name>\n",
        ),
        (
            "kubectl set image deploy/web *=a nginx=b",
            "error: all containers are already specified by *, but saw more than one container_name=container_image pairs\n",
        ),
        (
            "kubectl patch deploy web -p '{bad'",
            "error: unable to parse \"{bad\": yaml: line 1: did not find expected ',' or '}'\n",
        ),
        (
            "kubectl delete pod solo --colour",
            "error: unknown flag: --colour\nSee 'kubectl delete --help' for usage.\n",
        ),
    ];
    for (line, stderr) in cases {
        let output = kubectl(&mut sim, line);
        assert_eq!(output.stderr, *stderr, "{line}");
        assert_eq!(output.exit_code, 1, "{line}");
        assert_eq!(sim.fingerprint(), before, "{line} changed the cluster");
    }
}
