//! `kubectl top node|pod`: resource usage from the Metrics API. kubesim's cluster,
//! like a fresh kind or EKS cluster, runs no metrics-server, so the Metrics API is not
//! served and kubectl says so. Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/top/
//! top_node.go` and `top_pod.go` (`errors.New("Metrics API not available")` when the
//! discovery lists no `metrics.k8s.io` group).

use crate::kubectl::{CommandOutput, Flags};

/// The flags of `top node` and `top pod` (kubectl's global flags are always accepted).
const FLAGS: &[&str] = &[
    "l",
    "selector",
    "sort-by",
    "no-headers",
    "use-protocol-buffers",
    "show-capacity",
    "A",
    "all-namespaces",
    "containers",
    "field-selector",
    "sum",
    "n",
    "namespace",
];

pub fn run(flags: &Flags) -> CommandOutput {
    match flags.positional.first().map(String::as_str) {
        Some(resource @ ("node" | "nodes" | "no" | "pod" | "pods" | "po")) => {
            let command = if resource.starts_with('n') {
                "top node"
            } else {
                "top pod"
            };
            if let Err(output) = crate::kubectl::outcome::check_flags(flags, command, FLAGS) {
                return output;
            }
            CommandOutput::error("error: Metrics API not available")
        }
        // `cmdutil.DefaultSubCommandRun` / `UsageErrorf` in `cmd/util/helpers.go`.
        Some(other) => CommandOutput::error(format!(
            "error: unknown command \"{other}\"\nSee 'kubectl top -h' for help and examples"
        )),
        None => CommandOutput::ok(HELP),
    }
}

/// What `kubectl top` alone prints: its help, as for any command group.
const HELP: &str = "Display resource (CPU/memory) usage.

 The top command allows you to see the resource consumption for nodes or pods.

 This command requires Metrics Server to be correctly configured and working on the server.

Available Commands:
  node          Display resource (CPU/memory) usage of nodes
  pod           Display resource (CPU/memory) usage of pods

Usage:
  kubectl top [flags] [options]

Use \"kubectl top <command> --help\" for more information about a given command.
Use \"kubectl options\" for a list of global command-line options (applies to all commands).
";

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn without_metrics_server_the_metrics_api_is_not_available() {
        let words = |line: &str| -> Vec<String> { line.split(' ').map(String::from).collect() };
        let nodes = run(&Flags::parse(&words("nodes")));
        assert_eq!(nodes.stderr, "error: Metrics API not available\n");
        assert_eq!(nodes.exit_code, 1);
        let unknown = run(&Flags::parse(&words("foo")));
        assert_eq!(
            unknown.stderr,
            "error: unknown command \"foo\"\nSee 'kubectl top -h' for help and examples\n"
        );
        assert!(
            run(&Flags::parse(&[]))
                .stdout
                .starts_with("Display resource")
        );
    }
}
