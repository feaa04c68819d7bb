//! ImageLocality: prefers nodes that already have the pod's images, weighted by how
//! widely each image is spread (so one node with everything is not overloaded).
//! Upstream: `pkg/scheduler/framework/plugins/imagelocality/image_locality.go`.
//!
//! sum = Σ image size × (nodes with the image / all nodes); clamped to
//! [23 MiB, 1000 MiB × containers]; score = 100 × (sum − 23 MiB) / (max − 23 MiB).

use crate::scheduler::framework::{
    CycleState, MAX_NODE_SCORE, Plugin, PreScorePlugin, ScorePlugin, Status,
};
use crate::scheduler::node_info::{Cache, NodeInfo, PodInfo};

pub const NAME: &str = "ImageLocality";
const MB: i64 = 1024 * 1024;
/// `minThreshold`.
pub const MIN_THRESHOLD: i64 = 23 * MB;
/// `maxContainerThreshold`.
pub const MAX_CONTAINER_THRESHOLD: i64 = 1000 * MB;

/// `normalizedImageName`: adds `:latest` when the name has no tag.
pub fn normalized_image_name(name: &str) -> String {
    let colon = name.rfind(':');
    let slash = name.rfind('/');
    if colon.map(|c| c as i64).unwrap_or(-1) <= slash.map(|s| s as i64).unwrap_or(-1) {
        format!("{name}:latest")
    } else {
        name.to_string()
    }
}

/// `calculatePriority`.
pub fn calculate_priority(sum_scores: i64, num_containers: usize) -> i64 {
    let max_threshold = MAX_CONTAINER_THRESHOLD * num_containers as i64;
    let sum = if sum_scores < MIN_THRESHOLD {
        MIN_THRESHOLD
    } else if sum_scores > max_threshold {
        max_threshold
    } else {
        sum_scores
    };
    if max_threshold == MIN_THRESHOLD {
        return 0;
    }
    MAX_NODE_SCORE * (sum - MIN_THRESHOLD) / (max_threshold - MIN_THRESHOLD)
}

pub struct ImageLocality;

impl Plugin for ImageLocality {
    fn name(&self) -> &'static str {
        NAME
    }
}

/// How many nodes have each image: what `scaledImageScore` needs from the cache.
#[derive(Clone, Default)]
pub struct ImageSpread {
    pub images: Vec<(String, i64, usize)>,
    pub total_nodes: usize,
}

pub const STATE_KEY: &str = "ImageLocalitySpread";

/// Upstream reads the image states from the snapshot inside Score. kubesim reads the
/// cache's image table once per cycle here instead, and skips scoring when no node
/// reports any of the pod's images (every node would score 0).
impl PreScorePlugin for ImageLocality {
    fn pre_score(
        &self,
        state: &mut CycleState,
        pod: &PodInfo,
        _nodes: &[&NodeInfo],
        cache: &Cache,
    ) -> Status {
        let spec = pod.pod().spec.as_ref();
        let mut images = Vec::new();
        for container in spec.into_iter().flat_map(|s| {
            s.init_containers
                .iter()
                .flatten()
                .chain(s.containers.iter().flatten())
        }) {
            let name = normalized_image_name(container.image.as_deref().unwrap_or(""));
            if let Some(image) = cache.image(&name) {
                images.push((name, image.size_bytes, image.num_nodes));
            }
        }
        if images.is_empty() {
            // Every node scores calculate_priority(0, n) = 0: nothing to tell apart.
            return Status::skip();
        }
        state.write(
            STATE_KEY,
            ImageSpread {
                images,
                total_nodes: cache.num_nodes(),
            },
        );
        Status::success()
    }
}

impl ScorePlugin for ImageLocality {
    fn score(&self, state: &CycleState, pod: &PodInfo, node: &NodeInfo) -> Result<i64, Status> {
        let spec = pod.pod().spec.as_ref();
        let containers: Vec<&crate::model::pod::Container> = spec
            .into_iter()
            .flat_map(|s| {
                s.init_containers
                    .iter()
                    .flatten()
                    .chain(s.containers.iter().flatten())
            })
            .collect();
        let node_images = node.node().status.as_ref().and_then(|s| s.images.as_ref());
        let mut sum = 0i64;
        if let (Some(node_images), Some(spread)) =
            (node_images, state.read::<ImageSpread>(STATE_KEY))
        {
            for container in &containers {
                let wanted = normalized_image_name(container.image.as_deref().unwrap_or(""));
                let on_node = node_images
                    .iter()
                    .any(|image| image.names.iter().flatten().any(|n| *n == wanted));
                if !on_node {
                    continue;
                }
                if let Some((_, size, count)) = spread.images.iter().find(|(n, _, _)| *n == wanted)
                    && spread.total_nodes > 0
                {
                    sum += (*size as f64 * (*count as f64 / spread.total_nodes as f64)) as i64;
                }
            }
        }
        Ok(calculate_priority(sum, containers.len()))
    }
}
