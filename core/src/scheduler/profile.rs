//! Scheduler profiles as data: the default profile, and a user's
//! `KubeSchedulerConfiguration` (kubescheduler.config.k8s.io/v1) merged into it.
//!
//! Upstream: `pkg/scheduler/apis/config/v1/{default_plugins.go,defaults.go}`
//! (`getDefaultPlugins`, `mergePlugins`) and `pkg/scheduler/framework/runtime/framework.go`
//! (`expandMultiPointPlugins`). The default profile (newer releases) in order, with
//! score weights: SchedulingGates, PrioritySort, NodeUnschedulable, NodeName,
//! TaintToleration 3, NodeAffinity 2, NodePorts, NodeResourcesFit 1,
//! VolumeRestrictions, NodeVolumeLimits, VolumeBinding, VolumeZone,
//! PodTopologySpread 2, InterPodAffinity 2, DefaultPreemption,
//! NodeResourcesBalancedAllocation 1, ImageLocality 1, DefaultBinder.
//! The volume plugins are accepted but do nothing: kubesim simulates no volumes.

use std::sync::Arc;

use serde_json::Value;

use super::framework::Framework;
use super::plugins;
use super::plugins::node_resources_fit::{ResourceSpec, ScoringStrategy, UtilizationShapePoint};
use super::plugins::pod_topology_spread::{DefaultConstraint, DefaultingType};

pub const DEFAULT_SCHEDULER_NAME: &str = "default-scheduler";

/// A plugin in a plugin set, with its weight (score plugins only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginRef {
    pub name: String,
    pub weight: Option<i64>,
}

impl PluginRef {
    fn new(name: &str, weight: Option<i64>) -> PluginRef {
        PluginRef {
            name: name.to_string(),
            weight,
        }
    }
}

/// `v1.PluginSet`.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PluginSet {
    pub enabled: Vec<PluginRef>,
    pub disabled: Vec<String>,
}

/// The extension points a profile configures (`v1.Plugins`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Plugins {
    pub multi_point: PluginSet,
    pub pre_filter: PluginSet,
    pub filter: PluginSet,
    pub post_filter: PluginSet,
    pub pre_score: PluginSet,
    pub score: PluginSet,
    pub bind: PluginSet,
}

/// Plugin arguments kubesim acts on (`pluginConfig`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PluginArgs {
    pub fit_strategy: ScoringStrategy,
    pub fit_resources: Vec<ResourceSpec>,
    pub balanced_resources: Vec<ResourceSpec>,
    pub spread_defaulting: DefaultingType,
    pub spread_default_constraints: Vec<DefaultConstraint>,
    pub hard_pod_affinity_weight: i64,
    pub ignore_preferred_terms_of_existing_pods: bool,
    pub min_candidate_nodes_percentage: i64,
    pub min_candidate_nodes_absolute: i64,
}

impl Default for PluginArgs {
    fn default() -> Self {
        PluginArgs {
            fit_strategy: ScoringStrategy::LeastAllocated,
            fit_resources: plugins::node_resources_fit::default_resources(),
            balanced_resources: plugins::node_resources_fit::default_resources(),
            spread_defaulting: DefaultingType::System,
            spread_default_constraints: Vec::new(),
            hard_pod_affinity_weight: 1,
            ignore_preferred_terms_of_existing_pods: false,
            min_candidate_nodes_percentage: 10,
            min_candidate_nodes_absolute: 100,
        }
    }
}

/// One `KubeSchedulerProfile`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Profile {
    pub scheduler_name: String,
    pub percentage_of_nodes_to_score: Option<i32>,
    /// The user's plugin sets, merged into the defaults when built.
    pub plugins: Plugins,
    pub args: PluginArgs,
}

impl Default for Profile {
    fn default() -> Self {
        Profile {
            scheduler_name: DEFAULT_SCHEDULER_NAME.to_string(),
            percentage_of_nodes_to_score: None,
            plugins: Plugins::default(),
            args: PluginArgs::default(),
        }
    }
}

/// `KubeSchedulerConfiguration`, as far as kubesim simulates it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SchedulerConfig {
    /// Global `percentageOfNodesToScore` (0 = adaptive).
    pub percentage_of_nodes_to_score: i32,
    pub pod_initial_backoff_seconds: i64,
    pub pod_max_backoff_seconds: i64,
    pub profiles: Vec<Profile>,
}

impl Default for SchedulerConfig {
    fn default() -> Self {
        SchedulerConfig {
            percentage_of_nodes_to_score: 0,
            pod_initial_backoff_seconds: 1,
            pod_max_backoff_seconds: 10,
            profiles: vec![Profile::default()],
        }
    }
}

/// The default MultiPoint plugins with their weights.
pub fn default_plugins() -> Vec<PluginRef> {
    [
        ("SchedulingGates", None),
        ("PrioritySort", None),
        ("NodeUnschedulable", None),
        ("NodeName", None),
        ("TaintToleration", Some(3)),
        ("NodeAffinity", Some(2)),
        ("NodePorts", None),
        ("NodeResourcesFit", Some(1)),
        ("VolumeRestrictions", None),
        ("NodeVolumeLimits", None),
        ("VolumeBinding", None),
        ("VolumeZone", None),
        ("PodTopologySpread", Some(2)),
        ("InterPodAffinity", Some(2)),
        ("DefaultPreemption", None),
        ("NodeResourcesBalancedAllocation", Some(1)),
        ("ImageLocality", Some(1)),
        ("DefaultBinder", None),
    ]
    .into_iter()
    .map(|(name, weight)| PluginRef::new(name, weight))
    .collect()
}

/// Plugins kubesim knows. The volume plugins, SchedulingGates and PrioritySort have no
/// filter/score part here (gates and sorting live in the queue).
const KNOWN_PLUGINS: [&str; 21] = [
    "SchedulingGates",
    "PrioritySort",
    "NodeUnschedulable",
    "NodeName",
    "TaintToleration",
    "NodeAffinity",
    "NodePorts",
    "NodeResourcesFit",
    "VolumeRestrictions",
    "EBSLimits",
    "GCEPDLimits",
    "NodeVolumeLimits",
    "AzureDiskLimits",
    "VolumeBinding",
    "VolumeZone",
    "PodTopologySpread",
    "InterPodAffinity",
    "DefaultPreemption",
    "NodeResourcesBalancedAllocation",
    "ImageLocality",
    "DefaultBinder",
];

/// `mergePluginSet`: defaults minus the disabled ("*" for all), re-configured
/// defaults in place, then the user's other plugins.
pub fn merge_plugin_set(defaults: &[PluginRef], custom: &PluginSet) -> Vec<PluginRef> {
    let all_disabled = custom.disabled.iter().any(|d| d == "*");
    let mut replaced = vec![false; custom.enabled.len()];
    let mut merged = Vec::new();
    if !all_disabled {
        for default in defaults {
            if custom.disabled.contains(&default.name) {
                continue;
            }
            match custom.enabled.iter().position(|c| c.name == default.name) {
                Some(index) => {
                    replaced[index] = true;
                    merged.push(custom.enabled[index].clone());
                }
                None => merged.push(default.clone()),
            }
        }
    }
    for (index, plugin) in custom.enabled.iter().enumerate() {
        if !replaced[index] {
            merged.push(plugin.clone());
        }
    }
    merged
}

/// Which extension points a plugin implements in kubesim.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Point {
    PreFilter,
    Filter,
    PostFilter,
    PreScore,
    Score,
    Bind,
}

fn implements(name: &str, point: Point) -> bool {
    use Point::*;
    let points: &[Point] = match name {
        "NodeUnschedulable" | "NodeName" => &[Filter],
        "TaintToleration" => &[Filter, PreScore, Score],
        "NodeAffinity" => &[PreFilter, Filter, PreScore, Score],
        "NodePorts" => &[PreFilter, Filter],
        "NodeResourcesFit" => &[PreFilter, Filter, PreScore, Score],
        "PodTopologySpread" => &[PreFilter, Filter, PreScore, Score],
        "InterPodAffinity" => &[PreFilter, Filter, PreScore, Score],
        "DefaultPreemption" => &[PostFilter],
        "NodeResourcesBalancedAllocation" => &[PreScore, Score],
        "ImageLocality" => &[PreScore, Score],
        "DefaultBinder" => &[Bind],
        _ => &[],
    };
    points.contains(&point)
}

/// `expandMultiPointPlugins` for one extension point: the plugins enabled there
/// specifically come first, then the MultiPoint plugins that implement it, minus
/// those disabled there.
fn expand(multi_point: &[PluginRef], specific: &PluginSet, point: Point) -> Vec<PluginRef> {
    let mut result: Vec<PluginRef> = specific
        .enabled
        .iter()
        .filter(|p| implements(&p.name, point))
        .cloned()
        .collect();
    if specific.disabled.iter().any(|d| d == "*") {
        return result;
    }
    for plugin in multi_point {
        if !implements(&plugin.name, point)
            || specific.disabled.contains(&plugin.name)
            || result.iter().any(|p| p.name == plugin.name)
        {
            continue;
        }
        result.push(plugin.clone());
    }
    result
}

impl Profile {
    /// The merged MultiPoint list of this profile.
    pub fn multi_point(&self) -> Vec<PluginRef> {
        merge_plugin_set(&default_plugins(), &self.plugins.multi_point)
    }

    /// Instantiates the profile.
    pub fn build(&self) -> Result<Framework, String> {
        let multi_point = self.multi_point();
        let sets = &self.plugins;
        for plugin in multi_point.iter().chain(
            [
                &sets.pre_filter,
                &sets.filter,
                &sets.post_filter,
                &sets.pre_score,
                &sets.score,
                &sets.bind,
            ]
            .iter()
            .flat_map(|set| set.enabled.iter()),
        ) {
            if !KNOWN_PLUGINS.contains(&plugin.name.as_str()) {
                return Err(format!(
                    "couldn't create scheduler using provider \"DefaultProvider\": plugin \"{}\" does not exist",
                    plugin.name
                ));
            }
        }
        let args = &self.args;
        let fit = Arc::new(plugins::node_resources_fit::NodeResourcesFit {
            strategy: args.fit_strategy.clone(),
            resources: args.fit_resources.clone(),
        });
        let balanced = Arc::new(plugins::balanced_allocation::BalancedAllocation {
            resources: args.balanced_resources.clone(),
        });
        let taint = Arc::new(plugins::taint_toleration::TaintToleration);
        let node_affinity = Arc::new(plugins::node_affinity::NodeAffinity);
        let ports = Arc::new(plugins::node_ports::NodePorts);
        let spread = Arc::new(plugins::pod_topology_spread::PodTopologySpread::new(
            args.spread_defaulting,
            args.spread_default_constraints.clone(),
        ));
        let inter_pod = Arc::new(plugins::inter_pod_affinity::InterPodAffinity {
            hard_pod_affinity_weight: args.hard_pod_affinity_weight,
            ignore_preferred_terms_of_existing_pods: args.ignore_preferred_terms_of_existing_pods,
        });
        let preemption = Arc::new(plugins::default_preemption::DefaultPreemption {
            min_candidate_nodes_percentage: args.min_candidate_nodes_percentage,
            min_candidate_nodes_absolute: args.min_candidate_nodes_absolute,
        });
        let image = Arc::new(plugins::image_locality::ImageLocality);
        let mut framework = Framework {
            scheduler_name: self.scheduler_name.clone(),
            pre_filter: Vec::new(),
            filter: Vec::new(),
            post_filter: Vec::new(),
            pre_score: Vec::new(),
            score: Vec::new(),
            bind: Vec::new(),
            percentage_of_nodes_to_score: self.percentage_of_nodes_to_score,
        };
        for plugin in expand(&multi_point, &sets.pre_filter, Point::PreFilter) {
            framework.pre_filter.push(match plugin.name.as_str() {
                "NodeAffinity" => node_affinity.clone(),
                "NodePorts" => ports.clone(),
                "NodeResourcesFit" => fit.clone(),
                "PodTopologySpread" => spread.clone(),
                _ => inter_pod.clone(),
            });
        }
        for plugin in expand(&multi_point, &sets.filter, Point::Filter) {
            framework.filter.push(match plugin.name.as_str() {
                "NodeUnschedulable" => Arc::new(plugins::node_unschedulable::NodeUnschedulable),
                "NodeName" => Arc::new(plugins::node_name::NodeName),
                "TaintToleration" => taint.clone(),
                "NodeAffinity" => node_affinity.clone(),
                "NodePorts" => ports.clone(),
                "NodeResourcesFit" => fit.clone(),
                "PodTopologySpread" => spread.clone(),
                _ => inter_pod.clone(),
            });
        }
        for _ in expand(&multi_point, &sets.post_filter, Point::PostFilter) {
            framework.post_filter.push(preemption.clone());
        }
        for plugin in expand(&multi_point, &sets.pre_score, Point::PreScore) {
            framework.pre_score.push(match plugin.name.as_str() {
                "TaintToleration" => taint.clone(),
                "NodeAffinity" => node_affinity.clone(),
                "NodeResourcesFit" => fit.clone(),
                "PodTopologySpread" => spread.clone(),
                "InterPodAffinity" => inter_pod.clone(),
                "NodeResourcesBalancedAllocation" => balanced.clone(),
                _ => image.clone(),
            });
        }
        for plugin in expand(&multi_point, &sets.score, Point::Score) {
            // A weight of 0 (or none) counts as 1, as upstream defaults it.
            let weight = plugin.weight.filter(|w| *w > 0).unwrap_or(1);
            let instance: Arc<dyn super::framework::ScorePlugin> = match plugin.name.as_str() {
                "TaintToleration" => taint.clone(),
                "NodeAffinity" => node_affinity.clone(),
                "NodeResourcesFit" => fit.clone(),
                "PodTopologySpread" => spread.clone(),
                "InterPodAffinity" => inter_pod.clone(),
                "NodeResourcesBalancedAllocation" => balanced.clone(),
                _ => image.clone(),
            };
            framework.score.push((instance, weight));
        }
        for _ in expand(&multi_point, &sets.bind, Point::Bind) {
            framework
                .bind
                .push(Arc::new(plugins::default_binder::DefaultBinder));
        }
        Ok(framework)
    }
}

fn field_error(path: &str, message: &str) -> String {
    format!("{path}: {message}")
}

fn parse_plugin_set(value: Option<&Value>, path: &str) -> Result<PluginSet, String> {
    let mut set = PluginSet::default();
    let Some(value) = value else {
        return Ok(set);
    };
    for (index, entry) in value
        .get("enabled")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = entry.get("name").and_then(Value::as_str).ok_or_else(|| {
            field_error(&format!("{path}.enabled[{index}].name"), "Required value")
        })?;
        let weight = entry.get("weight").and_then(Value::as_i64);
        set.enabled.push(PluginRef::new(name, weight));
    }
    for (index, entry) in value
        .get("disabled")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let name = entry.get("name").and_then(Value::as_str).ok_or_else(|| {
            field_error(&format!("{path}.disabled[{index}].name"), "Required value")
        })?;
        set.disabled.push(name.to_string());
    }
    Ok(set)
}

fn parse_resources(value: Option<&Value>) -> Option<Vec<ResourceSpec>> {
    let resources: Vec<ResourceSpec> = value?
        .as_array()?
        .iter()
        .filter_map(|r| {
            Some(ResourceSpec {
                name: r.get("name")?.as_str()?.to_string(),
                weight: r.get("weight").and_then(Value::as_i64).unwrap_or(1),
            })
        })
        .collect();
    Some(resources)
}

impl SchedulerConfig {
    /// Parses a `KubeSchedulerConfiguration` (YAML or JSON). Unknown plugins and bad
    /// values are errors; what kubesim does not simulate (leader election, client
    /// connection, extenders) is accepted and ignored.
    pub fn from_yaml(text: &str) -> Result<SchedulerConfig, String> {
        let value: Value = serde_yaml::from_str(text)
            .map_err(|e| format!("error decoding scheduler configuration: {e}"))?;
        let api_version = value
            .get("apiVersion")
            .and_then(Value::as_str)
            .unwrap_or("");
        let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
        if kind != "KubeSchedulerConfiguration"
            || !api_version.starts_with("kubescheduler.config.k8s.io/")
        {
            return Err(format!(
                "no kind \"{kind}\" is registered for version \"{api_version}\""
            ));
        }
        let mut config = SchedulerConfig::default();
        if let Some(p) = value
            .get("percentageOfNodesToScore")
            .and_then(Value::as_i64)
        {
            if !(0..=100).contains(&p) {
                return Err(field_error(
                    "percentageOfNodesToScore",
                    &format!("Invalid value: {p}: not in valid range [0-100]"),
                ));
            }
            config.percentage_of_nodes_to_score = p as i32;
        }
        if let Some(s) = value
            .get("podInitialBackoffSeconds")
            .and_then(Value::as_i64)
        {
            config.pod_initial_backoff_seconds = s;
        }
        if let Some(s) = value.get("podMaxBackoffSeconds").and_then(Value::as_i64) {
            config.pod_max_backoff_seconds = s;
        }
        if config.pod_initial_backoff_seconds <= 0 {
            return Err(field_error(
                "podInitialBackoffSeconds",
                "Invalid value: must be greater than 0",
            ));
        }
        if config.pod_max_backoff_seconds < config.pod_initial_backoff_seconds {
            return Err(field_error(
                "podMaxBackoffSeconds",
                "Invalid value: must be greater than or equal to PodInitialBackoffSeconds",
            ));
        }
        if let Some(profiles) = value.get("profiles").and_then(Value::as_array) {
            config.profiles.clear();
            for (index, profile_value) in profiles.iter().enumerate() {
                config
                    .profiles
                    .push(parse_profile(profile_value, &format!("profiles[{index}]"))?);
            }
            if config.profiles.is_empty() {
                config.profiles.push(Profile::default());
            }
        }
        for (index, profile) in config.profiles.iter().enumerate() {
            if config.profiles[..index]
                .iter()
                .any(|p| p.scheduler_name == profile.scheduler_name)
            {
                return Err(field_error(
                    &format!("profiles[{index}].schedulerName"),
                    &format!("Duplicate value: \"{}\"", profile.scheduler_name),
                ));
            }
            profile.build()?;
        }
        Ok(config)
    }
}

fn parse_profile(value: &Value, path: &str) -> Result<Profile, String> {
    let mut profile = Profile::default();
    if let Some(name) = value.get("schedulerName").and_then(Value::as_str) {
        profile.scheduler_name = name.to_string();
    }
    if let Some(p) = value
        .get("percentageOfNodesToScore")
        .and_then(Value::as_i64)
    {
        if !(0..=100).contains(&p) {
            return Err(field_error(
                &format!("{path}.percentageOfNodesToScore"),
                &format!("Invalid value: {p}: not in valid range [0-100]"),
            ));
        }
        profile.percentage_of_nodes_to_score = Some(p as i32);
    }
    if let Some(plugins) = value.get("plugins") {
        let p = |key: &str| parse_plugin_set(plugins.get(key), &format!("{path}.plugins.{key}"));
        profile.plugins = Plugins {
            multi_point: p("multiPoint")?,
            pre_filter: p("preFilter")?,
            filter: p("filter")?,
            post_filter: p("postFilter")?,
            pre_score: p("preScore")?,
            score: p("score")?,
            bind: p("bind")?,
        };
    }
    for (index, entry) in value
        .get("pluginConfig")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .enumerate()
    {
        let entry_path = format!("{path}.pluginConfig[{index}]");
        let name = entry.get("name").and_then(Value::as_str).unwrap_or("");
        let args = entry.get("args").cloned().unwrap_or(Value::Null);
        match name {
            "NodeResourcesFit" => {
                if let Some(strategy) = args.get("scoringStrategy") {
                    if let Some(resources) = parse_resources(strategy.get("resources")) {
                        profile.args.fit_resources = resources;
                    }
                    let strategy_type = strategy
                        .get("type")
                        .and_then(Value::as_str)
                        .unwrap_or("LeastAllocated");
                    profile.args.fit_strategy = match strategy_type {
                        "LeastAllocated" => ScoringStrategy::LeastAllocated,
                        "MostAllocated" => ScoringStrategy::MostAllocated,
                        "RequestedToCapacityRatio" => {
                            let shape: Vec<UtilizationShapePoint> = strategy
                                .get("requestedToCapacityRatio")
                                .and_then(|r| r.get("shape"))
                                .and_then(Value::as_array)
                                .into_iter()
                                .flatten()
                                .map(|point| UtilizationShapePoint {
                                    utilization: point
                                        .get("utilization")
                                        .and_then(Value::as_i64)
                                        .unwrap_or(0),
                                    score: point.get("score").and_then(Value::as_i64).unwrap_or(0),
                                })
                                .collect();
                            if shape.is_empty() {
                                return Err(field_error(
                                    &format!(
                                        "{entry_path}.args.scoringStrategy.requestedToCapacityRatio.shape"
                                    ),
                                    "Required value: at least one point must be specified",
                                ));
                            }
                            ScoringStrategy::RequestedToCapacityRatio(shape)
                        }
                        other => {
                            return Err(field_error(
                                &format!("{entry_path}.args.scoringStrategy.type"),
                                &format!(
                                    "Unsupported value: \"{other}\": supported values: \"LeastAllocated\", \"MostAllocated\", \"RequestedToCapacityRatio\""
                                ),
                            ));
                        }
                    };
                }
            }
            "NodeResourcesBalancedAllocation" => {
                if let Some(resources) = parse_resources(args.get("resources")) {
                    profile.args.balanced_resources = resources;
                }
            }
            "PodTopologySpread" => {
                match args.get("defaultingType").and_then(Value::as_str) {
                    Some("List") => profile.args.spread_defaulting = DefaultingType::List,
                    Some("System") | None => {}
                    Some(other) => {
                        return Err(field_error(
                            &format!("{entry_path}.args.defaultingType"),
                            &format!(
                                "Unsupported value: \"{other}\": supported values: \"System\", \"List\""
                            ),
                        ));
                    }
                }
                if let Some(constraints) = args.get("defaultConstraints").and_then(Value::as_array)
                {
                    profile.args.spread_default_constraints = constraints
                        .iter()
                        .map(|c| DefaultConstraint {
                            max_skew: c.get("maxSkew").and_then(Value::as_i64).unwrap_or(1),
                            topology_key: c
                                .get("topologyKey")
                                .and_then(Value::as_str)
                                .unwrap_or("")
                                .to_string(),
                            schedule_anyway: c.get("whenUnsatisfiable").and_then(Value::as_str)
                                == Some("ScheduleAnyway"),
                        })
                        .collect();
                }
            }
            "InterPodAffinity" => {
                if let Some(weight) = args.get("hardPodAffinityWeight").and_then(Value::as_i64) {
                    if !(0..=100).contains(&weight) {
                        return Err(field_error(
                            &format!("{entry_path}.args.hardPodAffinityWeight"),
                            &format!("Invalid value: {weight}: not in valid range [0-100]"),
                        ));
                    }
                    profile.args.hard_pod_affinity_weight = weight;
                }
                if let Some(ignore) = args
                    .get("ignorePreferredTermsOfExistingPods")
                    .and_then(Value::as_bool)
                {
                    profile.args.ignore_preferred_terms_of_existing_pods = ignore;
                }
            }
            "DefaultPreemption" => {
                if let Some(p) = args
                    .get("minCandidateNodesPercentage")
                    .and_then(Value::as_i64)
                {
                    profile.args.min_candidate_nodes_percentage = p;
                }
                if let Some(a) = args
                    .get("minCandidateNodesAbsolute")
                    .and_then(Value::as_i64)
                {
                    profile.args.min_candidate_nodes_absolute = a;
                }
            }
            _ => {}
        }
    }
    Ok(profile)
}
