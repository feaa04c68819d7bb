//! cordon, uncordon, taint, drain and wait.

use kubesim::kubectl::{CommandOutput, run};
use kubesim::model::registry::lookup_kind_name;
use kubesim::{Simulation, SimulationConfig};

fn kubectl(sim: &mut Simulation, line: &str) -> CommandOutput {
    run(sim, line, "")
}

fn node(sim: &Simulation, name: &str) -> serde_json::Value {
    sim.api()
        .get(lookup_kind_name("Node").unwrap(), "", name)
        .unwrap()
        .to_value()
}

#[test]
fn cordon_and_uncordon() {
    let mut sim = Simulation::new(SimulationConfig::default());
    assert_eq!(
        kubectl(&mut sim, "kubectl cordon worker-1").stdout,
        "node/worker-1 cordoned\n"
    );
    assert_eq!(node(&sim, "worker-1")["spec"]["unschedulable"], true);
    assert_eq!(
        kubectl(&mut sim, "kubectl cordon worker-1").stdout,
        "node/worker-1 already cordoned\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl uncordon worker-1").stdout,
        "node/worker-1 uncordoned\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl uncordon worker-1").stdout,
        "node/worker-1 already uncordoned\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl cordon worker-2 --dry-run=client").stdout,
        "node/worker-2 cordoned (dry run)\n"
    );
    assert!(node(&sim, "worker-2")["spec"]["unschedulable"].is_null());
}

#[test]
fn taints_are_added_and_removed() {
    let mut sim = Simulation::new(SimulationConfig::default());
    assert_eq!(
        kubectl(
            &mut sim,
            "kubectl taint nodes worker-1 dedicated=gpu:NoSchedule"
        )
        .stdout,
        "node/worker-1 tainted\n"
    );
    assert_eq!(
        node(&sim, "worker-1")["spec"]["taints"],
        serde_json::json!([{"effect": "NoSchedule", "key": "dedicated", "value": "gpu"}])
    );
    assert_eq!(
        kubectl(
            &mut sim,
            "kubectl taint nodes worker-1 dedicated=cpu:NoSchedule"
        )
        .stderr,
        "error: node worker-1 already has dedicated taint(s) with same effect(s) and --overwrite is false\n"
    );
    assert_eq!(
        kubectl(
            &mut sim,
            "kubectl taint nodes worker-1 dedicated=cpu:NoSchedule --overwrite"
        )
        .stdout,
        "node/worker-1 modified\n"
    );
    assert_eq!(
        kubectl(
            &mut sim,
            "kubectl taint node worker-1 dedicated:NoSchedule-"
        )
        .stdout,
        "node/worker-1 untainted\n"
    );
    assert!(node(&sim, "worker-1")["spec"]["taints"].is_null());
    let before = sim.fingerprint();
    for (line, stderr) in [
        (
            "kubectl taint nodes worker-1 dedicated-",
            "error: taint \"dedicated\" not found\n",
        ),
        (
            "kubectl taint nodes worker-1 a=b:Sometimes",
            "error: invalid taint effect: Sometimes, unsupported taint effect\n",
        ),
        (
            "kubectl taint nodes worker-1 a=b",
            "error: invalid taint spec: a=b, name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n",
        ),
        (
            "kubectl taint nodes worker-1 gpu:NoSchedule gpu:NoSchedule",
            "error: duplicated taints with the same key and effect: {gpu  NoSchedule <nil>}\n",
        ),
        (
            "kubectl taint nodes worker-1",
            "error: at least one taint update is required\nSee 'kubectl taint -h' for help and examples\n",
        ),
        (
            "kubectl taint pods web a=b:NoSchedule",
            "error: invalid resource type pods, only node types are supported\n",
        ),
        (
            "kubectl taint nodes missing a=b:NoSchedule",
            "Error from server (NotFound): nodes \"missing\" not found\n",
        ),
        (
            "kubectl cordon",
            "error: USAGE: cordon NODE [flags]\nSee 'kubectl cordon -h' for help and examples\n",
        ),
        (
            "kubectl drain worker-1 --timeout=later",
            "error: invalid argument \"later\" for \"--timeout\" flag: time: invalid duration \"later\"\nSee 'kubectl drain --help' for usage.\n",
        ),
        ("kubectl wait deploy/x", "error: --for must be specified\n"),
        (
            "kubectl wait deploy/x --for=happiness",
            "error: unrecognized condition: \"happiness\"\n",
        ),
    ] {
        let output = kubectl(&mut sim, line);
        assert_eq!(output.stderr, stderr, "{line}");
        assert_eq!(before, sim.fingerprint(), "{line}");
    }
}

#[test]
fn drain_refuses_bare_pods_without_force() {
    let mut sim = Simulation::new(SimulationConfig::default());
    let pod = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: bare\nspec:\n  nodeName: worker-1\n  containers:\n  - name: c\n    image: nginx\n";
    run(&mut sim, "kubectl apply -f -", pod);
    let refused = kubectl(&mut sim, "kubectl drain worker-1");
    assert_eq!(refused.stdout, "node/worker-1 cordoned\n");
    assert_eq!(
        refused.stderr,
        "error: unable to drain node \"worker-1\" due to error: cannot delete Pods declare no controller (use --force to override): default/bare, continuing command...\nThere are pending nodes to be drained:\n worker-1\ncannot delete Pods declare no controller (use --force to override): default/bare\n"
    );
    assert_eq!(refused.exit_code, 1);
    let forced = kubectl(&mut sim, "kubectl drain worker-1 --force --grace-period=0");
    assert!(
        forced
            .stdout
            .starts_with("node/worker-1 already cordoned\nevicting pod default/bare\n"),
        "{}",
        forced.stdout
    );
    assert_eq!(
        forced.stderr,
        "Warning: deleting Pods that declare no controller: default/bare\n"
    );
    assert!(
        forced
            .stdout
            .ends_with("pod/bare evicted\nnode/worker-1 drained\n"),
        "{}",
        forced.stdout
    );
}

#[test]
fn drain_respects_a_disruption_budget() {
    let mut sim = Simulation::new(SimulationConfig::default());
    let manifest = "\
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata:
  name: keep-one
spec:
  minAvailable: 1
  selector:
    matchLabels:
      app: db
---
apiVersion: v1
kind: Pod
metadata:
  name: db
  labels:
    app: db
spec:
  nodeName: worker-2
  containers:
  - name: c
    image: postgres
";
    run(&mut sim, "kubectl apply -f -", manifest);
    let output = kubectl(&mut sim, "kubectl drain worker-2 --force --timeout=12s");
    assert!(
        output.stderr.contains("error when evicting pods/\"db\" -n \"default\" (will retry after 5s): Cannot evict pod as it would violate the pod's disruption budget.\n")
            || output.stdout.contains("pod/db evicted"),
        "{output:?}"
    );
}

#[test]
fn wait_for_delete_and_conditions() {
    let mut sim = Simulation::new(SimulationConfig::default());
    run(&mut sim, "kubectl run solo --image=nginx", "");
    let timed_out = kubectl(
        &mut sim,
        "kubectl wait --for=condition=Ready pod/solo --timeout=5s",
    );
    if timed_out.exit_code != 0 {
        assert_eq!(
            timed_out.stderr,
            "error: timed out waiting for the condition on pods/solo\n"
        );
    }
    let jsonpath = kubectl(
        &mut sim,
        "kubectl wait --for=jsonpath={.spec.restartPolicy}=Always pod/solo",
    );
    assert_eq!(jsonpath.stdout, "pod/solo condition met\n");
    kubectl(&mut sim, "kubectl delete pod solo --wait=false");
    let gone = kubectl(&mut sim, "kubectl wait --for=delete pod/solo --timeout=60s");
    assert_eq!(gone.exit_code, 0, "{gone:?}");
}
