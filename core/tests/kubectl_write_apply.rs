//! `kubectl apply`: created, configured, unchanged, and kubectl's errors.

use kubesim::kubectl::files::Files;
use kubesim::kubectl::{CommandOutput, run, run_with_files};
use kubesim::{Simulation, SimulationConfig};

const WEB: &str = "\
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
        ports:
        - containerPort: 80
";

fn simulation() -> Simulation {
    Simulation::new(SimulationConfig::default())
}

fn kubectl(simulation: &mut Simulation, files: &Files, line: &str) -> CommandOutput {
    run_with_files(simulation, line, "", files)
}

#[test]
fn applying_twice_reports_unchanged_and_writes_nothing() {
    let mut sim = simulation();
    let files = Files::new().with("web.yaml", WEB);
    let created = kubectl(&mut sim, &files, "kubectl apply -f web.yaml");
    assert_eq!(created.stdout, "deployment.apps/web created\n");
    assert_eq!(created.stderr, "");
    assert_eq!(created.exit_code, 0);
    let stored = sim
        .api()
        .get(
            kubesim::model::registry::lookup_kind_name("Deployment").unwrap(),
            "default",
            "web",
        )
        .unwrap();
    let annotation = stored
        .metadata()
        .annotation("kubectl.kubernetes.io/last-applied-configuration")
        .unwrap()
        .to_string();
    assert!(annotation.starts_with(
        "{\"apiVersion\":\"apps/v1\",\"kind\":\"Deployment\",\"metadata\":{\"annotations\":{},\"labels\":{\"app\":\"web\"},\"name\":\"web\",\"namespace\":\"default\"},\"spec\":"
    ), "{annotation}");
    assert!(annotation.ends_with("}\n"));

    let before = sim.fingerprint();
    let again = kubectl(&mut sim, &files, "kubectl apply -f web.yaml");
    assert_eq!(again.stdout, "deployment.apps/web unchanged\n");
    assert_eq!(
        sim.fingerprint(),
        before,
        "an unchanged apply writes nothing"
    );

    let changed = Files::new().with("web.yaml", WEB.replace("nginx:1.24", "nginx:1.25"));
    let configured = kubectl(&mut sim, &changed, "kubectl apply -f web.yaml");
    assert_eq!(configured.stdout, "deployment.apps/web configured\n");
    let stored = sim
        .api()
        .get(
            kubesim::model::registry::lookup_kind_name("Deployment").unwrap(),
            "default",
            "web",
        )
        .unwrap();
    let value = stored.to_value();
    assert_eq!(
        value["spec"]["template"]["spec"]["containers"][0]["image"],
        "nginx:1.25"
    );
    // Server defaults survive the patch.
    assert_eq!(
        value["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"],
        "IfNotPresent"
    );
    assert_eq!(value["metadata"]["generation"], 2);
}

#[test]
fn removing_a_field_from_the_manifest_removes_it_from_the_object() {
    let mut sim = simulation();
    let with_label = WEB.replace(
        "    app: web\nspec:",
        "    app: web\n    tier: frontend\nspec:",
    );
    kubectl(
        &mut sim,
        &Files::new().with("web.yaml", with_label),
        "kubectl apply -f web.yaml",
    );
    let output = kubectl(
        &mut sim,
        &Files::new().with("web.yaml", WEB),
        "kubectl apply -f web.yaml",
    );
    assert_eq!(output.stdout, "deployment.apps/web configured\n");
    let stored = sim
        .api()
        .get(
            kubesim::model::registry::lookup_kind_name("Deployment").unwrap(),
            "default",
            "web",
        )
        .unwrap();
    assert_eq!(stored.metadata().label("tier"), None);
    assert_eq!(stored.metadata().label("app"), Some("web"));
}

#[test]
fn stdin_multi_document_and_lists() {
    let mut sim = simulation();
    let manifest = "\
apiVersion: v1
kind: Namespace
metadata:
  name: shop
---
apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: ConfigMap
  metadata:
    name: settings
    namespace: shop
  data:
    color: blue
- apiVersion: v1
  kind: Service
  metadata:
    name: web
    namespace: shop
  spec:
    selector:
      app: web
    ports:
    - port: 80
      targetPort: 8080
";
    let output = run(&mut sim, "kubectl apply -f -", manifest);
    assert_eq!(
        output.stdout,
        "namespace/shop created\nconfigmap/settings created\nservice/web created\n"
    );
    let again = run(&mut sim, "kubectl apply -f - -o name", manifest);
    assert_eq!(
        again.stdout,
        "namespace/shop\nconfigmap/settings\nservice/web\n"
    );
    let before = sim.fingerprint();
    let unchanged = run(&mut sim, "kubectl apply -f -", manifest);
    assert_eq!(
        unchanged.stdout,
        "namespace/shop unchanged\nconfigmap/settings unchanged\nservice/web unchanged\n"
    );
    assert_eq!(before, sim.fingerprint());
}

#[test]
fn directories_and_recursion() {
    let mut sim = simulation();
    let files = Files::new()
        .with("k8s/web.yaml", WEB)
        .with("k8s/README.md", "not a manifest")
        .with(
            "k8s/more/ns.yaml",
            "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: extra\n",
        );
    let flat = kubectl(&mut sim, &files, "kubectl apply -f k8s/");
    assert_eq!(flat.stdout, "deployment.apps/web created\n");
    let deep = kubectl(&mut sim, &files, "kubectl apply -R -f k8s");
    assert_eq!(
        deep.stdout,
        "namespace/extra created\ndeployment.apps/web unchanged\n"
    );
}

#[test]
fn namespaces_from_flag_and_manifest() {
    let mut sim = simulation();
    let in_a = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  namespace: a\n";
    let mismatch = run(&mut sim, "kubectl apply -f - -n b", in_a);
    assert_eq!(
        mismatch.stderr,
        "error: the namespace from the provided object \"a\" does not match the namespace \"b\". You must pass '--namespace=a' to perform this operation.\n"
    );
    assert_eq!(mismatch.exit_code, 1);
    let missing = run(&mut sim, "kubectl apply -f -", in_a);
    assert_eq!(
        missing.stderr,
        "Error from server (NotFound): error when creating \"STDIN\": namespaces \"a\" not found\n"
    );
    let no_namespace = "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n";
    let flagged = run(
        &mut sim,
        "kubectl apply -f - -n kube-system --dry-run=server",
        no_namespace,
    );
    assert_eq!(flagged.stdout, "configmap/c created (server dry run)\n");
    let client = run(
        &mut sim,
        "kubectl apply -f - --dry-run=client",
        no_namespace,
    );
    assert_eq!(client.stdout, "configmap/c created (dry run)\n");
    let fingerprint = sim.fingerprint();
    let created = run(&mut sim, "kubectl apply -f - -n kube-system", no_namespace);
    assert_eq!(created.stdout, "configmap/c created\n");
    assert_ne!(fingerprint, sim.fingerprint());
}

#[test]
fn errors_per_document_do_not_stop_the_others() {
    let mut sim = simulation();
    let manifest = "\
apiVersion: v1
kind: ConfigMap
metadata:
  name: good
---
apiVersion: v1
kind: ConfigMap
metadata:
  name: lost
  namespace: foo
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: typo
spec:
  replica: 2
";
    let files = Files::new().with("x.yaml", manifest);
    let output = kubectl(&mut sim, &files, "kubectl apply -f x.yaml");
    assert_eq!(output.stdout, "configmap/good created\n");
    assert_eq!(
        output.stderr,
        "Error from server (NotFound): error when creating \"x.yaml\": namespaces \"foo\" not found\n\
         Error from server (BadRequest): error when creating \"x.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\"\n"
    );
    assert_eq!(output.exit_code, 1);
}

#[test]
fn invalid_objects_print_as_kubectl_does() {
    let mut sim = simulation();
    let bad = WEB.replace("replicas: 2", "replicas: -1");
    let before = sim.fingerprint();
    let output = run(&mut sim, "kubectl apply -f -", &bad);
    assert_eq!(
        before,
        sim.fingerprint(),
        "a rejected create changes nothing"
    );
    assert_eq!(
        output.stderr,
        "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
    );
}

#[test]
fn bad_invocations_leave_the_cluster_unchanged() {
    let mut sim = simulation();
    let files = Files::new().with("web.yaml", WEB);
    let before = sim.fingerprint();
    let cases: &[(&str, &str)] = &[
        ("kubectl apply", "error: must specify one of -f and -k\n"),
        (
            "kubectl apply -f missing.yaml",
            "error: the path \"missing.yaml\" does not exist\n",
        ),
        (
            "kubectl apply -f web.yaml --dry-run=maybe",
            "error: Invalid dry-run value (maybe). Must be \"none\", \"server\", or \"client\".\n",
        ),
        (
            "kubectl apply -f web.yaml --replicas=3",
            "error: unknown flag: --replicas\nSee 'kubectl apply --help' for usage.\n",
        ),
        (
            "kubectl apply -f web.yaml extra",
            "error: Unexpected args: [extra]\nSee 'kubectl apply -h' for help and examples\n",
        ),
        (
            "kubectl apply -f web.yaml -o wide",
            "error: unable to match a printer suitable for the output format \"wide\", allowed formats are: json,name,yaml\n",
        ),
        ("kubectl apply -f web.yaml --dry-run=server", ""),
    ];
    for (line, stderr) in cases {
        let output = kubectl(&mut sim, &files, line);
        assert_eq!(output.stderr, *stderr, "{line}");
        assert_eq!(sim.fingerprint(), before, "{line} changed the cluster");
    }
    let empty = run(&mut sim, "kubectl apply -f -", "# nothing\n");
    assert_eq!(empty.stderr, "error: no objects passed to apply\n");
    assert_eq!(sim.fingerprint(), before);
}
