//! Field selectors (`--field-selector status.phase=Running,spec.nodeName!=w1`).
//!
//! Upstream: `staging/src/k8s.io/apimachinery/pkg/fields/selector.go` for the
//! syntax, and each kind's `GetAttrs`/`AddFieldLabelConversionFunc` for the
//! fields it supports (`pkg/registry/core/pod/strategy.go`, `pkg/apis/core/v1/conversion.go`).

use crate::model::Object;
use crate::model::pod::Pod;

/// One `key=value` or `key!=value` term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldRequirement {
    pub field: String,
    pub value: String,
    pub equal: bool,
}

/// A parsed field selector: all terms must hold.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FieldSelector {
    requirements: Vec<FieldRequirement>,
}

/// Why a field selector cannot be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FieldSelectorError {
    #[error("invalid selector: '{selector}'; can't understand '{term}'")]
    Syntax { selector: String, term: String },
    #[error("field label not supported: {field}")]
    UnsupportedField { field: String },
}

impl FieldSelector {
    /// Parses `a=b,c==d,e!=f`. An empty string selects everything.
    pub fn parse(selector: &str) -> Result<FieldSelector, FieldSelectorError> {
        let mut requirements = Vec::new();
        for term in split_terms(selector) {
            if term.is_empty() {
                continue;
            }
            let syntax = || FieldSelectorError::Syntax {
                selector: selector.to_string(),
                term: term.clone(),
            };
            let (field, value, equal) = if let Some((field, value)) = term.split_once("!=") {
                (field, value, false)
            } else if let Some((field, value)) = term.split_once("==") {
                (field, value, true)
            } else if let Some((field, value)) = term.split_once('=') {
                (field, value, true)
            } else {
                return Err(syntax());
            };
            let field = field.trim();
            if field.is_empty() {
                return Err(syntax());
            }
            requirements.push(FieldRequirement {
                field: field.to_string(),
                value: unescape(value),
                equal,
            });
        }
        Ok(FieldSelector { requirements })
    }

    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    pub fn requirements(&self) -> &[FieldRequirement] {
        &self.requirements
    }

    /// Checks that every field is one the object's kind can be selected by.
    pub fn check_supported(&self, kind: &str) -> Result<(), FieldSelectorError> {
        for requirement in &self.requirements {
            if !supported_fields(kind).contains(&requirement.field.as_str())
                && !is_meta_field(&requirement.field)
            {
                return Err(FieldSelectorError::UnsupportedField {
                    field: requirement.field.clone(),
                });
            }
        }
        Ok(())
    }

    /// True when every term holds for `object`. Unsupported fields never match;
    /// call [`FieldSelector::check_supported`] first to report them.
    pub fn matches(&self, object: &Object) -> bool {
        self.requirements.iter().all(
            |requirement| match field_value(object, &requirement.field) {
                Some(value) => (value == requirement.value) == requirement.equal,
                None => false,
            },
        )
    }
}

/// Splits on commas that are not escaped with a backslash.
fn split_terms(selector: &str) -> Vec<String> {
    let mut terms = vec![String::new()];
    let mut escaped = false;
    for character in selector.chars() {
        match character {
            ',' if !escaped => terms.push(String::new()),
            _ => {
                if let Some(last) = terms.last_mut() {
                    last.push(character);
                }
            }
        }
        escaped = character == '\\' && !escaped;
    }
    terms
}

/// Undoes the `\,`, `\=` and `\\` escapes of field selector values.
fn unescape(value: &str) -> String {
    let mut result = String::new();
    let mut characters = value.chars();
    while let Some(character) = characters.next() {
        if character == '\\' {
            if let Some(next) = characters.next() {
                result.push(next);
            }
        } else {
            result.push(character);
        }
    }
    result
}

fn is_meta_field(field: &str) -> bool {
    matches!(field, "metadata.name" | "metadata.namespace")
}

/// The fields each kind can be selected by, besides metadata.name and metadata.namespace.
pub fn supported_fields(kind: &str) -> &'static [&'static str] {
    match kind {
        "Pod" => &[
            "spec.nodeName",
            "spec.restartPolicy",
            "spec.schedulerName",
            "spec.serviceAccountName",
            "spec.hostNetwork",
            "status.phase",
            "status.podIP",
            "status.podIPs",
            "status.nominatedNodeName",
        ],
        "Node" => &["spec.unschedulable"],
        "Namespace" => &["status.phase"],
        "ReplicaSet" => &["status.replicas"],
        "Job" => &["status.successful"],
        "Secret" => &["type"],
        "Service" => &["spec.clusterIP", "spec.type"],
        "Event" => &[
            "involvedObject.kind",
            "involvedObject.namespace",
            "involvedObject.name",
            "involvedObject.uid",
            "involvedObject.apiVersion",
            "involvedObject.resourceVersion",
            "involvedObject.fieldPath",
            "reason",
            "reportingComponent",
            "source",
            "type",
        ],
        _ => &[],
    }
}

/// The value a field selector compares against, as the API server renders it
/// (booleans as `true`/`false`, absent strings as "").
pub fn field_value(object: &Object, field: &str) -> Option<String> {
    let meta = object.metadata();
    match field {
        "metadata.name" => return Some(meta.name().to_string()),
        "metadata.namespace" => return Some(meta.namespace().to_string()),
        _ => {}
    }
    if !supported_fields(object.kind()).contains(&field) {
        return None;
    }
    // Pods are listed by field most often (kubectl, the kubelet, drain): read them typed.
    if let Some(pod) = object.as_::<Pod>() {
        let spec = pod.spec.as_ref();
        let status = pod.status.as_ref();
        let text = |value: Option<&String>| value.cloned().unwrap_or_default();
        return Some(match field {
            "spec.nodeName" => pod.node_name().to_string(),
            "spec.restartPolicy" => text(spec.and_then(|s| s.restart_policy.as_ref())),
            "spec.schedulerName" => text(spec.and_then(|s| s.scheduler_name.as_ref())),
            "spec.serviceAccountName" => text(spec.and_then(|s| s.service_account_name.as_ref())),
            "spec.hostNetwork" => spec
                .and_then(|s| s.host_network)
                .unwrap_or(false)
                .to_string(),
            "status.phase" => pod.phase().to_string(),
            "status.podIP" | "status.podIPs" => text(status.and_then(|s| s.pod_ip.as_ref())),
            "status.nominatedNodeName" => text(status.and_then(|s| s.nominated_node_name.as_ref())),
            _ => return None,
        });
    }
    let value = object.to_value();
    let mut current = &value;
    for part in field.split('.') {
        current = match current.get(part) {
            Some(next) => next,
            None => {
                return Some(match field {
                    "spec.unschedulable" => "false".to_string(),
                    "status.replicas" | "status.successful" => "0".to_string(),
                    _ => String::new(),
                });
            }
        };
    }
    Some(match current {
        serde_json::Value::String(text) => text.clone(),
        serde_json::Value::Null => String::new(),
        other => other.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_like_apimachinery() {
        let selector =
            FieldSelector::parse("status.phase=Running,spec.nodeName!=w1,metadata.name==x")
                .unwrap();
        assert_eq!(selector.requirements().len(), 3);
        assert!(!selector.requirements()[1].equal);
        assert!(FieldSelector::parse("").unwrap().is_empty());
        assert_eq!(
            FieldSelector::parse("status.phase")
                .unwrap_err()
                .to_string(),
            "invalid selector: 'status.phase'; can't understand 'status.phase'"
        );
        assert_eq!(
            FieldSelector::parse(r"metadata.name=a\,b")
                .unwrap()
                .requirements()[0]
                .value,
            "a,b"
        );
        let unsupported = FieldSelector::parse("spec.foo=x").unwrap();
        assert_eq!(
            unsupported.check_supported("Pod").unwrap_err().to_string(),
            "field label not supported: spec.foo"
        );
        assert!(
            FieldSelector::parse("spec.nodeName=w1")
                .unwrap()
                .check_supported("Pod")
                .is_ok()
        );
    }
}
