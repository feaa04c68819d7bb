//! The command lines the buttons issue. Buttons never change the cluster directly:
//! they run these lines through the interpreter, so they land in the script (and in
//! share links) exactly as if typed.

pub fn scale(kind: &str, name: &str, replicas: i64) -> String {
    format!(
        "kubectl scale {} {name} --replicas={}",
        kind.to_ascii_lowercase(),
        replicas.max(0)
    )
}

pub fn rollout(verb: &str, kind: &str, name: &str) -> String {
    format!(
        "kubectl rollout {verb} {}/{name}",
        kind.to_ascii_lowercase()
    )
}

pub fn delete(kind: &str, namespace: &str, name: &str) -> String {
    let namespace_flag = if namespace.is_empty() || namespace == "default" {
        String::new()
    } else {
        format!(" -n {namespace}")
    };
    format!(
        "kubectl delete {} {name}{namespace_flag}",
        kind.to_ascii_lowercase()
    )
}

pub fn cordon(node: &str, cordon: bool) -> String {
    format!(
        "kubectl {} {node}",
        if cordon { "cordon" } else { "uncordon" }
    )
}

/// Fault injection: the simulator's own commands (no kubectl equivalent exists).
pub fn node_add(name: &str) -> String {
    format!("sim node add {name}")
}

pub fn node_fail(name: &str) -> String {
    format!("sim node fail {name}")
}

pub fn node_recover(name: &str) -> String {
    format!("sim node recover {name}")
}

pub fn crash_container(namespace: &str, pod: &str) -> String {
    if namespace.is_empty() || namespace == "default" {
        format!("sim pod crash {pod}")
    } else {
        format!("sim pod crash {pod} -n {namespace}")
    }
}

/// The next free `worker-N` name.
pub fn next_worker_name(existing: &[String]) -> String {
    let highest = existing
        .iter()
        .filter_map(|name| name.strip_prefix("worker-"))
        .filter_map(|number| number.parse::<u32>().ok())
        .max()
        .unwrap_or(0);
    format!("worker-{}", highest + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_read_as_typed() {
        assert_eq!(
            scale("Deployment", "web", 5),
            "kubectl scale deployment web --replicas=5"
        );
        assert_eq!(
            scale("Deployment", "web", -1),
            "kubectl scale deployment web --replicas=0"
        );
        assert_eq!(
            rollout("undo", "Deployment", "web"),
            "kubectl rollout undo deployment/web"
        );
        assert_eq!(
            delete("Pod", "default", "web-1"),
            "kubectl delete pod web-1"
        );
        assert_eq!(
            delete("Pod", "kube-system", "dns"),
            "kubectl delete pod dns -n kube-system"
        );
        assert_eq!(
            next_worker_name(&[
                "control-plane".into(),
                "worker-3".into(),
                "worker-10".into()
            ]),
            "worker-11"
        );
    }
}
