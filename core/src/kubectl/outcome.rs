//! What the commands that change the cluster share: `--dry-run`, flag checks,
//! kubectl's name printer and how errors are printed.
//!
//! Error printing follows `staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go`
//! (`checkErr`): one error prints on its own (an Invalid one as `The Deployment
//! "web" is invalid: ...`, one cause per line when there are several); several
//! errors print one per line through `StandardErrorMessage`
//! (`Error from server (Reason): message`), without the `error: ` prefix.

use crate::api_server::ApiError;
use crate::kubectl::{CommandOutput, Flags};
use crate::model::manifest::ManifestError;
use crate::model::registry::ResourceType;

/// `--dry-run`: none, client or server (`cmdutil.GetDryRunStrategy`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DryRun {
    None,
    Client,
    Server,
}

impl DryRun {
    pub fn from_flags(flags: &Flags) -> Result<DryRun, CommandOutput> {
        match flags.value("dry-run") {
            None | Some("none") | Some("false") => Ok(DryRun::None),
            // A bare `--dry-run` (and the deprecated `--dry-run=true`) means client.
            Some("client") | Some("true") | Some("unchanged") => Ok(DryRun::Client),
            Some("server") => Ok(DryRun::Server),
            Some(other) => Err(CommandOutput::error(format!(
                "error: Invalid dry-run value ({other}). Must be \"none\", \"server\", or \"client\"."
            ))),
        }
    }

    /// What the printer appends to the operation (`created (dry run)`).
    pub fn suffix(self) -> &'static str {
        match self {
            DryRun::None => "",
            DryRun::Client => " (dry run)",
            DryRun::Server => " (server dry run)",
        }
    }
}

/// Flags every kubectl command accepts (kubectl's global flags).
const GLOBAL_FLAGS: &[&str] = &[
    "n",
    "namespace",
    "context",
    "cluster",
    "user",
    "kubeconfig",
    "v",
    "request-timeout",
    "s",
    "server",
    "as",
    "as-group",
    "insecure-skip-tls-verify",
    "token",
    "warnings-as-errors",
    "match-server-version",
    "cache-dir",
    "log-flush-frequency",
];

/// Fails on a flag the command does not have, as cobra does:
/// `error: unknown flag: --replica`, `error: unknown shorthand flag: 'x' in -x`,
/// and on a flag without its value: `error: flag needs an argument: 'l' in -l`.
pub fn check_flags(flags: &Flags, command: &str, allowed: &[&str]) -> Result<(), CommandOutput> {
    if let Some(missing) = flags.missing_value() {
        return Err(CommandOutput::error(format!(
            "error: flag needs an argument: {missing}\nSee 'kubectl {command} --help' for usage."
        )));
    }
    for name in flags.names() {
        if GLOBAL_FLAGS.contains(&name) || allowed.contains(&name) {
            continue;
        }
        let message = if name.chars().count() == 1 {
            format!(
                "error: unknown shorthand flag: '{name}' in {}",
                flags.shorthand_word(name)
            )
        } else {
            format!("error: unknown flag: --{name}")
        };
        return Err(CommandOutput::error(format!(
            "{message}\nSee 'kubectl {command} --help' for usage."
        )));
    }
    Ok(())
}

/// The namespace of `-n`/`--namespace`, if given.
pub fn namespace_flag(flags: &Flags) -> Option<&str> {
    flags.value("namespace").or_else(|| flags.value("n"))
}

/// The namespace a command works in: the flag, else the kubeconfig default.
pub fn namespace_or_default(flags: &Flags) -> &str {
    namespace_flag(flags)
        .filter(|namespace| !namespace.is_empty())
        .unwrap_or("default")
}

/// `-o`/`--output`.
pub fn output_format(flags: &Flags) -> Option<&str> {
    flags.value("output").or_else(|| flags.value("o"))
}

/// kubectl's name printer: `deployment.apps/web`, `pod/web`.
pub fn object_name(resource_type: &ResourceType, name: &str) -> String {
    format!("{}/{name}", resource_type.group_kind_lower())
}

/// A line of the name printer with an operation: `deployment.apps/web created`,
/// or only the name with `-o name`.
pub fn operation_line(
    resource_type: &ResourceType,
    name: &str,
    operation: &str,
    dry_run: DryRun,
    output: Option<&str>,
) -> String {
    if output == Some("name") {
        return format!("{}\n", object_name(resource_type, name));
    }
    format!(
        "{} {operation}{}\n",
        object_name(resource_type, name),
        dry_run.suffix()
    )
}

/// One failure of a command that may go on with its other objects.
#[derive(Clone, Debug, PartialEq)]
pub enum KubectlError {
    /// An API error, with the verb and file kubectl adds (`AddSourceToErr`):
    /// `error when creating "web.yaml": ...`.
    Api {
        error: ApiError,
        context: Option<String>,
    },
    /// A manifest that could not be read.
    Manifest(Box<ManifestError>),
    /// A client-side error, without the `error: ` prefix.
    Plain(String),
    /// A message printed exactly as given, alone or among others.
    Raw(String),
}

impl KubectlError {
    pub fn api(error: ApiError) -> KubectlError {
        KubectlError::Api {
            error,
            context: None,
        }
    }

    /// `AddSourceToErr(verb, source, err)`.
    pub fn with_source(error: ApiError, verb: &str, source: &str) -> KubectlError {
        KubectlError::Api {
            error,
            context: (!source.is_empty()).then(|| format!("error when {verb} \"{source}\": ")),
        }
    }

    fn status_message(error: &ApiError, context: &Option<String>) -> String {
        format!("{}{error}", context.as_deref().unwrap_or(""))
    }

    /// How the error prints among several (`StandardErrorMessage` or its text).
    pub fn to_list_message(&self) -> String {
        self.in_list()
    }

    /// `StandardErrorMessage` or the plain text: how it prints among several.
    fn in_list(&self) -> String {
        match self {
            KubectlError::Api { error, context } => format!(
                "Error from server ({}): {}",
                error.reason(),
                Self::status_message(error, context)
            ),
            KubectlError::Manifest(error) => {
                let text = error.to_string();
                text.strip_prefix("error: ").unwrap_or(&text).to_string()
            }
            KubectlError::Plain(text) | KubectlError::Raw(text) => text.clone(),
        }
    }

    /// How it prints alone (`checkErr`).
    fn alone(&self) -> String {
        match self {
            KubectlError::Api {
                error:
                    ApiError::Invalid {
                        kind, name, causes, ..
                    },
                ..
            } => {
                let prefix = format!("The {kind} \"{name}\" is invalid: ");
                let mut messages: Vec<String> = Vec::new();
                for cause in causes {
                    let message = cause.to_string();
                    if !messages.contains(&message) {
                        messages.push(message);
                    }
                }
                match messages.as_slice() {
                    [] => format!("The {kind} \"{name}\" is invalid"),
                    [single] => format!("{prefix}{single}"),
                    many => {
                        let mut text = format!("{prefix}\n");
                        for message in many {
                            text.push_str(&format!("* {message}\n"));
                        }
                        text
                    }
                }
            }
            KubectlError::Api { .. } => self.in_list(),
            KubectlError::Manifest(error) => error.to_string(),
            KubectlError::Raw(text) => text.clone(),
            KubectlError::Plain(text) if text.starts_with("error: ") => text.clone(),
            KubectlError::Plain(text) => format!("error: {text}"),
        }
    }
}

/// The stderr text for a command's errors, each line ending in a newline.
pub fn render_errors(errors: &[KubectlError]) -> String {
    let mut text = match errors {
        [] => String::new(),
        [single] => single.alone(),
        many => many
            .iter()
            .map(|error| format!("{}\n", error.in_list()))
            .collect(),
    };
    if !text.is_empty() && !text.ends_with('\n') {
        text.push('\n');
    }
    text
}

/// A command's result: what it printed and the errors it collected.
pub fn finish(stdout: String, warnings: String, errors: &[KubectlError]) -> CommandOutput {
    CommandOutput {
        stdout,
        stderr: format!("{warnings}{}", render_errors(errors)),
        exit_code: if errors.is_empty() { 0 } else { 1 },
    }
}

impl From<crate::kubectl::output::CommandError> for KubectlError {
    fn from(error: crate::kubectl::output::CommandError) -> Self {
        match error {
            crate::kubectl::output::CommandError::Message(message) => KubectlError::Plain(message),
            crate::kubectl::output::CommandError::Api(error) => KubectlError::api(error),
        }
    }
}

/// Writes an object given as JSON data (a read object, changed) as an update:
/// decoded strictly, as the server decodes a patched object.
pub fn write_value(
    api: &mut crate::api_server::ApiServer,
    value: serde_json::Value,
) -> Result<std::sync::Arc<crate::model::Object>, ApiError> {
    let serde_json::Value::Object(map) = value else {
        return Err(ApiError::BadRequest(
            "the object is not a JSON object".to_string(),
        ));
    };
    let object = crate::kubectl::apply::decode_for_server(map, "")?;
    api.update(object)
}

/// `GetResourcesAndPairs`: the arguments before the first `key=value` or `key-`
/// are resources, the rest are pairs; a resource after a pair is an error.
pub fn split_resources_and_pairs(
    arguments: &[String],
    pair_type: &str,
) -> Result<(Vec<String>, Vec<String>), String> {
    let mut resources = Vec::new();
    let mut pairs = Vec::new();
    for argument in arguments {
        let is_pair = (argument.contains('=') && !argument.starts_with('='))
            || (argument.ends_with('-') && argument != "-");
        match (pairs.is_empty(), is_pair) {
            (_, true) => pairs.push(argument.clone()),
            (true, false) => resources.push(argument.clone()),
            (false, false) => {
                return Err(format!(
                    "error: all resources must be specified before {pair_type} changes: {argument}"
                ));
            }
        }
    }
    Ok((resources, pairs))
}

/// Pairs to set, in order, and keys to remove.
pub type Pairs = (Vec<(String, String)>, Vec<String>);

/// `ParsePairs`: `key=value` pairs to set and `key-` keys to remove.
pub fn parse_pairs(
    pairs: &[String],
    pair_type: &str,
    support_remove: bool,
) -> Result<Pairs, String> {
    let mut set: Vec<(String, String)> = Vec::new();
    let mut remove = Vec::new();
    for pair in pairs {
        if let Some((key, value)) = pair.split_once('=') {
            if key.is_empty() {
                return Err(format!("error: invalid {pair_type}: {pair:?}"));
            }
            set.retain(|(existing, _)| existing != key);
            set.push((key.to_string(), value.to_string()));
        } else if support_remove && pair.ends_with('-') {
            remove.push(pair.strip_suffix('-').unwrap_or(pair).to_string());
        } else {
            return Err(format!("error: invalid {pair_type}: {pair:?}"));
        }
    }
    Ok((set, remove))
}
