//! `--cluster FILE`: reads a kind or eksctl cluster configuration from disk and
//! hands its text to the IO-free parser in core (`kubesim::cluster_config`).

use std::path::Path;

use kubesim::ClusterConfig;

/// The cluster a `--cluster FILE` describes, or a message naming the file and field.
pub fn load_cluster(path: &Path) -> Result<ClusterConfig, String> {
    let name = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|error| format!("error: cannot read cluster config {name}: {error}"))?;
    kubesim::cluster_config::parse(&name, &text).map_err(|error| format!("error: {error}"))
}
