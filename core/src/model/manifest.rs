//! Manifest decoding and printing, as `kubectl apply -f` and `kubectl get -o yaml|json`.
//!
//! Decoding follows kubectl's pipeline: the file is split into documents on `---`
//! lines (`apimachinery/pkg/util/yaml.YAMLReader`), each document is converted
//! from YAML to JSON (`sigs.k8s.io/yaml`, which rejects duplicate keys), apiVersion
//! and kind are checked client-side (`kubectl/pkg/validation`), the kind is mapped
//! to a served resource (`RESTMapper`), and finally the API server decodes the
//! body strictly (`runtime/serializer/json` with strict field validation).
//! Each step's failure has its own [`ManifestErrorKind`], rendered as kubectl
//! prints it.

// One error per document on a cold path; keeping `ManifestError` flat (not boxed)
// lets callers match on its kind directly.
#![allow(clippy::result_large_err)]

mod print;

use serde::de::DeserializeOwned;
use serde_json::{Map, Value};

use super::meta::ObjectMeta;
use super::object::{GenericObject, Object};
use super::registry::{ResourceType, lookup_kind, split_api_version};
use super::{
    daemon_set, deployment, endpoint_slice, endpoints, event, job, namespace, node, pod,
    replica_set, service,
};

pub use print::{to_json, to_list_json, to_list_yaml, to_yaml, value_to_json, value_to_yaml};

/// One object decoded from a manifest file.
#[derive(Clone, Debug, PartialEq)]
pub struct Decoded {
    /// 0-based index of the document in the file, counting non-empty documents.
    pub document: usize,
    /// 0-based index within a `kind: List` document, `None` for a plain document.
    pub item: Option<usize>,
    /// 1-based line where the document starts.
    pub line: usize,
    pub object: Object,
}

/// Why one document could not be decoded. Display is kubectl's message.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("{}", self.render())]
pub struct ManifestError {
    /// The file name as the user gave it (`deploy.yaml`).
    pub file: String,
    /// 0-based document index, as in [`Decoded::document`].
    pub document: usize,
    /// 0-based index within a `kind: List` document.
    pub item: Option<usize>,
    /// 1-based line where the document starts.
    pub line: usize,
    pub kind: ManifestErrorKind,
}

#[derive(Clone, Debug, PartialEq)]
pub enum ManifestErrorKind {
    /// Not YAML (or JSON). `line` is relative to the document, as kubectl reports it.
    Syntax {
        line: Option<usize>,
        message: String,
    },
    /// A mapping repeats a key; sigs.k8s.io/yaml rejects this.
    DuplicateKey { line: Option<usize>, key: String },
    /// The document is YAML but not an object (a list or a scalar).
    NotAnObject,
    /// Client-side validation: apiVersion and/or kind are missing.
    MissingTypeInfo {
        api_version_missing: bool,
        kind_missing: bool,
    },
    /// No served resource for this apiVersion and kind: a CRD that is not installed,
    /// or an API version Kubernetes has removed.
    NoMatch {
        api_version: String,
        kind: String,
        name: String,
        namespace: String,
    },
    /// Strict decoding: a field the kind does not have.
    UnknownField {
        api_version: String,
        kind: String,
        path: String,
    },
    /// A field holds the wrong JSON type (`replicas: "three"`).
    WrongType {
        api_version: String,
        kind: String,
        path: String,
        /// The JSON type found: `string`, `number 1.5`, `bool`, `array`, `object`.
        found: String,
        /// The Go type expected: `int32`, `string`, `[]T`, `struct`, ...
        expected: String,
    },
    /// Any other decoding failure of a field (a malformed quantity or timestamp).
    InvalidValue {
        api_version: String,
        kind: String,
        path: String,
        message: String,
    },
}

impl ManifestError {
    /// The JSON path of the offending field (`spec.template.spec.containers[0].imagee`),
    /// when the error is about one field.
    pub fn path(&self) -> Option<&str> {
        match &self.kind {
            ManifestErrorKind::UnknownField { path, .. }
            | ManifestErrorKind::WrongType { path, .. }
            | ManifestErrorKind::InvalidValue { path, .. } => Some(path),
            _ => None,
        }
    }

    /// A short stable name of the error class, for tallies and UI styling.
    pub fn class(&self) -> &'static str {
        match self.kind {
            ManifestErrorKind::Syntax { .. } => "syntax",
            ManifestErrorKind::DuplicateKey { .. } => "duplicate-key",
            ManifestErrorKind::NotAnObject => "not-an-object",
            ManifestErrorKind::MissingTypeInfo { .. } => "missing-type-info",
            ManifestErrorKind::NoMatch { .. } => "no-match",
            ManifestErrorKind::UnknownField { .. } => "unknown-field",
            ManifestErrorKind::WrongType { .. } => "wrong-type",
            ManifestErrorKind::InvalidValue { .. } => "invalid-value",
        }
    }

    /// For the errors the API server itself reports (strict decoding), its status
    /// message: `Deployment in version "v1" cannot be handled as a Deployment:
    /// strict decoding error: unknown field "spec.replica"`. None for client-side errors.
    pub fn server_message(&self) -> Option<String> {
        let (api_version, kind, detail) = match &self.kind {
            ManifestErrorKind::UnknownField {
                api_version,
                kind,
                path,
            } => (
                api_version,
                kind,
                format!("strict decoding error: unknown field \"{path}\""),
            ),
            ManifestErrorKind::WrongType {
                api_version,
                kind,
                path,
                found,
                expected,
            } => (
                api_version,
                kind,
                format!(
                    "json: cannot unmarshal {found} into Go struct field {kind}.{path} of type {expected}"
                ),
            ),
            ManifestErrorKind::InvalidValue {
                api_version,
                kind,
                path,
                message,
            } => (
                api_version,
                kind,
                format!("json: error decoding field \"{path}\": {message}"),
            ),
            _ => return None,
        };
        let (_, version) = split_api_version(api_version);
        Some(format!(
            "{kind} in version \"{version}\" cannot be handled as a {kind}: {detail}"
        ))
    }

    fn render(&self) -> String {
        let source = &self.file;
        if let Some(message) = self.server_message() {
            return format!(
                "Error from server (BadRequest): error when creating \"{source}\": {message}"
            );
        }
        match &self.kind {
            ManifestErrorKind::Syntax { line, message } => {
                let at = line.map(|l| format!("line {l}: ")).unwrap_or_default();
                format!(
                    "error: error parsing {source}: error converting YAML to JSON: yaml: {at}{message}"
                )
            }
            ManifestErrorKind::DuplicateKey { line, key } => {
                let at = line.map(|l| format!("line {l}: ")).unwrap_or_default();
                format!(
                    "error: error parsing {source}: error converting YAML to JSON: yaml: unmarshal errors:\n  {at}key \"{key}\" already set in map"
                )
            }
            ManifestErrorKind::NotAnObject => format!(
                "error: error parsing {source}: json: cannot unmarshal array into Go value of type map[string]interface {{}}"
            ),
            ManifestErrorKind::MissingTypeInfo {
                api_version_missing,
                kind_missing,
            } => {
                let detail = match (api_version_missing, kind_missing) {
                    (true, true) => "[apiVersion not set, kind not set]",
                    (true, false) => "apiVersion not set",
                    _ => "kind not set",
                };
                format!(
                    "error: error validating \"{source}\": error validating data: {detail}; if you choose to ignore these errors, turn validation off with --validate=false"
                )
            }
            ManifestErrorKind::NoMatch {
                api_version,
                kind,
                name,
                namespace,
            } => format!(
                "error: resource mapping not found for name: \"{name}\" namespace: \"{namespace}\" from \"{source}\": no matches for kind \"{kind}\" in version \"{api_version}\"\nensure CRDs are installed first"
            ),
            ManifestErrorKind::UnknownField { .. }
            | ManifestErrorKind::WrongType { .. }
            | ManifestErrorKind::InvalidValue { .. } => unreachable!("server errors render above"),
        }
    }
}

/// Decodes every document of a manifest file, in order. Each entry is one object
/// or the error kubectl reports for that document, so `apply` can act on the good
/// ones and report the bad ones in file order. A `kind: List` expands to its items.
pub fn decode_manifests(text: &str, source: &str) -> Vec<Result<Decoded, ManifestError>> {
    let mut results = Vec::new();
    for document in parse_documents(text) {
        match document.value {
            Ok(value) => decode_value(value, source, document.index, document.line, &mut results),
            Err(kind) => results.push(Err(ManifestError {
                file: source.to_string(),
                document: document.index,
                item: None,
                line: document.line,
                kind,
            })),
        }
    }
    results
}

/// One non-empty document of a manifest file, as JSON data before any typing.
#[derive(Clone, Debug, PartialEq)]
pub struct RawDocument {
    /// 0-based, counting non-empty documents (and documents that fail to parse).
    pub index: usize,
    /// 1-based line where the document starts.
    pub line: usize,
    pub value: Result<Value, ManifestErrorKind>,
}

/// Splits a file into documents and converts each to JSON data, as kubectl does
/// before decoding (a JSON file is one document). Empty documents are skipped.
pub fn parse_documents(text: &str) -> Vec<RawDocument> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    // kubectl sniffs JSON by a leading `{`; a flow-style YAML file also starts
    // with `{`, so fall back to YAML when JSON fails.
    if text.trim_start().starts_with('{')
        && let Ok(value) = serde_json::from_str::<Value>(text)
    {
        let leading = &text[..text.len() - text.trim_start().len()];
        let line = 1 + leading.matches('\n').count();
        return vec![RawDocument {
            index: 0,
            line,
            value: Ok(value),
        }];
    }
    let mut documents = Vec::new();
    for (line, chunk) in split_documents(text) {
        let value = match yaml_to_json(chunk) {
            Ok(None) => continue,
            Ok(Some(value)) => Ok(value),
            Err(kind) => Err(kind),
        };
        documents.push(RawDocument {
            index: documents.len(),
            line,
            value,
        });
    }
    documents
}

/// Decodes one object from JSON-shaped data (already parsed), strictly, as the
/// API server does. `source` names the file in error messages.
pub fn decode_object(value: Value, source: &str) -> Result<Object, ManifestError> {
    decode_one(value).map_err(|kind| ManifestError {
        file: source.to_string(),
        document: 0,
        item: None,
        line: 1,
        kind,
    })
}

fn decode_value(
    value: Value,
    source: &str,
    document: usize,
    line: usize,
    results: &mut Vec<Result<Decoded, ManifestError>>,
) {
    let error = |item, kind| ManifestError {
        file: source.to_string(),
        document,
        item,
        line,
        kind,
    };
    // kubectl expands `kind: List` (any `*List` with `items`) client-side.
    let is_list = value
        .get("kind")
        .and_then(Value::as_str)
        .is_some_and(|kind| kind.ends_with("List"))
        && value.get("items").is_some_and(Value::is_array);
    if is_list {
        let Some(Value::Array(items)) = value.get("items").cloned() else {
            return;
        };
        for (index, item) in items.into_iter().enumerate() {
            results.push(match decode_one(item) {
                Ok(object) => Ok(Decoded {
                    document,
                    item: Some(index),
                    line,
                    object,
                }),
                Err(kind) => Err(error(Some(index), kind)),
            });
        }
        return;
    }
    results.push(match decode_one(value) {
        Ok(object) => Ok(Decoded {
            document,
            item: None,
            line,
            object,
        }),
        Err(kind) => Err(error(None, kind)),
    });
}

/// Splits a YAML stream as `yaml.YAMLReader` does: a line starting with `---`
/// followed by nothing or a comment separates documents. Returns each chunk
/// with its 1-based starting line.
fn split_documents(text: &str) -> Vec<(usize, &str)> {
    let mut chunks = Vec::new();
    let mut start = 0;
    let mut start_line = 1;
    let mut offset = 0;
    for (index, line) in text.split_inclusive('\n').enumerate() {
        if let Some(rest) = line.strip_prefix("---") {
            let rest = rest.trim();
            if rest.is_empty() || rest.starts_with('#') {
                chunks.push((start_line, &text[start..offset]));
                start = offset + line.len();
                start_line = index + 2;
            }
        }
        offset += line.len();
    }
    chunks.push((start_line, &text[start..]));
    chunks
}

/// `yaml.YAMLToJSON` for one document. `Ok(None)` for an empty document (only
/// comments or whitespace), which kubectl skips.
fn yaml_to_json(chunk: &str) -> Result<Option<Value>, ManifestErrorKind> {
    let yaml: serde_yaml::Value = match serde_yaml::from_str(chunk) {
        Ok(yaml) => yaml,
        Err(error) => return Err(yaml_error(chunk, &error)),
    };
    if yaml.is_null() {
        return Ok(None);
    }
    let value = yaml_value_to_json(yaml)?;
    if !value.is_object() {
        return Err(ManifestErrorKind::NotAnObject);
    }
    Ok(Some(value))
}

fn yaml_error(chunk: &str, error: &serde_yaml::Error) -> ManifestErrorKind {
    let line = error.location().map(|location| location.line());
    let message = error.to_string();
    // serde_yaml: `b: duplicate entry with key "c" at line 3 column 3`, where the
    // position is the mapping's start; go-yaml names the repeated key's line.
    if let Some(rest) = message.split("duplicate entry with key ").nth(1) {
        let key = rest.split(" at line").next().unwrap_or(rest);
        let key = key.trim_matches('"').to_string();
        let line = error
            .location()
            .and_then(|at| duplicate_key_line(chunk, at.line(), at.column(), &key))
            .or(line);
        return ManifestErrorKind::DuplicateKey { line, key };
    }
    // Drop serde_yaml's ` at line N column M`: the line is reported up front, as Go does.
    let message = match message.find(" at line ") {
        Some(at) => message[..at].to_string(),
        None => message,
    };
    ManifestErrorKind::Syntax { line, message }
}

/// The line of the second `key:` at the mapping's column, from its first line on.
/// Block mappings only; flow mappings keep serde_yaml's position.
fn duplicate_key_line(chunk: &str, start_line: usize, column: usize, key: &str) -> Option<usize> {
    let indent = column.saturating_sub(1);
    let mut seen = 0;
    for (index, line) in chunk.lines().enumerate().skip(start_line.saturating_sub(1)) {
        let Some(text) = line.get(indent..) else {
            continue;
        };
        let leading = &line[..indent];
        // A line starting left of the mapping ends it (`- ` items aside).
        if index + 1 > start_line && !leading.trim_start_matches([' ', '-']).is_empty() {
            break;
        }
        let bare = text.trim_start_matches(['"', '\'']);
        if let Some(after) = bare.strip_prefix(key)
            && after
                .trim_start_matches(['"', '\''])
                .trim_start()
                .starts_with(':')
        {
            seen += 1;
            if seen == 2 {
                return Some(index + 1);
            }
        }
    }
    None
}

/// Converts YAML data to JSON data as sigs.k8s.io/yaml does: non-string keys
/// become their string form, tags are dropped.
fn yaml_value_to_json(yaml: serde_yaml::Value) -> Result<Value, ManifestErrorKind> {
    Ok(match yaml {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                let f = n.as_f64().unwrap_or(f64::NAN);
                match serde_json::Number::from_f64(f) {
                    Some(number) => Value::Number(number),
                    None => {
                        return Err(ManifestErrorKind::Syntax {
                            line: None,
                            message: format!("json: unsupported value: {f}"),
                        });
                    }
                }
            }
        }
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => Value::Array(
            items
                .into_iter()
                .map(yaml_value_to_json)
                .collect::<Result<_, _>>()?,
        ),
        serde_yaml::Value::Mapping(mapping) => {
            let mut map = Map::new();
            for (key, value) in mapping {
                let key = match key {
                    serde_yaml::Value::String(s) => s,
                    serde_yaml::Value::Bool(b) => b.to_string(),
                    serde_yaml::Value::Number(n) => n.to_string(),
                    serde_yaml::Value::Null => "null".to_string(),
                    _ => {
                        return Err(ManifestErrorKind::Syntax {
                            line: None,
                            message: "invalid map key".to_string(),
                        });
                    }
                };
                map.insert(key, yaml_value_to_json(value)?);
            }
            Value::Object(map)
        }
        serde_yaml::Value::Tagged(tagged) => yaml_value_to_json(tagged.value)?,
    })
}

/// Client-side checks, REST mapping and strict decoding of one object.
fn decode_one(value: Value) -> Result<Object, ManifestErrorKind> {
    let Value::Object(mut map) = value else {
        return Err(ManifestErrorKind::NotAnObject);
    };
    let text_of = |value: Option<&Value>| match value {
        Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
        _ => None,
    };
    let api_version = text_of(map.get("apiVersion"));
    let kind = text_of(map.get("kind"));
    let (api_version, kind) = match (api_version, kind) {
        (Some(api_version), Some(kind)) => (api_version, kind),
        (api_version, kind) => {
            return Err(ManifestErrorKind::MissingTypeInfo {
                api_version_missing: api_version.is_none(),
                kind_missing: kind.is_none(),
            });
        }
    };
    let Some(resource_type) = lookup_kind(&api_version, &kind) else {
        let metadata = map.get("metadata");
        let field = |name: &str| {
            metadata
                .and_then(|m| m.get(name))
                .and_then(Value::as_str)
                .unwrap_or("")
                .to_string()
        };
        return Err(ManifestErrorKind::NoMatch {
            name: field("name"),
            namespace: field("namespace"),
            api_version,
            kind,
        });
    };
    map.remove("apiVersion");
    map.remove("kind");
    let context = Context {
        api_version: &api_version,
        kind: &kind,
    };
    let typed = |map| -> Result<Object, ManifestErrorKind> {
        Ok(match resource_type.kind {
            "Namespace" => {
                Object::Namespace(Box::new(context.decode::<namespace::Namespace>(map)?))
            }
            "Node" => Object::Node(Box::new(context.decode::<node::Node>(map)?)),
            "Pod" => Object::Pod(Box::new(context.decode::<pod::Pod>(map)?)),
            "ReplicaSet" => {
                Object::ReplicaSet(Box::new(context.decode::<replica_set::ReplicaSet>(map)?))
            }
            "Deployment" => {
                Object::Deployment(Box::new(context.decode::<deployment::Deployment>(map)?))
            }
            "DaemonSet" => {
                Object::DaemonSet(Box::new(context.decode::<daemon_set::DaemonSet>(map)?))
            }
            "Job" => Object::Job(Box::new(context.decode::<job::Job>(map)?)),
            "Service" => Object::Service(Box::new(context.decode::<service::Service>(map)?)),
            "Endpoints" => {
                Object::Endpoints(Box::new(context.decode::<endpoints::Endpoints>(map)?))
            }
            "EndpointSlice" => Object::EndpointSlice(Box::new(
                context.decode::<endpoint_slice::EndpointSlice>(map)?,
            )),
            "Event" => Object::Event(Box::new(context.decode::<event::Event>(map)?)),
            _ => generic(resource_type, &context, map)?,
        })
    };
    typed(map)
}

fn generic(
    resource_type: &'static ResourceType,
    context: &Context<'_>,
    mut map: Map<String, Value>,
) -> Result<Object, ManifestErrorKind> {
    let metadata = map.remove("metadata").unwrap_or(Value::Null);
    let metadata: ObjectMeta = {
        let mut wrapper = Map::new();
        wrapper.insert("metadata".to_string(), metadata);
        #[derive(serde::Deserialize)]
        struct MetadataOnly {
            #[serde(default)]
            metadata: ObjectMeta,
        }
        context.decode::<MetadataOnly>(wrapper)?.metadata
    };
    Ok(Object::Generic(GenericObject {
        resource_type,
        api_version: context.api_version.to_string(),
        metadata,
        body: map.into_iter().collect(),
    }))
}

struct Context<'a> {
    api_version: &'a str,
    kind: &'a str,
}

impl Context<'_> {
    /// Strict typed decoding with the failing field's path.
    fn decode<T: DeserializeOwned>(&self, map: Map<String, Value>) -> Result<T, ManifestErrorKind> {
        // Go's decoder treats `null` as "leave unset"; Rust's `Option` agrees, but a
        // defaulted struct (`metadata: null`) would not, so nulls are dropped first.
        let value = drop_nulls(Value::Object(map));
        serde_path_to_error::deserialize::<_, T>(value)
            .map_err(|error| self.classify(error.path().to_string(), &error.inner().to_string()))
    }

    fn classify(&self, path: String, message: &str) -> ManifestErrorKind {
        let api_version = self.api_version.to_string();
        let kind = self.kind.to_string();
        if message.starts_with("unknown field") {
            return ManifestErrorKind::UnknownField {
                api_version,
                kind,
                path,
            };
        }
        if let Some(rest) = message.strip_prefix("invalid type: ")
            && let Some((found, expected)) = rest.split_once(", expected ")
        {
            return ManifestErrorKind::WrongType {
                api_version,
                kind,
                path,
                found: go_json_type(found),
                expected: go_type(expected),
            };
        }
        ManifestErrorKind::InvalidValue {
            api_version,
            kind,
            path,
            message: message.to_string(),
        }
    }
}

fn drop_nulls(value: Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.into_iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k, drop_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.into_iter().map(drop_nulls).collect()),
        other => other,
    }
}

/// serde's `string "three"` / `floating point `1.5`` as Go's json names it.
fn go_json_type(serde_unexpected: &str) -> String {
    let (head, literal) = match serde_unexpected.split_once(' ') {
        Some((head, literal)) => (head, literal.trim_matches('`')),
        None => (serde_unexpected, ""),
    };
    match head {
        "string" => "string".to_string(),
        "integer" | "floating" => {
            let number = literal.trim_start_matches("point ").trim_matches('`');
            format!("number {number}")
        }
        "boolean" => "bool".to_string(),
        "sequence" => "array".to_string(),
        "map" => "object".to_string(),
        other => other.to_string(),
    }
}

/// serde's expectation (`i32`, `a string`, `struct PodSpec`) as a Go type name.
fn go_type(serde_expected: &str) -> String {
    match serde_expected {
        "i32" | "i64" | "u32" | "u64" | "f64" => format!(
            "{}{}",
            &serde_expected[..1]
                .replace('i', "int")
                .replace('u', "uint")
                .replace('f', "float"),
            &serde_expected[1..]
        ),
        "a string" => "string".to_string(),
        "a boolean" => "bool".to_string(),
        "a sequence" => "[]".to_string() + "interface {}",
        "a map" => "map[string]string".to_string(),
        other => match other.strip_prefix("struct ") {
            Some(name) => format!("v1.{name}"),
            None => other.to_string(),
        },
    }
}
