//! Cluster configuration files, parsed without IO: kind's `Cluster`
//! (`kind.x-k8s.io/v1alpha4`) and eksctl's `ClusterConfig` (`eksctl.io/v1alpha5`)
//! become a [`ClusterConfig`] of nodes. The caller reads the file and passes its
//! name (for errors) and text.

pub mod eksctl;
pub mod instance_types;
pub mod kind;
pub mod taint;

use std::collections::BTreeMap;

use serde_yaml::Value;

use crate::cluster::ClusterConfig;
use crate::model::validation::{is_qualified_name, is_valid_label_value};

/// The most nodes a configuration may ask for, so a typo cannot ask for a billion.
pub const MAX_NODES: i64 = 20_000;

/// A configuration file kubesim cannot use: the file, the field and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{file}: {field}{}{message}", if field.is_empty() { "" } else { ": " })]
pub struct ClusterConfigError {
    pub file: String,
    /// The field path (`managedNodeGroups[0].instanceType`), empty for the whole file.
    pub field: String,
    pub message: String,
}

/// Parses a kind or eksctl cluster configuration, told apart by `apiVersion` and `kind`.
pub fn parse(file: &str, text: &str) -> Result<ClusterConfig, ClusterConfigError> {
    let reader = Reader { file };
    let document: Value = serde_yaml::from_str(text)
        .map_err(|error| reader.error("", format!("not valid YAML: {error}")))?;
    if !document.is_mapping() {
        return Err(reader.error(
            "",
            "expected a kind Cluster or an eksctl ClusterConfig mapping",
        ));
    }
    let api_version = reader.optional_string(&document, "", "apiVersion")?;
    let kind = reader.optional_string(&document, "", "kind")?;
    match (api_version.as_deref(), kind.as_deref()) {
        (Some(kind::API_VERSION), Some("Cluster")) => kind::parse(&reader, &document),
        (Some(eksctl::API_VERSION), Some("ClusterConfig")) => eksctl::parse(&reader, &document),
        (Some(version), Some(kind)) if version.starts_with("kind.x-k8s.io/") && kind == "Cluster" => Err(reader.error(
            "apiVersion",
            format!("unsupported kind config version \"{version}\": kubesim reads {}", kind::API_VERSION),
        )),
        (Some(version), Some(kind)) if version.starts_with("eksctl.io/") && kind == "ClusterConfig" => Err(reader.error(
            "apiVersion",
            format!("unsupported eksctl config version \"{version}\": kubesim reads {}", eksctl::API_VERSION),
        )),
        (None, _) => Err(reader.error("apiVersion", "missing: expected kind.x-k8s.io/v1alpha4 (kind Cluster) or eksctl.io/v1alpha5 (eksctl ClusterConfig)")),
        (_, None) => Err(reader.error("kind", "missing: expected Cluster (kind) or ClusterConfig (eksctl)")),
        (Some(version), Some(kind)) => Err(reader.error(
            "",
            format!("apiVersion \"{version}\" kind \"{kind}\" is neither a kind Cluster (kind.x-k8s.io/v1alpha4) nor an eksctl ClusterConfig (eksctl.io/v1alpha5)"),
        )),
    }
}

/// Typed reads from a YAML tree, with errors that name the file and field.
pub(crate) struct Reader<'a> {
    file: &'a str,
}

pub(crate) fn join(path: &str, key: &str) -> String {
    if path.is_empty() {
        key.to_string()
    } else {
        format!("{path}.{key}")
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Sequence(_) => "a list",
        Value::Mapping(_) => "a mapping",
        Value::Tagged(_) => "a tagged value",
    }
}

impl Reader<'_> {
    pub(crate) fn error(&self, field: &str, message: impl Into<String>) -> ClusterConfigError {
        ClusterConfigError {
            file: self.file.to_string(),
            field: field.to_string(),
            message: message.into(),
        }
    }

    /// Rejects keys outside `known`, as kind's and eksctl's strict decoding does.
    pub(crate) fn check_fields(
        &self,
        value: &Value,
        path: &str,
        known: &[&str],
    ) -> Result<(), ClusterConfigError> {
        if let Some(mapping) = value.as_mapping() {
            for key in mapping.keys() {
                let name = key.as_str().unwrap_or("");
                if !known.contains(&name) {
                    return Err(self.error(&join(path, name), format!("unknown field \"{name}\"")));
                }
            }
        }
        Ok(())
    }

    fn present<'v>(&self, value: &'v Value, key: &str) -> Option<&'v Value> {
        value.get(key).filter(|value| !value.is_null())
    }

    pub(crate) fn optional_string(
        &self,
        value: &Value,
        path: &str,
        key: &str,
    ) -> Result<Option<String>, ClusterConfigError> {
        match self.present(value, key) {
            None => Ok(None),
            Some(Value::String(text)) => Ok(Some(text.clone())),
            Some(Value::Number(number)) => Ok(Some(number.to_string())),
            Some(other) => Err(self.error(
                &join(path, key),
                format!("expected a string, got {}", type_name(other)),
            )),
        }
    }

    pub(crate) fn optional_int(
        &self,
        value: &Value,
        path: &str,
        key: &str,
    ) -> Result<Option<i64>, ClusterConfigError> {
        match self.present(value, key) {
            None => Ok(None),
            Some(Value::Number(number)) => match number.as_i64() {
                Some(int) => Ok(Some(int)),
                None => Err(self.error(
                    &join(path, key),
                    format!("expected a whole number, got {number}"),
                )),
            },
            Some(other) => Err(self.error(
                &join(path, key),
                format!("expected a whole number, got {}", type_name(other)),
            )),
        }
    }

    pub(crate) fn optional_bool(
        &self,
        value: &Value,
        path: &str,
        key: &str,
    ) -> Result<Option<bool>, ClusterConfigError> {
        match self.present(value, key) {
            None => Ok(None),
            Some(Value::Bool(flag)) => Ok(Some(*flag)),
            Some(other) => Err(self.error(
                &join(path, key),
                format!("expected true or false, got {}", type_name(other)),
            )),
        }
    }

    pub(crate) fn optional_list<'v>(
        &self,
        value: &'v Value,
        path: &str,
        key: &str,
    ) -> Result<&'v [Value], ClusterConfigError> {
        match self.present(value, key) {
            None => Ok(&[]),
            Some(Value::Sequence(items)) => Ok(items),
            Some(other) => Err(self.error(
                &join(path, key),
                format!("expected a list, got {}", type_name(other)),
            )),
        }
    }

    pub(crate) fn string_list(
        &self,
        value: &Value,
        path: &str,
        key: &str,
    ) -> Result<Vec<String>, ClusterConfigError> {
        let items = self.optional_list(value, path, key)?;
        items
            .iter()
            .enumerate()
            .map(|(index, item)| match item {
                Value::String(text) => Ok(text.clone()),
                other => Err(self.error(
                    &format!("{}[{index}]", join(path, key)),
                    format!("expected a string, got {}", type_name(other)),
                )),
            })
            .collect()
    }

    /// A `labels` mapping, each key and value checked as the API server would.
    pub(crate) fn labels(
        &self,
        value: &Value,
        path: &str,
        key: &str,
    ) -> Result<BTreeMap<String, String>, ClusterConfigError> {
        let field = join(path, key);
        let mut labels = BTreeMap::new();
        let Some(found) = self.present(value, key) else {
            return Ok(labels);
        };
        let Some(mapping) = found.as_mapping() else {
            return Err(self.error(
                &field,
                format!(
                    "expected a mapping of label keys to values, got {}",
                    type_name(found)
                ),
            ));
        };
        for (label_key, label_value) in mapping {
            let Some(label_key) = label_key.as_str() else {
                return Err(self.error(&field, "label keys must be strings"));
            };
            let label_value = match label_value {
                Value::String(text) => text.clone(),
                Value::Number(number) => number.to_string(),
                Value::Bool(flag) => flag.to_string(),
                other => {
                    return Err(self.error(
                        &format!("{field}.{label_key}"),
                        format!("expected a string, got {}", type_name(other)),
                    ));
                }
            };
            let mut errors = is_qualified_name(label_key);
            errors.extend(is_valid_label_value(&label_value));
            if !errors.is_empty() {
                return Err(self.error(
                    &format!("{field}.{label_key}"),
                    format!(
                        "invalid label {label_key}={label_value}: {}",
                        errors.join("; ")
                    ),
                ));
            }
            labels.insert(label_key.to_string(), label_value);
        }
        Ok(labels)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_file_kind_is_told_by_api_version_and_kind() {
        let cases = [
            (
                "apiVersion: v1\nkind: Pod\n",
                "c.yaml: apiVersion \"v1\" kind \"Pod\" is neither a kind Cluster (kind.x-k8s.io/v1alpha4) nor an eksctl ClusterConfig (eksctl.io/v1alpha5)",
            ),
            (
                "kind: Cluster\n",
                "c.yaml: apiVersion: missing: expected kind.x-k8s.io/v1alpha4 (kind Cluster) or eksctl.io/v1alpha5 (eksctl ClusterConfig)",
            ),
            (
                "apiVersion: kind.x-k8s.io/v1alpha3\nkind: Cluster\n",
                "c.yaml: apiVersion: unsupported kind config version \"kind.x-k8s.io/v1alpha3\": kubesim reads kind.x-k8s.io/v1alpha4",
            ),
            (
                "- a\n- b\n",
                "c.yaml: expected a kind Cluster or an eksctl ClusterConfig mapping",
            ),
        ];
        for (text, message) in cases {
            assert_eq!(parse("c.yaml", text).unwrap_err().to_string(), message);
        }
        assert!(
            parse("c.yaml", "a: [")
                .unwrap_err()
                .to_string()
                .starts_with("c.yaml: not valid YAML: ")
        );
    }
}
