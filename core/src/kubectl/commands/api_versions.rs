//! `kubectl api-versions`: every group/version the API server serves, one per line,
//! sorted. Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/apiresources/apiversions.go`
//! (it sorts the discovery's `group/version` strings; the core group is plain `v1`).

use std::collections::BTreeSet;

use crate::kubectl::{CommandOutput, Flags};
use crate::model::registry::RESOURCE_TYPES;

pub fn run(flags: &Flags) -> CommandOutput {
    if let Err(output) = crate::kubectl::outcome::check_flags(flags, "api-versions", &[]) {
        return output;
    }
    if let Some(extra) = flags.positional.first() {
        return CommandOutput::error(format!(
            "error: unexpected arguments: [{extra}]\nSee 'kubectl api-versions -h' for help and examples"
        ));
    }
    let group_versions: BTreeSet<String> = RESOURCE_TYPES
        .iter()
        .flat_map(|resource_type| {
            resource_type
                .served_versions
                .iter()
                .map(move |version| match resource_type.group {
                    "" => (*version).to_string(),
                    group => format!("{group}/{version}"),
                })
        })
        .collect();
    let stdout: String = group_versions
        .iter()
        .map(|group_version| format!("{group_version}\n"))
        .collect();
    CommandOutput::ok(stdout)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_sorted_group_versions_with_core_as_v1() {
        let output = run(&Flags::parse(&[]));
        let lines: Vec<&str> = output.stdout.lines().collect();
        assert!(lines.contains(&"apps/v1") && lines.contains(&"batch/v1") && lines.contains(&"v1"));
        let mut sorted = lines.clone();
        sorted.sort_unstable();
        assert_eq!(lines, sorted);
        assert!(!output.stdout.contains("//"));
    }
}
