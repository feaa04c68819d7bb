//! ControllerRevisions: the DaemonSet's template history.
//!
//! Upstream: `pkg/controller/daemon/update.go` (constructHistory, snapshot,
//! cleanupHistory, getPatch) and `pkg/controller/history/controller_history.go`
//! (ControllerRevisionName, NewControllerRevision).
//! - The current revision is named `<ds>-<hash of the template>`, labelled
//!   `controller-revision-hash: <hash>` (with the template's labels), owned by the
//!   DaemonSet, and holds `{"spec":{"template":{..., "$patch":"replace"}}}`.
//! - Returning to an earlier template reuses its revision with the next number.
//! - Old revisions that no live pod uses are deleted beyond revisionHistoryLimit,
//!   oldest first.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use serde_json::{Value, json};

use crate::api_server::DeleteOptions;
use crate::controllers::ControllerContext;
use crate::controllers::controller_utils::controller_ref;
use crate::controllers::deployment::util::compute_hash;
use crate::model::daemon_set::DaemonSet;
use crate::model::registry::lookup_kind_name;
use crate::model::{GenericObject, Object, ObjectMeta};

/// `controller-revision-hash`, on revisions and DaemonSet pods.
pub const REVISION_HASH_LABEL: &str = "controller-revision-hash";

/// A revision of the DaemonSet: its name, number, data and hash label.
#[derive(Clone, Debug)]
pub struct Revision {
    pub name: String,
    pub revision: i64,
    pub data: Value,
    pub hash: String,
}

fn revision_of(object: &Object) -> Option<Revision> {
    let Object::Generic(generic) = object else {
        return None;
    };
    Some(Revision {
        name: generic.metadata.name().to_string(),
        revision: generic
            .body
            .get("revision")
            .and_then(Value::as_i64)
            .unwrap_or(0),
        data: generic.body.get("data").cloned().unwrap_or(Value::Null),
        hash: generic
            .metadata
            .label(REVISION_HASH_LABEL)
            .unwrap_or("")
            .to_string(),
    })
}

/// `getPatch`: the template as a strategic-merge "replace" patch.
pub fn patch_of(daemon_set: &DaemonSet) -> Value {
    let mut template = serde_json::to_value(
        daemon_set
            .spec
            .as_ref()
            .and_then(|s| s.template.clone())
            .unwrap_or_default(),
    )
    .unwrap_or(Value::Null);
    if let Value::Object(map) = &mut template {
        map.insert("$patch".to_string(), json!("replace"));
    }
    json!({ "spec": { "template": template } })
}

/// The hash of the current template (`controller.ComputeHash` with the collision count).
pub fn current_hash(daemon_set: &DaemonSet) -> String {
    let spec = daemon_set.spec.clone().unwrap_or_default();
    let collision_count = daemon_set.status.as_ref().and_then(|s| s.collision_count);
    compute_hash(&spec.template.unwrap_or_default(), collision_count)
}

/// `constructHistory`: makes sure the current revision exists with the highest number;
/// returns (current hash, the other revisions).
pub fn construct_history(
    object: &Object,
    daemon_set: &DaemonSet,
    context: &mut ControllerContext<'_>,
) -> (String, Vec<Revision>) {
    let Some(revision_type) = lookup_kind_name("ControllerRevision") else {
        return (current_hash(daemon_set), Vec::new());
    };
    let owned: Vec<Arc<Object>> = context
        .api
        .store()
        .dependents_of(daemon_set.metadata.uid())
        .filter(|k| std::ptr::eq(k.resource_type(), revision_type))
        .filter_map(|k| context.api.store().get(k).cloned())
        .collect();
    let revisions: Vec<(Arc<Object>, Revision)> = owned
        .into_iter()
        .filter_map(|o| revision_of(&o).map(|r| (o, r)))
        .collect();
    let hash = current_hash(daemon_set);
    let data = patch_of(daemon_set);
    let max = revisions.iter().map(|(_, r)| r.revision).max().unwrap_or(0);
    let current = revisions.iter().find(|(_, r)| r.data == data);
    match current {
        Some((stored, revision)) => {
            if revision.revision < max
                && let Object::Generic(generic) = &**stored
            {
                let mut updated = generic.clone();
                updated.body.insert("revision".to_string(), json!(max + 1));
                let _ = context.api.update(Object::Generic(updated));
            }
        }
        None => {
            let mut labels: BTreeMap<String, String> = daemon_set
                .spec
                .as_ref()
                .and_then(|s| s.template.as_ref())
                .and_then(|t| t.metadata.as_ref())
                .and_then(|m| m.labels.clone())
                .unwrap_or_default();
            labels.insert(REVISION_HASH_LABEL.to_string(), hash.clone());
            let revision = GenericObject {
                resource_type: revision_type,
                api_version: "apps/v1".to_string(),
                metadata: ObjectMeta {
                    name: Some(format!("{}-{hash}", daemon_set.metadata.name())),
                    namespace: Some(daemon_set.metadata.namespace().to_string()),
                    labels: Some(labels),
                    owner_references: Some(vec![controller_ref(object)].into()),
                    ..ObjectMeta::default()
                },
                body: BTreeMap::from([
                    ("data".to_string(), data.clone()),
                    ("revision".to_string(), json!(max + 1)),
                ]),
            };
            let _ = context.api.create(Object::Generic(revision));
        }
    }
    let old = revisions
        .into_iter()
        .map(|(_, r)| r)
        .filter(|r| r.data != data)
        .collect();
    (hash, old)
}

/// `cleanupHistory`: deletes the oldest unused old revisions beyond the limit.
pub fn cleanup_history(
    daemon_set: &DaemonSet,
    old: Vec<Revision>,
    live_hashes: &BTreeSet<String>,
    context: &mut ControllerContext<'_>,
) {
    let limit = daemon_set
        .spec
        .as_ref()
        .and_then(|s| s.revision_history_limit)
        .unwrap_or(10)
        .max(0) as usize;
    let mut unused: Vec<Revision> = old
        .into_iter()
        .filter(|r| !live_hashes.contains(&r.hash))
        .collect();
    if unused.len() <= limit {
        return;
    }
    unused.sort_by_key(|r| r.revision);
    let excess = unused.len() - limit;
    let Some(revision_type) = lookup_kind_name("ControllerRevision") else {
        return;
    };
    for revision in unused.into_iter().take(excess) {
        let _ = context.api.delete(
            revision_type,
            daemon_set.metadata.namespace(),
            &revision.name,
            &DeleteOptions::default(),
        );
    }
}
