//! The kubeconfig context's namespace, as a tutorial uses it: `kubectl config
//! set-context --current --namespace=dev`, then every command without `-n`
//! works in `dev`. It is a default, not an enforced namespace: a manifest that
//! names another namespace still applies, unlike with an explicit `-n`
//! (`staging/src/k8s.io/cli-runtime/pkg/resource/builder.go`, `RequireNamespace`
//! only when the namespace was enforced by the flag).

use kubesim::kubectl::{CommandOutput, run};
use kubesim::{Simulation, SimulationConfig};

fn ok(simulation: &mut Simulation, line: &str, stdin: &str) -> CommandOutput {
    let output = run(simulation, line, stdin);
    assert_eq!(output.exit_code, 0, "{line}: {output:?}");
    output
}

fn settle(simulation: &mut Simulation) {
    simulation
        .run_until_idle(1_000_000)
        .expect("the cluster settles");
}

#[test]
fn a_context_namespace_is_the_default_for_every_command_without_n() {
    let mut simulation = Simulation::new(SimulationConfig::default());
    ok(&mut simulation, "kubectl create namespace dev", "");
    let set = ok(
        &mut simulation,
        "kubectl config set-context --current --namespace=dev",
        "",
    );
    assert_eq!(set.stdout, "Context \"kind-kubesim\" modified.\n");
    let contexts = ok(&mut simulation, "kubectl config get-contexts", "");
    assert!(
        contexts.stdout.ends_with("kind-kubesim   dev\n"),
        "{}",
        contexts.stdout
    );

    // An empty namespace is reported by its name.
    let empty = ok(&mut simulation, "kubectl get pods", "");
    assert_eq!(empty.stderr, "No resources found in dev namespace.\n");

    // create, then get and describe without -n.
    let created = ok(
        &mut simulation,
        "kubectl create deployment web --image=nginx --replicas=2",
        "",
    );
    assert_eq!(created.stdout, "deployment.apps/web created\n");
    settle(&mut simulation);
    let in_dev = ok(&mut simulation, "kubectl get deployments -o name", "");
    assert_eq!(in_dev.stdout, "deployment.apps/web\n");
    let in_default = ok(&mut simulation, "kubectl get deployments -n default", "");
    assert_eq!(
        in_default.stderr,
        "No resources found in default namespace.\n"
    );
    let pods = ok(&mut simulation, "kubectl get pods --no-headers", "");
    assert_eq!(pods.stdout.lines().count(), 2, "{}", pods.stdout);
    let described = ok(&mut simulation, "kubectl describe deployment web", "");
    assert!(
        described.stdout.contains("Namespace:              dev\n"),
        "{}",
        described.stdout
    );

    // logs of the deployment's pod, found in dev once its container runs.
    ok(&mut simulation, "sim advance 30s", "");
    let logs = ok(&mut simulation, "kubectl logs deployment/web", "");
    assert!(
        logs.stderr.starts_with("Found 2 pods, using pod/web-"),
        "{logs:?}"
    );

    // apply: a manifest without a namespace lands in dev; one that names
    // default still applies, since the context namespace is only a default.
    let config_map =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\ndata:\n  a: b\n";
    let applied = ok(&mut simulation, "kubectl apply -f -", config_map);
    assert_eq!(applied.stdout, "configmap/settings created\n");
    ok(&mut simulation, "kubectl get configmap settings -n dev", "");
    let elsewhere =
        "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: other\n  namespace: default\n";
    ok(&mut simulation, "kubectl apply -f -", elsewhere);
    ok(
        &mut simulation,
        "kubectl get configmap other -n default",
        "",
    );
    // An explicit -n that differs from the manifest's namespace is still an error.
    let mismatch = run(&mut simulation, "kubectl apply -n dev -f -", elsewhere);
    assert_eq!(mismatch.exit_code, 1);
    assert!(
        mismatch
            .stderr
            .contains("the namespace from the provided object \"default\" does not match the namespace \"dev\""),
        "{}",
        mismatch.stderr
    );

    // delete without -n.
    let deleted = ok(&mut simulation, "kubectl delete deployment web", "");
    assert_eq!(deleted.stdout, "deployment.apps \"web\" deleted\n");
    settle(&mut simulation);
    let gone = ok(&mut simulation, "kubectl get deployments", "");
    assert_eq!(gone.stderr, "No resources found in dev namespace.\n");

    // Back to default: the client state changed, the cluster's did not.
    let before = simulation.fingerprint();
    ok(
        &mut simulation,
        "kubectl config set-context --current --namespace=",
        "",
    );
    assert_eq!(simulation.fingerprint(), before);
    let other = ok(&mut simulation, "kubectl get configmap other -o name", "");
    assert_eq!(other.stdout, "configmap/other\n");
}
