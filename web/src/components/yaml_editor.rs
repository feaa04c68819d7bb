use web_sys::HtmlTextAreaElement;
use yew::prelude::*;

use crate::context::use_playground;
use crate::state::{Action, ApplyResult};

#[derive(Properties, PartialEq)]
pub struct YamlEditorProps {
    pub result: Option<ApplyResult>,
}

/// Manifests to start from: each is valid on a real cluster as it stands.
pub const EXAMPLES: &[(&str, &str)] = &[
    ("nginx Deployment", NGINX_DEPLOYMENT),
    ("DaemonSet", DAEMON_SET),
    ("Job", JOB),
    ("Service", SERVICE),
];

const NGINX_DEPLOYMENT: &str = "apiVersion: apps/v1
kind: Deployment
metadata:
  name: nginx
  labels:
    app: nginx
spec:
  replicas: 3
  selector:
    matchLabels:
      app: nginx
  template:
    metadata:
      labels:
        app: nginx
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
        ports:
        - containerPort: 80
        resources:
          requests:
            cpu: 100m
            memory: 128Mi
";

const DAEMON_SET: &str = "apiVersion: apps/v1
kind: DaemonSet
metadata:
  name: node-agent
spec:
  selector:
    matchLabels:
      app: node-agent
  template:
    metadata:
      labels:
        app: node-agent
    spec:
      containers:
      - name: agent
        image: busybox:1.36
        command: [\"sh\", \"-c\", \"while true; do sleep 3600; done\"]
        resources:
          requests:
            cpu: 50m
            memory: 32Mi
";

const JOB: &str = "apiVersion: batch/v1
kind: Job
metadata:
  name: pi
spec:
  completions: 3
  parallelism: 2
  backoffLimit: 4
  template:
    spec:
      restartPolicy: Never
      containers:
      - name: pi
        image: perl:5.34
        command: [\"perl\", \"-Mbignum=bpi\", \"-wle\", \"print bpi(200)\"]
";

const SERVICE: &str = "apiVersion: v1
kind: Service
metadata:
  name: nginx
spec:
  selector:
    app: nginx
  ports:
  - port: 80
    targetPort: 80
";

/// The line a kubectl error points at ("line 7: ..."), if it names one.
pub fn error_line(stderr: &str) -> Option<usize> {
    let index = stderr.find("line ")?;
    let digits: String = stderr[index + 5..]
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    digits.parse().ok().filter(|line| *line > 0)
}

/// A manifest editor: write or pick YAML (one or several documents) and apply it
/// with `kubectl apply -f -`, the text going in as stdin.
#[function_component]
pub fn YamlEditor(props: &YamlEditorProps) -> Html {
    let playground = use_playground();
    let editor = use_node_ref();
    let apply = {
        let editor = editor.clone();
        let playground = playground.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(area) = editor.cast::<HtmlTextAreaElement>() {
                playground.dispatch(Action::ApplyYaml(area.value()));
            }
        })
    };
    let on_keydown = {
        let editor = editor.clone();
        let playground = playground.clone();
        Callback::from(move |event: KeyboardEvent| {
            if event.key() == "Enter" && (event.ctrl_key() || event.meta_key()) {
                event.prevent_default();
                if let Some(area) = editor.cast::<HtmlTextAreaElement>() {
                    playground.dispatch(Action::ApplyYaml(area.value()));
                }
            }
        })
    };
    let examples = EXAMPLES.iter().map(|(label, yaml)| {
        let editor = editor.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            if let Some(area) = editor.cast::<HtmlTextAreaElement>() {
                area.set_value(yaml);
                let _ = area.focus();
            }
        });
        html! { <button class="small" {onclick} data-testid={format!("example-{}", label.split_whitespace().last().unwrap_or("").to_ascii_lowercase())}>{ *label }</button> }
    });
    let result = props.result.as_ref().map(|result| {
        let pointed = (!result.ok).then(|| error_line(&result.stderr)).flatten();
        let source_line = pointed.and_then(|line| {
            editor
                .cast::<HtmlTextAreaElement>()
                .and_then(|area| area.value().lines().nth(line - 1).map(str::to_string))
        });
        html! {
            <div class={classes!("apply-result", (!result.ok).then_some("error"))} role={if result.ok { "status" } else { "alert" }} data-testid="yaml-result">
                if !result.stdout.is_empty() { <pre>{ &result.stdout }</pre> }
                if !result.stderr.is_empty() { <pre class="stderr">{ &result.stderr }</pre> }
                if let (Some(line), Some(text)) = (pointed, source_line) {
                    <p class="pointer">{ format!("Line {line}: ") }<code>{ text }</code></p>
                }
            </div>
        }
    });
    html! {
        <section class="panel yaml" aria-labelledby="yaml-title">
            <h2 class="section-title" id="yaml-title">{ "Manifest" }<span class="count">{ "kubectl apply -f -" }</span></h2>
            <div class="examples" role="group" aria-label="Examples">{ "Examples: " }{ for examples }</div>
            <label for="yaml-editor" class="visually-hidden">{ "YAML manifest" }</label>
            <textarea id="yaml-editor" ref={editor} data-testid="yaml-editor" spellcheck="false" rows="14"
                onkeydown={on_keydown} defaultvalue={NGINX_DEPLOYMENT} />
            <div class="editor-actions">
                <button class="primary" onclick={apply} data-testid="yaml-apply">{ "Apply" }</button>
                <span class="hint">{ "Ctrl+Enter applies. Several documents: separate them with ---" }</span>
            </div>
            { for result }
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_line_reads_kubectl_messages() {
        assert_eq!(
            error_line(
                "error: error parsing STDIN: error converting YAML to JSON: yaml: line 7: mapping values are not allowed"
            ),
            Some(7)
        );
        assert_eq!(error_line("error: no objects passed to apply"), None);
    }

    #[test]
    fn examples_are_decodable_manifests() {
        for (label, yaml) in EXAMPLES {
            let decoded = kubesim::model::manifest::decode_manifests(yaml, "example");
            assert!(decoded.iter().all(Result::is_ok), "{label}: {decoded:?}");
            assert_eq!(decoded.len(), 1);
        }
    }
}
