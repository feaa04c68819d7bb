//! `kubectl get`: tables, `-o wide|yaml|json|name|jsonpath=...|jsonpath-as-json=...|custom-columns=...`.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/get/get.go` (`Run`,
//! `printGeneric`). Tables print one section per resource type, in the order the
//! types were asked for, separated by a blank line (unless `--no-headers`);
//! with several types the names read `kind.group/name`. A type with no objects
//! prints nothing, and when nothing at all printed, stderr says
//! `No resources found in <ns> namespace.` (or `No resources found` for
//! cluster-scoped types and `-A`). Missing names are reported after the output,
//! as `Error from server (NotFound): ...`. Structured formats print the object
//! itself when one object was named, and a `v1` `List` otherwise.

use serde_json::{Map, Value};

use crate::kubectl::output::{CommandError, no_resources_found, with_errors};
use crate::kubectl::printers::columns::RowContext;
use crate::kubectl::printers::custom_columns::CustomColumns;
use crate::kubectl::printers::jsonpath::JsonPath;
use crate::kubectl::printers::name::name_line;
use crate::kubectl::printers::sorter::sort_by_field;
use crate::kubectl::printers::table;
use crate::kubectl::printers::table_printer::{TableOptions, table_rows};
use crate::kubectl::resource_args::{Scope, Selectors, fetch, resolve};
use crate::kubectl::{CommandOutput, Flags};
use crate::model::manifest::{value_to_json, value_to_yaml};
use crate::model::registry::ResourceType;
use crate::simulation::Simulation;

/// The output formats `-o` takes.
#[derive(Clone, Debug)]
pub enum OutputFormat {
    Table,
    Wide,
    Yaml,
    Json,
    Name,
    JsonPath(JsonPath),
    JsonPathAsJson(JsonPath),
    CustomColumns(CustomColumns),
}

/// Joined with "," as cli-runtime's `NoCompatiblePrinterError` joins them.
const ALLOWED_FORMATS: &str = "custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

impl OutputFormat {
    /// Parses `-o`/`--output`. Unknown formats are kubectl's error.
    pub fn from_flags(flags: &Flags) -> Result<OutputFormat, CommandError> {
        let raw = flags
            .value("output")
            .or_else(|| flags.value("o"))
            .unwrap_or("");
        let (name, argument) = match raw.split_once('=') {
            Some((name, argument)) => (name, Some(argument)),
            None => (raw, None),
        };
        let template = |argument: Option<&str>| -> Result<JsonPath, CommandError> {
            let template = argument.unwrap_or("");
            if template.is_empty() {
                return Err(CommandError::message(
                    "template format specified but no template given",
                ));
            }
            JsonPath::parse(template).map_err(|error| {
                CommandError::message(format!("error parsing jsonpath {template}, {error}"))
            })
        };
        Ok(match name {
            "" => OutputFormat::Table,
            "wide" => OutputFormat::Wide,
            "yaml" => OutputFormat::Yaml,
            "json" => OutputFormat::Json,
            "name" => OutputFormat::Name,
            "jsonpath" => OutputFormat::JsonPath(template(argument)?),
            "jsonpath-as-json" => OutputFormat::JsonPathAsJson(template(argument)?),
            "custom-columns" => OutputFormat::CustomColumns(
                CustomColumns::parse(argument.unwrap_or("")).map_err(CommandError::Message)?,
            ),
            _ => {
                return Err(CommandError::message(format!(
                    "unable to match a printer suitable for the output format \"{raw}\", allowed formats are: {ALLOWED_FORMATS}"
                )));
            }
        })
    }
}

/// Strips `metadata.managedFields`, as kubectl does unless `--show-managed-fields`.
pub fn without_managed_fields(mut value: Value) -> Value {
    if let Some(metadata) = value.get_mut("metadata").and_then(Value::as_object_mut) {
        metadata.remove("managedFields");
    }
    value
}

/// A `kind: List` of items, as `printGeneric` builds it.
pub fn list_value(items: Vec<Value>) -> Value {
    let mut metadata = Map::new();
    metadata.insert("resourceVersion".to_string(), Value::String(String::new()));
    let mut list = Map::new();
    list.insert("apiVersion".to_string(), Value::String("v1".to_string()));
    list.insert("items".to_string(), Value::Array(items));
    list.insert("kind".to_string(), Value::String("List".to_string()));
    list.insert("metadata".to_string(), Value::Object(metadata));
    Value::Object(list)
}

const MISSING_RESOURCE: &str = "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n";

/// The flags upstream's command defines (kubectl's global flags are always accepted).
const FLAGS: &[&str] = &[
    "o",
    "output",
    "w",
    "watch",
    "watch-only",
    "output-watch-events",
    "ignore-not-found",
    "l",
    "selector",
    "field-selector",
    "A",
    "all-namespaces",
    "L",
    "label-columns",
    "show-kind",
    "show-labels",
    "sort-by",
    "no-headers",
    "chunk-size",
    "server-print",
    "subresource",
    "raw",
    "f",
    "filename",
    "k",
    "kustomize",
    "R",
    "recursive",
    "template",
    "show-managed-fields",
    "allow-missing-template-keys",
];

pub fn run(simulation: &Simulation, flags: &Flags) -> CommandOutput {
    if let Err(output) = crate::kubectl::outcome::check_flags(flags, "get", FLAGS) {
        return output;
    }
    match get(simulation, flags) {
        Ok(output) => output,
        Err(error) => error.into_output(),
    }
}

fn get(simulation: &Simulation, flags: &Flags) -> Result<CommandOutput, CommandError> {
    if flags.positional.is_empty() {
        return Ok(CommandOutput {
            stdout: String::new(),
            stderr: MISSING_RESOURCE.to_string(),
            exit_code: 1,
        });
    }
    let format = OutputFormat::from_flags(flags)?;
    let args = resolve(&flags.positional)?;
    let scope = Scope::from_flags(flags);
    let selectors = Selectors::from_flags(flags);
    let api = simulation.api();
    let mut result = fetch(api, &args, &scope, &selectors)?;
    if flags.has("ignore-not-found") {
        result.errors.retain(
            |error| !matches!(error, CommandError::Api(api_error) if api_error.is_not_found()),
        );
    }
    let sort_by = flags.value("sort-by").filter(|field| !field.is_empty());
    let show_managed_fields = flags.has("show-managed-fields");
    let to_value = |object: &crate::model::Object| {
        let value = object.to_value();
        if show_managed_fields {
            value
        } else {
            without_managed_fields(value)
        }
    };
    match format {
        OutputFormat::Table | OutputFormat::Wide => {
            let wide = matches!(format, OutputFormat::Wide);
            // One section per run of fetched entries of the same type.
            let mut sections: Vec<(&'static ResourceType, Vec<Value>)> = Vec::new();
            for fetched in &result.fetched {
                let values = fetched.objects.iter().map(|object| to_value(object));
                match sections.last_mut() {
                    Some((resource_type, existing))
                        if std::ptr::eq(*resource_type, fetched.resource_type) =>
                    {
                        existing.extend(values)
                    }
                    _ => sections.push((fetched.resource_type, values.collect())),
                }
            }
            let with_kind = flags.has("show-kind") || {
                let mut types = result.fetched.iter().map(|fetched| fetched.resource_type);
                types
                    .next()
                    .is_some_and(|first| types.any(|other| !std::ptr::eq(other, first)))
            };
            let mut label_columns = Vec::new();
            for value in flags
                .values("label-columns")
                .iter()
                .chain(flags.values("L"))
            {
                label_columns.extend(
                    value
                        .split(',')
                        .map(str::trim)
                        .filter(|label| !label.is_empty())
                        .map(str::to_string),
                );
            }
            let context = RowContext {
                now: api.now(),
                wide,
            };
            let no_headers = flags.has("no-headers");
            let mut stdout = String::new();
            for (resource_type, mut values) in sections {
                if let Some(field) = sort_by {
                    sort_by_field(&mut values, field).map_err(CommandError::Message)?;
                }
                let options = TableOptions {
                    no_headers,
                    wide,
                    with_namespace: scope.all_namespaces && resource_type.namespaced,
                    kind_prefix: with_kind.then(|| resource_type.group_kind_lower()),
                    show_labels: flags.has("show-labels"),
                    label_columns: label_columns.clone(),
                };
                let rows = table_rows(resource_type.kind, &values, &options, &context);
                if rows.is_empty() {
                    continue;
                }
                if !stdout.is_empty() && !no_headers {
                    stdout.push('\n');
                }
                stdout.push_str(&table::render(&rows));
            }
            let mut output = CommandOutput::ok(stdout);
            if output.stdout.is_empty()
                && result.errors.is_empty()
                && !flags.has("ignore-not-found")
            {
                let all_namespaced = !scope.all_namespaces
                    && result
                        .fetched
                        .iter()
                        .all(|fetched| fetched.resource_type.namespaced);
                output.stderr =
                    no_resources_found(all_namespaced.then_some(scope.namespace.as_str()));
            }
            Ok(with_errors(output, &result.errors))
        }
        format => {
            if args.single_item_implied && !result.errors.is_empty() {
                return Ok(with_errors(CommandOutput::ok(""), &result.errors));
            }
            let mut items: Vec<(&'static ResourceType, Value)> = result
                .fetched
                .iter()
                .flat_map(|fetched| {
                    fetched
                        .objects
                        .iter()
                        .map(move |object| (fetched.resource_type, to_value(object)))
                })
                .collect();
            if let Some(field) = sort_by {
                let mut values: Vec<Value> = items.iter().map(|(_, value)| value.clone()).collect();
                sort_by_field(&mut values, field).map_err(CommandError::Message)?;
                items = values
                    .into_iter()
                    .map(|value| {
                        let kind = value.get("kind").and_then(Value::as_str).unwrap_or("");
                        let resource_type =
                            crate::model::registry::lookup_kind_name(kind).unwrap_or(items[0].0);
                        (resource_type, value)
                    })
                    .collect();
            }
            let single = args.single_item_implied && items.len() == 1;
            let document = if single {
                items[0].1.clone()
            } else {
                list_value(items.iter().map(|(_, value)| value.clone()).collect())
            };
            let stdout = match format {
                OutputFormat::Yaml => value_to_yaml(&document),
                OutputFormat::Json => value_to_json(&document),
                OutputFormat::Name => items
                    .iter()
                    .map(|(resource_type, value)| {
                        name_line(
                            resource_type,
                            value
                                .pointer("/metadata/name")
                                .and_then(Value::as_str)
                                .unwrap_or(""),
                        )
                    })
                    .collect(),
                OutputFormat::JsonPath(path) => path.execute(&document).map_err(|error| {
                    CommandError::message(format!(
                        "error executing jsonpath {:?}: {error}",
                        flags
                            .value("output")
                            .or_else(|| flags.value("o"))
                            .unwrap_or("")
                            .split_once('=')
                            .map(|(_, t)| t)
                            .unwrap_or("")
                    ))
                })?,
                OutputFormat::JsonPathAsJson(path) => path
                    .execute_as_json(&document)
                    .map_err(|error| CommandError::message(error.to_string()))?,
                OutputFormat::CustomColumns(columns) => {
                    let values: Vec<Value> = items.into_iter().map(|(_, value)| value).collect();
                    table::render(&columns.rows(&values, flags.has("no-headers")))
                }
                OutputFormat::Table | OutputFormat::Wide => String::new(),
            };
            Ok(with_errors(CommandOutput::ok(stdout), &result.errors))
        }
    }
}
