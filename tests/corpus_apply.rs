//! `kubectl apply -f` of every manifest in the corpus, through the interpreter:
//! clean files apply, broken ones fail with an error naming the file. Each file
//! gets a fresh cluster with the namespaces its objects name (as a user would
//! create them first). Expectations come from the notes in `INDEX.tsv`.

use kubesim::kubectl::files::Files;
use kubesim::kubectl::run_with_files;
use kubesim::model::manifest::parse_documents;
use kubesim::model::registry::lookup_kind;
use kubesim::{Simulation, SimulationConfig};

/// Notes that say a file may not apply as published (placeholders, patches,
/// deliberately broken lab files, removed APIs, ...).
const MAY_FAIL: &[&str] = &[
    "contains-${",
    "angle-bracket-placeholder",
    "shell-placeholder",
    "kustomize-patch",
    "troubleshooting-lab",
    "docs-expect",
    "removed-api",
    "removed-field",
    "schema-",
    "missing-metadata.name",
    "feature-gated",
    "request ",
];

/// Notes that say a file is broken as published: applying it must fail.
const MUST_FAIL: &[&str] = &[
    "YAML-PARSE-ERROR",
    "tab-indentation",
    "invalid-YAML-escape",
    "duplicate-keys",
    "missing-apiVersion",
];

/// Files the index does not mark but that a real API server rejects too, each
/// with the reason (found by this test; the validation is upstream's).
const KNOWN_BROKEN: &[(&str, &str)] = &[
    (
        "manifests/kubernetes-examples/_archived/volumes/aws_ebs/aws-ebs-web.yaml",
        "containerPort protocol \"tcp\": only \"TCP\", \"UDP\", \"SCTP\" are valid",
    ),
    (
        "manifests/kubernetes-examples/_archived/volumes/cinder/cinder-web.yaml",
        "containerPort protocol \"tcp\": only \"TCP\", \"UDP\", \"SCTP\" are valid",
    ),
];

/// Files that should apply here but do not. Pinned at zero.
const EXPECTED_UNEXPLAINED_FAILURES: usize = 0;

#[test]
fn every_corpus_manifest_applies_or_fails_naming_its_file() {
    let dir = kubesim_tests::shared_dir().join("corpus");
    let index = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv is readable");
    let mut applied = 0;
    let mut unsupported = 0;
    let mut failed_as_expected = 0;
    let mut unexplained = Vec::new();
    for line in index.lines().skip(1).filter(|line| !line.trim().is_empty()) {
        let columns: Vec<&str> = line.split('\t').collect();
        let path = columns[0];
        let notes = columns.get(6).copied().unwrap_or("");
        // Kinds kubesim does not serve (CRDs) fail with "ensure CRDs are installed
        // first", as on a cluster without them; only served kinds are applied.
        let kinds = columns.get(4).copied().unwrap_or("");
        let served = kinds
            .split(',')
            .map(str::trim)
            .filter(|k| !k.is_empty())
            .all(|entry| {
                let (api_version, kind) = entry.rsplit_once('/').unwrap_or(("", entry));
                lookup_kind(api_version, kind).is_some() || kind == "List"
            });
        if !served && !notes.contains("removed-api") {
            unsupported += 1;
            continue;
        }
        let text = std::fs::read_to_string(dir.join(path)).expect("corpus file is readable");
        let mut simulation = Simulation::new(SimulationConfig::default());
        // Namespaces the objects name, created first as a user would.
        let mut namespaces: Vec<String> = Vec::new();
        for document in parse_documents(&text) {
            let Ok(value) = document.value else { continue };
            let items = match value.get("items").and_then(|items| items.as_array()) {
                Some(items) => items.clone(),
                None => vec![value],
            };
            for item in items {
                if let Some(namespace) =
                    item.pointer("/metadata/namespace").and_then(|n| n.as_str())
                    && !namespaces.iter().any(|seen| seen == namespace)
                {
                    namespaces.push(namespace.to_string());
                }
            }
        }
        for namespace in &namespaces {
            run_with_files(
                &mut simulation,
                &format!("kubectl create namespace {namespace}"),
                "",
                &Files::new(),
            );
        }
        let files = Files::new().with(path, text.clone());
        let output = run_with_files(
            &mut simulation,
            &format!("kubectl apply -f {path}"),
            "",
            &files,
        );
        let must_fail = MUST_FAIL.iter().any(|note| notes.contains(note));
        let known_broken = KNOWN_BROKEN.iter().any(|(file, _)| *file == path);
        let may_fail = MAY_FAIL.iter().any(|note| notes.contains(note));
        if output.exit_code == 0 {
            assert!(
                !must_fail && !known_broken,
                "{path} is broken as published ({notes}) but applied:\n{}",
                output.stdout
            );
            assert!(!output.stdout.is_empty(), "{path} applied nothing");
            applied += 1;
            continue;
        }
        // Every failure names the file (or, for an Invalid object, the object),
        // and nothing panicked or hung.
        let names_source = output.stderr.contains(path) || output.stderr.contains(" is invalid");
        assert!(
            names_source,
            "{path}: the error does not name the file:\n{}",
            output.stderr
        );
        if must_fail || may_fail || known_broken {
            failed_as_expected += 1;
        } else {
            unexplained.push(format!("{path}: {}", output.stderr.trim_end()));
        }
    }
    eprintln!(
        "corpus apply: {applied} applied, {failed_as_expected} failed as their notes expect, {unsupported} of unserved kinds skipped, {} unexplained",
        unexplained.len()
    );
    assert_eq!(
        unexplained.len(),
        EXPECTED_UNEXPLAINED_FAILURES,
        "files that should apply but did not:\n{}",
        unexplained.join("\n")
    );
}
