//! Node validation. Upstream: `ValidateNode` and `validateNodeTaints` in
//! `pkg/apis/core/validation/validation.go`.

use std::collections::BTreeSet;

use crate::model::node::Node;
use crate::model::validation::{FieldError, is_valid_label_value, render_str};

use super::validate_label_name;

const TAINT_EFFECTS: [&str; 3] = ["NoSchedule", "PreferNoSchedule", "NoExecute"];

pub fn validate_node(node: &Node, errors: &mut Vec<FieldError>) {
    let mut seen = BTreeSet::new();
    for (index, taint) in node.taints().iter().enumerate() {
        let path = format!("spec.taints[{index}]");
        let key = taint.key.as_deref().unwrap_or("");
        validate_label_name(key, &format!("{path}.key"), errors);
        let value = taint.value.as_deref().unwrap_or("");
        let messages = is_valid_label_value(value);
        if !messages.is_empty() {
            errors.push(FieldError::invalid(
                format!("{path}.value"),
                render_str(value),
                messages.join(";"),
            ));
        }
        let effect = taint.effect.as_deref().unwrap_or("");
        match effect {
            "" => errors.push(FieldError::required(format!("{path}.effect"), "")),
            e if TAINT_EFFECTS.contains(&e) => {}
            other => errors.push(FieldError::not_supported(
                format!("{path}.effect"),
                render_str(other),
                &TAINT_EFFECTS,
            )),
        }
        if !seen.insert((key.to_string(), effect.to_string())) {
            let time_added = if taint.time_added.is_some() {
                "(*v1.Time)(0xc000000000)"
            } else {
                "(*v1.Time)(nil)"
            };
            let mut error = FieldError::duplicate(
                &path,
                format!(
                    "core.Taint{{Key:{}, Value:{}, Effect:{}, TimeAdded:{time_added}}}",
                    render_str(key),
                    render_str(value),
                    render_str(effect)
                ),
            );
            error.detail = "taints must be unique by key and effect pair".to_string();
            errors.push(error);
        }
    }
}
