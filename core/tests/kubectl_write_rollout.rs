//! rollout history, undo, pause, resume, restart and status.

use kubesim::kubectl::{CommandOutput, run};
use kubesim::model::registry::lookup_kind_name;
use kubesim::{Simulation, SimulationConfig};

fn kubectl(sim: &mut Simulation, line: &str) -> CommandOutput {
    let output = run(sim, line, "");
    sim.run_until_idle(1_000_000).unwrap();
    output
}

/// The change-cause annotation is copied to the deployment's current ReplicaSet
/// (revision 2) and to every later one, as upstream's controller does.
fn with_three_revisions() -> Simulation {
    let mut sim = Simulation::new(SimulationConfig::default());
    kubectl(&mut sim, "kubectl create deployment web --image=nginx:1.23");
    kubectl(
        &mut sim,
        "kubectl set image deployment/web nginx=nginx:1.24",
    );
    kubectl(
        &mut sim,
        "kubectl annotate deployment web kubernetes.io/change-cause='image 1.25'",
    );
    kubectl(
        &mut sim,
        "kubectl set image deployment/web nginx=nginx:1.25",
    );
    sim
}

fn image(sim: &Simulation) -> String {
    sim.api()
        .get(lookup_kind_name("Deployment").unwrap(), "default", "web")
        .unwrap()
        .to_value()["spec"]["template"]["spec"]["containers"][0]["image"]
        .as_str()
        .unwrap()
        .to_string()
}

#[test]
fn history_lists_revisions_with_change_causes() {
    let mut sim = with_three_revisions();
    let history = kubectl(&mut sim, "kubectl rollout history deployment/web");
    assert_eq!(
        history.stdout,
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n2         image 1.25\n3         image 1.25\n\n"
    );
    let one = kubectl(
        &mut sim,
        "kubectl rollout history deployment web --revision=1",
    );
    assert!(
        one.stdout
            .starts_with("deployment.apps/web with revision #1\nPod Template:\n"),
        "{}",
        one.stdout
    );
    assert!(one.stdout.contains("nginx:1.23"), "{}", one.stdout);
    let missing = kubectl(
        &mut sim,
        "kubectl rollout history deployment web --revision=9",
    );
    assert_eq!(
        missing.stderr,
        "error: unable to find the specified revision\n"
    );
}

#[test]
fn undo_goes_back_one_revision_or_to_a_named_one() {
    let mut sim = with_three_revisions();
    let undo = kubectl(&mut sim, "kubectl rollout undo deployment/web");
    assert_eq!(undo.stdout, "deployment.apps/web rolled back\n");
    assert_eq!(image(&sim), "nginx:1.24");
    let history = kubectl(&mut sim, "kubectl rollout history deployment/web");
    assert_eq!(
        history.stdout,
        "deployment.apps/web \nREVISION  CHANGE-CAUSE\n1         <none>\n3         image 1.25\n4         image 1.25\n\n"
    );
    let to_one = kubectl(
        &mut sim,
        "kubectl rollout undo deployment/web --to-revision=1",
    );
    assert_eq!(to_one.stdout, "deployment.apps/web rolled back\n");
    assert_eq!(image(&sim), "nginx:1.23");
    let same = kubectl(
        &mut sim,
        "kubectl rollout undo deployment/web --to-revision=5",
    );
    assert_eq!(
        same.stdout,
        "deployment.apps/web skipped rollback (current template already matches revision 5)\n"
    );
    let before = sim.fingerprint();
    let missing = kubectl(
        &mut sim,
        "kubectl rollout undo deployment/web --to-revision=42",
    );
    assert_eq!(
        missing.stderr,
        "error: unable to find specified revision 42 in history\n"
    );
    assert_eq!(before, sim.fingerprint());
}

#[test]
fn pause_resume_restart() {
    let mut sim = with_three_revisions();
    assert_eq!(
        kubectl(&mut sim, "kubectl rollout pause deployment/web").stdout,
        "deployment.apps/web paused\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl rollout pause deployment/web").stderr,
        "error: deployments.apps \"web\" is already paused\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl rollout undo deployment/web").stderr,
        "error: you cannot rollback a paused deployment; resume it first with 'kubectl rollout resume' and try again\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl rollout restart deployment/web").stderr,
        "error: deployments.apps \"web\" can't restart paused deployment (run rollout resume first)\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl rollout resume deployment/web").stdout,
        "deployment.apps/web resumed\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl rollout resume deployment/web").stderr,
        "error: deployments.apps \"web\" is not paused\n"
    );
    assert_eq!(
        kubectl(&mut sim, "kubectl rollout restart deployment/web").stdout,
        "deployment.apps/web restarted\n"
    );
    let history = kubectl(&mut sim, "kubectl rollout history deployment/web");
    assert!(
        history.stdout.contains("\n4         image 1.25\n"),
        "{}",
        history.stdout
    );
}

#[test]
fn status_waits_on_the_virtual_clock_and_times_out() {
    let mut sim = Simulation::new(SimulationConfig::default());
    kubectl(
        &mut sim,
        "kubectl create deployment web --image=nginx --replicas=2",
    );
    let start = sim.now();
    let status = run(
        &mut sim,
        "kubectl rollout status deployment/web --timeout=30s",
        "",
    );
    assert!(
        status
            .stdout
            .starts_with("Waiting for deployment \"web\" rollout to finish: "),
        "{}",
        status.stdout
    );
    // Until pods run, the rollout cannot finish; the wait spends 30 virtual seconds.
    if status.exit_code != 0 {
        assert_eq!(
            status.stderr,
            "error: timed out waiting for the condition\n"
        );
        assert_eq!((sim.now() - start).as_secs(), 30);
    }
    let once = run(
        &mut sim,
        "kubectl rollout status deployment/web --watch=false",
        "",
    );
    assert_eq!(once.exit_code, 0);
    assert_eq!(once.stdout.lines().count(), 1);
}

#[test]
fn rollout_errors() {
    let mut sim = with_three_revisions();
    let before = sim.fingerprint();
    for (line, stderr) in [
        (
            "kubectl rollout undo deployment/web --to-revision=x",
            "error: invalid argument \"x\" for \"--to-revision\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\nSee 'kubectl rollout undo --help' for usage.\n",
        ),
        (
            "kubectl rollout history deployment/web --revision=x",
            "error: invalid argument \"x\" for \"--revision\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\nSee 'kubectl rollout history --help' for usage.\n",
        ),
        (
            "kubectl rollout status deployment/web --timeout=soon",
            "error: invalid argument \"soon\" for \"--timeout\" flag: time: invalid duration \"soon\"\nSee 'kubectl rollout status --help' for usage.\n",
        ),
        (
            "kubectl rollout undo deployment/missing",
            "Error from server (NotFound): deployments.apps \"missing\" not found\n",
        ),
        (
            "kubectl rollout status",
            "error: required resource not specified\nSee 'kubectl rollout status -h' for help and examples\n",
        ),
        (
            "kubectl rollout sideways deployment/web",
            "error: unknown command \"sideways\" for \"kubectl rollout\"\nRun 'kubectl rollout --help' for usage.\n",
        ),
    ] {
        let output = run(&mut sim, line, "");
        assert_eq!(output.stderr, stderr, "{line}");
        assert_eq!(before, sim.fingerprint(), "{line}");
    }
}

#[test]
fn history_revision_prints_the_pod_template() {
    let mut sim = with_three_revisions();
    let one = kubectl(
        &mut sim,
        "kubectl rollout history deployment web --revision=3",
    );
    let expected_start = "deployment.apps/web with revision #3\nPod Template:\n  Labels:";
    assert!(one.stdout.starts_with(expected_start), "{}", one.stdout);
    assert!(
        one.stdout
            .contains("  Containers:\n   nginx:\n    Image:  "),
        "{}",
        one.stdout
    );
    assert!(one.stdout.contains(" nginx:1.25\n"), "{}", one.stdout);
    assert!(one.stdout.ends_with("\n\n"), "{:?}", one.stdout);
}

/// A ReplicaSet whose revision annotation is not a number still gets the Deployment's
/// annotations when the controller next writes it: SetNewReplicaSetAnnotations copies
/// them and then reports no update, and upstream's getNewReplicaSet goes on with that
/// copy, which the scale-up writes.
#[test]
fn scaling_writes_copied_annotations_when_the_revision_is_not_a_number() {
    let mut sim = Simulation::new(SimulationConfig::default());
    kubectl(&mut sim, "kubectl create deployment web --image=nginx:1.23");
    let names = kubectl(&mut sim, "kubectl get rs -o name");
    let replica_set = names.stdout.trim().to_string();
    assert!(
        replica_set.starts_with("replicaset.apps/web-"),
        "{replica_set}"
    );
    let annotated = kubectl(
        &mut sim,
        &format!("kubectl annotate {replica_set} deployment.kubernetes.io/revision=x1 --overwrite"),
    );
    assert_eq!(annotated.stderr, "");
    kubectl(&mut sim, "kubectl annotate deployment web team=b");
    kubectl(&mut sim, "kubectl scale deployment web --replicas=3");
    let stored = sim
        .api()
        .get(
            lookup_kind_name("ReplicaSet").unwrap(),
            "default",
            replica_set.trim_start_matches("replicaset.apps/"),
        )
        .unwrap()
        .to_value();
    assert_eq!(stored["spec"]["replicas"], 3);
    assert_eq!(stored["metadata"]["annotations"]["team"], "b", "{stored:#}");
}
