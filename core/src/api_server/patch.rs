//! JSON merge patch (RFC 7386), as `kubectl patch --type merge` sends it.
//!
//! A patch object's keys replace the target's; `null` removes a key; nested
//! objects merge recursively; anything else (lists included) replaces wholesale.
//! Example: target `{"spec":{"replicas":3,"paused":true}}` patched with
//! `{"spec":{"replicas":5,"paused":null}}` gives `{"spec":{"replicas":5}}`.

use serde_json::Value;

/// Applies `patch` to `target` in place.
pub fn apply_merge_patch(target: &mut Value, patch: &Value) {
    let Value::Object(patch_fields) = patch else {
        *target = patch.clone();
        return;
    };
    if !target.is_object() {
        *target = Value::Object(serde_json::Map::new());
    }
    let Value::Object(target_fields) = target else {
        return;
    };
    for (key, patch_value) in patch_fields {
        if patch_value.is_null() {
            target_fields.remove(key);
        } else {
            apply_merge_patch(
                target_fields.entry(key.clone()).or_insert(Value::Null),
                patch_value,
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::apply_merge_patch;

    /// The examples of RFC 7386, appendix A.
    #[test]
    fn rfc7386_examples() {
        let cases = [
            (json!({"a":"b"}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"b"}), json!({"b":"c"}), json!({"a":"b","b":"c"})),
            (json!({"a":"b"}), json!({"a":null}), json!({})),
            (
                json!({"a":"b","b":"c"}),
                json!({"a":null}),
                json!({"b":"c"}),
            ),
            (json!({"a":["b"]}), json!({"a":"c"}), json!({"a":"c"})),
            (json!({"a":"c"}), json!({"a":["b"]}), json!({"a":["b"]})),
            (
                json!({"a":{"b":"c"}}),
                json!({"a":{"b":"d","c":null}}),
                json!({"a":{"b":"d"}}),
            ),
            (json!({"a":[{"b":"c"}]}), json!({"a":[1]}), json!({"a":[1]})),
            (json!(["a", "b"]), json!(["c", "d"]), json!(["c", "d"])),
            (json!({"a":"b"}), json!(["c"]), json!(["c"])),
            (json!({"a":"foo"}), json!(null), json!(null)),
            (json!({"a":"foo"}), json!("bar"), json!("bar")),
            (json!({"e":null}), json!({"a":1}), json!({"e":null,"a":1})),
            (json!([1, 2]), json!({"a":"b","c":null}), json!({"a":"b"})),
            (
                json!({}),
                json!({"a":{"bb":{"ccc":null}}}),
                json!({"a":{"bb":{}}}),
            ),
        ];
        for (mut target, patch, expected) in cases {
            apply_merge_patch(&mut target, &patch);
            assert_eq!(target, expected, "patch {patch}");
        }
    }
}
