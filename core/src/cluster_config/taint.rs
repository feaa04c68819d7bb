//! Taints written as `key[=value]:Effect`, as `kubectl taint` and kubelet's
//! `--register-with-taints` take them.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/taint/utils.go` (`parseTaint`,
//! `validateTaintEffect`). Adding a taint needs an effect, so `key` alone is an
//! "invalid taint spec" here as it is in `parseTaints` for additions.

use crate::cluster::TaintConfig;
use crate::model::validation::{is_qualified_name, is_valid_label_value};

/// The three effects a taint may have.
pub const TAINT_EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// A taint spec that upstream's `parseTaint` rejects, with its message word for word.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TaintError {
    #[error("invalid taint spec: {spec}")]
    Spec { spec: String },
    #[error("invalid taint spec: {spec}, {errors}")]
    Field { spec: String, errors: String },
    #[error("invalid taint effect: {effect}, unsupported taint effect")]
    Effect { effect: String },
}

/// Parses `key=value:Effect` or `key:Effect`. For example `dedicated=gpu:NoSchedule`
/// gives key `dedicated`, value `gpu`, effect `NoSchedule`.
pub fn parse_taint(spec: &str) -> Result<TaintConfig, TaintError> {
    let spec_error = || TaintError::Spec {
        spec: spec.to_string(),
    };
    let parts: Vec<&str> = spec.split(':').collect();
    let [key_value, effect] = parts.as_slice() else {
        return Err(spec_error());
    };
    validate_effect(effect)?;
    let key_value_parts: Vec<&str> = key_value.split('=').collect();
    let (key, value) = match key_value_parts.as_slice() {
        [key] => (*key, None),
        [key, value] => (*key, Some(*value)),
        _ => return Err(spec_error()),
    };
    if let Some(value) = value {
        let errors = is_valid_label_value(value);
        if !errors.is_empty() {
            return Err(TaintError::Field {
                spec: spec.to_string(),
                errors: errors.join("; "),
            });
        }
    }
    let errors = is_qualified_name(key);
    if !errors.is_empty() {
        return Err(TaintError::Field {
            spec: spec.to_string(),
            errors: errors.join("; "),
        });
    }
    Ok(TaintConfig {
        key: key.to_string(),
        value: value.filter(|value| !value.is_empty()).map(str::to_string),
        effect: effect.to_string(),
    })
}

/// `validateTaintEffect`: the effect is one of [`TAINT_EFFECTS`] (case matters).
pub fn validate_effect(effect: &str) -> Result<(), TaintError> {
    if TAINT_EFFECTS.contains(&effect) {
        Ok(())
    } else {
        Err(TaintError::Effect {
            effect: effect.to_string(),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Cases after `TestParseTaints` in upstream's `taint_test.go`.
    #[test]
    fn taint_specs_parse_as_kubectl_taint_does() {
        let taint = parse_taint("dedicated=gpu:NoSchedule").unwrap();
        assert_eq!(
            (
                taint.key.as_str(),
                taint.value.as_deref(),
                taint.effect.as_str()
            ),
            ("dedicated", Some("gpu"), "NoSchedule")
        );
        let bare = parse_taint("example.com/spot:NoExecute").unwrap();
        assert_eq!(bare.value, None);
        let cases = [
            ("dedicated", "invalid taint spec: dedicated"),
            ("a=b=c:NoSchedule", "invalid taint spec: a=b=c:NoSchedule"),
            ("a:b:NoSchedule", "invalid taint spec: a:b:NoSchedule"),
            (
                "dedicated=gpu:NoSchedul",
                "invalid taint effect: NoSchedul, unsupported taint effect",
            ),
            (
                "dedicated=gpu:",
                "invalid taint effect: , unsupported taint effect",
            ),
        ];
        for (spec, message) in cases {
            assert_eq!(
                parse_taint(spec).unwrap_err().to_string(),
                message,
                "{spec}"
            );
        }
        assert!(
            parse_taint("-bad=x:NoSchedule")
                .unwrap_err()
                .to_string()
                .starts_with("invalid taint spec: -bad=x:NoSchedule, name part must consist of")
        );
    }
}
