//! The client's kubeconfig: kubectl's contexts and the current one.
//!
//! This is client state, not cluster state: the API server never sees it and
//! `Simulation::fingerprint` leaves it out. kubesim starts with the one context
//! kind writes for its cluster (`kind create cluster --name kubesim` names the
//! cluster, the user and the context `kind-kubesim`), pointing at the server
//! `kubectl cluster-info` prints.
//!
//! The context's namespace is only a default (`clientcmd`'s
//! `DeferredLoadingClientConfig.Namespace`): a command without `-n` uses it, and
//! a manifest may still name another namespace, unlike with an explicit `-n`.

use std::collections::BTreeMap;

use crate::kubectl::commands::cluster_info::SERVER;

/// The name kind gives the cluster, user and context of `kind create cluster --name kubesim`.
pub const CONTEXT_NAME: &str = "kind-kubesim";

/// The namespace of a context that names none (`metav1.NamespaceDefault`).
pub const DEFAULT_NAMESPACE: &str = "default";

/// A context entry (`clientcmdapi.Context`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Context {
    pub cluster: String,
    pub user: String,
    /// Empty when the context names no namespace.
    pub namespace: String,
}

/// The merged kubeconfig kubectl reads (`clientcmdapi.Config`), reduced to what kubesim has.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Kubeconfig {
    current_context: String,
    contexts: BTreeMap<String, Context>,
    /// Cluster name → server URL.
    clusters: BTreeMap<String, String>,
    users: Vec<String>,
}

impl Default for Kubeconfig {
    fn default() -> Self {
        let mut contexts = BTreeMap::new();
        contexts.insert(
            CONTEXT_NAME.to_string(),
            Context {
                cluster: CONTEXT_NAME.to_string(),
                user: CONTEXT_NAME.to_string(),
                namespace: String::new(),
            },
        );
        let mut clusters = BTreeMap::new();
        clusters.insert(CONTEXT_NAME.to_string(), SERVER.to_string());
        Kubeconfig {
            current_context: CONTEXT_NAME.to_string(),
            contexts,
            clusters,
            users: vec![CONTEXT_NAME.to_string()],
        }
    }
}

impl Kubeconfig {
    pub fn current_context(&self) -> &str {
        &self.current_context
    }

    pub fn context(&self, name: &str) -> Option<&Context> {
        self.contexts.get(name)
    }

    /// Every context, by name.
    pub fn contexts(&self) -> &BTreeMap<String, Context> {
        &self.contexts
    }

    /// Cluster name → server.
    pub fn clusters(&self) -> &BTreeMap<String, String> {
        &self.clusters
    }

    pub fn users(&self) -> &[String] {
        &self.users
    }

    /// The namespace a command without `-n` works in: the namespace of the
    /// context (`--context`'s, else the current one), else `default`.
    pub fn namespace(&self, context: Option<&str>) -> &str {
        let name = context
            .filter(|name| !name.is_empty())
            .unwrap_or(&self.current_context);
        self.contexts
            .get(name)
            .map(|context| context.namespace.as_str())
            .filter(|namespace| !namespace.is_empty())
            .unwrap_or(DEFAULT_NAMESPACE)
    }

    /// `config use-context NAME` (`use_context.go`).
    pub fn use_context(&mut self, name: &str) -> Result<(), String> {
        if name.is_empty() {
            return Err("empty context names are not allowed".to_string());
        }
        if !self.contexts.contains_key(name) {
            return Err(format!("no context exists with the name: \"{name}\""));
        }
        self.current_context = name.to_string();
        Ok(())
    }

    /// `config set-context NAME --cluster --user --namespace` (`create_context.go`):
    /// merges the given fields over the context, creating it when missing.
    /// Returns whether it existed.
    pub fn set_context(
        &mut self,
        name: &str,
        cluster: Option<&str>,
        user: Option<&str>,
        namespace: Option<&str>,
    ) -> bool {
        let existed = self.contexts.contains_key(name);
        let context = self.contexts.entry(name.to_string()).or_default();
        if let Some(cluster) = cluster {
            context.cluster = cluster.to_string();
        }
        if let Some(user) = user {
            context.user = user.to_string();
        }
        if let Some(namespace) = namespace {
            context.namespace = namespace.to_string();
        }
        existed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_context_namespace_is_a_default_that_falls_back_to_default() {
        let mut config = Kubeconfig::default();
        assert_eq!(config.current_context(), "kind-kubesim");
        assert_eq!(config.namespace(None), "default");
        assert!(config.set_context("kind-kubesim", None, None, Some("dev")));
        assert_eq!(config.namespace(None), "dev");
        // A new context without a namespace, named by --context.
        assert!(!config.set_context("other", Some("kind-kubesim"), None, None));
        assert_eq!(config.namespace(Some("other")), "default");
        assert_eq!(config.namespace(Some("missing")), "default");
        // `--namespace=` clears it, as clientcmd stores the empty string.
        config.set_context("kind-kubesim", None, None, Some(""));
        assert_eq!(config.namespace(None), "default");
    }

    #[test]
    fn use_context_needs_a_known_name() {
        let mut config = Kubeconfig::default();
        assert_eq!(
            config.use_context("nope"),
            Err("no context exists with the name: \"nope\"".to_string())
        );
        assert_eq!(
            config.use_context(""),
            Err("empty context names are not allowed".to_string())
        );
        config.set_context("other", None, None, Some("dev"));
        assert_eq!(config.use_context("other"), Ok(()));
        assert_eq!(config.namespace(None), "dev");
    }
}
