//! What kubectl's resource builder makes of `TYPE`, `TYPE NAME...`, `TYPE/NAME...`,
//! `TYPE1,TYPE2`, `all`, with `-n`/`-A` and label/field selectors.
//!
//! Upstream: `staging/src/k8s.io/cli-runtime/pkg/resource/builder.go`
//! (`ResourceTypeOrNameArgs`, `hasCombinedTypeArgs`, `normalizeMultipleResourcesArgs`,
//! `splitResourceTypeName`, `mappingFor`, `visitBySelector`, `visitByResource`,
//! `visitByName`), `staging/src/k8s.io/apimachinery/pkg/runtime/schema/group_version.go`
//! (`ParseResourceArg`) and the `all` category of discovery.
//!
//! Use: `let args = resolve(&flags.positional)?; let scope = Scope::from_flags(&flags);`
//! then `fetch(api, &args, &scope, &selectors)` for the objects, in the order
//! kubectl visits them, with NotFound errors collected rather than fatal.

use std::sync::Arc;

use crate::api_server::field_selector::FieldSelector;
use crate::api_server::{ApiError, ApiServer};
use crate::kubectl::Flags;
use crate::kubectl::output::CommandError;
use crate::model::Object;
use crate::model::registry::{RESOURCE_TYPES, ResourceType};
use crate::model::selector::Selector;

/// The resources of the `all` category, in the order discovery lists them (by
/// group, then resource): what `kubectl get all` prints, section by section.
pub const ALL_CATEGORY: &[&str] = &[
    "pods",
    "replicationcontrollers",
    "services",
    "daemonsets.apps",
    "deployments.apps",
    "replicasets.apps",
    "statefulsets.apps",
    "horizontalpodautoscalers.autoscaling",
    "cronjobs.batch",
    "jobs.batch",
];

/// One thing to read: every object of a type (filtered by the selectors), or one
/// object by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Request {
    List(&'static ResourceType),
    Named(&'static ResourceType, String),
}

impl Request {
    pub fn resource_type(&self) -> &'static ResourceType {
        match self {
            Request::List(resource_type) | Request::Named(resource_type, _) => resource_type,
        }
    }
}

/// Resolved resource arguments.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ResourceArgs {
    /// In kubectl's visiting order; list requests are deduplicated by type.
    pub requests: Vec<Request>,
    /// True when the arguments name exactly one object (`pod web`, `pod/web`):
    /// `-o yaml` then prints the object itself rather than a `List`.
    pub single_item_implied: bool,
    /// True when the arguments were in `TYPE/NAME` form.
    pub resource_name_form: bool,
}

impl ResourceArgs {
    /// True when some request names an object.
    pub fn has_names(&self) -> bool {
        self.requests
            .iter()
            .any(|request| matches!(request, Request::Named(..)))
    }

    /// True when more than one resource type is involved (`get all`, `pods,svc`,
    /// `pod/a svc/b`): tables then print names as `kind.group/name`.
    pub fn multiple_types(&self) -> bool {
        let mut types = self.requests.iter().map(Request::resource_type);
        match types.next() {
            None => false,
            Some(first) => types.any(|other| !std::ptr::eq(other, first)),
        }
    }
}

/// `-n/--namespace` and `-A/--all-namespaces`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Scope {
    /// The namespace named by `-n`, or the default one. Kept with `-A` too, since
    /// kubectl still reports it (`No resources found in default namespace.` never
    /// happens with `-A`, but writes use it).
    pub namespace: String,
    pub all_namespaces: bool,
    /// True when `-n` was given explicitly.
    pub explicit_namespace: bool,
}

impl Scope {
    /// Reads `-n`, `--namespace`, `-A`, `--all-namespaces`.
    pub fn from_flags(flags: &Flags) -> Scope {
        let named = flags
            .value("namespace")
            .or_else(|| flags.value("n"))
            .filter(|namespace| !namespace.is_empty());
        Scope {
            namespace: named.unwrap_or(flags.default_namespace()).to_string(),
            all_namespaces: flags.has("all-namespaces") || flags.has("A"),
            explicit_namespace: named.is_some(),
        }
    }

    /// One namespace, as `-n` gives it.
    pub fn namespace(namespace: &str) -> Scope {
        Scope {
            namespace: namespace.to_string(),
            all_namespaces: false,
            explicit_namespace: true,
        }
    }

    /// The namespace a list of `resource_type` reads: None for all namespaces
    /// (with `-A`) and for cluster-scoped types.
    pub fn list_namespace(&self, resource_type: &ResourceType) -> Option<&str> {
        if !resource_type.namespaced || self.all_namespaces {
            None
        } else {
            Some(&self.namespace)
        }
    }

    /// The namespace an object of `resource_type` is looked up in by name: "" for
    /// cluster-scoped types.
    pub fn object_namespace(&self, resource_type: &ResourceType) -> &str {
        if resource_type.namespaced {
            &self.namespace
        } else {
            ""
        }
    }
}

/// Label and field selectors (`-l`, `--field-selector`), as given.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Selectors {
    pub label: Option<String>,
    pub field: Option<String>,
}

impl Selectors {
    /// Reads `-l`, `--selector`, `--field-selector`. Blank selectors count as none,
    /// as `LabelSelectorParam` trims them.
    pub fn from_flags(flags: &Flags) -> Selectors {
        let trimmed = |value: Option<&str>| {
            value
                .map(str::trim)
                .filter(|value| !value.is_empty())
                .map(str::to_string)
        };
        Selectors {
            label: trimmed(flags.value("selector").or_else(|| flags.value("l"))),
            field: trimmed(flags.value("field-selector")),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.label.is_none() && self.field.is_none()
    }
}

/// Resolves one resource type argument: plural (`deployments`), singular
/// (`deployment`), short name (`deploy`), kind (`Deployment`), any of them
/// qualified by group (`deployments.apps`) or by version and group
/// (`deployment.v1.apps`). Case does not matter, as the REST mapper lower-cases.
///
/// Unknown types are `the server doesn't have a resource type "foo"`, naming the
/// part before the first dot as `mappingFor` does.
pub fn resolve_type(argument: &str) -> Result<&'static ResourceType, CommandError> {
    let lower = argument.to_ascii_lowercase();
    let names = |resource_type: &ResourceType, resource: &str| {
        resource_type.plural == resource
            || resource_type.kind.eq_ignore_ascii_case(resource)
            || resource_type.short_names.contains(&resource)
    };
    let candidates = || {
        RESOURCE_TYPES
            .iter()
            .filter(|resource_type| resource_type.kind != "Binding")
    };
    // `resource.version.group`: a fully specified GroupVersionResource.
    let parts: Vec<&str> = lower.splitn(3, '.').collect();
    if let [resource, version, group] = parts.as_slice()
        && let Some(found) = candidates().find(|resource_type| {
            names(resource_type, resource)
                && resource_type.group == *group
                && resource_type.served_versions.contains(version)
        })
    {
        return Ok(found);
    }
    // `resource.group`, where the group may itself contain dots.
    let (resource, group) = match lower.split_once('.') {
        Some((resource, group)) => (resource, Some(group)),
        None => (lower.as_str(), None),
    };
    candidates()
        .find(|resource_type| {
            names(resource_type, resource) && group.is_none_or(|group| resource_type.group == group)
        })
        .ok_or_else(|| {
            let shown = argument.split('.').next().unwrap_or(argument);
            CommandError::message(format!(
                "the server doesn't have a resource type \"{shown}\""
            ))
        })
}

/// `SplitResourceArgument`: `pods,svc` → [`pods`, `svc`], dropping empty parts, with
/// the `all` category expanded in place (`ReplaceAliases`).
fn split_types(argument: &str) -> Vec<String> {
    let mut types = Vec::new();
    for part in argument.split(',') {
        if part == "all" {
            types.extend(ALL_CATEGORY.iter().map(|name| name.to_string()));
        } else if !part.is_empty() {
            types.push(part.to_string());
        }
    }
    types
}

/// Resolves positional arguments as `ResourceTypeOrNameArgs` does. No arguments
/// resolve to no requests (each command words its own "you must specify" error).
pub fn resolve(arguments: &[String]) -> Result<ResourceArgs, CommandError> {
    // `pods,svc web` means `pods/web svc/web`.
    let normalized: Vec<String> = match arguments {
        [types, names @ ..] if !names.is_empty() && split_types(types).len() > 1 => {
            split_types(types)
                .iter()
                .flat_map(|resource| names.iter().map(move |name| format!("{resource}/{name}")))
                .collect()
        }
        _ => arguments.to_vec(),
    };
    let with_slash = normalized.iter().filter(|arg| arg.contains('/')).count();
    if with_slash > 0 && with_slash != normalized.len() {
        // Upstream's message really ends without a closing parenthesis.
        return Err(CommandError::message(
            "there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
        ));
    }
    if with_slash > 0 {
        let mut requests = Vec::new();
        for argument in &normalized {
            let segments: Vec<&str> = argument.split('/').collect();
            let [resource, name] = segments.as_slice() else {
                return Err(CommandError::message(
                    "arguments in resource/name form may not have more than one slash",
                ));
            };
            if resource.is_empty() || name.is_empty() || split_types(resource).len() != 1 {
                return Err(CommandError::message(
                    "arguments in resource/name form must have a single resource and name",
                ));
            }
            requests.push((resource.to_string(), name.to_string()));
        }
        let single_item_implied = requests.len() == 1;
        let requests = requests
            .into_iter()
            .map(|(resource, name)| {
                resolve_type(&resource).map(|found| Request::Named(found, name))
            })
            .collect::<Result<Vec<_>, _>>()?;
        return Ok(ResourceArgs {
            requests,
            single_item_implied,
            resource_name_form: true,
        });
    }
    let Some((types, names)) = normalized.split_first() else {
        return Ok(ResourceArgs {
            requests: Vec::new(),
            single_item_implied: false,
            resource_name_form: false,
        });
    };
    let mut resource_types: Vec<&'static ResourceType> = Vec::new();
    for type_argument in split_types(types) {
        let found = resolve_type(&type_argument)?;
        if !resource_types.iter().any(|seen| std::ptr::eq(*seen, found)) {
            resource_types.push(found);
        }
    }
    if names.is_empty() {
        return Ok(ResourceArgs {
            requests: resource_types.into_iter().map(Request::List).collect(),
            single_item_implied: false,
            resource_name_form: false,
        });
    }
    let [resource_type] = resource_types.as_slice() else {
        return Err(CommandError::message("you must specify only one resource"));
    };
    Ok(ResourceArgs {
        requests: names
            .iter()
            .map(|name| Request::Named(resource_type, name.clone()))
            .collect(),
        single_item_implied: names.len() == 1,
        resource_name_form: false,
    })
}

/// The objects one request produced.
#[derive(Clone, Debug)]
pub struct Fetched {
    pub resource_type: &'static ResourceType,
    pub objects: Vec<Arc<Object>>,
    /// True for a list request (a table of it may be empty), false for a named object.
    pub from_list: bool,
}

/// What a read produced: the objects found, in visiting order, and the errors
/// collected along the way (NotFound for each missing name, as kubectl continues
/// on error).
#[derive(Clone, Debug, Default)]
pub struct FetchResult {
    pub fetched: Vec<Fetched>,
    pub errors: Vec<CommandError>,
}

impl FetchResult {
    /// Every object found, in order.
    pub fn objects(&self) -> impl Iterator<Item = &Arc<Object>> {
        self.fetched
            .iter()
            .flat_map(|fetched| fetched.objects.iter())
    }
}

/// Reads what `args` ask for. Errors that stop kubectl before it reads anything
/// (a name with a selector, a name with `-A`, a bad selector) are returned as
/// `Err`; a missing named object is collected in [`FetchResult::errors`].
pub fn fetch(
    api: &ApiServer,
    args: &ResourceArgs,
    scope: &Scope,
    selectors: &Selectors,
) -> Result<FetchResult, CommandError> {
    if !selectors.is_empty() && args.has_names() {
        return Err(CommandError::message(if args.resource_name_form {
            "selectors and the all flag cannot be used when passing resource/name arguments"
        } else {
            "name cannot be provided when a selector is specified"
        }));
    }
    if args.has_names()
        && scope.all_namespaces
        && args
            .requests
            .iter()
            .any(|request| request.resource_type().namespaced)
    {
        return Err(CommandError::message(
            "a resource cannot be retrieved by name across all namespaces",
        ));
    }
    // The API server rejects a selector it cannot parse with a BadRequest, which
    // cli-runtime's `Selector.Visit` (`pkg/resource/selector.go`) rewords as
    // `Unable to find "/v1, Resource=pods" that match label selector "...", field selector "...": ...`.
    let wrap = |error: String| {
        let message = match args.requests.first() {
            Some(request) => {
                let resource_type = request.resource_type();
                format!(
                    "Unable to find \"{}/{}, Resource={}\" that match label selector \"{}\", field selector \"{}\": {error}",
                    resource_type.group,
                    resource_type.version,
                    resource_type.plural,
                    selectors.label.as_deref().unwrap_or(""),
                    selectors.field.as_deref().unwrap_or(""),
                )
            }
            None => error,
        };
        CommandError::Api(ApiError::BadRequest(message))
    };
    let labels = match &selectors.label {
        None => Selector::everything(),
        Some(text) => Selector::parse(text).map_err(|error| wrap(error.to_string()))?,
    };
    let fields = match &selectors.field {
        None => FieldSelector::default(),
        Some(text) => FieldSelector::parse(text).map_err(|error| wrap(error.to_string()))?,
    };
    let mut result = FetchResult::default();
    for request in &args.requests {
        match request {
            Request::List(resource_type) => {
                let objects = api.list_selected(
                    resource_type,
                    scope.list_namespace(resource_type),
                    &labels,
                    &fields,
                )?;
                result.fetched.push(Fetched {
                    resource_type,
                    objects,
                    from_list: true,
                });
            }
            Request::Named(resource_type, name) => {
                match api.get(resource_type, scope.object_namespace(resource_type), name) {
                    Ok(object) => result.fetched.push(Fetched {
                        resource_type,
                        objects: vec![object],
                        from_list: false,
                    }),
                    Err(error) => result.errors.push(CommandError::Api(error)),
                }
            }
        }
    }
    Ok(result)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(words: &[&str]) -> Result<ResourceArgs, CommandError> {
        resolve(
            &words
                .iter()
                .map(|word| word.to_string())
                .collect::<Vec<_>>(),
        )
    }

    fn kinds(resolved: &ResourceArgs) -> Vec<String> {
        resolved
            .requests
            .iter()
            .map(|request| match request {
                Request::List(resource_type) => resource_type.kind.to_string(),
                Request::Named(resource_type, name) => format!("{}/{name}", resource_type.kind),
            })
            .collect()
    }

    #[test]
    fn type_names_resolve_as_the_rest_mapper_does() {
        for (argument, kind) in [
            ("po", "Pod"),
            ("pod", "Pod"),
            ("pods", "Pod"),
            ("Pod", "Pod"),
            ("PODS", "Pod"),
            ("deploy", "Deployment"),
            ("deployments.apps", "Deployment"),
            ("deployment.apps", "Deployment"),
            ("deployment.v1.apps", "Deployment"),
            ("Deployment", "Deployment"),
            ("rs", "ReplicaSet"),
            ("ds", "DaemonSet"),
            ("svc", "Service"),
            ("ep", "Endpoints"),
            ("no", "Node"),
            ("ns", "Namespace"),
            ("ev", "Event"),
            ("cm", "ConfigMap"),
            ("sa", "ServiceAccount"),
            ("sts", "StatefulSet"),
            ("cj", "CronJob"),
            ("hpa", "HorizontalPodAutoscaler"),
            (
                "horizontalpodautoscalers.v1.autoscaling",
                "HorizontalPodAutoscaler",
            ),
            ("ingresses.networking.k8s.io", "Ingress"),
            ("ing", "Ingress"),
            ("endpointslices.discovery.k8s.io", "EndpointSlice"),
            ("jobs.batch", "Job"),
        ] {
            assert_eq!(
                resolve_type(argument).map(|t| t.kind),
                Ok(kind),
                "{argument}"
            );
        }
        for (argument, message) in [
            (
                "foo",
                "error: the server doesn't have a resource type \"foo\"",
            ),
            (
                "foo.bar",
                "error: the server doesn't have a resource type \"foo\"",
            ),
            (
                "deployments.batch",
                "error: the server doesn't have a resource type \"deployments\"",
            ),
            (
                "bindings",
                "error: the server doesn't have a resource type \"bindings\"",
            ),
        ] {
            assert_eq!(resolve_type(argument).unwrap_err().render(), message);
        }
    }

    #[test]
    fn arguments_resolve_as_resource_type_or_name_args() {
        assert_eq!(kinds(&args(&["pods"]).unwrap()), ["Pod"]);
        assert_eq!(
            kinds(&args(&["pods,svc,po"]).unwrap()),
            ["Pod", "Service"],
            "duplicate types are visited once"
        );
        let named = args(&["pods", "a", "b"]).unwrap();
        assert_eq!(kinds(&named), ["Pod/a", "Pod/b"]);
        assert!(!named.single_item_implied && !named.multiple_types());
        assert!(args(&["pod", "a"]).unwrap().single_item_implied);
        let tuples = args(&["pod/a", "svc/b"]).unwrap();
        assert_eq!(kinds(&tuples), ["Pod/a", "Service/b"]);
        assert!(tuples.multiple_types() && !tuples.single_item_implied);
        assert!(args(&["deploy/web"]).unwrap().single_item_implied);
        assert_eq!(
            kinds(&args(&["pods,svc", "web"]).unwrap()),
            ["Pod/web", "Service/web"]
        );
        let all = args(&["all"]).unwrap();
        assert_eq!(
            kinds(&all),
            [
                "Pod",
                "ReplicationController",
                "Service",
                "DaemonSet",
                "Deployment",
                "ReplicaSet",
                "StatefulSet",
                "HorizontalPodAutoscaler",
                "CronJob",
                "Job"
            ]
        );
        assert!(all.multiple_types());
        assert_eq!(kinds(&args(&[]).unwrap()), Vec::<String>::new());
    }

    #[test]
    fn argument_errors_read_as_kubectl_prints_them() {
        for (words, message) in [
            (
                &["pods", "pod/web"][..],
                "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'",
            ),
            (
                &["pods,svc/web"][..],
                "error: arguments in resource/name form must have a single resource and name",
            ),
            (
                &["pods/"][..],
                "error: arguments in resource/name form must have a single resource and name",
            ),
            (
                &["a/b/c"][..],
                "error: arguments in resource/name form may not have more than one slash",
            ),
            (
                &["foo"][..],
                "error: the server doesn't have a resource type \"foo\"",
            ),
            (
                &["pods,foo"][..],
                "error: the server doesn't have a resource type \"foo\"",
            ),
            (
                &["foo/x"][..],
                "error: the server doesn't have a resource type \"foo\"",
            ),
        ] {
            assert_eq!(args(words).unwrap_err().render(), message, "{words:?}");
        }
    }

    #[test]
    fn scope_follows_namespace_flags() {
        let parse = |line: &str| {
            Scope::from_flags(&Flags::parse(
                &crate::kubectl::shell_words::split(line).unwrap(),
            ))
        };
        let pods = resolve_type("pods").unwrap();
        let nodes = resolve_type("nodes").unwrap();
        let default = parse("pods");
        assert_eq!(default.namespace, "default");
        assert_eq!(default.list_namespace(pods), Some("default"));
        assert_eq!(default.list_namespace(nodes), None);
        assert_eq!(default.object_namespace(nodes), "");
        assert_eq!(parse("pods -n kube-system").namespace, "kube-system");
        assert_eq!(
            parse("pods --namespace=kube-system").namespace,
            "kube-system"
        );
        assert_eq!(parse("pods -A").list_namespace(pods), None);
        assert!(parse("pods --all-namespaces").all_namespaces);
    }

    #[test]
    fn fetch_collects_not_found_and_rejects_names_with_selectors() {
        use crate::{Simulation, SimulationConfig};
        let mut simulation = Simulation::new(SimulationConfig::default());
        for name in ["web", "db"] {
            let pod = crate::model::manifest::decode_object(
                serde_json::json!({
                    "apiVersion": "v1", "kind": "Pod",
                    "metadata": {"name": name, "labels": {"app": name}},
                    "spec": {"containers": [{"name": "c", "image": "nginx"}]}
                }),
                "test",
            )
            .unwrap();
            simulation.api_mut().create(pod).unwrap();
        }
        let api = simulation.api();
        let scope = Scope::namespace("default");
        let named = fetch(
            api,
            &args(&["pods", "web", "nope"]).unwrap(),
            &scope,
            &Selectors::default(),
        )
        .unwrap();
        assert_eq!(
            named
                .objects()
                .map(|o| o.name().to_string())
                .collect::<Vec<_>>(),
            ["web"]
        );
        assert_eq!(
            crate::kubectl::output::render_errors(&named.errors),
            "Error from server (NotFound): pods \"nope\" not found\n"
        );
        let selected = Selectors {
            label: Some("app=db".to_string()),
            field: None,
        };
        let listed = fetch(api, &args(&["pods"]).unwrap(), &scope, &selected).unwrap();
        assert_eq!(
            listed
                .objects()
                .map(|o| o.name().to_string())
                .collect::<Vec<_>>(),
            ["db"]
        );
        let nodes = fetch(
            api,
            &args(&["nodes"]).unwrap(),
            &scope,
            &Selectors::default(),
        )
        .unwrap();
        assert!(
            nodes.objects().count() > 0,
            "cluster-scoped lists ignore the namespace"
        );
        assert_eq!(
            fetch(api, &args(&["pods", "web"]).unwrap(), &scope, &selected)
                .unwrap_err()
                .render(),
            "error: name cannot be provided when a selector is specified"
        );
        assert_eq!(
            fetch(api, &args(&["pod/web"]).unwrap(), &scope, &selected)
                .unwrap_err()
                .render(),
            "error: selectors and the all flag cannot be used when passing resource/name arguments"
        );
        let everywhere = Scope {
            all_namespaces: true,
            ..Scope::namespace("default")
        };
        assert_eq!(
            fetch(
                api,
                &args(&["pods", "web"]).unwrap(),
                &everywhere,
                &Selectors::default()
            )
            .unwrap_err()
            .render(),
            "error: a resource cannot be retrieved by name across all namespaces"
        );
    }
}
