//! Errors and notices as kubectl prints them, shared by every command.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go` (`checkErr`,
//! `StandardErrorMessage`, `MultipleErrors`). A client-side error prints as
//! `error: <message>`; an API error as `Error from server (<Reason>): <message>`
//! (an Invalid one as `The Deployment "web" is invalid: ...`). Several errors
//! from one command (an aggregate) print one per line, API errors in their
//! standard form and client errors bare, without the `error: ` prefix.

use crate::api_server::ApiError;
use crate::kubectl::CommandOutput;

/// An error a kubectl command reports.
#[derive(Clone, Debug, PartialEq)]
pub enum CommandError {
    /// A client-side error, printed `error: <message>`.
    Message(String),
    /// An error returned by the API server.
    Api(ApiError),
}

impl CommandError {
    pub fn message(message: impl Into<String>) -> CommandError {
        CommandError::Message(message.into())
    }

    /// The error alone, as `checkErr` prints it (no trailing newline).
    pub fn render(&self) -> String {
        match self {
            CommandError::Message(message) if message.starts_with("error: ") => message.clone(),
            CommandError::Message(message) => format!("error: {message}"),
            CommandError::Api(error) => error.kubectl_message(),
        }
    }

    /// The error as one member of an aggregate (`messageForError`): API errors in
    /// their standard form, client errors bare.
    fn render_in_aggregate(&self) -> String {
        match self {
            CommandError::Message(message) => message.clone(),
            CommandError::Api(error) => error.kubectl_message(),
        }
    }

    /// A failed command with this error on stderr.
    pub fn into_output(self) -> CommandOutput {
        CommandOutput::error(self.render())
    }
}

impl From<ApiError> for CommandError {
    fn from(error: ApiError) -> Self {
        CommandError::Api(error)
    }
}

/// What `checkErr` prints for the errors a command collected: nothing for none,
/// the error alone for one, one line each for several. Every line ends in a newline.
pub fn render_errors(errors: &[CommandError]) -> String {
    match errors {
        [] => String::new(),
        [single] => format!("{}\n", single.render()),
        several => several
            .iter()
            .map(|error| format!("{}\n", error.render_in_aggregate()))
            .collect(),
    }
}

/// Appends collected errors to a command's output: stderr gets them after anything
/// already there, and the exit code becomes 1 when there is at least one.
pub fn with_errors(mut output: CommandOutput, errors: &[CommandError]) -> CommandOutput {
    if !errors.is_empty() {
        output.stderr.push_str(&render_errors(errors));
        output.exit_code = 1;
    }
    output
}

/// `kubectl get`'s notice when it printed nothing (stderr, exit code 0):
/// `No resources found in default namespace.` when every requested type is
/// namespaced and one namespace was asked for, `No resources found` otherwise.
/// Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/get/get.go` (Run).
pub fn no_resources_found(namespace: Option<&str>) -> String {
    match namespace {
        Some(namespace) => format!("No resources found in {namespace} namespace.\n"),
        None => "No resources found\n".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn not_found(name: &str) -> CommandError {
        CommandError::Api(ApiError::NotFound {
            resource: "pods".to_string(),
            name: name.to_string(),
        })
    }

    #[test]
    fn errors_print_as_check_err_prints_them() {
        assert_eq!(render_errors(&[]), "");
        assert_eq!(
            render_errors(&[not_found("x")]),
            "Error from server (NotFound): pods \"x\" not found\n"
        );
        assert_eq!(
            render_errors(&[CommandError::message(
                "the server doesn't have a resource type \"foo\""
            )]),
            "error: the server doesn't have a resource type \"foo\"\n"
        );
        assert_eq!(
            render_errors(&[
                not_found("a"),
                not_found("b"),
                CommandError::message("oops")
            ]),
            "Error from server (NotFound): pods \"a\" not found\nError from server (NotFound): pods \"b\" not found\noops\n"
        );
        assert_eq!(
            no_resources_found(Some("default")),
            "No resources found in default namespace.\n"
        );
        assert_eq!(no_resources_found(None), "No resources found\n");
    }
}
