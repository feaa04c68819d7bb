//! The scheduler's cache: one `NodeInfo` per node, kept up to date incrementally.
//!
//! Upstream: `pkg/scheduler/framework/types.go` (`NodeInfo`, `PodInfo`,
//! `AffinityTerm`, `HostPortInfo`, `ImageStateSummary`) and
//! `pkg/scheduler/backend/cache/cache.go` (assume, confirm, forget; pods on nodes the
//! cache has not seen yet). Watch events and the scheduler's own assumptions add and
//! remove pods one at a time; nothing is recomputed from scratch per pod.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use crate::model::Object;
use crate::model::node::Node;
use crate::model::pod::{Pod, PodAffinityTerm};
use crate::model::resources::{PodResources, Resources, pod_resources};
use crate::model::selector::{Selector, label_selector_as_selector};

/// One host port a container asks for (`HostPortInfo` key): protocol, IP and port.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct HostPort {
    pub ip: String,
    pub protocol: String,
    pub port: i32,
}

impl HostPort {
    /// `HostPortInfo.CheckConflict`: 0.0.0.0 conflicts with every IP on the same
    /// protocol and port; other IPs conflict with themselves and 0.0.0.0.
    pub fn conflicts_with(&self, other: &HostPort) -> bool {
        self.port == other.port
            && self.protocol == other.protocol
            && (self.ip == other.ip
                || self.ip == DEFAULT_BIND_ALL_HOST_IP
                || other.ip == DEFAULT_BIND_ALL_HOST_IP)
    }
}

const DEFAULT_BIND_ALL_HOST_IP: &str = "0.0.0.0";

/// The host ports of a pod's containers (`GetContainerPorts` + `sanitize`: IP defaults
/// to 0.0.0.0, protocol to TCP; ports without hostPort do not count).
pub fn host_ports(pod: &Pod) -> Vec<HostPort> {
    let Some(spec) = pod.spec.as_ref() else {
        return Vec::new();
    };
    let mut ports = Vec::new();
    for container in spec
        .containers
        .iter()
        .flatten()
        .chain(spec.init_containers.iter().flatten())
    {
        for port in container.ports.iter().flatten() {
            let host_port = port.host_port.unwrap_or(0);
            if host_port <= 0 {
                continue;
            }
            let ip = port.host_ip.clone().filter(|ip| !ip.is_empty());
            let protocol = port.protocol.clone().filter(|p| !p.is_empty());
            ports.push(HostPort {
                ip: ip.unwrap_or_else(|| DEFAULT_BIND_ALL_HOST_IP.to_string()),
                protocol: protocol.unwrap_or_else(|| "TCP".to_string()),
                port: host_port,
            });
        }
    }
    ports
}

/// `framework.AffinityTerm`: a parsed pod (anti-)affinity term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AffinityTerm {
    pub namespaces: BTreeSet<String>,
    pub selector: Selector,
    pub topology_key: String,
    pub namespace_selector: Selector,
}

impl AffinityTerm {
    /// `newAffinityTerm`: no namespaces and no namespace selector means the pod's own
    /// namespace. A selector that does not parse matches nothing.
    pub fn parse(pod: &Pod, term: &PodAffinityTerm) -> AffinityTerm {
        let namespaces: BTreeSet<String> = if term.namespaces.as_ref().is_none_or(Vec::is_empty)
            && term.namespace_selector.is_none()
        {
            BTreeSet::from([pod.metadata.namespace().to_string()])
        } else {
            term.namespaces.iter().flatten().cloned().collect()
        };
        AffinityTerm {
            namespaces,
            selector: label_selector_as_selector(term.label_selector.as_ref())
                .unwrap_or_else(|_| Selector::nothing()),
            topology_key: term.topology_key.clone().unwrap_or_default(),
            namespace_selector: label_selector_as_selector(term.namespace_selector.as_ref())
                .unwrap_or_else(|_| Selector::nothing()),
        }
    }

    /// `AffinityTerm.Matches`: the pod is in one of the namespaces (or a selected one)
    /// and its labels match.
    pub fn matches(&self, pod: &Pod, namespace_labels: &BTreeMap<String, String>) -> bool {
        (self.namespaces.contains(pod.metadata.namespace())
            || self.namespace_selector.matches(namespace_labels))
            && self.selector.matches(pod.metadata.labels_or_empty())
    }
}

/// A weighted (preferred) affinity term.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct WeightedAffinityTerm {
    pub term: AffinityTerm,
    pub weight: i64,
}

/// `framework.PodInfo`: a pod with what the plugins need parsed once.
#[derive(Clone, Debug)]
pub struct PodInfo {
    pub object: Arc<Object>,
    pub resources: PodResources,
    pub priority: i32,
    pub host_ports: Vec<HostPort>,
    pub required_affinity_terms: Vec<AffinityTerm>,
    pub required_anti_affinity_terms: Vec<AffinityTerm>,
    pub preferred_affinity_terms: Vec<WeightedAffinityTerm>,
    pub preferred_anti_affinity_terms: Vec<WeightedAffinityTerm>,
}

impl PodInfo {
    /// Parses a pod object; None when it is not a pod.
    pub fn new(object: Arc<Object>) -> Option<PodInfo> {
        let Object::Pod(pod) = object.as_ref() else {
            return None;
        };
        let spec = pod.spec.as_ref();
        let affinity = spec.and_then(|s| s.affinity.as_ref());
        let required = |terms: Option<&Vec<PodAffinityTerm>>| -> Vec<AffinityTerm> {
            terms
                .into_iter()
                .flatten()
                .map(|term| AffinityTerm::parse(pod, term))
                .collect()
        };
        let pod_affinity = affinity.and_then(|a| a.pod_affinity.as_ref());
        let pod_anti_affinity = affinity.and_then(|a| a.pod_anti_affinity.as_ref());
        let preferred = |terms: Option<&Vec<crate::model::pod::WeightedPodAffinityTerm>>| {
            terms
                .into_iter()
                .flatten()
                .filter_map(|weighted| {
                    let term = weighted.pod_affinity_term.as_ref()?;
                    Some(WeightedAffinityTerm {
                        term: AffinityTerm::parse(pod, term),
                        weight: i64::from(weighted.weight.unwrap_or(0)),
                    })
                })
                .collect::<Vec<_>>()
        };
        Some(PodInfo {
            resources: pod_resources(pod),
            priority: spec.and_then(|s| s.priority).unwrap_or(0),
            host_ports: host_ports(pod),
            required_affinity_terms: required(pod_affinity.and_then(|a| {
                a.required_during_scheduling_ignored_during_execution
                    .as_ref()
            })),
            required_anti_affinity_terms: required(pod_anti_affinity.and_then(|a| {
                a.required_during_scheduling_ignored_during_execution
                    .as_ref()
            })),
            preferred_affinity_terms: preferred(pod_affinity.and_then(|a| {
                a.preferred_during_scheduling_ignored_during_execution
                    .as_ref()
            })),
            preferred_anti_affinity_terms: preferred(pod_anti_affinity.and_then(|a| {
                a.preferred_during_scheduling_ignored_during_execution
                    .as_ref()
            })),
            object,
        })
    }

    /// True when `other` (a version of the same pod) adds the same to a NodeInfo and
    /// to every matching-pod count: namespace, labels, being deleted, requests, host
    /// ports and (anti-)affinity.
    pub fn counts_as(&self, other: &PodInfo) -> bool {
        let (this, that) = (self.pod(), other.pod());
        this.metadata.namespace() == that.metadata.namespace()
            && this.metadata.labels == that.metadata.labels
            && this.metadata.is_being_deleted() == that.metadata.is_being_deleted()
            && self.resources == other.resources
            && self.host_ports == other.host_ports
            && self.has_affinity() == other.has_affinity()
            && self.has_required_anti_affinity() == other.has_required_anti_affinity()
    }

    /// The PodInfo of a newer version of the same pod: the parsed parts are reused when
    /// everything they come from is unchanged (a binding changes only `nodeName` and
    /// status), else the pod is parsed again. Either way equal to `PodInfo::new`.
    pub fn refreshed(&self, object: Arc<Object>) -> Option<PodInfo> {
        let Object::Pod(new) = object.as_ref() else {
            return None;
        };
        let old = self.pod();
        let same_inputs = old.metadata.namespace() == new.metadata.namespace()
            && match (old.spec.as_ref(), new.spec.as_ref()) {
                (Some(a), Some(b)) => {
                    a.containers == b.containers
                        && a.init_containers == b.init_containers
                        && a.resources == b.resources
                        && a.overhead == b.overhead
                        && a.priority == b.priority
                        && a.affinity == b.affinity
                }
                (None, None) => true,
                _ => false,
            };
        if !same_inputs {
            return PodInfo::new(object);
        }
        let refreshed = PodInfo {
            object,
            ..self.clone()
        };
        #[cfg(debug_assertions)]
        {
            let parsed = PodInfo::new(Arc::clone(&refreshed.object)).expect("a pod");
            debug_assert!(
                refreshed.resources == parsed.resources
                    && refreshed.priority == parsed.priority
                    && refreshed.host_ports == parsed.host_ports
                    && refreshed.required_affinity_terms == parsed.required_affinity_terms
                    && refreshed.required_anti_affinity_terms
                        == parsed.required_anti_affinity_terms
                    && refreshed.preferred_affinity_terms == parsed.preferred_affinity_terms
                    && refreshed.preferred_anti_affinity_terms
                        == parsed.preferred_anti_affinity_terms,
                "a refreshed PodInfo equals a parsed one"
            );
        }
        Some(refreshed)
    }

    pub fn pod(&self) -> &Pod {
        match self.object.as_ref() {
            Object::Pod(pod) => pod,
            _ => unreachable!("PodInfo holds a pod"),
        }
    }

    pub fn uid(&self) -> &str {
        self.pod().metadata.uid()
    }

    pub fn namespace(&self) -> &str {
        self.pod().metadata.namespace()
    }

    pub fn name(&self) -> &str {
        self.pod().metadata.name()
    }

    pub fn labels(&self) -> &BTreeMap<String, String> {
        self.pod().metadata.labels_or_empty()
    }

    /// Has pod affinity or anti-affinity of any kind (`podsWithAffinity`).
    pub fn has_affinity(&self) -> bool {
        !self.required_affinity_terms.is_empty()
            || !self.required_anti_affinity_terms.is_empty()
            || !self.preferred_affinity_terms.is_empty()
            || !self.preferred_anti_affinity_terms.is_empty()
    }

    pub fn has_required_anti_affinity(&self) -> bool {
        !self.required_anti_affinity_terms.is_empty()
    }
}

/// `framework.NodeInfo`.
#[derive(Clone, Debug)]
pub struct NodeInfo {
    pub name: Arc<str>,
    object: Arc<Object>,
    /// `spec.unschedulable` and whether `spec.taints` is non-empty, read from the node
    /// object when it is set: the first filters test them for every node of every
    /// cycle, and reading them through the object costs a cache miss per node.
    unschedulable: bool,
    has_taints: bool,
    /// The node's `kubernetes.io/hostname` and `topology.kubernetes.io/zone` labels,
    /// read when the node is set: PodTopologySpread's default constraints read them
    /// for every scored node of every cycle, and a label-map lookup costs ≈ 250
    /// instructions of string comparison.
    hostname_label: Option<String>,
    zone_label: Option<String>,
    pub allocatable: Resources,
    /// Sum of the real requests of the pods here (`Requested`).
    pub requested: Resources,
    /// Sum of the non-zero cpu and memory requests (`NonZeroRequested`), for scoring.
    pub non_zero_cpu_millis: i64,
    pub non_zero_memory_bytes: i64,
    pub pods: Vec<Arc<PodInfo>>,
    pub used_ports: Vec<HostPort>,
    /// How many of `pods` have (anti-)affinity, and required anti-affinity.
    pub pods_with_affinity: usize,
    pub pods_with_required_anti_affinity: usize,
    /// Bumped on every change (`Generation`).
    pub generation: u64,
}

/// A topology label whose value NodeInfo keeps at hand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WellKnownLabel {
    /// `kubernetes.io/hostname`.
    Hostname,
    /// `topology.kubernetes.io/zone`.
    Zone,
}

impl WellKnownLabel {
    pub const HOSTNAME_KEY: &'static str = "kubernetes.io/hostname";
    pub const ZONE_KEY: &'static str = "topology.kubernetes.io/zone";

    pub fn of(key: &str) -> Option<WellKnownLabel> {
        match key {
            WellKnownLabel::HOSTNAME_KEY => Some(WellKnownLabel::Hostname),
            WellKnownLabel::ZONE_KEY => Some(WellKnownLabel::Zone),
            _ => None,
        }
    }
}

/// The node's (hostname, zone) label values.
fn well_known_labels(object: &Object) -> (Option<String>, Option<String>) {
    match object {
        Object::Node(node) => {
            let labels = node.metadata.labels_or_empty();
            (
                labels.get(WellKnownLabel::HOSTNAME_KEY).cloned(),
                labels.get(WellKnownLabel::ZONE_KEY).cloned(),
            )
        }
        _ => (None, None),
    }
}

/// (`spec.unschedulable`, `spec.taints` non-empty) of a node object.
fn node_flags(object: &Object) -> (bool, bool) {
    match object {
        Object::Node(node) => (node.is_unschedulable(), !node.taints().is_empty()),
        _ => (false, false),
    }
}

/// Generations are unique across every NodeInfo (and its clones' changes), as
/// upstream's global `nextGeneration`, so a memo keyed by one is never stale. The
/// values are never shown and never reach simulated state.
fn next_generation() -> u64 {
    static NEXT: AtomicU64 = AtomicU64::new(1);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

impl NodeInfo {
    fn new(object: Arc<Object>) -> NodeInfo {
        let (name, allocatable) = match object.as_ref() {
            Object::Node(node) => (
                Arc::from(node.metadata.name()),
                Resources::from_quantities(
                    node.status.as_ref().and_then(|s| s.allocatable.as_ref()),
                ),
            ),
            _ => (Arc::from(""), Resources::default()),
        };
        let (unschedulable, has_taints) = node_flags(&object);
        let (hostname_label, zone_label) = well_known_labels(&object);
        NodeInfo {
            name,
            object,
            unschedulable,
            has_taints,
            hostname_label,
            zone_label,
            allocatable,
            requested: Resources::default(),
            non_zero_cpu_millis: 0,
            non_zero_memory_bytes: 0,
            pods: Vec::new(),
            used_ports: Vec::new(),
            pods_with_affinity: 0,
            pods_with_required_anti_affinity: 0,
            generation: next_generation(),
        }
    }

    pub fn node(&self) -> &Node {
        match self.object.as_ref() {
            Object::Node(node) => node,
            _ => unreachable!("NodeInfo holds a node"),
        }
    }

    pub fn node_object(&self) -> &Arc<Object> {
        &self.object
    }

    pub fn labels(&self) -> &BTreeMap<String, String> {
        self.node().metadata.labels_or_empty()
    }

    /// The node's value of a well-known topology label (its labels' own value).
    pub fn well_known_label(&self, label: WellKnownLabel) -> Option<&str> {
        match label {
            WellKnownLabel::Hostname => self.hostname_label.as_deref(),
            WellKnownLabel::Zone => self.zone_label.as_deref(),
        }
    }

    /// `spec.unschedulable` (a cordoned node).
    pub fn is_unschedulable(&self) -> bool {
        self.unschedulable
    }

    /// The node's taints (`spec.taints`), without touching the object when it has none.
    pub fn taints(&self) -> &[crate::model::node::Taint] {
        if self.has_taints {
            self.node().taints()
        } else {
            &[]
        }
    }

    fn set_node(&mut self, object: Arc<Object>) {
        if let Object::Node(node) = object.as_ref() {
            self.allocatable = Resources::from_quantities(
                node.status.as_ref().and_then(|s| s.allocatable.as_ref()),
            );
        }
        (self.unschedulable, self.has_taints) = node_flags(&object);
        (self.hostname_label, self.zone_label) = well_known_labels(&object);
        self.object = object;
        self.generation = next_generation();
    }

    /// `NodeInfo.AddPodInfo`.
    pub fn add_pod(&mut self, pod: Arc<PodInfo>) {
        self.update(&pod, 1);
        self.pods.push(pod);
    }

    /// `NodeInfo.RemovePod`: by uid. Returns the removed pod.
    pub fn remove_pod(&mut self, uid: &str) -> Option<Arc<PodInfo>> {
        let index = self.pods.iter().position(|p| p.uid() == uid)?;
        let pod = self.pods.swap_remove(index);
        self.update(&pod, -1);
        Some(pod)
    }

    fn update(&mut self, pod: &PodInfo, sign: i64) {
        self.requested.add_signed(&pod.resources.requests, sign);
        self.non_zero_cpu_millis += sign * pod.resources.non_zero_cpu_millis;
        self.non_zero_memory_bytes += sign * pod.resources.non_zero_memory_bytes;
        if sign > 0 {
            self.used_ports.extend(pod.host_ports.iter().cloned());
        } else {
            for port in &pod.host_ports {
                if let Some(index) = self.used_ports.iter().position(|p| p == port) {
                    self.used_ports.swap_remove(index);
                }
            }
        }
        if pod.has_affinity() {
            self.pods_with_affinity = (self.pods_with_affinity as i64 + sign) as usize;
        }
        if pod.has_required_anti_affinity() {
            self.pods_with_required_anti_affinity =
                (self.pods_with_required_anti_affinity as i64 + sign) as usize;
        }
        self.generation = next_generation();
    }

    /// The pods here with (anti-)affinity.
    pub fn pods_with_affinity(&self) -> impl Iterator<Item = &Arc<PodInfo>> {
        self.pods.iter().filter(|p| p.has_affinity())
    }

    /// The pods here with required anti-affinity.
    pub fn pods_with_required_anti_affinity(&self) -> impl Iterator<Item = &Arc<PodInfo>> {
        self.pods.iter().filter(|p| p.has_required_anti_affinity())
    }
}

/// One selector's memo of matching-pod counts by node index, each valid while the
/// node's generation is the one it was counted at (generations are never reused).
pub struct MatchCounts<'a> {
    counts: std::cell::RefMut<'a, Vec<(u64, i64)>>,
}

impl MatchCounts<'_> {
    /// `count(node)` for the cache's node at `index`, from the memo when unchanged.
    pub fn count(
        &mut self,
        index: usize,
        node: &NodeInfo,
        count: impl FnOnce(&NodeInfo) -> i64,
    ) -> i64 {
        let (generation, value) = self.counts[index];
        if generation == node.generation {
            return value;
        }
        let value = count(node);
        self.counts[index] = (node.generation, value);
        value
    }
}

/// `ImageStateSummary`: an image's size and on how many nodes it is.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ImageState {
    pub size_bytes: i64,
    pub num_nodes: usize,
}

/// The cache: every node's NodeInfo in a stable order, where each pod is, which
/// pods are only assumed, and the namespaces' labels (for namespace selectors).
#[derive(Clone, Debug, Default)]
pub struct Cache {
    nodes: Vec<NodeInfo>,
    index: BTreeMap<String, usize>,
    /// uid → node name of every pod in a NodeInfo.
    pod_nodes: BTreeMap<String, String>,
    /// uids the scheduler assumed and whose binding it has not yet seen confirmed.
    assumed: BTreeSet<String>,
    /// Pods bound to nodes the cache has not seen yet, by node name.
    waiting: BTreeMap<String, Vec<Arc<PodInfo>>>,
    images: BTreeMap<String, ImageState>,
    namespace_labels: BTreeMap<String, BTreeMap<String, String>>,
    /// Cluster-wide count of pods with (anti-)affinity, so plugins can Skip cheaply.
    pods_with_affinity: usize,
    pods_with_required_anti_affinity: usize,
    workloads: WorkloadSelectors,
    /// Per (namespace, selector) and node index: (node generation, matching pods).
    /// PodTopologySpread's PreScore counts every node's pods for every pod scheduled;
    /// this keeps the counts of nodes that did not change since.
    match_counts: RefCell<BTreeMap<String, Vec<(u64, i64)>>>,
    /// Which NodeInfos changed, in order, so per-selector domain tallies catch up on
    /// those nodes instead of walking all of them.
    changes: NodeChanges,
    /// Per (namespace, selector, topology key, required keys): matching pods per
    /// topology domain over every node, kept up to date from `changes`.
    domain_tallies: RefCell<BTreeMap<String, DomainTally>>,
    /// Every node's name in cache order, shared by the scheduling records; rebuilt
    /// after a node was added or removed.
    names: Option<Arc<[Arc<str>]>>,
}

/// The log of node changes (by index into [`Cache::nodes`]).
#[derive(Clone, Debug, Default)]
struct NodeChanges {
    /// Bumped when indices shift (a node was removed): every tally starts over.
    epoch: u64,
    /// The sequence number of `log[0]`.
    first: u64,
    log: Vec<u32>,
}

impl NodeChanges {
    fn next(&self) -> u64 {
        self.first + self.log.len() as u64
    }

    fn record(&mut self, index: usize, num_nodes: usize) {
        self.log.push(index as u32);
        // Bounded: a tally further behind than what is kept walks every node once.
        let limit = 8 * num_nodes.max(512);
        if self.log.len() > limit {
            let drop = self.log.len() / 2;
            self.log.drain(..drop);
            self.first += drop as u64;
        }
    }

    fn shift(&mut self) {
        self.epoch += 1;
        self.first = self.next();
        self.log.clear();
    }
}

/// One node's part of a [`DomainTally`].
#[derive(Clone, Copy, Debug, Default)]
struct TallyEntry {
    /// The node's generation when counted (0: not counted; generations start at 1).
    generation: u64,
    /// Index into the tally's domains, or `EXCLUDED`.
    domain: u32,
    count: i64,
}

const EXCLUDED: u32 = u32::MAX;

/// Matching pods per topology domain (a node's value of the topology key, "" when it
/// has none) over the nodes that have every required key, summed over all nodes.
#[derive(Clone, Debug, Default)]
pub struct DomainTally {
    epoch: u64,
    /// The change sequence number this tally has caught up to.
    seen: u64,
    nodes: Vec<TallyEntry>,
    domains: BTreeMap<String, u32>,
    totals: Vec<i64>,
}

impl DomainTally {
    /// The matching pods on the nodes of `domain`.
    pub fn total(&self, domain: &str) -> i64 {
        self.domains
            .get(domain)
            .map_or(0, |&slot| self.totals[slot as usize])
    }

    fn recount(
        &mut self,
        index: usize,
        node: &NodeInfo,
        topology_key: &str,
        required_keys: &[&str],
        count: &impl Fn(&NodeInfo) -> i64,
    ) {
        let entry = self.nodes[index];
        if entry.generation == node.generation {
            return;
        }
        if entry.generation != 0 && entry.domain != EXCLUDED {
            self.totals[entry.domain as usize] -= entry.count;
        }
        let labels = node.labels();
        let new = if required_keys.iter().all(|key| labels.contains_key(*key)) {
            let value = labels.get(topology_key).map_or("", String::as_str);
            let slot = match self.domains.get(value) {
                Some(&slot) => slot,
                None => {
                    let slot = self.totals.len() as u32;
                    self.domains.insert(value.to_string(), slot);
                    self.totals.push(0);
                    slot
                }
            };
            let matching = count(node);
            self.totals[slot as usize] += matching;
            TallyEntry {
                generation: node.generation,
                domain: slot,
                count: matching,
            }
        } else {
            TallyEntry {
                generation: node.generation,
                domain: EXCLUDED,
                count: 0,
            }
        };
        self.nodes[index] = new;
    }
}

static EMPTY_LABELS: BTreeMap<String, String> = BTreeMap::new();

impl Cache {
    /// The memo of matching-pod counts for the selector named by `memo_key`.
    pub fn match_counts(&self, memo_key: &str) -> MatchCounts<'_> {
        const MAX_SELECTORS: usize = 256;
        let mut memo = self.match_counts.borrow_mut();
        if !memo.contains_key(memo_key) {
            if memo.len() >= MAX_SELECTORS {
                memo.clear();
            }
            memo.insert(memo_key.to_string(), Vec::new());
        }
        let mut counts =
            std::cell::RefMut::map(memo, |memo| memo.get_mut(memo_key).expect("inserted above"));
        if counts.len() < self.nodes.len() {
            counts.resize(self.nodes.len(), (0, 0));
        }
        MatchCounts { counts }
    }

    /// The tally for `memo_key` (which must name the namespace, selector, topology key
    /// and required keys it counts for), caught up with every node change since its
    /// last use: `count(node)` is asked again only of nodes that changed. The totals are
    /// what summing `count` over every node that has all `required_keys`, grouped by
    /// its value of `topology_key`, gives.
    pub fn domain_tally(
        &self,
        memo_key: &str,
        topology_key: &str,
        required_keys: &[&str],
        count: impl Fn(&NodeInfo) -> i64,
    ) -> std::cell::RefMut<'_, DomainTally> {
        const MAX_TALLIES: usize = 256;
        let mut tallies = self.domain_tallies.borrow_mut();
        if !tallies.contains_key(memo_key) {
            if tallies.len() >= MAX_TALLIES {
                tallies.clear();
            }
            tallies.insert(
                memo_key.to_string(),
                DomainTally {
                    epoch: u64::MAX,
                    ..DomainTally::default()
                },
            );
        }
        let mut tally =
            std::cell::RefMut::map(tallies, |t| t.get_mut(memo_key).expect("inserted above"));
        let changes = &self.changes;
        if tally.epoch != changes.epoch || tally.seen < changes.first {
            // Indices shifted, or too far behind the log: every node once.
            if tally.epoch != changes.epoch {
                *tally = DomainTally {
                    epoch: changes.epoch,
                    ..DomainTally::default()
                };
            }
            tally.nodes.resize(self.nodes.len(), TallyEntry::default());
            for (index, node) in self.nodes.iter().enumerate() {
                tally.recount(index, node, topology_key, required_keys, &count);
            }
        } else {
            if tally.nodes.len() < self.nodes.len() {
                tally.nodes.resize(self.nodes.len(), TallyEntry::default());
            }
            let start = (tally.seen - changes.first) as usize;
            for &index in &changes.log[start..] {
                let index = index as usize;
                if let Some(node) = self.nodes.get(index) {
                    tally.recount(index, node, topology_key, required_keys, &count);
                }
            }
        }
        tally.seen = changes.next();
        tally
    }

    /// Where `node` is in [`Cache::nodes`], if it is the cache's own NodeInfo in its
    /// current state (not a clone changed since).
    pub fn index_of(&self, node: &NodeInfo) -> Option<usize> {
        let index = *self.index.get(&*node.name)?;
        (self.nodes[index].generation == node.generation).then_some(index)
    }

    pub fn nodes(&self) -> &[NodeInfo] {
        &self.nodes
    }

    pub fn num_nodes(&self) -> usize {
        self.nodes.len()
    }

    /// The node names in cache order (index i names `nodes()[i]`).
    pub fn node_names(&mut self) -> Arc<[Arc<str>]> {
        let nodes = &self.nodes;
        Arc::clone(
            self.names
                .get_or_insert_with(|| nodes.iter().map(|n| Arc::clone(&n.name)).collect()),
        )
    }

    /// Where the named node is in [`Cache::nodes`].
    pub fn position(&self, name: &str) -> Option<usize> {
        self.index.get(name).copied()
    }

    pub fn get(&self, name: &str) -> Option<&NodeInfo> {
        self.index.get(name).map(|&i| &self.nodes[i])
    }

    pub fn get_mut(&mut self, name: &str) -> Option<&mut NodeInfo> {
        let index = *self.index.get(name)?;
        // The caller may change it.
        self.changes.record(index, self.nodes.len());
        Some(&mut self.nodes[index])
    }

    pub fn image(&self, name: &str) -> Option<&ImageState> {
        self.images.get(name)
    }

    pub fn namespace_labels(&self, namespace: &str) -> &BTreeMap<String, String> {
        self.namespace_labels
            .get(namespace)
            .unwrap_or(&EMPTY_LABELS)
    }

    pub fn set_namespace_labels(
        &mut self,
        namespace: &str,
        labels: Option<BTreeMap<String, String>>,
    ) {
        match labels {
            Some(labels) => {
                self.namespace_labels.insert(namespace.to_string(), labels);
            }
            None => {
                self.namespace_labels.remove(namespace);
            }
        }
    }

    pub fn any_pod_with_affinity(&self) -> bool {
        self.pods_with_affinity > 0
    }

    pub fn any_pod_with_required_anti_affinity(&self) -> bool {
        self.pods_with_required_anti_affinity > 0
    }

    fn node_images(object: &Object) -> Vec<(String, i64)> {
        let Object::Node(node) = object else {
            return Vec::new();
        };
        let mut images = Vec::new();
        for image in node
            .status
            .as_ref()
            .and_then(|s| s.images.as_ref())
            .into_iter()
            .flatten()
        {
            for name in image.names.iter().flatten() {
                images.push((name.clone(), image.size_bytes.unwrap_or(0)));
            }
        }
        images
    }

    fn add_images(&mut self, object: &Object, sign: i64) {
        for (name, size) in Cache::node_images(object) {
            let entry = self.images.entry(name.clone()).or_default();
            entry.size_bytes = size;
            entry.num_nodes = (entry.num_nodes as i64 + sign).max(0) as usize;
            if entry.num_nodes == 0 {
                self.images.remove(&name);
            }
        }
    }

    /// A node was added or updated.
    pub fn upsert_node(&mut self, object: Arc<Object>) {
        let name = object.name().to_string();
        if let Some(&index) = self.index.get(&name) {
            let old = Arc::clone(&self.nodes[index].object);
            self.add_images(&old, -1);
            self.add_images(&object, 1);
            self.nodes[index].set_node(object);
            self.changes.record(index, self.nodes.len());
            return;
        }
        self.add_images(&object, 1);
        let mut info = NodeInfo::new(object);
        for pod in self.waiting.remove(&name).unwrap_or_default() {
            info.add_pod(pod);
        }
        self.index.insert(name, self.nodes.len());
        self.nodes.push(info);
        self.names = None;
        self.changes.record(self.nodes.len() - 1, self.nodes.len());
    }

    /// A node was deleted. Its pods wait for it to come back, as upstream keeps them.
    pub fn remove_node(&mut self, name: &str) {
        let Some(index) = self.index.remove(name) else {
            return;
        };
        let info = self.nodes.remove(index);
        self.changes.shift();
        self.names = None;
        self.add_images(&info.object, -1);
        for value in self.index.values_mut() {
            if *value > index {
                *value -= 1;
            }
        }
        if !info.pods.is_empty() {
            self.waiting.insert(name.to_string(), info.pods);
        }
    }

    /// Where a pod is (assumed or bound), if anywhere.
    pub fn node_of(&self, uid: &str) -> Option<&str> {
        self.pod_nodes.get(uid).map(String::as_str)
    }

    pub fn is_assumed(&self, uid: &str) -> bool {
        self.assumed.contains(uid)
    }

    /// Adds a pod to a node (bound, or `assumed` by the scheduler).
    pub fn add_pod(&mut self, pod: Arc<PodInfo>, node_name: &str, assumed: bool) {
        if self.replace_unchanged_bound_pod(&pod, node_name, assumed) {
            return;
        }
        let uid = pod.uid().to_string();
        if self.pod_nodes.contains_key(&uid) {
            self.remove_pod(&uid);
        }
        if pod.has_affinity() {
            self.pods_with_affinity += 1;
        }
        if pod.has_required_anti_affinity() {
            self.pods_with_required_anti_affinity += 1;
        }
        match self.index.get(node_name) {
            Some(&index) => {
                self.nodes[index].add_pod(pod);
                self.changes.record(index, self.nodes.len());
            }
            None => self
                .waiting
                .entry(node_name.to_string())
                .or_default()
                .push(pod),
        }
        self.pod_nodes.insert(uid.clone(), node_name.to_string());
        if assumed {
            self.assumed.insert(uid);
        } else {
            self.assumed.remove(&uid);
        }
    }

    /// `add_pod` of a newer version of a bound pod already on `node_name` whose
    /// newer version changes nothing the node's sums, used ports or matching-pod
    /// counts come from (most pod updates: status written by the kubelet). Upstream's
    /// `cache.UpdatePod` removes and re-adds the pod, bumping the node's generation;
    /// here the pods keep the order that gives, but the generation stays, so the
    /// memos of matching-pod counts and the domain tallies keep this node's counts.
    fn replace_unchanged_bound_pod(
        &mut self,
        pod: &Arc<PodInfo>,
        node_name: &str,
        assumed: bool,
    ) -> bool {
        let uid = pod.uid();
        if assumed || self.assumed.contains(uid) {
            return false;
        }
        if self.pod_nodes.get(uid).map(String::as_str) != Some(node_name) {
            return false;
        }
        let Some(&index) = self.index.get(node_name) else {
            return false;
        };
        let node = &mut self.nodes[index];
        let Some(position) = node.pods.iter().position(|p| p.uid() == uid) else {
            return false;
        };
        if !node.pods[position].counts_as(pod) {
            return false;
        }
        // The order `NodeInfo::remove_pod` then `add_pod` leave.
        node.pods.swap_remove(position);
        node.pods.push(Arc::clone(pod));
        true
    }

    /// Removes a pod wherever it is (deleted, finished, or a failed assumption: `ForgetPod`).
    pub fn remove_pod(&mut self, uid: &str) -> Option<Arc<PodInfo>> {
        let node_name = self.pod_nodes.remove(uid)?;
        self.assumed.remove(uid);
        let removed = match self.index.get(&node_name) {
            Some(&index) => {
                self.changes.record(index, self.nodes.len());
                self.nodes[index].remove_pod(uid)
            }
            None => {
                let waiting = self.waiting.get_mut(&node_name)?;
                let position = waiting.iter().position(|p| p.uid() == uid)?;
                let pod = waiting.swap_remove(position);
                if waiting.is_empty() {
                    self.waiting.remove(&node_name);
                }
                Some(pod)
            }
        };
        if let Some(pod) = &removed {
            if pod.has_affinity() {
                self.pods_with_affinity -= 1;
            }
            if pod.has_required_anti_affinity() {
                self.pods_with_required_anti_affinity -= 1;
            }
        }
        removed
    }
}

/// The selectors of the workloads that may own pods (Services, ReplicaSets,
/// StatefulSets, ReplicationControllers), for PodTopologySpread's default constraints.
#[derive(Clone, Debug, Default)]
pub struct WorkloadSelectors {
    /// (namespace, kind, name) → selector.
    selectors: BTreeMap<(String, &'static str, String), Selector>,
}

impl Cache {
    /// Records (or, with None, forgets) a workload's selector.
    pub fn set_workload_selector(
        &mut self,
        namespace: &str,
        kind: &'static str,
        name: &str,
        selector: Option<Selector>,
    ) {
        let key = (namespace.to_string(), kind, name.to_string());
        match selector {
            Some(selector) if !selector.is_empty() && !selector.matches_nothing() => {
                self.workloads.selectors.insert(key, selector);
            }
            _ => {
                self.workloads.selectors.remove(&key);
            }
        }
    }

    /// `helper.DefaultSelector`: the requirements of every Service, ReplicationController,
    /// ReplicaSet and StatefulSet in the pod's namespace that selects it, merged.
    pub fn default_selector(&self, pod: &Pod) -> Selector {
        let namespace = pod.metadata.namespace().to_string();
        let labels = pod.metadata.labels_or_empty();
        let mut requirements = Vec::new();
        let start = (namespace.clone(), "", String::new());
        for ((ns, _, _), selector) in self.workloads.selectors.range(start..) {
            if *ns != namespace {
                break;
            }
            if selector.matches(labels) {
                requirements.extend(selector.requirements().iter().cloned());
            }
        }
        if requirements.is_empty() {
            return Selector::everything();
        }
        Selector::everything().add(requirements)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::manifest::decode_object;
    use serde_json::json;

    fn node(name: &str, zone: Option<&str>) -> Arc<Object> {
        let mut labels = json!({ "kubernetes.io/hostname": name });
        if let Some(zone) = zone {
            labels["topology.kubernetes.io/zone"] = json!(zone);
        }
        Arc::new(
            decode_object(
                json!({ "apiVersion": "v1", "kind": "Node",
                    "metadata": { "name": name, "labels": labels },
                    "status": { "allocatable": { "cpu": "4", "memory": "8Gi", "pods": "110" } } }),
                "",
            )
            .unwrap(),
        )
    }

    fn pod(name: &str, app: &str) -> Arc<PodInfo> {
        let object = decode_object(
            json!({ "apiVersion": "v1", "kind": "Pod",
                "metadata": { "name": name, "namespace": "default", "uid": format!("uid-{name}"),
                    "labels": { "app": app } },
                "spec": { "containers": [{ "name": "c", "image": "nginx" }] } }),
            "",
        )
        .unwrap();
        Arc::new(PodInfo::new(Arc::new(object)).unwrap())
    }

    /// What `domain_tally` must equal: the walk over every node.
    fn walked(cache: &Cache, required_keys: &[&str]) -> BTreeMap<String, i64> {
        let mut totals = BTreeMap::new();
        for node in cache.nodes() {
            if !required_keys.iter().all(|k| node.labels().contains_key(*k)) {
                continue;
            }
            let zone = node.labels().get(LABEL_ZONE).cloned().unwrap_or_default();
            *totals.entry(zone).or_insert(0) += web_pods(node);
        }
        totals
    }

    const LABEL_ZONE: &str = "topology.kubernetes.io/zone";

    fn web_pods(node: &NodeInfo) -> i64 {
        node.pods
            .iter()
            .filter(|p| p.labels()["app"] == "web")
            .count() as i64
    }

    fn check(cache: &Cache, required_keys: &[&str]) {
        let key = format!("test\u{0}{}", required_keys.join(","));
        let tally = cache.domain_tally(&key, LABEL_ZONE, required_keys, web_pods);
        let expected = walked(cache, required_keys);
        for (zone, total) in &expected {
            assert_eq!(tally.total(zone), *total, "zone {zone:?}");
        }
        assert_eq!(tally.total("no-such-zone"), 0);
    }

    /// The incremental per-zone tally equals a full walk after every kind of change:
    /// pods added and removed, nodes added, relabelled and removed, and a log that
    /// was cut while a tally was not in use.
    #[test]
    fn domain_tally_equals_the_walk_over_every_node() {
        let mut cache = Cache::default();
        for (name, zone) in [
            ("a", Some("z1")),
            ("b", Some("z1")),
            ("c", Some("z2")),
            ("d", None),
        ] {
            cache.upsert_node(node(name, zone));
        }
        let both: &[&[&str]] = &[&[], &[LABEL_ZONE]];
        for keys in both {
            check(&cache, keys);
        }
        for (i, node_name) in ["a", "b", "c", "d", "a", "c"].iter().enumerate() {
            let app = if i % 3 == 2 { "db" } else { "web" };
            cache.add_pod(pod(&format!("p{i}"), app), node_name, false);
            for keys in both {
                check(&cache, keys);
            }
        }
        cache.remove_pod("uid-p0");
        cache.upsert_node(node("b", Some("z3")));
        cache.upsert_node(node("e", Some("z2")));
        cache.add_pod(pod("p9", "web"), "e", true);
        for keys in both {
            check(&cache, keys);
        }
        cache.remove_node("a");
        for keys in both {
            check(&cache, keys);
        }
        // Many changes while the tallies are idle: the log is cut and they catch up.
        for round in 0..3000 {
            let name = format!("q{round}");
            cache.add_pod(pod(&name, "web"), "c", false);
            cache.remove_pod(&format!("uid-{name}"));
        }
        cache.add_pod(pod("last", "web"), "c", false);
        for keys in both {
            check(&cache, keys);
        }
    }
}
