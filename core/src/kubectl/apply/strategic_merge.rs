//! Strategic merge patch: creating one (three-way, as `kubectl apply` does) and
//! applying one (as the API server does for `kubectl patch --type strategic` and
//! for apply's patch).
//!
//! Upstream: `staging/src/k8s.io/apimachinery/pkg/util/strategicpatch/patch.go`.
//! Lists are merged by the `patchMergeKey` Kubernetes declares on its Go types
//! (containers by `name`, container ports by `containerPort`, ...); lists without
//! one are replaced whole. The field metadata lives in [`list_strategy`] because
//! kubesim has no Go struct tags to read it from.
//!
//! Worked example (upstream's `CreateThreeWayMergePatch`): last-applied
//! `{"spec":{"replicas":2,"paused":true}}`, the new manifest
//! `{"spec":{"replicas":3}}` and a live object with `replicas: 2, paused: true,
//! revisionHistoryLimit: 10` give the patch `{"spec":{"paused":null,"replicas":3}}`:
//! `paused` was removed from the manifest, `replicas` changed, and
//! `revisionHistoryLimit` (set by the server, never in any manifest) is left alone.

use serde_json::{Map, Value};

const DIRECTIVE_MARKER: &str = "$patch";
const RETAIN_KEYS: &str = "$retainKeys";
const SET_ELEMENT_ORDER: &str = "$setElementOrder/";
const DELETE_FROM_PRIMITIVE_LIST: &str = "$deleteFromPrimitiveList/";

/// How a list field merges (its `patchStrategy` and `patchMergeKey` tags).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum ListStrategy {
    /// No strategy: the list is atomic and replaced whole.
    Replace,
    /// `patchStrategy:"merge" patchMergeKey:"<key>"`: elements are maps matched by key.
    /// The flag is `retainKeys` on the elements (volumes).
    MergeByKey(&'static str, bool),
    /// `patchStrategy:"merge"` on a list of scalars (finalizers).
    MergeScalars,
}

const CONTAINER_LISTS: &[&str] = &["containers", "initContainers", "ephemeralContainers"];

/// The merge strategy of the list at `path` (field names from the object's root,
/// list indices left out) in an object of `kind`. From the struct tags in
/// `staging/src/k8s.io/api/core/v1/types.go` and `apps/v1/types.go`.
fn list_strategy(kind: &str, path: &[String]) -> ListStrategy {
    let Some(last) = path.last().map(String::as_str) else {
        return ListStrategy::Replace;
    };
    let parent = path
        .len()
        .checked_sub(2)
        .and_then(|index| path.get(index))
        .map(String::as_str)
        .unwrap_or("");
    let in_container = CONTAINER_LISTS.contains(&parent);
    match last {
        "containers" | "initContainers" | "ephemeralContainers" if parent == "spec" => {
            ListStrategy::MergeByKey("name", false)
        }
        "ports" if in_container => ListStrategy::MergeByKey("containerPort", false),
        "ports" if kind == "Service" && path.len() == 2 && parent == "spec" => {
            ListStrategy::MergeByKey("port", false)
        }
        "env" if in_container => ListStrategy::MergeByKey("name", false),
        "volumeMounts" if in_container => ListStrategy::MergeByKey("mountPath", false),
        "volumeDevices" if in_container => ListStrategy::MergeByKey("devicePath", false),
        "volumes" if parent == "spec" => ListStrategy::MergeByKey("name", true),
        "resourceClaims" if parent == "spec" => ListStrategy::MergeByKey("name", true),
        "imagePullSecrets" if parent == "spec" => ListStrategy::MergeByKey("name", false),
        "hostAliases" if parent == "spec" => ListStrategy::MergeByKey("ip", false),
        "topologySpreadConstraints" if parent == "spec" => {
            ListStrategy::MergeByKey("topologyKey", false)
        }
        "schedulingGates" if parent == "spec" => ListStrategy::MergeByKey("name", false),
        "ownerReferences" if parent == "metadata" => ListStrategy::MergeByKey("uid", false),
        "finalizers" if parent == "metadata" => ListStrategy::MergeScalars,
        "conditions" if parent == "status" => ListStrategy::MergeByKey("type", false),
        "secrets" if kind == "ServiceAccount" && path.len() == 1 => {
            ListStrategy::MergeByKey("name", false)
        }
        _ => ListStrategy::Replace,
    }
}

/// True for maps with `patchStrategy:"retainKeys"`: a Deployment's `spec.strategy`.
fn map_retains_keys(kind: &str, path: &[String]) -> bool {
    kind == "Deployment" && path.len() == 2 && path[0] == "spec" && path[1] == "strategy"
}

#[derive(Clone, Copy, Debug, Default)]
struct DiffOptions {
    ignore_changes_and_additions: bool,
    ignore_deletions: bool,
    build_retain_keys: bool,
}

/// A patch that could not be made or applied (`mergepatch` errors).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct PatchError(pub String);

/// `CreateThreeWayMergePatch(original, modified, current)`: the patch that moves
/// `current` to `modified` while deleting what was in `original` (the last
/// applied configuration) but is no longer in `modified`. Fields only the live
/// object has are left alone. An empty map means nothing to do (`unchanged`).
pub fn create_three_way_patch(
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    current: &Map<String, Value>,
    kind: &str,
) -> Result<Map<String, Value>, PatchError> {
    let mut path = Vec::new();
    let delta = diff_maps(
        current,
        modified,
        kind,
        &mut path,
        DiffOptions {
            ignore_deletions: true,
            ..DiffOptions::default()
        },
    )?;
    let deletions = diff_maps(
        original,
        modified,
        kind,
        &mut path,
        DiffOptions {
            ignore_changes_and_additions: true,
            ..DiffOptions::default()
        },
    )?;
    Ok(union_patches(deletions, delta))
}

/// `diffMaps`: the two-way patch from `original` to `modified`.
fn diff_maps(
    original: &Map<String, Value>,
    modified: &Map<String, Value>,
    kind: &str,
    path: &mut Vec<String>,
    options: DiffOptions,
) -> Result<Map<String, Value>, PatchError> {
    let mut patch = Map::new();
    let mut retain_keys: Vec<String> = Vec::new();
    for (key, modified_value) in modified {
        if options.build_retain_keys && !modified_value.is_null() {
            retain_keys.push(key.clone());
        }
        let Some(original_value) = original.get(key) else {
            if !options.ignore_changes_and_additions {
                patch.insert(key.clone(), modified_value.clone());
            }
            continue;
        };
        if key == DIRECTIVE_MARKER {
            if original_value != modified_value {
                patch.insert(key.clone(), modified_value.clone());
            }
            continue;
        }
        path.push(key.clone());
        match (original_value, modified_value) {
            (Value::Object(original_map), Value::Object(modified_map)) => {
                let mut child = options;
                child.build_retain_keys = map_retains_keys(kind, path);
                let sub = diff_maps(original_map, modified_map, kind, path, child)?;
                if !sub.is_empty() {
                    patch.insert(key.clone(), Value::Object(sub));
                }
            }
            (Value::Array(original_list), Value::Array(modified_list)) => {
                match list_strategy(kind, path) {
                    ListStrategy::Replace => replace_if_not_equal(
                        &mut patch,
                        key,
                        original_value,
                        modified_value,
                        options,
                    ),
                    ListStrategy::MergeByKey(merge_key, retain) => {
                        let mut child = options;
                        child.build_retain_keys = retain;
                        let (patch_list, order) = diff_lists_of_maps(
                            original_list,
                            modified_list,
                            merge_key,
                            kind,
                            path,
                            child,
                        )?;
                        if !patch_list.is_empty() {
                            patch.insert(key.clone(), Value::Array(patch_list));
                        }
                        if let Some(order) = order {
                            patch.insert(format!("{SET_ELEMENT_ORDER}{key}"), Value::Array(order));
                        }
                    }
                    ListStrategy::MergeScalars => {
                        let (additions, deletions, order) =
                            diff_lists_of_scalars(original_list, modified_list, options);
                        if !additions.is_empty() {
                            patch.insert(key.clone(), Value::Array(additions));
                        }
                        if !deletions.is_empty() {
                            patch.insert(
                                format!("{DELETE_FROM_PRIMITIVE_LIST}{key}"),
                                Value::Array(deletions),
                            );
                        }
                        if let Some(order) = order {
                            patch.insert(format!("{SET_ELEMENT_ORDER}{key}"), Value::Array(order));
                        }
                    }
                }
            }
            _ => replace_if_not_equal(&mut patch, key, original_value, modified_value, options),
        }
        path.pop();
    }
    if !options.ignore_deletions {
        for key in original.keys() {
            if !modified.contains_key(key) {
                patch.insert(key.clone(), Value::Null);
            }
        }
    }
    let has_additional_field = original
        .iter()
        .any(|(key, value)| !value.is_null() && !modified.contains_key(key));
    if !retain_keys.is_empty() && (!patch.is_empty() || has_additional_field) {
        retain_keys.sort();
        patch.insert(
            RETAIN_KEYS.to_string(),
            Value::Array(retain_keys.into_iter().map(Value::String).collect()),
        );
    }
    Ok(patch)
}

fn replace_if_not_equal(
    patch: &mut Map<String, Value>,
    key: &str,
    original: &Value,
    modified: &Value,
    options: DiffOptions,
) {
    if !options.ignore_changes_and_additions && original != modified {
        patch.insert(key.to_string(), modified.clone());
    }
}

fn merge_key_value<'a>(element: &'a Value, merge_key: &str) -> Result<&'a Value, PatchError> {
    match element {
        Value::Object(map) => map.get(merge_key).ok_or_else(|| {
            PatchError(format!(
                "map: {} does not contain declared merge key: {merge_key}",
                go_map(map)
            ))
        }),
        other => Err(PatchError(format!(
            "expected a map, but got {}",
            go_kind(other)
        ))),
    }
}

/// Go's `%v` of a map, as mergepatch errors print it: `map[image:nginx]`.
fn go_map(map: &Map<String, Value>) -> String {
    let entries: Vec<String> = map
        .iter()
        .map(|(key, value)| match value {
            Value::String(text) => format!("{key}:{text}"),
            Value::Object(inner) => format!("{key}:{}", go_map(inner)),
            other => format!("{key}:{other}"),
        })
        .collect();
    format!("map[{}]", entries.join(" "))
}

fn go_kind(value: &Value) -> &'static str {
    match value {
        Value::Null => "nil",
        Value::Bool(_) => "bool",
        Value::Number(_) => "float64",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

/// `diffListsOfMaps` plus the `$setElementOrder` list `diffLists` adds.
fn diff_lists_of_maps(
    original: &[Value],
    modified: &[Value],
    merge_key: &str,
    kind: &str,
    path: &mut Vec<String>,
    options: DiffOptions,
) -> Result<(Vec<Value>, Option<Vec<Value>>), PatchError> {
    if original.is_empty() {
        if modified.is_empty() || options.ignore_changes_and_additions {
            return Ok((Vec::new(), None));
        }
        return Ok((modified.to_vec(), None));
    }
    for element in original.iter().chain(modified) {
        merge_key_value(element, merge_key)?;
    }
    let mut changes = Vec::new();
    let mut deletions = Vec::new();
    // Modified order, as normalizeSliceOrder sorts the patch list by it.
    for modified_element in modified {
        let key_value = merge_key_value(modified_element, merge_key)?;
        let matching = original
            .iter()
            .find(|element| element.get(merge_key) == Some(key_value));
        match matching {
            Some(Value::Object(original_map)) => {
                let Value::Object(modified_map) = modified_element else {
                    continue;
                };
                let mut sub = diff_maps(original_map, modified_map, kind, path, options)?;
                if !sub.is_empty() {
                    sub.insert(merge_key.to_string(), key_value.clone());
                    changes.push(Value::Object(sub));
                }
            }
            _ => {
                if !options.ignore_changes_and_additions {
                    changes.push(modified_element.clone());
                }
            }
        }
    }
    if !options.ignore_deletions {
        for original_element in original {
            let key_value = merge_key_value(original_element, merge_key)?;
            if !modified
                .iter()
                .any(|element| element.get(merge_key) == Some(key_value))
            {
                let mut directive = Map::new();
                directive.insert(
                    DIRECTIVE_MARKER.to_string(),
                    Value::String("delete".to_string()),
                );
                directive.insert(merge_key.to_string(), key_value.clone());
                deletions.push(Value::Object(directive));
            }
        }
    }
    let order_same = original.len() == modified.len()
        && original
            .iter()
            .zip(modified)
            .all(|(left, right)| left.get(merge_key) == right.get(merge_key));
    changes.extend(deletions);
    let wants_order = (!options.ignore_changes_and_additions
        && (!changes.is_empty() || !order_same))
        || (!options.ignore_deletions && !changes.is_empty());
    let order = wants_order.then(|| {
        modified
            .iter()
            .map(|element| {
                let mut entry = Map::new();
                if let Some(value) = element.get(merge_key) {
                    entry.insert(merge_key.to_string(), value.clone());
                }
                Value::Object(entry)
            })
            .collect()
    });
    Ok((changes, order))
}

/// `diffListsOfScalars`: additions, deletions and the order list.
fn diff_lists_of_scalars(
    original: &[Value],
    modified: &[Value],
    options: DiffOptions,
) -> (Vec<Value>, Vec<Value>, Option<Vec<Value>>) {
    let mut additions = Vec::new();
    let mut deletions = Vec::new();
    if !options.ignore_changes_and_additions {
        for value in modified {
            if !original.contains(value) && !additions.contains(value) {
                additions.push(value.clone());
            }
        }
    }
    if !options.ignore_deletions {
        for value in original {
            if !modified.contains(value) && !deletions.contains(value) {
                deletions.push(value.clone());
            }
        }
    }
    let wants_order = (!options.ignore_deletions && !deletions.is_empty())
        || (!options.ignore_changes_and_additions && original != modified);
    (additions, deletions, wants_order.then(|| modified.to_vec()))
}

/// Merges the deletions patch and the delta patch (`mergeMap` without parallel
/// lists). They touch disjoint fields except for shared maps and merged lists.
fn union_patches(
    mut deletions: Map<String, Value>,
    delta: Map<String, Value>,
) -> Map<String, Value> {
    for (key, delta_value) in delta {
        match (deletions.remove(&key), delta_value) {
            (Some(Value::Object(left)), Value::Object(right)) => {
                deletions.insert(key, Value::Object(union_patches(left, right)));
            }
            (Some(Value::Array(left)), Value::Array(mut right))
                if !key.starts_with('$') && right.iter().chain(&left).all(Value::is_object) =>
            {
                right.extend(left);
                deletions.insert(key, Value::Array(right));
            }
            (_, delta_value) => {
                deletions.insert(key, delta_value);
            }
        }
    }
    deletions
}

/// `StrategicMergeMapPatch`: applies `patch` to `original` in place, as the API
/// server does. `kind` selects the list merge keys.
pub fn apply_patch(
    original: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    kind: &str,
) -> Result<(), PatchError> {
    let mut path = Vec::new();
    merge_map(original, patch, kind, &mut path)
}

fn merge_map(
    original: &mut Map<String, Value>,
    patch: &Map<String, Value>,
    kind: &str,
    path: &mut Vec<String>,
) -> Result<(), PatchError> {
    if let Some(directive) = patch.get(DIRECTIVE_MARKER) {
        match directive.as_str() {
            Some("replace") => {
                let mut replaced = patch.clone();
                replaced.remove(DIRECTIVE_MARKER);
                *original = replaced;
                return Ok(());
            }
            Some("delete") => {
                original.clear();
                return Ok(());
            }
            Some("merge") => {}
            _ => {
                return Err(PatchError(format!(
                    "Unknown patch type: {}, Patch: {}",
                    match directive {
                        Value::String(text) => text.clone(),
                        other => other.to_string(),
                    },
                    go_map(patch)
                )));
            }
        }
    }
    if let Some(Value::Array(retain)) = patch.get(RETAIN_KEYS) {
        let keep: Vec<&str> = retain.iter().filter_map(Value::as_str).collect();
        original.retain(|key, _| keep.contains(&key.as_str()));
    }
    for (key, patch_value) in patch {
        if key == DIRECTIVE_MARKER || key == RETAIN_KEYS {
            continue;
        }
        if let Some(list_key) = key.strip_prefix(DELETE_FROM_PRIMITIVE_LIST) {
            if let (Some(Value::Array(list)), Value::Array(remove)) =
                (original.get_mut(list_key), patch_value)
            {
                list.retain(|value| !remove.contains(value));
            }
            continue;
        }
        if key.starts_with(SET_ELEMENT_ORDER) {
            continue;
        }
        if patch_value.is_null() {
            original.remove(key);
            continue;
        }
        path.push(key.clone());
        let order = patch
            .get(&format!("{SET_ELEMENT_ORDER}{key}"))
            .and_then(Value::as_array);
        let merged = match (original.remove(key), patch_value) {
            (Some(Value::Object(mut original_map)), Value::Object(patch_map)) => {
                merge_map(&mut original_map, patch_map, kind, path)?;
                Value::Object(original_map)
            }
            (Some(Value::Array(original_list)), Value::Array(patch_list)) => {
                merge_list(original_list, patch_list, order, kind, path)?
            }
            (None, Value::Object(patch_map)) => {
                // A new map may still carry directives; apply it to an empty one.
                let mut fresh = Map::new();
                merge_map(&mut fresh, patch_map, kind, path)?;
                Value::Object(fresh)
            }
            (None, Value::Array(patch_list)) => {
                merge_list(Vec::new(), patch_list, order, kind, path)?
            }
            (_, other) => other.clone(),
        };
        path.pop();
        original.insert(key.clone(), merged);
    }
    Ok(())
}

fn merge_list(
    original: Vec<Value>,
    patch: &[Value],
    order: Option<&Vec<Value>>,
    kind: &str,
    path: &mut Vec<String>,
) -> Result<Value, PatchError> {
    match list_strategy(kind, path) {
        ListStrategy::Replace => Ok(Value::Array(patch.to_vec())),
        ListStrategy::MergeScalars => {
            let mut result = original;
            for value in patch {
                if !result.contains(value) {
                    result.push(value.clone());
                }
            }
            if let Some(order) = order {
                sort_by_order(&mut result, order, |value| Some(value.clone()));
            }
            Ok(Value::Array(result))
        }
        ListStrategy::MergeByKey(merge_key, _) => {
            if patch.iter().any(|element| {
                element.get(DIRECTIVE_MARKER).and_then(Value::as_str) == Some("replace")
            }) {
                let replaced: Vec<Value> = patch
                    .iter()
                    .filter(|element| element.get(DIRECTIVE_MARKER).is_none())
                    .cloned()
                    .collect();
                return Ok(Value::Array(replaced));
            }
            let server_order = original.clone();
            let mut result = original;
            let mut touched: Vec<Value> = Vec::new();
            for element in patch {
                let key_value = merge_key_value(element, merge_key)?.clone();
                let position = result
                    .iter()
                    .position(|existing| existing.get(merge_key) == Some(&key_value));
                if element.get(DIRECTIVE_MARKER).and_then(Value::as_str) == Some("delete") {
                    if let Some(position) = position {
                        result.remove(position);
                    }
                    continue;
                }
                let Value::Object(element_map) = element else {
                    continue;
                };
                match position {
                    Some(position) => {
                        if let Value::Object(existing) = &mut result[position] {
                            merge_map(existing, element_map, kind, path)?;
                        }
                    }
                    None => {
                        let mut fresh = Map::new();
                        merge_map(&mut fresh, element_map, kind, path)?;
                        result.push(Value::Object(fresh));
                    }
                }
                touched.push(key_value);
            }
            if let Some(order) = order {
                result = normalize_element_order(result, &touched, order, &server_order, merge_key);
            }
            Ok(Value::Array(result))
        }
    }
}

fn sort_by_order(list: &mut [Value], order: &[Value], key: impl Fn(&Value) -> Option<Value>) {
    let position = |value: &Value| {
        let key = key(value);
        order
            .iter()
            .position(|entry| Some(entry) == key.as_ref())
            .unwrap_or(usize::MAX)
    };
    list.sort_by_key(position);
}

/// `normalizeElementOrder`: the patched elements in `$setElementOrder` order, the
/// server-only elements in their live order, interleaved by their live positions
/// (`mergeSortedSlice`).
fn normalize_element_order(
    merged: Vec<Value>,
    touched: &[Value],
    order: &[Value],
    server_order: &[Value],
    merge_key: &str,
) -> Vec<Value> {
    let key_of = |value: &Value| value.get(merge_key).cloned();
    let in_order = |value: &Value| {
        let key = key_of(value);
        touched.iter().any(|t| Some(t) == key.as_ref())
            || order
                .iter()
                .any(|entry| entry.get(merge_key).cloned() == key)
    };
    let (mut patched, server_only): (Vec<Value>, Vec<Value>) =
        merged.into_iter().partition(|value| in_order(value));
    sort_by_order(&mut patched, order, |value| {
        let mut entry = Map::new();
        entry.insert(merge_key.to_string(), key_of(value)?);
        Some(Value::Object(entry))
    });
    let server_index = |value: &Value| {
        let key = key_of(value);
        server_order
            .iter()
            .position(|entry| entry.get(merge_key).cloned() == key)
    };
    let mut result = Vec::with_capacity(patched.len() + server_only.len());
    let (mut left, mut right) = (
        server_only.into_iter().peekable(),
        patched.into_iter().peekable(),
    );
    loop {
        let take_left = match (left.peek(), right.peek()) {
            (None, None) => break,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (Some(l), Some(r)) => matches!(
                (server_index(l), server_index(r)),
                (Some(li), Some(ri)) if li < ri
            ),
        };
        let next = if take_left { left.next() } else { right.next() };
        result.extend(next);
    }
    result
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn map(value: Value) -> Map<String, Value> {
        match value {
            Value::Object(map) => map,
            _ => panic!("not a map"),
        }
    }

    fn three_way(original: Value, modified: Value, current: Value, kind: &str) -> Value {
        Value::Object(
            create_three_way_patch(&map(original), &map(modified), &map(current), kind).unwrap(),
        )
    }

    /// The worked example of the module docs.
    #[test]
    fn three_way_patch_deletes_what_the_manifest_dropped_and_keeps_server_fields() {
        let patch = three_way(
            json!({"spec": {"replicas": 2, "paused": true}}),
            json!({"spec": {"replicas": 3}}),
            json!({"spec": {"replicas": 2, "paused": true, "revisionHistoryLimit": 10}}),
            "Deployment",
        );
        assert_eq!(patch, json!({"spec": {"paused": null, "replicas": 3}}));
    }

    /// Upstream TestStrategicMergePatch's containers-by-name case: an image change
    /// patches only that container, with the order list.
    #[test]
    fn containers_merge_by_name() {
        let spec = |image: &str| {
            json!({"spec": {"template": {"spec": {"containers": [
                {"name": "web", "image": image},
                {"name": "sidecar", "image": "busybox"}
            ]}}}})
        };
        let mut live = spec("nginx:1.24");
        live["spec"]["template"]["spec"]["containers"][0]["imagePullPolicy"] =
            json!("IfNotPresent");
        let patch = three_way(
            spec("nginx:1.24"),
            spec("nginx:1.25"),
            live.clone(),
            "Deployment",
        );
        assert_eq!(
            patch,
            json!({"spec": {"template": {"spec": {
                "$setElementOrder/containers": [{"name": "web"}, {"name": "sidecar"}],
                "containers": [{"image": "nginx:1.25", "name": "web"}]
            }}}})
        );
        let mut patched = map(live);
        apply_patch(&mut patched, &map(patch), "Deployment").unwrap();
        assert_eq!(
            Value::Object(patched)["spec"]["template"]["spec"]["containers"],
            json!([
                {"name": "web", "image": "nginx:1.25", "imagePullPolicy": "IfNotPresent"},
                {"name": "sidecar", "image": "busybox"}
            ])
        );
    }

    #[test]
    fn unchanged_manifest_gives_an_empty_patch() {
        let manifest = json!({"metadata": {"name": "web", "labels": {"app": "web"}},
            "spec": {"ports": [{"port": 80, "targetPort": 8080}]}});
        let mut live = manifest.clone();
        live["spec"]["ports"][0]["protocol"] = json!("TCP");
        live["spec"]["clusterIP"] = json!("10.96.0.10");
        let patch = three_way(manifest.clone(), manifest, live, "Service");
        assert_eq!(patch, json!({}));
    }

    #[test]
    fn removed_list_element_becomes_a_delete_directive() {
        let with = |names: &[&str]| json!({"spec": {"containers": names.iter().map(|n| json!({"name": n, "image": "x"})).collect::<Vec<_>>()}});
        let patch = three_way(with(&["a", "b"]), with(&["a"]), with(&["a", "b"]), "Pod");
        assert_eq!(
            patch,
            json!({"spec": {
                "$setElementOrder/containers": [{"name": "a"}],
                "containers": [{"$patch": "delete", "name": "b"}]
            }})
        );
        let mut live = map(with(&["a", "b"]));
        apply_patch(&mut live, &map(patch), "Pod").unwrap();
        assert_eq!(Value::Object(live), with(&["a"]));
    }

    /// retainKeys on a Deployment's strategy: switching to Recreate clears the
    /// server-defaulted rollingUpdate.
    #[test]
    fn deployment_strategy_retains_only_manifest_keys() {
        let patch = three_way(
            json!({"spec": {"strategy": {"type": "RollingUpdate"}}}),
            json!({"spec": {"strategy": {"type": "Recreate"}}}),
            json!({"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}}}}),
            "Deployment",
        );
        assert_eq!(
            patch,
            json!({"spec": {"strategy": {"$retainKeys": ["type"], "type": "Recreate"}}})
        );
        let mut live = map(
            json!({"spec": {"strategy": {"type": "RollingUpdate", "rollingUpdate": {"maxSurge": "25%"}}}}),
        );
        apply_patch(&mut live, &map(patch), "Deployment").unwrap();
        assert_eq!(
            Value::Object(live),
            json!({"spec": {"strategy": {"type": "Recreate"}}})
        );
    }

    #[test]
    fn server_only_elements_keep_their_place() {
        let mut live = map(json!({"spec": {"containers": [
            {"name": "a", "image": "1"}, {"name": "injected", "image": "proxy"}, {"name": "b", "image": "1"}
        ]}}));
        let patch = map(json!({"spec": {
            "$setElementOrder/containers": [{"name": "a"}, {"name": "b"}],
            "containers": [{"name": "b", "image": "2"}]
        }}));
        apply_patch(&mut live, &patch, "Pod").unwrap();
        let names: Vec<&str> = live["spec"]["containers"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c["name"].as_str().unwrap())
            .collect();
        assert_eq!(names, ["a", "injected", "b"]);
    }

    #[test]
    fn missing_merge_key_is_an_error() {
        let error = create_three_way_patch(
            &map(json!({"spec": {"containers": [{"name": "a"}]}})),
            &map(json!({"spec": {"containers": [{"image": "nginx"}]}})),
            &map(json!({"spec": {"containers": [{"name": "a"}]}})),
            "Pod",
        )
        .unwrap_err();
        assert_eq!(
            error.to_string(),
            "map: map[image:nginx] does not contain declared merge key: name"
        );
    }
}
