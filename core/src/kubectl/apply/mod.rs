//! Client-side apply, as `kubectl apply` does it without `--server-side`.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/apply/apply.go` (`applyOneObject`)
//! and `patcher.go` (`patchSimple`). For each manifest object:
//! 1. the namespace is defaulted (`-n` or `default`), or checked against an
//!    explicit `-n`;
//! 2. the object is fetched; when it does not exist it is created carrying the
//!    last-applied annotation (`created`);
//! 3. otherwise a three-way strategic merge patch is computed from the
//!    last-applied annotation, the manifest and the live object. An empty patch
//!    prints `unchanged` and writes nothing; any other is applied (`configured`).

pub mod json_patch;
pub mod last_applied;
pub mod strategic_merge;

use serde_json::{Map, Value};

use crate::api_server::{ApiError, ApiServer};
use crate::kubectl::files::Source;
use crate::kubectl::outcome::{DryRun, KubectlError};
use crate::model::manifest::{ManifestError, decode_object, parse_documents};
use crate::model::registry::ResourceType;
use crate::model::{Object, manifest::ManifestErrorKind};

/// One object read from a manifest, as JSON data, with its served type.
#[derive(Clone, Debug, PartialEq)]
pub struct ManifestObject {
    /// The file it came from, as kubectl names it (`web.yaml`, `STDIN`).
    pub source: String,
    pub resource_type: &'static ResourceType,
    pub data: Map<String, Value>,
}

impl ManifestObject {
    pub fn name(&self) -> &str {
        self.data
            .get("metadata")
            .and_then(|metadata| metadata.get("name"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }

    pub fn namespace(&self) -> &str {
        self.data
            .get("metadata")
            .and_then(|metadata| metadata.get("namespace"))
            .and_then(Value::as_str)
            .unwrap_or("")
    }
}

/// What reading the manifests gave, in file order.
#[derive(Clone, Debug, PartialEq)]
pub enum Loaded {
    Object(ManifestObject),
    /// The builder's errors (syntax, missing kind, no such kind): kubectl reports
    /// them before it acts on any object.
    ClientError(KubectlError),
    /// Errors the API server reports when it decodes the object strictly
    /// (unknown fields, wrong types); they come in order with the other objects.
    ServerError(Box<ManifestError>),
}

/// Splits every source into objects (`kind: List` expands to its items).
pub fn load(sources: &[Source]) -> Vec<Loaded> {
    let mut loaded = Vec::new();
    for source in sources {
        for document in parse_documents(&source.text) {
            let error = |item, kind| ManifestError {
                file: source.name.clone(),
                document: document.index,
                item,
                line: document.line,
                kind,
            };
            let value = match document.value {
                Ok(value) => value,
                Err(kind) => {
                    loaded.push(Loaded::ClientError(KubectlError::Manifest(Box::new(
                        error(None, kind),
                    ))));
                    continue;
                }
            };
            let is_list = value
                .get("kind")
                .and_then(Value::as_str)
                .is_some_and(|kind| kind.ends_with("List"))
                && value.get("items").is_some_and(Value::is_array);
            let items: Vec<(Option<usize>, Value)> = if is_list {
                match value.get("items") {
                    Some(Value::Array(items)) => items
                        .iter()
                        .cloned()
                        .enumerate()
                        .map(|(index, item)| (Some(index), item))
                        .collect(),
                    _ => Vec::new(),
                }
            } else {
                vec![(None, value)]
            };
            for (item, value) in items {
                match decode_object(value.clone(), &source.name) {
                    Ok(object) => {
                        let Value::Object(data) = value else { continue };
                        loaded.push(Loaded::Object(ManifestObject {
                            source: source.name.clone(),
                            resource_type: object.resource_type(),
                            data,
                        }));
                    }
                    Err(decode_error) => {
                        let manifest_error = error(item, decode_error.kind);
                        if manifest_error.server_message().is_some() {
                            loaded.push(Loaded::ServerError(Box::new(manifest_error)));
                        } else {
                            loaded.push(Loaded::ClientError(KubectlError::Manifest(Box::new(
                                manifest_error,
                            ))));
                        }
                    }
                }
            }
        }
    }
    loaded
}

/// Sets the object's namespace as kubectl's builder does (`NamespaceParam`,
/// `DefaultNamespace`, `RequireNamespace`): a namespaced object without one gets
/// the command's namespace (`-n`, else the kubeconfig context's `default_namespace`);
/// one that names another namespace than an explicit `-n` is an error, while the
/// context's namespace is only a default. Returns the namespace to use ("" when
/// cluster-scoped).
pub fn settle_namespace(
    object: &mut ManifestObject,
    explicit: Option<&str>,
    default_namespace: &str,
) -> Result<String, KubectlError> {
    if !object.resource_type.namespaced {
        return Ok(String::new());
    }
    let written = object.namespace().to_string();
    let command = explicit
        .filter(|n| !n.is_empty())
        .unwrap_or(default_namespace);
    if written.is_empty() {
        if let Some(Value::Object(metadata)) = object.data.get_mut("metadata") {
            metadata.insert("namespace".to_string(), Value::String(command.to_string()));
        } else {
            let mut metadata = Map::new();
            metadata.insert("namespace".to_string(), Value::String(command.to_string()));
            object
                .data
                .insert("metadata".to_string(), Value::Object(metadata));
        }
        return Ok(command.to_string());
    }
    if let Some(explicit) = explicit.filter(|n| !n.is_empty())
        && explicit != written
    {
        return Err(KubectlError::Plain(format!(
            "the namespace from the provided object \"{written}\" does not match the namespace \"{explicit}\". You must pass '--namespace={written}' to perform this operation."
        )));
    }
    Ok(written)
}

/// `Info.String()`: how kubectl describes the object in long errors.
pub fn info_string(resource_type: &ResourceType, name: &str, namespace: &str) -> String {
    let (group, version) = (resource_type.group, resource_type.version);
    format!(
        "Resource: \"{group}/{version}, Resource={}\", GroupVersionKind: \"{group}/{version}, Kind={}\"\nName: \"{name}\", Namespace: \"{namespace}\"",
        resource_type.plural, resource_type.kind
    )
}

/// Decodes JSON data the server is about to store, strictly. A failure is the
/// server's BadRequest.
pub fn decode_for_server(data: Map<String, Value>, source: &str) -> Result<Object, ApiError> {
    decode_object(Value::Object(data), source).map_err(|error| {
        ApiError::BadRequest(error.server_message().unwrap_or_else(|| match error.kind {
            ManifestErrorKind::NoMatch { kind, .. } => format!("no kind \"{kind}\" is registered"),
            _ => error.to_string(),
        }))
    })
}

/// The result of applying one object.
#[derive(Clone, Debug, PartialEq)]
pub struct Applied {
    /// `created`, `configured` or `unchanged`.
    pub operation: &'static str,
    /// The object as stored (or as it would be, for a dry run).
    pub object: Option<Object>,
    /// A warning kubectl prints on stderr, e.g. for a missing annotation.
    pub warning: Option<String>,
}

/// Applies one manifest object (its namespace already settled) to `api`. For a
/// server dry run the caller passes a scratch copy of the API server.
pub fn apply_object(
    api: &mut ApiServer,
    object: &ManifestObject,
    dry_run: DryRun,
) -> Result<Applied, KubectlError> {
    let resource_type = object.resource_type;
    let name = object.name();
    let namespace = object.namespace();
    if name.is_empty() {
        return Err(KubectlError::Plain(format!(
            "error when retrieving current configuration of:\n{}\nfrom server for: \"{}\": resource name may not be empty",
            info_string(resource_type, name, namespace),
            object.source
        )));
    }
    let namespace_key = if resource_type.namespaced {
        namespace
    } else {
        ""
    };
    let modified = last_applied::with_last_applied(&object.data);
    let Some(current) = api.get_ref(resource_type, namespace_key, name).cloned() else {
        let typed = decode_for_server(modified, &object.source)
            .map_err(|error| KubectlError::with_source(error, "creating", &object.source))?;
        if dry_run == DryRun::Client {
            return Ok(Applied {
                operation: "created",
                object: Some(typed),
                warning: None,
            });
        }
        let created = api
            .create(typed)
            .map_err(|error| KubectlError::with_source(error, "creating", &object.source))?;
        return Ok(Applied {
            operation: "created",
            object: Some((*created).clone()),
            warning: None,
        });
    };
    if dry_run == DryRun::Client {
        return Ok(Applied {
            operation: "configured",
            object: Some((*current).clone()),
            warning: None,
        });
    }
    let current_value = current.to_value();
    let warning = current
        .metadata()
        .annotation(last_applied::LAST_APPLIED_ANNOTATION)
        .is_none()
        .then(|| {
            format!(
                "Warning: resource {}/{name} is missing the {} annotation which is required by kubectl apply. kubectl apply should only be used on resources created declaratively by either kubectl create --save-config or kubectl apply. The missing annotation will be patched automatically.\n",
                resource_type.group_resource(),
                last_applied::LAST_APPLIED_ANNOTATION
            )
        });
    let original = last_applied::original_configuration(&current_value).map_err(|error| {
        KubectlError::Plain(format!(
            "error when retrieving original configuration from:\n{}\nfor: \"{}\": {error}",
            info_string(resource_type, name, namespace),
            object.source
        ))
    })?;
    let Value::Object(current_map) = current_value else {
        return Err(KubectlError::Plain(
            "the live object is not a map".to_string(),
        ));
    };
    let patch = strategic_merge::create_three_way_patch(
        &original,
        &modified,
        &current_map,
        resource_type.kind,
    )
    .map_err(|error| {
        KubectlError::Plain(format!(
            "error when creating patch with:\noriginal:\n{}\nmodified:\n{}\ncurrent:\n{}\nfor: \"{}\": {error}",
            last_applied::go_json(&Value::Object(original.clone())),
            last_applied::go_json(&Value::Object(modified.clone())),
            last_applied::go_json(&Value::Object(current_map.clone())),
            object.source
        ))
    })?;
    if patch.is_empty() {
        return Ok(Applied {
            operation: "unchanged",
            object: Some((*current).clone()),
            warning,
        });
    }
    let patch_text = last_applied::go_json(&Value::Object(patch.clone()));
    let patch_error = |error: ApiError| KubectlError::Api {
        error,
        context: Some(format!(
            "error when applying patch:\n{patch_text}\nto:\n{}\nfor: \"{}\": ",
            info_string(resource_type, name, namespace),
            object.source
        )),
    };
    let mut patched = current_map;
    strategic_merge::apply_patch(&mut patched, &patch, resource_type.kind)
        .map_err(|error| patch_error(ApiError::BadRequest(error.to_string())))?;
    let typed = decode_for_server(patched, &object.source).map_err(patch_error)?;
    let updated = api.update(typed).map_err(patch_error)?;
    Ok(Applied {
        operation: "configured",
        object: Some((*updated).clone()),
        warning,
    })
}
