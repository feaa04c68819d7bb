//! Taints and tolerations: which toleration tolerates which taint, and how both print.
//!
//! Upstream: `staging/src/k8s.io/api/core/v1/{toleration.go,taint.go}` (`ToleratesTaint`,
//! `Taint.ToString`) and `staging/src/k8s.io/component-helpers/scheduling/corev1/helpers.go`
//! (`TolerationsTolerateTaint`, `FindMatchingUntoleratedTaint`). The scheduler's
//! TaintToleration plugin, the DaemonSet controller and the NoExecute taint manager all
//! decide with these functions.

use super::node::Taint;
use super::pod::Toleration;

pub const EFFECT_NO_SCHEDULE: &str = "NoSchedule";
pub const EFFECT_PREFER_NO_SCHEDULE: &str = "PreferNoSchedule";
pub const EFFECT_NO_EXECUTE: &str = "NoExecute";

fn text(field: &Option<String>) -> &str {
    field.as_deref().unwrap_or("")
}

/// `Toleration.ToleratesTaint`:
/// 1. a non-empty effect must equal the taint's effect (empty matches every effect);
/// 2. a non-empty key must equal the taint's key (empty with `Exists` matches every key);
/// 3. operator `""`/`Equal` needs equal values, `Exists` matches any value,
///    `Lt`/`Gt` compare the values as integers (taint value < / > toleration value).
///
/// Example: `{key: dedicated, operator: Equal, value: gpu, effect: NoSchedule}` tolerates
/// the taint `dedicated=gpu:NoSchedule` but not `dedicated=cpu:NoSchedule`.
pub fn toleration_tolerates_taint(toleration: &Toleration, taint: &Taint) -> bool {
    let effect = text(&toleration.effect);
    if !effect.is_empty() && effect != text(&taint.effect) {
        return false;
    }
    let key = text(&toleration.key);
    if !key.is_empty() && key != text(&taint.key) {
        return false;
    }
    match text(&toleration.operator) {
        "" | "Equal" => text(&toleration.value) == text(&taint.value),
        "Exists" => true,
        operator @ ("Lt" | "Gt") => {
            let (Ok(wanted), Ok(actual)) = (
                text(&toleration.value).parse::<i64>(),
                text(&taint.value).parse::<i64>(),
            ) else {
                return false;
            };
            if operator == "Lt" {
                actual < wanted
            } else {
                actual > wanted
            }
        }
        _ => false,
    }
}

/// `TolerationsTolerateTaint`: true if any toleration tolerates the taint.
pub fn tolerations_tolerate_taint(tolerations: &[Toleration], taint: &Taint) -> bool {
    tolerations
        .iter()
        .any(|toleration| toleration_tolerates_taint(toleration, taint))
}

/// `FindMatchingUntoleratedTaint`: the first taint that passes `include` and that no
/// toleration tolerates, in the node's order.
pub fn find_matching_untolerated_taint<'a>(
    taints: &'a [Taint],
    tolerations: &[Toleration],
    include: impl Fn(&Taint) -> bool,
) -> Option<&'a Taint> {
    taints
        .iter()
        .filter(|taint| include(taint))
        .find(|taint| !tolerations_tolerate_taint(tolerations, taint))
}

/// `helper.DoNotScheduleTaintsFilterFunc`: the taints that keep pods off a node
/// (NoSchedule and NoExecute; PreferNoSchedule only lowers the score).
pub fn is_do_not_schedule_taint(taint: &Taint) -> bool {
    matches!(text(&taint.effect), EFFECT_NO_SCHEDULE | EFFECT_NO_EXECUTE)
}

/// Only NoExecute taints: what the taint manager evicts for.
pub fn is_no_execute_taint(taint: &Taint) -> bool {
    text(&taint.effect) == EFFECT_NO_EXECUTE
}

/// `Taint.ToString`: `key=value:effect`, `key=value:`, `key:effect` or `key`
/// (what `kubectl describe node` prints under Taints).
pub fn taint_to_string(taint: &Taint) -> String {
    let (key, value, effect) = (text(&taint.key), text(&taint.value), text(&taint.effect));
    match (value.is_empty(), effect.is_empty()) {
        (true, true) => key.to_string(),
        (false, true) => format!("{key}={value}:"),
        (true, false) => format!("{key}:{effect}"),
        (false, false) => format!("{key}={value}:{effect}"),
    }
}

/// The taint as the scheduler's filter reason names it: `{key: value}`, so a
/// control-plane taint without value reads `{node-role.kubernetes.io/control-plane: }`
/// (`fmt.Sprintf("{%s: %s}", taint.Key, taint.Value)` in `taint_toleration.go`).
pub fn taint_in_braces(taint: &Taint) -> String {
    format!("{{{}: {}}}", text(&taint.key), text(&taint.value))
}

/// A toleration as `kubectl describe pod` prints it (`printTolerationsMultilineWithIndent`):
/// `key=value:effect`, ` op=Exists` when it has no value and operator Exists (just
/// `op=Exists` when it tolerates everything), then ` for 300s` when it has
/// tolerationSeconds. Example: `node.kubernetes.io/not-ready:NoExecute op=Exists for 300s`.
pub fn toleration_to_string(toleration: &Toleration) -> String {
    let key = text(&toleration.key);
    let value = text(&toleration.value);
    let effect = text(&toleration.effect);
    let mut line = key.to_string();
    if !value.is_empty() {
        line.push('=');
        line.push_str(value);
    }
    if !effect.is_empty() {
        line.push(':');
        line.push_str(effect);
    }
    if text(&toleration.operator) == "Exists" && value.is_empty() {
        if key.is_empty() && effect.is_empty() {
            line.push_str("op=Exists");
        } else {
            line.push_str(" op=Exists");
        }
    }
    if let Some(seconds) = toleration.toleration_seconds {
        line.push_str(&format!(" for {seconds}s"));
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    fn taint(key: &str, value: &str, effect: &str) -> Taint {
        Taint {
            key: Some(key.to_string()),
            value: (!value.is_empty()).then(|| value.to_string()),
            effect: Some(effect.to_string()),
            time_added: None,
        }
    }

    fn toleration(key: &str, operator: &str, value: &str, effect: &str) -> Toleration {
        let some = |s: &str| (!s.is_empty()).then(|| s.to_string());
        Toleration {
            key: some(key),
            operator: some(operator),
            value: some(value),
            effect: some(effect),
            toleration_seconds: None,
        }
    }

    #[test]
    fn display_forms() {
        let control_plane = taint("node-role.kubernetes.io/control-plane", "", "NoSchedule");
        assert_eq!(
            taint_in_braces(&control_plane),
            "{node-role.kubernetes.io/control-plane: }"
        );
        assert_eq!(
            taint_to_string(&control_plane),
            "node-role.kubernetes.io/control-plane:NoSchedule"
        );
        assert_eq!(taint_to_string(&taint("a", "b", "")), "a=b:");
        let mut not_ready = toleration("node.kubernetes.io/not-ready", "Exists", "", "NoExecute");
        not_ready.toleration_seconds = Some(300);
        assert_eq!(
            toleration_to_string(&not_ready),
            "node.kubernetes.io/not-ready:NoExecute op=Exists for 300s"
        );
        assert_eq!(
            toleration_to_string(&toleration("", "Exists", "", "")),
            "op=Exists"
        );
    }

    #[test]
    fn untolerated_taint_respects_the_filter() {
        let taints = [
            taint("soft", "", "PreferNoSchedule"),
            taint("hard", "x", "NoSchedule"),
        ];
        let found = find_matching_untolerated_taint(&taints, &[], is_do_not_schedule_taint);
        assert_eq!(found.and_then(|t| t.key.as_deref()), Some("hard"));
        let tolerated = [toleration("hard", "Equal", "x", "")];
        assert!(
            find_matching_untolerated_taint(&taints, &tolerated, is_do_not_schedule_taint)
                .is_none()
        );
    }
}
