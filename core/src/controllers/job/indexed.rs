//! Indexed Jobs: each pod carries a completion index, and the Job completes when
//! every index in 0..completions has a succeeded pod.
//!
//! Upstream: `pkg/controller/job/indexed_job_utils.go` (getCompletionIndex,
//! firstPendingIndexes, succeededIndexesFromString / String, podGenerateNameWithIndex,
//! addCompletionIndexEnvVariables).

use std::collections::BTreeSet;

use crate::model::pod::Pod;

/// `batch.kubernetes.io/job-completion-index`, the annotation and label of a pod's index.
pub const COMPLETION_INDEX_ANNOTATION: &str = "batch.kubernetes.io/job-completion-index";
/// `JOB_COMPLETION_INDEX`, the env var every container gets.
pub const COMPLETION_INDEX_ENV: &str = "JOB_COMPLETION_INDEX";
/// `validation.DNS1123SubdomainMaxLength` minus the generated suffix (63 − 5 = 58).
const MAX_GENERATED_NAME_LENGTH: usize = 58;

/// `getCompletionIndex`: the pod's index from its annotation, if valid and in range.
pub fn completion_index(pod: &Pod, completions: i32) -> Option<i32> {
    let text = pod.metadata.annotation(COMPLETION_INDEX_ANNOTATION)?;
    let index: i32 = text.parse().ok()?;
    (0..completions).contains(&index).then_some(index)
}

/// `podGenerateNameWithIndex`: `<job>-<index>-`, with the job name cut so that the
/// whole prefix stays within 58 characters.
pub fn generate_name_with_index(job_name: &str, index: i32) -> String {
    let append = format!("-{index}-");
    let prefix = format!("{job_name}{append}");
    if prefix.len() > MAX_GENERATED_NAME_LENGTH {
        let keep = MAX_GENERATED_NAME_LENGTH - append.len();
        format!("{}{append}", &job_name[..keep.min(job_name.len())])
    } else {
        prefix
    }
}

/// `firstPendingIndexes`: the `count` smallest indexes below `completions` that neither
/// succeeded nor have an active pod.
pub fn first_pending_indexes(
    succeeded: &BTreeSet<i32>,
    active: &BTreeSet<i32>,
    count: usize,
    completions: i32,
) -> Vec<i32> {
    (0..completions)
        .filter(|index| !succeeded.contains(index) && !active.contains(index))
        .take(count)
        .collect()
}

/// `orderedIntervals.String`: "0-2,4,6-7".
pub fn format_indexes(indexes: &BTreeSet<i32>) -> String {
    let mut parts: Vec<String> = Vec::new();
    let mut iter = indexes.iter().copied().peekable();
    while let Some(first) = iter.next() {
        let mut last = first;
        while iter.peek() == Some(&(last + 1)) {
            last += 1;
            iter.next();
        }
        parts.push(if first == last {
            first.to_string()
        } else {
            format!("{first}-{last}")
        });
    }
    parts.join(",")
}

/// `parseIndexesFromString`: "0-2,4" back to indexes, keeping those below `completions`.
pub fn parse_indexes(text: &str, completions: i32) -> BTreeSet<i32> {
    let mut indexes = BTreeSet::new();
    for part in text.split(',').filter(|p| !p.is_empty()) {
        let (first, last) = match part.split_once('-') {
            Some((a, b)) => (a.parse::<i32>(), b.parse::<i32>()),
            None => (part.parse::<i32>(), part.parse::<i32>()),
        };
        if let (Ok(first), Ok(last)) = (first, last) {
            for index in first.max(0)..=last.min(completions - 1) {
                indexes.insert(index);
            }
        }
    }
    indexes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn indexes_print_as_intervals_and_parse_back() {
        let indexes: BTreeSet<i32> = [0, 1, 2, 4, 6, 7].into_iter().collect();
        assert_eq!(format_indexes(&indexes), "0-2,4,6-7");
        assert_eq!(parse_indexes("0-2,4,6-7", 10), indexes);
        assert_eq!(
            parse_indexes("0-2,4,6-7", 5),
            [0, 1, 2, 4].into_iter().collect()
        );
        assert_eq!(format_indexes(&BTreeSet::new()), "");
    }

    #[test]
    fn pending_indexes_skip_succeeded_and_active_ones() {
        let succeeded = [0, 2].into_iter().collect();
        let active = [1].into_iter().collect();
        assert_eq!(first_pending_indexes(&succeeded, &active, 2, 6), vec![3, 4]);
        assert_eq!(first_pending_indexes(&succeeded, &active, 9, 4), vec![3]);
    }

    #[test]
    fn generated_names_keep_the_index_within_58_characters() {
        assert_eq!(generate_name_with_index("pi", 3), "pi-3-");
        let long = "a".repeat(60);
        let name = generate_name_with_index(&long, 12);
        assert_eq!(name.len(), 58);
        assert!(name.ends_with("a-12-"));
    }
}
