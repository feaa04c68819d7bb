//! `kubectl explain TYPE[.field.path]`, for the main fields of the simulated kinds.
//!
//! Upstream: `staging/src/k8s.io/kubectl/pkg/explain/v2` (the OpenAPI v3
//! plaintext template): `GROUP:` (not for the core group), `KIND:`, `VERSION:`,
//! `FIELD: name <Type>` for a field, `DESCRIPTION:` wrapped at 76 columns and
//! indented by 4, then `FIELDS:` with `name\t<Type>` and each description. The
//! descriptions are upstream's (`staging/src/k8s.io/api/*/types.go` doc comments);
//! kubesim carries a compact table of them rather than the server's OpenAPI
//! document, so fields outside the table are reported as not existing.

use crate::kubectl::output::CommandError;
use crate::kubectl::resource_args::resolve_type;
use crate::kubectl::{CommandOutput, Flags};

/// One schema node: its type name, description, and fields.
struct Schema {
    type_name: &'static str,
    description: &'static str,
    fields: &'static [(&'static str, &'static str, &'static str)],
    /// Fields that have their own schema, by name.
    children: &'static [(&'static str, &'static Schema)],
}

const API_VERSION: &str = "APIVersion defines the versioned schema of this representation of an object. Servers should convert recognized schemas to the latest internal value, and may reject unrecognized values. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#resources";
const KIND: &str = "Kind is a string value representing the REST resource this object represents. Servers may infer this from the endpoint the client submits requests to. Cannot be updated. In CamelCase. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#types-kinds";
const METADATA: &str = "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";

static DEPLOYMENT_STRATEGY: Schema = Schema {
    type_name: "DeploymentStrategy",
    description: "DeploymentStrategy describes how to replace existing pods with new ones.",
    fields: &[
        (
            "rollingUpdate",
            "RollingUpdateDeployment",
            "Rolling update config params. Present only if DeploymentStrategyType = RollingUpdate.",
        ),
        (
            "type",
            "string",
            "Type of deployment. Can be \"Recreate\" or \"RollingUpdate\". Default is RollingUpdate.",
        ),
    ],
    children: &[],
};

static DEPLOYMENT_SPEC: Schema = Schema {
    type_name: "DeploymentSpec",
    description: "DeploymentSpec is the specification of the desired behavior of the Deployment.",
    fields: &[
        (
            "minReadySeconds",
            "integer",
            "Minimum number of seconds for which a newly created pod should be ready without any of its container crashing, for it to be considered available. Defaults to 0 (pod will be considered available as soon as it is ready)",
        ),
        (
            "paused",
            "boolean",
            "Indicates that the deployment is paused.",
        ),
        (
            "progressDeadlineSeconds",
            "integer",
            "The maximum time in seconds for a deployment to make progress before it is considered to be failed. The deployment controller will continue to process failed deployments and a condition with a ProgressDeadlineExceeded reason will be surfaced in the deployment status. Note that progress will not be estimated during the time a deployment is paused. Defaults to 600s.",
        ),
        (
            "replicas",
            "integer",
            "Number of desired pods. This is a pointer to distinguish between explicit zero and not specified. Defaults to 1.",
        ),
        (
            "revisionHistoryLimit",
            "integer",
            "The number of old ReplicaSets to retain to allow rollback. This is a pointer to distinguish between explicit zero and not specified. Defaults to 10.",
        ),
        (
            "selector",
            "LabelSelector",
            "Label selector for pods. Existing ReplicaSets whose pods are selected by this will be the ones affected by this deployment. It must match the pod template's labels.",
        ),
        (
            "strategy",
            "DeploymentStrategy",
            "The deployment strategy to use to replace existing pods with new ones.",
        ),
        (
            "template",
            "PodTemplateSpec",
            "Template describes the pods that will be created. The only allowed template.spec.restartPolicy value is \"Always\".",
        ),
    ],
    children: &[("strategy", &DEPLOYMENT_STRATEGY)],
};

static DEPLOYMENT: Schema = Schema {
    type_name: "Deployment",
    description: "Deployment enables declarative updates for Pods and ReplicaSets.",
    fields: &[
        ("apiVersion", "string", API_VERSION),
        ("kind", "string", KIND),
        ("metadata", "ObjectMeta", METADATA),
        (
            "spec",
            "DeploymentSpec",
            "Specification of the desired behavior of the Deployment.",
        ),
        (
            "status",
            "DeploymentStatus",
            "Most recently observed status of the Deployment.",
        ),
    ],
    children: &[("spec", &DEPLOYMENT_SPEC)],
};

static POD: Schema = Schema {
    type_name: "Pod",
    description: "Pod is a collection of containers that can run on a host. This resource is created by clients and scheduled onto hosts.",
    fields: &[
        ("apiVersion", "string", API_VERSION),
        ("kind", "string", KIND),
        ("metadata", "ObjectMeta", METADATA),
        (
            "spec",
            "PodSpec",
            "Specification of the desired behavior of the pod. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
        ),
        (
            "status",
            "PodStatus",
            "Most recently observed status of the pod. This data may not be up to date. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
        ),
    ],
    children: &[],
};

static SERVICE: Schema = Schema {
    type_name: "Service",
    description: "Service is a named abstraction of software service (for example, mysql) consisting of local port (for example 3306) that the proxy listens on, and the selector that determines which pods will answer requests sent through the proxy.",
    fields: &[
        ("apiVersion", "string", API_VERSION),
        ("kind", "string", KIND),
        ("metadata", "ObjectMeta", METADATA),
        (
            "spec",
            "ServiceSpec",
            "Spec defines the behavior of a service. https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
        ),
        (
            "status",
            "ServiceStatus",
            "Most recently observed status of the service. Populated by the system. Read-only. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#spec-and-status",
        ),
    ],
    children: &[],
};

fn schema_for(kind: &str) -> Option<&'static Schema> {
    match kind {
        "Deployment" => Some(&DEPLOYMENT),
        "Pod" => Some(&POD),
        "Service" => Some(&SERVICE),
        _ => None,
    }
}

/// Word-wraps at `width` columns, as the template's `wrap` does.
fn wrap(text: &str, width: usize) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.len() + 1 + word.len() > width {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

fn indented(text: &str, indent: usize) -> String {
    wrap(text, 80 - indent)
        .iter()
        .map(|line| format!("{}{line}\n", " ".repeat(indent)))
        .collect()
}

/// The flags upstream's command defines (kubectl's global flags are always accepted).
const FLAGS: &[&str] = &["recursive", "api-version", "o", "output"];

pub fn run(flags: &Flags) -> CommandOutput {
    if let Err(output) = crate::kubectl::outcome::check_flags(flags, "explain", FLAGS) {
        return output;
    }
    match explain(flags) {
        Ok(output) => output,
        Err(error) => error.into_output(),
    }
}

fn explain(flags: &Flags) -> Result<CommandOutput, CommandError> {
    let Some(argument) = flags.positional.first() else {
        return Err(CommandError::message(
            "You must specify the type of resource to explain. Use \"kubectl api-resources\" for a complete list of supported resources.\n",
        ));
    };
    let mut path = argument.split('.');
    let type_name = path.next().unwrap_or("");
    let resource_type = resolve_type(type_name)?;
    let mut schema = schema_for(resource_type.kind).ok_or_else(|| {
        CommandError::message(format!(
            "kubesim has no schema for {}; explain works for deployments, pods and services",
            resource_type.plural
        ))
    })?;
    let mut field: Option<(&str, &str, &str)> = None;
    for segment in path {
        let Some(found) = schema.fields.iter().find(|(name, _, _)| *name == segment) else {
            return Err(CommandError::message(format!(
                "field \"{segment}\" does not exist"
            )));
        };
        match schema.children.iter().find(|(name, _)| *name == segment) {
            Some((_, child)) => {
                schema = child;
                field = Some(*found);
            }
            None => {
                field = Some(*found);
                // A leaf field: nothing below it.
                schema = &LEAF;
            }
        }
    }
    let mut out = String::new();
    if !resource_type.group.is_empty() {
        out.push_str(&format!("GROUP:      {}\n", resource_type.group));
    }
    out.push_str(&format!("KIND:       {}\n", resource_type.kind));
    out.push_str(&format!("VERSION:    {}\n\n", resource_type.version));
    let description = match field {
        Some((name, type_name, field_description)) => {
            out.push_str(&format!("FIELD: {name} <{type_name}>\n\n"));
            if schema.description.is_empty() {
                field_description.to_string()
            } else {
                format!("{field_description}\n{}", schema.description)
            }
        }
        None => schema.description.to_string(),
    };
    out.push_str("DESCRIPTION:\n");
    for paragraph in description.split('\n') {
        out.push_str(&indented(paragraph, 4));
    }
    out.push_str("    \n");
    if !schema.fields.is_empty() {
        out.push_str("FIELDS:\n");
        for (name, type_name, field_description) in schema.fields {
            out.push_str(&format!("  {name}\t<{type_name}>\n"));
            out.push_str(&indented(field_description, 4));
            out.push('\n');
        }
    }
    let _ = schema.type_name;
    Ok(CommandOutput::ok(out))
}

static LEAF: Schema = Schema {
    type_name: "",
    description: "",
    fields: &[],
    children: &[],
};

#[cfg(test)]
mod tests {
    use super::*;
    use crate::kubectl::shell_words;

    fn explain_line(line: &str) -> CommandOutput {
        run(&Flags::parse(&shell_words::split(line).unwrap()))
    }

    #[test]
    fn explains_the_deployment_strategy() {
        let output = explain_line("deployment.spec.strategy");
        assert_eq!(
            output.stdout,
            "GROUP:      apps\nKIND:       Deployment\nVERSION:    v1\n\nFIELD: strategy <DeploymentStrategy>\n\n\
             DESCRIPTION:\n    The deployment strategy to use to replace existing pods with new ones.\n    \
             DeploymentStrategy describes how to replace existing pods with new ones.\n    \nFIELDS:\n  \
             rollingUpdate\t<RollingUpdateDeployment>\n    Rolling update config params. Present only if DeploymentStrategyType =\n    \
             RollingUpdate.\n\n  type\t<string>\n    Type of deployment. Can be \"Recreate\" or \"RollingUpdate\". Default is\n    \
             RollingUpdate.\n\n"
        );
        let pods = explain_line("pods");
        assert!(pods.stdout.starts_with(
            "KIND:       Pod\nVERSION:    v1\n\nDESCRIPTION:\n    Pod is a collection"
        ));
        assert_eq!(
            explain_line("deployment.spec.foo").stderr,
            "error: field \"foo\" does not exist\n"
        );
        assert_eq!(
            explain_line("frobs").stderr,
            "error: the server doesn't have a resource type \"frobs\"\n"
        );
        let replicas = explain_line("deploy.spec.replicas");
        assert!(
            replicas
                .stdout
                .contains("FIELD: replicas <integer>\n\nDESCRIPTION:\n    Number of desired pods.")
        );
    }
}
