//! The manifest corpus: every real manifest decodes as the API server would,
//! prints back equal as data, and every broken one fails with the error kubectl
//! gives. Expectations come from the notes in `INDEX.tsv`, not a hand list.

use std::collections::BTreeMap;

use kubesim::model::manifest::{
    ManifestError, ManifestErrorKind, decode_manifests, parse_documents, to_json, to_yaml,
};
use serde_json::Value;

// Pinned tallies: a change in either direction fails, so improvements are
// recorded on purpose and regressions are caught.
const EXPECTED_FILES: usize = 788;
const EXPECTED_DECODED: usize = 834;
const EXPECTED_ROUND_TRIPPED: usize = 834;
const EXPECTED_UNSUPPORTED: usize = 87;
const EXPECTED_KYAML_FILES: usize = 144;
/// Errors on broken files (and removed APIs), by class; `field` covers unknown
/// fields, wrong types and invalid values.
const EXPECTED_ERRORS_BY_CLASS: &[(&str, usize)] = &[
    ("duplicate-key", 6),
    ("field", 6),
    ("missing-type-info", 1),
    ("no-match", 13),
    ("syntax", 3),
];

struct Row {
    path: String,
    notes: Vec<String>,
}

fn index() -> Vec<Row> {
    let dir = kubesim_tests::shared_dir().join("corpus");
    let text = std::fs::read_to_string(dir.join("INDEX.tsv")).expect("INDEX.tsv is readable");
    text.lines()
        .skip(1)
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            let columns: Vec<&str> = line.split('\t').collect();
            Row {
                path: columns[0].to_string(),
                notes: columns
                    .get(6)
                    .unwrap_or(&"")
                    .split(';')
                    .map(str::trim)
                    .filter(|note| !note.is_empty())
                    .map(str::to_string)
                    .collect(),
            }
        })
        .collect()
}

/// What the notes say a file should do.
#[derive(Debug, Default)]
struct Expectation {
    /// Error classes of which at least one must occur (broken as published).
    broken: Vec<&'static str>,
    /// Kinds that a `removed-api:` note says are no longer served.
    removed_kinds: Vec<String>,
    /// Keys a `duplicate-keys(k)` note names.
    duplicate_keys: Vec<String>,
    /// Envsubst or docs placeholders that may make a field undecodable.
    placeholder: bool,
    /// `kustomize-patch`: may carry patch directives (`$patch: delete`), which the
    /// API server rejects as unknown fields if the file is applied directly.
    kustomize_patch: bool,
    /// `missing-metadata.name`: decodes; the API server's validation rejects it.
    missing_name: bool,
}

fn expectation(notes: &[String]) -> Expectation {
    let mut expect = Expectation::default();
    for note in notes {
        if note.starts_with("YAML-PARSE-ERROR")
            || note.starts_with("tab-indentation")
            || note.starts_with("invalid-YAML-escape")
        {
            expect.broken.push("syntax");
        } else if let Some(rest) = note.strip_prefix("duplicate-keys") {
            expect.broken.push("duplicate-key");
            let keys = rest.trim_start_matches('(').trim_end_matches(')');
            expect
                .duplicate_keys
                .extend(keys.split(',').map(|k| k.trim().to_string()));
        } else if note.starts_with("missing-apiVersion") {
            expect.broken.push("missing-type-info");
        } else if let Some(rest) = note.strip_prefix("removed-api:") {
            expect.broken.push("no-match");
            expect
                .removed_kinds
                .push(rest.rsplit('/').next().unwrap_or(rest).to_string());
        } else if note.starts_with("removed-field") || note.starts_with("schema-") {
            // A field error needs a served kind: with a removed API the mapping fails first.
            if !notes.iter().any(|n| n.starts_with("removed-api:")) {
                expect.broken.push("field");
            }
        } else if note.starts_with("contains-${")
            || note.starts_with("angle-bracket-placeholder")
            || note.starts_with("shell-placeholder")
        {
            expect.placeholder = true;
        } else if note.starts_with("kustomize-patch") {
            expect.kustomize_patch = true;
        } else if note.starts_with("missing-metadata.name") {
            expect.missing_name = true;
        }
    }
    expect
}

/// The printed form normalized against the original, allowing exactly what the
/// API server itself changes on a round trip:
/// - null-valued keys mean "unset" to Go's decoder, so they compare as absent;
/// - an absent top-level `metadata` prints as `{}` (Go's `omitempty` never omits
///   a struct).
fn comparable(printed: &Value, original: &Value) -> (Value, Value) {
    let mut printed = without_nulls(printed);
    let original = without_nulls(original);
    if original.get("metadata").is_none()
        && printed.get("metadata") == Some(&Value::Object(Default::default()))
        && let Value::Object(map) = &mut printed
    {
        map.remove("metadata");
    }
    (original, printed)
}

fn without_nulls(value: &Value) -> Value {
    match value {
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(_, v)| !v.is_null())
                .map(|(k, v)| (k.clone(), without_nulls(v)))
                .collect(),
        ),
        Value::Array(items) => Value::Array(items.iter().map(without_nulls).collect()),
        other => other.clone(),
    }
}

fn value_at<'a>(value: &'a Value, path: &str) -> Option<&'a Value> {
    let mut current = value;
    for segment in path.split('.') {
        let (key, indexes) = match segment.find('[') {
            Some(at) => (&segment[..at], &segment[at..]),
            None => (segment, ""),
        };
        if !key.is_empty() {
            current = current.get(key)?;
        }
        for index in indexes.split(['[', ']']).filter(|s| !s.is_empty()) {
            current = current.get(index.parse::<usize>().ok()?)?;
        }
    }
    Some(current)
}

fn is_placeholder_text(value: &Value) -> bool {
    match value {
        Value::String(s) => s.contains('$') || s.contains('<'),
        Value::Object(map) => map.values().any(is_placeholder_text),
        Value::Array(items) => items.iter().any(is_placeholder_text),
        _ => false,
    }
}

#[derive(Default)]
struct Tally {
    files: usize,
    kyaml_files: usize,
    decoded: usize,
    round_tripped: usize,
    unsupported: BTreeMap<String, usize>,
    errors_by_class: BTreeMap<&'static str, usize>,
    failures: Vec<String>,
    errors: Vec<String>,
}

fn error_class(error: &ManifestError) -> &'static str {
    match error.kind {
        ManifestErrorKind::UnknownField { .. }
        | ManifestErrorKind::WrongType { .. }
        | ManifestErrorKind::InvalidValue { .. } => "field",
        _ => error.class(),
    }
}

#[test]
fn corpus() {
    let dir = kubesim_tests::shared_dir().join("corpus");
    let mut tally = Tally::default();
    for row in index() {
        tally.files += 1;
        let bytes = std::fs::read(dir.join(&row.path)).expect("corpus file is readable");
        let text = String::from_utf8_lossy(&bytes);
        let expect = expectation(&row.notes);
        let kyaml = row.notes.iter().any(|n| n == "kyaml-flow-style");
        let raw = parse_documents(&text);
        let results = decode_manifests(&text, &row.path);
        let mut failures = Vec::new();
        let mut fail = |message: String| failures.push(format!("{}: {message}", row.path));
        let mut seen_classes = Vec::new();
        let mut nameless = 0;

        for result in &results {
            match result {
                Ok(decoded) => {
                    tally.decoded += 1;
                    let document = raw
                        .iter()
                        .find(|d| d.index == decoded.document)
                        .and_then(|d| d.value.as_ref().ok());
                    let original = match (document, decoded.item) {
                        (Some(doc), Some(item)) => doc.get("items").and_then(|i| i.get(item)),
                        (doc, _) => doc,
                    };
                    let Some(original) = original else {
                        fail(format!("document {} has no raw form", decoded.document));
                        continue;
                    };
                    let printed = decoded.object.to_value();
                    let (original_form, printed_form) = comparable(&printed, original);
                    if original_form != printed_form {
                        fail(format!(
                            "document {} does not round-trip:\n  original {original_form}\n  printed  {printed_form}",
                            decoded.document,
                        ));
                        continue;
                    }
                    // The printers must carry the same data.
                    let from_yaml: Result<Value, _> =
                        serde_yaml::from_str(&to_yaml(&decoded.object));
                    let from_json: Result<Value, _> =
                        serde_json::from_str(&to_json(&decoded.object));
                    if from_yaml.as_ref().ok() != Some(&printed)
                        || from_json.as_ref().ok() != Some(&printed)
                    {
                        fail(format!(
                            "document {}: printed YAML/JSON reads back different:\n{}",
                            decoded.document,
                            to_yaml(&decoded.object)
                        ));
                        continue;
                    }
                    if decoded.object.name().is_empty()
                        && decoded.object.metadata().generate_name.is_none()
                    {
                        // Decoding accepts a nameless object, as the API server's
                        // decoder does; its validation then rejects it
                        // ("metadata.name: Required value").
                        nameless += 1;
                    }
                    tally.round_tripped += 1;
                }
                Err(error) => {
                    let class = error_class(error);
                    seen_classes.push(class);
                    let message = error.to_string();
                    tally.errors.push(message.clone());
                    if !message.contains(&row.path) {
                        fail(format!("error does not name the file: {message}"));
                    }
                    if class == "field" && error.path().is_none_or(str::is_empty) {
                        fail(format!("field error without a path: {message}"));
                    }
                    if let ManifestErrorKind::NoMatch { kind, .. } = &error.kind
                        && !expect.removed_kinds.contains(kind)
                    {
                        // Not served: a CRD, or a kind kubesim does not serve.
                        *tally.unsupported.entry(kind.clone()).or_default() += 1;
                        continue;
                    }
                    *tally.errors_by_class.entry(class).or_default() += 1;
                    if expect.broken.contains(&class) {
                        continue;
                    }
                    if expect.kustomize_patch
                        && class == "field"
                        && error
                            .path()
                            .is_some_and(|p| p.split('.').any(|s| s.starts_with('$')))
                    {
                        continue;
                    }
                    if expect.placeholder && matches!(class, "field" | "syntax") {
                        // A placeholder where a number or structure belongs
                        // (`replicas: ${REPLICAS}`) is undecodable, as upstream.
                        let at = raw
                            .iter()
                            .find(|d| d.index == error.document)
                            .and_then(|d| d.value.as_ref().ok())
                            .and_then(|doc| match error.item {
                                Some(item) => doc.get("items")?.get(item),
                                None => Some(doc),
                            })
                            .and_then(|doc| value_at(doc, error.path().unwrap_or("")));
                        if class == "syntax" || at.is_some_and(is_placeholder_text) {
                            continue;
                        }
                    }
                    fail(format!("unexpected error: {message}"));
                }
            }
        }
        for class in &expect.broken {
            if !seen_classes.contains(class) {
                fail(format!(
                    "notes {:?} expect a {class} error, got none",
                    row.notes
                ));
            }
        }
        for key in &expect.duplicate_keys {
            let named = results.iter().any(|r| {
                matches!(r, Err(ManifestError { kind: ManifestErrorKind::DuplicateKey { key: k, .. }, .. }) if k == key)
            });
            if !named {
                fail(format!("duplicate key {key:?} not reported"));
            }
        }
        // A nameless CRD object fails at the REST mapping before any of this.
        let unmapped = results.iter().any(|r| {
            matches!(
                r,
                Err(ManifestError {
                    kind: ManifestErrorKind::NoMatch { .. },
                    ..
                })
            )
        });
        if expect.missing_name && nameless == 0 && !unmapped {
            fail("a nameless document should decode (validation rejects it later)".to_string());
        }
        if kyaml {
            tally.kyaml_files += 1;
            if raw.iter().any(|d| d.value.is_err()) {
                fail("flow-style YAML does not parse".to_string());
            }
        }
        tally.failures.extend(failures);
    }

    let unsupported: usize = tally.unsupported.values().sum();
    println!(
        "corpus: {} files ({} flow-style), {} objects decoded, {} round-tripped, {} unsupported-kind documents",
        tally.files, tally.kyaml_files, tally.decoded, tally.round_tripped, unsupported
    );
    println!("errors by class: {:?}", tally.errors_by_class);
    println!("unsupported kinds: {:?}", tally.unsupported);
    for error in &tally.errors {
        println!("ERROR {}", error.replace('\n', " / "));
    }
    for failure in &tally.failures {
        println!("FAIL {failure}");
    }
    assert!(
        tally.failures.is_empty(),
        "{} corpus failures",
        tally.failures.len()
    );
    assert_eq!(tally.files, EXPECTED_FILES);
    assert_eq!(tally.kyaml_files, EXPECTED_KYAML_FILES);
    assert_eq!(tally.decoded, EXPECTED_DECODED);
    assert_eq!(tally.round_tripped, EXPECTED_ROUND_TRIPPED);
    assert_eq!(unsupported, EXPECTED_UNSUPPORTED);
    let errors: Vec<(&str, usize)> = tally.errors_by_class.into_iter().collect();
    assert_eq!(errors, EXPECTED_ERRORS_BY_CLASS);
}
