//! Node selection: a pod's `nodeSelector` and node affinity, matched against a node.
//!
//! Upstream: `staging/src/k8s.io/component-helpers/scheduling/corev1/nodeaffinity/nodeaffinity.go`
//! (`GetRequiredNodeAffinity`, `LazyErrorNodeSelector`, `PreferredSchedulingTerms`).
//! Terms are ORed; requirements inside a term are ANDed; an empty term matches nothing;
//! a term that does not parse (bad operator, `Gt` without an integer) matches nothing.
//! Parsing happens once per pod; matching is a few label lookups per node.

use std::collections::BTreeMap;

use super::node::Node;
use super::pod::{
    NodeSelector, NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm,
};
use super::selector::{Operator, Requirement};

/// The only node field a `matchFields` requirement can name.
pub const FIELD_METADATA_NAME: &str = "metadata.name";

/// A node's name and labels: all that node selection looks at.
#[derive(Clone, Copy, Debug)]
pub struct NodeFields<'a> {
    pub name: &'a str,
    pub labels: &'a BTreeMap<String, String>,
}

impl<'a> NodeFields<'a> {
    pub fn of(node: &'a Node) -> NodeFields<'a> {
        NodeFields {
            name: node.metadata.name(),
            labels: node.metadata.labels_or_empty(),
        }
    }
}

/// One field requirement (`metadata.name` In/NotIn exactly one value).
#[derive(Clone, Debug, PartialEq, Eq)]
struct FieldRequirement {
    key: String,
    value: String,
    equal: bool,
}

/// A parsed `NodeSelectorTerm`. `None` parts are absent; a term that failed to parse
/// never matches (upstream reports its errors only when no term matched, and the
/// scheduler ignores them).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParsedTerm {
    match_labels: Option<Vec<Requirement>>,
    match_fields: Option<Vec<FieldRequirement>>,
    parse_error: Option<String>,
}

impl ParsedTerm {
    /// `newNodeSelectorTerm`.
    pub fn parse(term: &NodeSelectorTerm) -> ParsedTerm {
        let mut errors = Vec::new();
        let expressions = term.match_expressions.as_deref().unwrap_or(&[]);
        let fields = term.match_fields.as_deref().unwrap_or(&[]);
        let match_labels = (!expressions.is_empty()).then(|| {
            expressions
                .iter()
                .filter_map(|expression| match label_requirement(expression) {
                    Ok(requirement) => Some(requirement),
                    Err(error) => {
                        errors.push(error);
                        None
                    }
                })
                .collect()
        });
        let match_fields = (!fields.is_empty()).then(|| {
            fields
                .iter()
                .filter_map(|expression| match field_requirement(expression) {
                    Ok(requirement) => Some(requirement),
                    Err(error) => {
                        errors.push(error);
                        None
                    }
                })
                .collect()
        });
        ParsedTerm {
            match_labels,
            match_fields,
            parse_error: (!errors.is_empty()).then(|| errors.join(", ")),
        }
    }

    /// `nodeSelectorTerm.match`. Field requirements are skipped for a node without a name,
    /// as upstream does (`len(nodeFields) > 0`).
    pub fn matches(&self, node: NodeFields<'_>) -> bool {
        if self.parse_error.is_some() {
            return false;
        }
        if let Some(requirements) = &self.match_labels
            && !requirements.iter().all(|r| r.matches(node.labels))
        {
            return false;
        }
        if let Some(requirements) = &self.match_fields
            && !node.name.is_empty()
            && !requirements.iter().all(|r| {
                let actual = if r.key == FIELD_METADATA_NAME {
                    node.name
                } else {
                    ""
                };
                (actual == r.value) == r.equal
            })
        {
            return false;
        }
        true
    }

    /// The node names a term pins with `metadata.name In [x]`, if it pins one (what the
    /// NodeAffinity PreFilter turns into a node-name set; DaemonSet pods carry one).
    pub fn pinned_node_name(&self) -> Option<&str> {
        if self.parse_error.is_some() || self.match_labels.is_some() {
            return None;
        }
        let fields = self.match_fields.as_ref()?;
        fields
            .iter()
            .find(|r| r.key == FIELD_METADATA_NAME && r.equal)
            .map(|r| r.value.as_str())
    }

    pub fn parse_error(&self) -> Option<&str> {
        self.parse_error.as_deref()
    }
}

fn is_empty_term(term: &NodeSelectorTerm) -> bool {
    term.match_expressions.as_deref().unwrap_or(&[]).is_empty()
        && term.match_fields.as_deref().unwrap_or(&[]).is_empty()
}

/// `nodeSelectorRequirementsAsSelector` for one requirement.
fn label_requirement(expression: &NodeSelectorRequirement) -> Result<Requirement, String> {
    let operator = match expression.operator.as_deref().unwrap_or("") {
        "In" => Operator::In,
        "NotIn" => Operator::NotIn,
        "Exists" => Operator::Exists,
        "DoesNotExist" => Operator::DoesNotExist,
        "Gt" => Operator::GreaterThan,
        "Lt" => Operator::LessThan,
        other => {
            return Err(format!(
                "Unsupported value: \"{other}\": supported values: \"In\", \"NotIn\", \"Exists\", \"DoesNotExist\", \"Gt\", \"Lt\""
            ));
        }
    };
    Requirement::new(
        expression.key.as_deref().unwrap_or(""),
        operator,
        expression.values.clone().unwrap_or_default(),
    )
    .map_err(|error| error.to_string())
}

/// `nodeSelectorRequirementsAsFieldSelector` for one requirement: In/NotIn, one value.
fn field_requirement(expression: &NodeSelectorRequirement) -> Result<FieldRequirement, String> {
    let equal = match expression.operator.as_deref().unwrap_or("") {
        "In" => true,
        "NotIn" => false,
        other => {
            return Err(format!(
                "Unsupported value: \"{other}\": supported values: \"In\", \"NotIn\""
            ));
        }
    };
    match expression.values.as_deref().unwrap_or(&[]) {
        [value] => Ok(FieldRequirement {
            key: expression.key.clone().unwrap_or_default(),
            value: value.clone(),
            equal,
        }),
        _ => Err("must have one element".to_string()),
    }
}

/// `LazyErrorNodeSelector`: ORed terms, empty terms dropped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct NodeSelectorMatcher {
    terms: Vec<ParsedTerm>,
}

impl NodeSelectorMatcher {
    pub fn new(selector: &NodeSelector) -> NodeSelectorMatcher {
        NodeSelectorMatcher {
            terms: selector
                .node_selector_terms
                .iter()
                .flatten()
                .filter(|term| !is_empty_term(term))
                .map(ParsedTerm::parse)
                .collect(),
        }
    }

    /// True if any term matches (no terms: no match).
    pub fn matches(&self, node: NodeFields<'_>) -> bool {
        self.terms.iter().any(|term| term.matches(node))
    }

    pub fn terms(&self) -> &[ParsedTerm] {
        &self.terms
    }
}

/// `RequiredNodeAffinity`: the pod's `nodeSelector` (every label equal) and its
/// `requiredDuringSchedulingIgnoredDuringExecution` terms.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct RequiredNodeAffinity {
    node_selector: Option<BTreeMap<String, String>>,
    affinity: Option<NodeSelectorMatcher>,
}

impl RequiredNodeAffinity {
    /// `GetRequiredNodeAffinity`.
    pub fn of(pod: &Pod) -> RequiredNodeAffinity {
        let spec = pod.spec.as_ref();
        let node_selector = spec
            .and_then(|s| s.node_selector.as_ref())
            .filter(|selector| !selector.is_empty())
            .cloned();
        let affinity = spec
            .and_then(|s| s.affinity.as_ref())
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|a| {
                a.required_during_scheduling_ignored_during_execution
                    .as_ref()
            })
            .map(NodeSelectorMatcher::new);
        RequiredNodeAffinity {
            node_selector,
            affinity,
        }
    }

    /// True when the pod restricts nodes at all (the plugin's PreFilter skips otherwise).
    pub fn is_empty(&self) -> bool {
        self.node_selector.is_none() && self.affinity.is_none()
    }

    /// `RequiredNodeAffinity.Match`.
    pub fn matches(&self, node: NodeFields<'_>) -> bool {
        if let Some(selector) = &self.node_selector
            && !selector
                .iter()
                .all(|(key, value)| node.labels.get(key) == Some(value))
        {
            return false;
        }
        match &self.affinity {
            Some(matcher) => matcher.matches(node),
            None => true,
        }
    }

    pub fn matches_node(&self, node: &Node) -> bool {
        self.matches(NodeFields::of(node))
    }

    /// The required terms, if the pod has node affinity.
    pub fn affinity(&self) -> Option<&NodeSelectorMatcher> {
        self.affinity.as_ref()
    }
}

/// `PreferredSchedulingTerms`: weighted terms; zero-weight and empty terms are dropped.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PreferredTerms {
    terms: Vec<(ParsedTerm, i64)>,
}

impl PreferredTerms {
    /// `NewPreferredSchedulingTerms`: any parse error fails the whole list.
    pub fn new(terms: &[PreferredSchedulingTerm]) -> Result<PreferredTerms, String> {
        let mut parsed = Vec::new();
        let mut errors = Vec::new();
        for term in terms {
            let weight = term.weight.unwrap_or(0);
            let Some(preference) = term.preference.as_ref() else {
                continue;
            };
            if weight == 0 || is_empty_term(preference) {
                continue;
            }
            let parsed_term = ParsedTerm::parse(preference);
            match parsed_term.parse_error() {
                Some(error) => errors.push(error.to_string()),
                None => parsed.push((parsed_term, i64::from(weight))),
            }
        }
        if !errors.is_empty() {
            return Err(errors.join(", "));
        }
        Ok(PreferredTerms { terms: parsed })
    }

    /// The pod's preferred node-affinity terms.
    pub fn of(pod: &Pod) -> Result<PreferredTerms, String> {
        let terms = pod
            .spec
            .as_ref()
            .and_then(|s| s.affinity.as_ref())
            .and_then(|a| a.node_affinity.as_ref())
            .and_then(|a| {
                a.preferred_during_scheduling_ignored_during_execution
                    .as_deref()
            })
            .unwrap_or(&[]);
        PreferredTerms::new(terms)
    }

    pub fn is_empty(&self) -> bool {
        self.terms.is_empty()
    }

    /// `Score`: the sum of the weights of the matching terms. Example: terms
    /// `{weight 2: zone=a}` and `{weight 5: disk=ssd}` give a node labelled zone=a,
    /// disk=ssd 7, one labelled only zone=a 2.
    pub fn score(&self, node: NodeFields<'_>) -> i64 {
        self.terms
            .iter()
            .filter(|(term, _)| term.matches(node))
            .map(|(_, weight)| weight)
            .sum()
    }
}
