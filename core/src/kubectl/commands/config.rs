//! `kubectl config`: the kubeconfig subcommands tutorials use.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/cmd/config/` — `current_context.go`,
//! `get_contexts.go`, `get_clusters.go`, `get_users.go`, `use_context.go`,
//! `create_context.go` (set-context) and `view.go`. The kubeconfig is the
//! simulation's client state ([`crate::kubectl::kubeconfig`]), so a context
//! switched or a namespace set here is what later commands without `-n` use.

use serde_json::{Map, Value, json};

use crate::kubectl::kubeconfig::Kubeconfig;
use crate::kubectl::outcome::{check_flags, output_format};
use crate::kubectl::printers::jsonpath::JsonPath;
use crate::kubectl::printers::tabwriter::TabWriter;
use crate::kubectl::{CommandOutput, Flags};
use crate::model::manifest::{value_to_json, value_to_yaml};
use crate::simulation::Simulation;

/// `config`'s subcommands, so that one kubesim lacks is not called unknown.
const SUBCOMMANDS: &[&str] = &[
    "current-context",
    "delete-cluster",
    "delete-context",
    "delete-user",
    "get-clusters",
    "get-contexts",
    "get-users",
    "rename-context",
    "set",
    "set-cluster",
    "set-context",
    "set-credentials",
    "unset",
    "use-context",
    "use",
    "view",
];

pub fn run(simulation: &mut Simulation, flags: &Flags) -> CommandOutput {
    let Some(sub) = flags.positional.first().map(String::as_str) else {
        // `DefaultSubCommandRun` prints the help and exits 1.
        return CommandOutput::error(
            "error: kubectl config needs a subcommand, e.g. kubectl config get-contexts\nSee 'kubectl config -h' for help and examples",
        );
    };
    let mut flags = flags.clone();
    flags.positional.remove(0);
    let args = flags.positional.clone();
    match sub {
        "current-context" => current_context(simulation.kubeconfig(), &flags),
        "get-contexts" => get_contexts(simulation.kubeconfig(), &flags, &args),
        "get-clusters" => get_names(
            &flags,
            "get-clusters",
            simulation.kubeconfig().clusters().keys(),
        ),
        "get-users" => get_names(&flags, "get-users", simulation.kubeconfig().users().iter()),
        "use-context" | "use" => use_context(simulation.kubeconfig_mut(), &flags, &args),
        "set-context" => set_context(simulation.kubeconfig_mut(), &flags, &args),
        "view" => view(simulation.kubeconfig(), &flags, &args),
        known if SUBCOMMANDS.contains(&known) => CommandOutput::error(format!(
            "error: kubesim does not support \"kubectl config {known}\" yet"
        )),
        // `RequireNoArguments` in `DefaultSubCommandRun`.
        unknown => CommandOutput::error(format!(
            "error: unknown command \"{unknown}\"\nSee 'kubectl config -h' for help and examples"
        )),
    }
}

/// `helpErrorf(cmd, "Unexpected args: %v", args)`: Go prints the slice as `[a b]`.
fn unexpected_args(args: &[String]) -> CommandOutput {
    CommandOutput::error(format!("error: Unexpected args: [{}]", args.join(" ")))
}

/// `config current-context`.
fn current_context(config: &Kubeconfig, flags: &Flags) -> CommandOutput {
    if let Err(output) = check_flags(flags, "config current-context", &[]) {
        return output;
    }
    if config.current_context().is_empty() {
        return CommandOutput::error("error: current-context is not set");
    }
    CommandOutput::ok(format!("{}\n", config.current_context()))
}

/// `config get-contexts [NAME...] [-o name] [--no-headers]`: CURRENT is `*` for
/// the current context; names print sorted; a missing name is
/// `error: context NAME not found` after the table.
fn get_contexts(config: &Kubeconfig, flags: &Flags, names: &[String]) -> CommandOutput {
    if let Err(output) = check_flags(flags, "config get-contexts", &["o", "output", "no-headers"]) {
        return output;
    }
    let mut stdout = String::new();
    let output = output_format(flags).unwrap_or("");
    let valid = [
        "",
        "json",
        "yaml",
        "wide",
        "name",
        "custom-columns",
        "custom-columns-file",
        "go-template",
        "go-template-file",
        "jsonpath",
        "jsonpath-file",
    ];
    if !valid.contains(&output) {
        return CommandOutput::error(format!(
            "error: output must be one of '' or 'name': {output}"
        ));
    }
    if !output.is_empty() && output != "name" {
        stdout.push_str(&format!(
            "--output {output} is not available in kubectl config get-contexts; resetting to default output format\n"
        ));
    }
    let name_only = output == "name";
    let mut errors = Vec::new();
    let mut to_print: Vec<&str> = Vec::new();
    if names.is_empty() {
        to_print.extend(config.contexts().keys().map(String::as_str));
    } else {
        for name in names {
            if config.context(name).is_some() {
                to_print.push(name);
            } else {
                errors.push(format!("context {name} not found"));
            }
        }
    }
    to_print.sort_unstable();
    // `printers.GetNewTabWriter`: minwidth 6, padding 3; the last cell is not padded.
    let mut table = TabWriter::new(6, 3);
    if !flags.has("no-headers") && !name_only {
        table.write("CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n");
    }
    for name in to_print {
        let Some(context) = config.context(name) else {
            continue;
        };
        if name_only {
            table.write(&format!("{name}\n"));
            continue;
        }
        let current = if config.current_context() == name {
            "*"
        } else {
            " "
        };
        table.write(&format!(
            "{current}\t{name}\t{}\t{}\t{}\n",
            context.cluster, context.user, context.namespace
        ));
    }
    stdout.push_str(&table.finish());
    aggregate(stdout, &errors)
}

/// `utilerrors.NewAggregate`: one error prints alone, several as `[a, b]`.
fn aggregate(stdout: String, errors: &[String]) -> CommandOutput {
    let stderr = match errors {
        [] => return CommandOutput::ok(stdout),
        [one] => format!("error: {one}"),
        many => format!("error: [{}]", many.join(", ")),
    };
    CommandOutput {
        stdout,
        ..CommandOutput::error(stderr)
    }
}

/// `config get-clusters` and `config get-users`: a NAME column.
fn get_names<'a>(
    flags: &Flags,
    command: &str,
    names: impl Iterator<Item = &'a String>,
) -> CommandOutput {
    if let Err(output) = check_flags(flags, &format!("config {command}"), &[]) {
        return output;
    }
    let mut stdout = String::from("NAME\n");
    for name in names {
        stdout.push_str(name);
        stdout.push('\n');
    }
    CommandOutput::ok(stdout)
}

/// `config use-context NAME`.
fn use_context(config: &mut Kubeconfig, flags: &Flags, args: &[String]) -> CommandOutput {
    if let Err(output) = check_flags(flags, "config use-context", &[]) {
        return output;
    }
    let [name] = args else {
        return unexpected_args(args);
    };
    match config.use_context(name) {
        Ok(()) => CommandOutput::ok(format!("Switched to context \"{name}\".\n")),
        Err(message) => CommandOutput::error(format!("error: {message}")),
    }
}

/// `config set-context [NAME | --current] [--cluster=] [--user=] [--namespace=]`.
/// Its `--namespace` is its own flag, without the global `-n` shorthand (a local
/// flag hides the persistent one of the same name), so `-n dev` is unknown here.
fn set_context(config: &mut Kubeconfig, flags: &Flags, args: &[String]) -> CommandOutput {
    if !flags.values("n").is_empty() {
        return CommandOutput::error(format!(
            "error: unknown shorthand flag: 'n' in {}\nSee 'kubectl config set-context --help' for usage.",
            flags.shorthand_word("n")
        ));
    }
    if let Err(output) = check_flags(
        flags,
        "config set-context",
        &["current", "cluster", "user", "namespace"],
    ) {
        return output;
    }
    if args.len() > 1 {
        return unexpected_args(args);
    }
    let named = args.first().map(String::as_str).unwrap_or("");
    let current = flags.has("current");
    if named.is_empty() && !current {
        return CommandOutput::error(
            "error: you must specify a non-empty context name or --current",
        );
    }
    if !named.is_empty() && current {
        return CommandOutput::error("error: you cannot specify both a context name and --current");
    }
    let name = if current {
        if config.current_context().is_empty() {
            return CommandOutput::error("error: no current context is set");
        }
        config.current_context().to_string()
    } else {
        named.to_string()
    };
    let existed = config.set_context(
        &name,
        flags.value("cluster"),
        flags.value("user"),
        flags.value("namespace"),
    );
    let verb = if existed { "modified" } else { "created" };
    CommandOutput::ok(format!("Context \"{name}\" {verb}.\n"))
}

/// `config view [--minify] [-o yaml|json|jsonpath=...]`: the kubeconfig as
/// `clientcmdapi/v1.Config`, with certificate and key data shortened to
/// `DATA+OMITTED` (`ShortenConfig`; kind's user has no token or password, which
/// it would print as `REDACTED`).
fn view(config: &Kubeconfig, flags: &Flags, args: &[String]) -> CommandOutput {
    if let Err(output) = check_flags(
        flags,
        "config view",
        &["o", "output", "minify", "flatten", "raw", "merge"],
    ) {
        return output;
    }
    if !args.is_empty() {
        return CommandOutput::error(format!(
            "error: unexpected arguments: [{}]\nSee 'kubectl config view -h' for help and examples",
            args.join(" ")
        ));
    }
    if flags.has("raw") || flags.has("flatten") {
        return CommandOutput::error(
            "error: kubesim has no certificates to show: \"kubectl config view --raw\" and \"--flatten\" are not supported",
        );
    }
    let current = flags
        .value("context")
        .filter(|name| !name.is_empty() && flags.has("minify"))
        .unwrap_or(config.current_context());
    let document = match kubeconfig_document(config, flags.has("minify"), current) {
        Ok(document) => document,
        Err(message) => return CommandOutput::error(format!("error: {message}")),
    };
    match output_format(flags).unwrap_or("yaml") {
        "yaml" => CommandOutput::ok(value_to_yaml(&document)),
        "json" => CommandOutput::ok(value_to_json(&document)),
        other => match other.split_once('=') {
            Some(("jsonpath", template)) => {
                match JsonPath::parse(template).and_then(|path| path.execute(&document)) {
                    Ok(text) => CommandOutput::ok(text),
                    Err(error) => CommandOutput::error(format!(
                        "error: error parsing jsonpath {template}, {error}"
                    )),
                }
            }
            _ => CommandOutput::error(format!(
                "error: unable to match a printer suitable for the output format \"{other}\", allowed formats are: json,jsonpath,yaml"
            )),
        },
    }
}

/// The kubeconfig as `kubectl config view` prints it (keys sorted, as Go's
/// YAML printer sorts map keys). `--minify` keeps only what `current` uses
/// (`clientcmdapi.MinifyConfig`, with its errors).
fn kubeconfig_document(config: &Kubeconfig, minify: bool, current: &str) -> Result<Value, String> {
    let mut contexts: Vec<(&String, _)> = config.contexts().iter().collect();
    let mut clusters: Vec<(&String, &String)> = config.clusters().iter().collect();
    let mut users: Vec<&String> = config.users().iter().collect();
    if minify {
        if current.is_empty() {
            return Err("current-context must exist in order to minify".to_string());
        }
        let Some(context) = config.context(current) else {
            return Err(format!("cannot locate context {current}"));
        };
        contexts.retain(|(name, _)| name.as_str() == current);
        clusters.retain(|(name, _)| **name == context.cluster);
        if clusters.is_empty() {
            return Err(format!("cannot locate cluster {}", context.cluster));
        }
        users.retain(|name| **name == context.user);
        if users.is_empty() {
            return Err(format!("cannot locate user {}", context.user));
        }
    }
    let clusters: Vec<Value> = clusters
        .into_iter()
        .map(|(name, server)| {
            json!({
                "cluster": {"certificate-authority-data": "DATA+OMITTED", "server": server},
                "name": name,
            })
        })
        .collect();
    let contexts: Vec<Value> = contexts
        .into_iter()
        .map(|(name, context)| {
            let mut entry = Map::new();
            entry.insert("cluster".to_string(), json!(context.cluster));
            if !context.namespace.is_empty() {
                entry.insert("namespace".to_string(), json!(context.namespace));
            }
            entry.insert("user".to_string(), json!(context.user));
            json!({"context": entry, "name": name})
        })
        .collect();
    let users: Vec<Value> = users
        .into_iter()
        .map(|name| {
            json!({
                "name": name,
                "user": {
                    "client-certificate-data": "DATA+OMITTED",
                    "client-key-data": "DATA+OMITTED",
                },
            })
        })
        .collect();
    let current_context = if minify {
        current
    } else {
        config.current_context()
    };
    Ok(json!({
        "apiVersion": "v1",
        "clusters": clusters,
        "contexts": contexts,
        "current-context": current_context,
        "kind": "Config",
        "preferences": {},
        "users": users,
    }))
}

#[cfg(test)]
mod tests {
    use crate::kubectl::run;
    use crate::{Simulation, SimulationConfig};

    fn simulation() -> Simulation {
        Simulation::new(SimulationConfig::default())
    }

    #[test]
    fn current_context_is_kinds_context() {
        let mut simulation = simulation();
        let output = run(&mut simulation, "kubectl config current-context", "");
        assert_eq!(output.stdout, "kind-kubesim\n");
        assert_eq!(output.exit_code, 0);
    }

    #[test]
    fn get_contexts_marks_the_current_one_and_shows_the_namespace() {
        let mut simulation = simulation();
        let output = run(&mut simulation, "kubectl config get-contexts", "");
        assert_eq!(
            output.stdout,
            "CURRENT   NAME           CLUSTER        AUTHINFO       NAMESPACE\n\
             *         kind-kubesim   kind-kubesim   kind-kubesim   \n"
        );
        run(
            &mut simulation,
            "kubectl config set-context --current --namespace=dev",
            "",
        );
        let output = run(&mut simulation, "kubectl config get-contexts -o name", "");
        assert_eq!(output.stdout, "kind-kubesim\n");
        let output = run(
            &mut simulation,
            "kubectl config get-contexts kind-kubesim missing --no-headers",
            "",
        );
        assert_eq!(
            output.stdout,
            "*     kind-kubesim   kind-kubesim   kind-kubesim   dev\n"
        );
        assert_eq!(output.stderr, "error: context missing not found\n");
        assert_eq!(output.exit_code, 1);
        let output = run(&mut simulation, "kubectl config get-contexts -o foo", "");
        assert_eq!(
            output.stderr,
            "error: output must be one of '' or 'name': foo\n"
        );
    }

    #[test]
    fn use_context_switches_only_to_a_known_context() {
        let mut simulation = simulation();
        let output = run(&mut simulation, "kubectl config use-context kind-kind", "");
        assert_eq!(
            output.stderr,
            "error: no context exists with the name: \"kind-kind\"\n"
        );
        assert_eq!(output.exit_code, 1);
        let output = run(&mut simulation, "kubectl config use-context", "");
        assert_eq!(output.stderr, "error: Unexpected args: []\n");
        let created = run(
            &mut simulation,
            "kubectl config set-context staging --cluster=kind-kubesim --user=kind-kubesim --namespace=staging",
            "",
        );
        assert_eq!(created.stdout, "Context \"staging\" created.\n");
        let output = run(&mut simulation, "kubectl config use-context staging", "");
        assert_eq!(output.stdout, "Switched to context \"staging\".\n");
        let output = run(&mut simulation, "kubectl config current-context", "");
        assert_eq!(output.stdout, "staging\n");
    }

    #[test]
    fn set_context_needs_a_name_or_current() {
        let mut simulation = simulation();
        let output = run(
            &mut simulation,
            "kubectl config set-context --namespace=dev",
            "",
        );
        assert_eq!(
            output.stderr,
            "error: you must specify a non-empty context name or --current\n"
        );
        let output = run(
            &mut simulation,
            "kubectl config set-context kind-kubesim --current --namespace=dev",
            "",
        );
        assert_eq!(
            output.stderr,
            "error: you cannot specify both a context name and --current\n"
        );
        let output = run(&mut simulation, "kubectl config set-context a b", "");
        assert_eq!(output.stderr, "error: Unexpected args: [a b]\n");
        let output = run(
            &mut simulation,
            "kubectl config set-context --current -n dev",
            "",
        );
        assert!(
            output
                .stderr
                .starts_with("error: unknown shorthand flag: 'n' in -n\n"),
            "{}",
            output.stderr
        );
        let output = run(
            &mut simulation,
            "kubectl config set-context --current --namespace=dev",
            "",
        );
        assert_eq!(output.stdout, "Context \"kind-kubesim\" modified.\n");
        assert_eq!(simulation.kubeconfig().namespace(None), "dev");
    }

    #[test]
    fn view_prints_the_kubeconfig_with_data_omitted() {
        let mut simulation = simulation();
        run(
            &mut simulation,
            "kubectl config set-context --current --namespace=dev",
            "",
        );
        let output = run(&mut simulation, "kubectl config view", "");
        assert_eq!(
            output.stdout,
            "apiVersion: v1
clusters:
- cluster:
    certificate-authority-data: DATA+OMITTED
    server: https://127.0.0.1:6443
  name: kind-kubesim
contexts:
- context:
    cluster: kind-kubesim
    namespace: dev
    user: kind-kubesim
  name: kind-kubesim
current-context: kind-kubesim
kind: Config
preferences: {}
users:
- name: kind-kubesim
  user:
    client-certificate-data: DATA+OMITTED
    client-key-data: DATA+OMITTED
"
        );
        run(&mut simulation, "kubectl config set-context other", "");
        let full = run(&mut simulation, "kubectl config view", "");
        assert!(full.stdout.contains("  name: other\n"), "{}", full.stdout);
        let minified = run(&mut simulation, "kubectl config view --minify", "");
        assert_eq!(minified.stdout, output.stdout);
        let namespace = run(
            &mut simulation,
            "kubectl config view --minify -o jsonpath={..namespace}",
            "",
        );
        assert_eq!(namespace.stdout, "dev");
        run(&mut simulation, "kubectl config use-context other", "");
        let output = run(&mut simulation, "kubectl config view --minify", "");
        assert_eq!(output.stderr, "error: cannot locate cluster \n");
    }

    #[test]
    fn unknown_subcommands_are_reported() {
        let mut simulation = simulation();
        let output = run(&mut simulation, "kubectl config frob", "");
        assert_eq!(
            output.stderr,
            "error: unknown command \"frob\"\nSee 'kubectl config -h' for help and examples\n"
        );
        let output = run(&mut simulation, "kubectl config get-clusters", "");
        assert_eq!(output.stdout, "NAME\nkind-kubesim\n");
    }
}
