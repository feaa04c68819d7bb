//! The built `kubesim` binary, run as a user would.

use std::io::Write;
use std::process::{Command, Stdio};

fn kubesim(arguments: &[&str], stdin: &str) -> (String, String, i32) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_kubesim"))
        .args(arguments)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the kubesim binary starts");
    child
        .stdin
        .take()
        .expect("stdin is piped")
        .write_all(stdin.as_bytes())
        .expect("stdin takes the script");
    let output = child.wait_with_output().expect("kubesim finishes");
    (
        String::from_utf8(output.stdout).expect("stdout is UTF-8"),
        String::from_utf8(output.stderr).expect("stderr is UTF-8"),
        output.status.code().unwrap_or(-1),
    )
}

const SCRIPT: &str = "# time moves only when told to
sim time
sim advance 1h30m
sim node add worker-4 --cpu 8 --memory 16Gi --zone zone-a
sim settle --timeout 2m
kubectl api-resources --namespaced=false -o name
";

#[test]
fn the_same_script_twice_gives_byte_identical_output() {
    let first = kubesim(&["run", "-"], SCRIPT);
    let second = kubesim(&["run"], SCRIPT);
    assert_eq!(first, second);
    assert_eq!(first.2, 0, "{}{}", first.0, first.1);
    assert!(
        first
            .0
            .starts_with("$ sim time\n2025-01-01T00:00:00Z\n$ sim advance 1h30m\nadvanced 1h30m0s to 2025-01-01T01:30:00Z\n"),
        "{}",
        first.0
    );
}

#[test]
fn a_failed_command_is_reported_inline_and_the_script_goes_on() {
    let (stdout, stderr, code) = kubesim(&["run", "-"], "sim advance 5x\nsim time\n");
    assert_eq!(
        stdout,
        "$ sim advance 5x\nerror: time: unknown unit \"x\" in duration \"5x\"\n$ sim time\n2025-01-01T00:00:00Z\n"
    );
    assert_eq!(stderr, "");
    assert_eq!(code, 1);
}

#[test]
fn split_stderr_sends_errors_to_stderr() {
    let (stdout, stderr, code) = kubesim(
        &["run", "--split-stderr", "-"],
        "sim advance 5x\nsim time\n",
    );
    assert_eq!(
        stdout,
        "$ sim advance 5x\n$ sim time\n2025-01-01T00:00:00Z\n"
    );
    assert_eq!(
        stderr,
        "error: time: unknown unit \"x\" in duration \"5x\"\n"
    );
    assert_eq!(code, 1);
}

#[test]
fn a_missing_script_is_a_usage_error() {
    let (_, stderr, code) = kubesim(&["run", "/nonexistent/script.kubesim"], "");
    assert!(stderr.starts_with("kubesim: cannot read /nonexistent/script.kubesim: "));
    assert_eq!(code, 2);
}

#[test]
fn version_and_help() {
    let (stdout, _, code) = kubesim(&["--version"], "");
    assert_eq!(stdout, format!("kubesim {}\n", env!("CARGO_PKG_VERSION")));
    assert_eq!(code, 0);
    let (help, _, _) = kubesim(&["run", "--help"], "");
    assert!(help.contains("--split-stderr"), "{help}");
}

#[test]
fn the_shell_reads_lines_from_a_pipe() {
    let (stdout, _, code) = kubesim(&["shell"], "sim advance 5m\nsim time\nexit\n");
    assert!(
        stdout.ends_with("advanced 5m0s to 2025-01-01T00:05:00Z\n2025-01-01T00:05:00Z\n"),
        "{stdout}"
    );
    assert_eq!(code, 0);
}

#[test]
fn a_bad_cluster_file_names_the_file_and_field() {
    let path =
        std::env::temp_dir().join(format!("kubesim-bad-cluster-{}.yaml", std::process::id()));
    std::fs::write(
        &path,
        "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: master\n",
    )
    .unwrap();
    let (stdout, stderr, code) = kubesim(
        &["run", "--cluster", path.to_str().unwrap(), "-"],
        "sim time\n",
    );
    let _ = std::fs::remove_file(&path);
    assert_eq!(stdout, "");
    assert_eq!(
        stderr,
        format!(
            "error: {}: nodes[0].role: unknown role \"master\": expected control-plane or worker\n",
            path.display()
        )
    );
    assert_eq!(code, 2);
}

#[test]
fn the_example_cluster_configs_load() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../examples/");
    for file in ["eks-cluster.yaml", "kind-cluster.yaml"] {
        let (stdout, stderr, code) = kubesim(
            &["run", "--cluster", &format!("{examples}{file}"), "-"],
            "sim node add extra\n",
        );
        assert_eq!(
            (stdout.as_str(), stderr.as_str(), code),
            ("$ sim node add extra\nnode/extra added\n", "", 0),
            "{file}"
        );
    }
}
