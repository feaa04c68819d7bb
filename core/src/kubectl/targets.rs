//! Which objects a writing command acts on: `TYPE NAME...`, `TYPE/NAME...`,
//! `-f FILE`, `TYPE -l SELECTOR`, `TYPE --all`, as kubectl's resource builder
//! resolves them (through [`crate::kubectl::resource_args`]).

use std::sync::Arc;

use crate::api_server::ApiServer;
use crate::kubectl::apply::{Loaded, load, settle_namespace};
use crate::kubectl::files::{FileSource, read_sources};
use crate::kubectl::outcome::{KubectlError, namespace_flag};
use crate::kubectl::resource_args::{Request, Scope, Selectors, fetch, resolve};
use crate::kubectl::{CommandOutput, Flags};
use crate::model::Object;

/// The objects found, in kubectl's visiting order, and what could not be found.
#[derive(Clone, Debug, Default)]
pub struct Targets {
    pub objects: Vec<Arc<Object>>,
    pub errors: Vec<KubectlError>,
}

/// How a command wants its arguments read.
#[derive(Clone, Copy, Debug)]
pub struct Selection<'a> {
    pub command: &'a str,
    /// True when `TYPE` alone (no name, no `-l`, no `--all`) is an error, as for
    /// delete, label and scale.
    pub names_required: bool,
}

fn usage_error(message: &str, command: &str) -> CommandOutput {
    CommandOutput::error(format!(
        "error: {message}\nSee 'kubectl {command} -h' for help and examples"
    ))
}

/// Resolves `arguments` (the resource part of the positional arguments) and
/// the `-f`, `-l`, `--all`, `-n`, `-A` flags to stored objects.
pub fn select(
    api: &ApiServer,
    flags: &Flags,
    arguments: &[String],
    stdin: &str,
    files: &dyn FileSource,
    selection: Selection<'_>,
) -> Result<Targets, CommandOutput> {
    let filenames = crate::kubectl::commands::apply::filenames(flags);
    let selectors = Selectors::from_flags(flags);
    let all = flags.has("all");
    if all && selectors.label.is_some() {
        return Err(CommandOutput::error(
            "error: cannot set --all and --selector at the same time",
        ));
    }
    if !filenames.is_empty() {
        if !arguments.is_empty() {
            return Err(CommandOutput::error(
                "error: Unexpected args: [".to_string() + &arguments.join(" ") + "]",
            ));
        }
        let recursive = flags.has("R") || flags.has("recursive");
        let sources =
            read_sources(&filenames, recursive, stdin, files).map_err(CommandOutput::error)?;
        let mut targets = Targets::default();
        for entry in load(&sources) {
            let mut object = match entry {
                Loaded::Object(object) => object,
                Loaded::ClientError(error) => {
                    targets.errors.push(error);
                    continue;
                }
                Loaded::ServerError(error) => {
                    targets.errors.push(KubectlError::Manifest(error));
                    continue;
                }
            };
            let namespace = match settle_namespace(
                &mut object,
                namespace_flag(flags),
                flags.default_namespace(),
            ) {
                Ok(namespace) => namespace,
                Err(error) => {
                    targets.errors.push(error);
                    continue;
                }
            };
            match api.get(object.resource_type, &namespace, object.name()) {
                Ok(found) => targets.objects.push(found),
                Err(error) => targets.errors.push(KubectlError::api(error)),
            }
        }
        return Ok(targets);
    }
    if arguments.is_empty() {
        return Err(CommandOutput::error(
            "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'",
        ));
    }
    let args = resolve(arguments).map_err(|error| error.into_output())?;
    let listing = args
        .requests
        .iter()
        .any(|request| matches!(request, Request::List(_)));
    if listing
        && selection.names_required
        && !all
        && selectors.label.is_none()
        && selectors.field.is_none()
    {
        return Err(usage_error(
            "resource(s) were provided, but no name was specified",
            selection.command,
        ));
    }
    if all && args.has_names() {
        return Err(CommandOutput::error(if args.resource_name_form {
            "error: selectors and the all flag cannot be used when passing resource/name arguments"
        } else {
            "error: name cannot be provided when a selector is specified"
        }));
    }
    let scope = Scope::from_flags(flags);
    let fetched = fetch(api, &args, &scope, &selectors).map_err(|error| error.into_output())?;
    Ok(Targets {
        objects: fetched.objects().cloned().collect(),
        errors: fetched.errors.into_iter().map(KubectlError::from).collect(),
    })
}
