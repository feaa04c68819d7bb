//! Bad input, command by command: each line gets kubectl's error, word for word,
//! a non-zero exit code, and leaves the cluster exactly as it was
//! (`Simulation::fingerprint` unchanged).
//!
//! Expected messages are upstream's where kubectl has one: cobra's flag errors
//! (`spf13/cobra` `command.go`, `spf13/pflag`), kubectl's `cmdutil.CheckErr`
//! rendering (`staging/src/k8s.io/kubectl/pkg/cmd/util/helpers.go`), the API
//! server's `metav1.Status` messages, apimachinery's selector and quantity
//! parsers and `kubectl taint`'s `parseTaint`.

use kubesim::kubectl::run;
use kubesim::{Simulation, SimulationConfig};

/// A cluster with something in it, so that "unchanged" means something.
fn cluster() -> Simulation {
    let mut simulation = Simulation::new(SimulationConfig::default());
    let setup = run(
        &mut simulation,
        "kubectl apply -f -",
        "apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: nginx
        image: nginx:1.25
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
  - port: 80
",
    );
    assert_eq!(setup.exit_code, 0, "{setup:?}");
    simulation
        .run_until_idle(1_000_000)
        .expect("the setup settles");
    simulation
}

/// (command line, stdin, expected stderr)
type Case = (&'static str, &'static str, &'static str);

const SIM: &[Case] = &[
    (
        "sim advance",
        "",
        "error: sim advance needs a duration, e.g. sim advance 30s\nSee 'sim advance --help' for usage.\n",
    ),
    (
        "sim advance 5x",
        "",
        "error: time: unknown unit \"x\" in duration \"5x\"\n",
    ),
    (
        "sim advance 1m 2m",
        "",
        "error: unexpected argument \"2m\" for \"sim advance\"\nSee 'sim advance --help' for usage.\n",
    ),
    (
        "sim advance 1h30",
        "",
        "error: time: missing unit in duration \"1h30\"\n",
    ),
    (
        "sim advance 1.5.2s",
        "",
        "error: time: missing unit in duration \"1.5.2s\"\n",
    ),
    (
        "sim advance --by 5m",
        "",
        "Error: unknown flag: --by\nSee 'sim advance --help' for usage.\n",
    ),
    (
        "sim settle --timeout soon",
        "",
        "Error: invalid argument \"soon\" for \"--timeout\" flag: time: invalid duration \"soon\"\nSee 'sim settle --help' for usage.\n",
    ),
    (
        "sim settle --wait 5m",
        "",
        "Error: unknown flag: --wait\nSee 'sim settle --help' for usage.\n",
    ),
    (
        "sim settle now",
        "",
        "error: unexpected argument \"now\" for \"sim settle\"\nSee 'sim settle --help' for usage.\n",
    ),
    (
        "sim time -x",
        "",
        "Error: unknown shorthand flag: 'x' in -x\nSee 'sim time --help' for usage.\n",
    ),
    (
        "sim node add",
        "",
        "error: sim node add needs a node name\nSee 'sim node add --help' for usage.\n",
    ),
    (
        "sim node add x --cpu lots",
        "",
        "Error: invalid argument \"lots\" for \"--cpu\" flag: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\nSee 'sim node add --help' for usage.\n",
    ),
    (
        "sim node add x --memory 8GB",
        "",
        "Error: invalid argument \"8GB\" for \"--memory\" flag: quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\nSee 'sim node add --help' for usage.\n",
    ),
    (
        "sim node add x --cpu 0",
        "",
        "Error: invalid argument \"0\" for \"--cpu\" flag: must be greater than zero\nSee 'sim node add --help' for usage.\n",
    ),
    (
        "sim node add x --pods many",
        "",
        "Error: invalid argument \"many\" for \"--pods\" flag: must be a positive whole number\nSee 'sim node add --help' for usage.\n",
    ),
    (
        "sim node add x --taint gpu",
        "",
        "error: invalid taint spec: gpu\n",
    ),
    (
        "sim node add x --taint gpu=true:Sometimes",
        "",
        "error: invalid taint effect: Sometimes, unsupported taint effect\n",
    ),
    (
        "sim node add x --taint a=b:NoSchedule --taint a=c:NoSchedule",
        "",
        "error: duplicated taints with the same key and effect: a=c:NoSchedule\n",
    ),
    (
        "sim node add x --label disk",
        "",
        "error: invalid label \"disk\": expected key=value\n",
    ),
    (
        "sim node add x --label disk=fast!",
        "",
        "error: invalid label \"disk=fast!\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n",
    ),
    (
        "sim node add Big_Node",
        "",
        "error: invalid node name \"Big_Node\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n",
    ),
    (
        "sim node add worker-1",
        "",
        "Error from server (AlreadyExists): nodes \"worker-1\" already exists\n",
    ),
    (
        "sim node fail nope",
        "",
        "Error from server (NotFound): nodes \"nope\" not found\n",
    ),
    (
        "sim node recover nope",
        "",
        "Error from server (NotFound): nodes \"nope\" not found\n",
    ),
    (
        "sim pod crash nope",
        "",
        "Error from server (NotFound): pods \"nope\" not found\n",
    ),
    (
        "sim pod crash web -n elsewhere",
        "",
        "Error from server (NotFound): pods \"web\" not found\n",
    ),
    (
        "sim node",
        "",
        "error: \"sim node\" needs a subcommand: add, fail or recover\nRun 'sim --help' for usage.\n",
    ),
    (
        "sim node explode x",
        "",
        "error: unknown command \"node explode\" for \"sim\"\nRun 'sim --help' for usage.\n",
    ),
    (
        "sim warp 5m",
        "",
        "error: unknown command \"warp\" for \"sim\"\nRun 'sim --help' for usage.\n",
    ),
    ("sleep soon", "", "sleep: invalid time interval 'soon'\n"),
    ("sleep", "", "sleep: expected one duration, e.g. sleep 10\n"),
];

const COMMANDS: &[Case] = &[
    // kubectl logs (staging/src/k8s.io/kubectl/pkg/cmd/logs/logs.go): a missing pod
    // is wrapped as `error from server (NotFound): ... in namespace "default"`.
    (
        "kubectl logs nope",
        "",
        "error: error from server (NotFound): pods \"nope\" not found in namespace \"default\"\n",
    ),
    (
        "kubectl logs deployment/nope",
        "",
        "error: error from server (NotFound): deployments.apps \"nope\" not found in namespace \"default\"\n",
    ),
    (
        "kubectl logs",
        "",
        "error: expected 'logs [-f] [-p] (POD | TYPE/NAME) [-c CONTAINER]'.\nPOD or TYPE/NAME is a required argument for the logs command\nSee 'kubectl logs -h' for help and examples\n",
    ),
    (
        "kubectl logs deployment/web --tail=-5",
        "",
        "error: --tail must be greater than or equal to -1\n",
    ),
    (
        "kubectl logs deployment/web -l app=web",
        "",
        "error: only a selector (-l) or a POD name is allowed\nSee 'kubectl logs -h' for help and examples\n",
    ),
    (
        "kubectl logs deployment/web nginx -c nginx",
        "",
        "error: only one of -c or an inline [CONTAINER] arg is allowed\n",
    ),
    (
        "kubectl logs deployment/web --all-containers -c nginx",
        "",
        "error: --all-containers=true should not be specified with container name nginx\n",
    ),
    (
        "kubectl logs namespace/default",
        "",
        "error: cannot get the logs from *v1.Namespace: selector for *v1.Namespace not implemented\n",
    ),
    // An interactive shell cannot be simulated; nothing is created.
    (
        "kubectl run shell --image=nginx -it --rm --restart=Never",
        "",
        "error: kubesim cannot attach to a container that keeps running (-i, -t, --attach) unless it runs curl, wget, hostname or echo; run the pod without them and use kubectl logs or kubectl exec\n",
    ),
    // kubectl exec (staging/src/k8s.io/kubectl/pkg/cmd/exec/exec.go).
    (
        "kubectl exec nope -- curl http://web",
        "",
        "Error from server (NotFound): pods \"nope\" not found\n",
    ),
    (
        "kubectl exec deployment/web",
        "",
        "error: you must specify at least one command for the container\n",
    ),
    (
        "kubectl exec",
        "",
        "error: pod, type/name or --filename must be specified\n",
    ),
    // The setup's pods are still being created: the kubelet has no container to exec in.
    (
        "kubectl exec deployment/web -- curl -s http://web",
        "",
        "error: unable to upgrade connection: container not found (\"nginx\")\n",
    ),
    (
        "echo hi",
        "",
        "error: unknown command \"echo\": commands start with kubectl or sim\n",
    ),
    (
        "kubectl",
        "",
        "error: kubectl needs a command, e.g. kubectl get pods\n",
    ),
    (
        "kubectl get 'pods",
        "",
        "error: unterminated single quote in command line\n",
    ),
    (
        "kubectl get nosuchthing",
        "",
        "error: the server doesn't have a resource type \"nosuchthing\"\n",
    ),
    (
        "kubectl get deployment nope",
        "",
        "Error from server (NotFound): deployments.apps \"nope\" not found\n",
    ),
    (
        "kubectl get pods --field-selector foo=bar",
        "",
        "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"\", field selector \"foo=bar\": field label not supported: foo\n",
    ),
    (
        "kubectl get pods -l 'app=web,'",
        "",
        "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"app=web,\", field selector \"\": found '', expected: identifier after ','\n",
    ),
    (
        "kubectl get",
        "",
        "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\nUse \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).\nSee 'kubectl get -h' for help and examples\n",
    ),
    (
        "kubectl delete",
        "",
        "error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'\n",
    ),
    (
        "kubectl delete pod nope",
        "",
        "Error from server (NotFound): pods \"nope\" not found\n",
    ),
    (
        "kubectl scale deployment web",
        "",
        "error: required flag(s) \"replicas\" not set\n",
    ),
    (
        "kubectl scale deployment web --replicas=-1",
        "",
        "error: The --replicas=COUNT flag is required, and COUNT must be greater than or equal to 0\n",
    ),
    (
        "kubectl scale deployment nope --replicas=2",
        "",
        "Error from server (NotFound): deployments.apps \"nope\" not found\n",
    ),
    (
        "kubectl scale nosuch web --replicas=2",
        "",
        "error: the server doesn't have a resource type \"nosuch\"\n",
    ),
    (
        "kubectl set image deployment/web",
        "",
        "error: at least one image update is required\n",
    ),
    (
        "kubectl set image deployment/web nope=nginx:2",
        "",
        "error: unable to find container named \"nope\"\n",
    ),
    (
        "kubectl set image deployment/nope nginx=nginx:2",
        "",
        "Error from server (NotFound): deployments.apps \"nope\" not found\n",
    ),
    (
        "kubectl label pod nope a=b",
        "",
        "Error from server (NotFound): pods \"nope\" not found\n",
    ),
    (
        "kubectl label deployment web",
        "",
        "error: at least one label update is required\nSee 'kubectl label -h' for help and examples\n",
    ),
    (
        "kubectl patch deployment web -p '{bad'",
        "",
        "error: unable to parse \"{bad\": yaml: line 1: did not find expected ',' or '}'\n",
    ),
];

const MANIFESTS: &[Case] = &[
    (
        "kubectl apply",
        "",
        "error: must specify one of -f and -k\n",
    ),
    (
        "kubectl apply -f -",
        "",
        "error: no objects passed to apply\n",
    ),
    (
        "kubectl apply -f missing.yaml",
        "",
        "error: the path \"missing.yaml\" does not exist\n",
    ),
    (
        "kubectl apply -f https://example.com/app.yaml",
        "",
        "error: kubesim cannot fetch URLs: https://example.com/app.yaml; save the file and pass its path\n",
    ),
    (
        "kubectl apply -f -",
        "kind: Pod\nmetadata: [\n",
        "error: error parsing STDIN: error converting YAML to JSON: yaml: line 3: did not find expected node content\n",
    ),
    (
        "kubectl apply -f -",
        "apiVersion: v1\nmetadata:\n  name: x\n",
        "error: error validating \"STDIN\": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false\n",
    ),
    (
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Frobnicator\nmetadata:\n  name: x\n",
        "error: resource mapping not found for name: \"x\" namespace: \"\" from \"STDIN\": no matches for kind \"Frobnicator\" in version \"v1\"\nensure CRDs are installed first\n",
    ),
];

/// Manifests the API server rejects: the store must not change.
const SERVER_REJECTED: &[Case] = &[
    (
        "kubectl apply -f -",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replica: 2\n",
        "Error from server (BadRequest): error when creating \"STDIN\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\"\n",
    ),
    (
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: Web_1\nspec:\n  containers:\n  - name: c\n    image: nginx\n",
        "The Pod \"Web_1\" is invalid: metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')\n",
    ),
    (
        "kubectl apply -f -",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: other}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
        "The Deployment \"api\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"other\"}: `selector` does not match template `labels`\n",
    ),
    (
        "kubectl apply -f -",
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: api\nspec:\n  replicas: -1\n  selector:\n    matchLabels: {app: api}\n  template:\n    metadata:\n      labels: {app: api}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n",
        "The Deployment \"api\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n",
    ),
    (
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers: []\n",
        "The Pod \"p\" is invalid: spec.containers: Required value\n",
    ),
    (
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  ports:\n  - port: 70000\n",
        "The Service \"s\" is invalid: \n* spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive\n* spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive\n",
    ),
    (
        "kubectl apply -f -",
        "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: nginx\n    resources:\n      requests:\n        cpu: 1x\n",
        "Error from server (BadRequest): error when creating \"STDIN\": Pod in version \"v1\" cannot be handled as a Pod: json: error decoding field \"spec.containers[0].resources.requests.cpu\": quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'\n",
    ),
];

/// Flag and command errors as kubectl v1.28 prints them. kubectl's `main`
/// (`cmd/kubectl/kubectl.go`) runs `cli.RunNoErrOutput` and prints the error with
/// `cmdutil.CheckErr`, so every line starts `error: ` (not cobra's own `Error: `);
/// flag errors get the `See '... --help' for usage.` line of kubectl's
/// FlagErrorFunc (`templates.ActsAsRootCommand`), and cobra's own `Run 'kubectl
/// --help' for usage.` is silenced.
const FLAG_ERRORS: &[Case] = &[
    // cli-runtime/pkg/printers NoCompatiblePrinterError joins with "," (no space).
    (
        "kubectl get pods -o yamll",
        "",
        "error: unable to match a printer suitable for the output format \"yamll\", allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml\n",
    ),
    // cli-runtime/pkg/resource/selector.go wraps a BadRequest list error with the selectors.
    (
        "kubectl get pods -l 'app in (a'",
        "",
        "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"app in (a\", field selector \"\": unable to parse requirement: found '', expected: ',' or ')'\n",
    ),
    // cobra's Find: suggestions by Levenshtein distance <= 2 or prefix, in the
    // order kubectl added its commands (set before get).
    (
        "kubectl gett pods",
        "",
        "error: unknown command \"gett\" for \"kubectl\"\n\nDid you mean this?\n\tset\n\tget\n",
    ),
    (
        "kubectl rollot status deployment/web",
        "",
        "error: unknown command \"rollot\" for \"kubectl\"\n\nDid you mean this?\n\trollout\n",
    ),
    (
        "kubectl frobnicate",
        "",
        "error: unknown command \"frobnicate\" for \"kubectl\"\n",
    ),
    // pflag's value errors with kubectl's See line.
    (
        "kubectl scale deployment web --replicas=abc",
        "",
        "error: invalid argument \"abc\" for \"--replicas\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax\nSee 'kubectl scale --help' for usage.\n",
    ),
    (
        "kubectl delete pods --all --grace-period=abc",
        "",
        "error: invalid argument \"abc\" for \"--grace-period\" flag: strconv.ParseInt: parsing \"abc\": invalid syntax\nSee 'kubectl delete --help' for usage.\n",
    ),
    (
        "kubectl rollout status deployment/web --timeout=10",
        "",
        "error: invalid argument \"10\" for \"--timeout\" flag: time: missing unit in duration \"10\"\nSee 'kubectl rollout status --help' for usage.\n",
    ),
    (
        "kubectl wait --for=delete pod/x --timeout=5x",
        "",
        "error: invalid argument \"5x\" for \"--timeout\" flag: time: unknown unit \"x\" in duration \"5x\"\nSee 'kubectl wait --help' for usage.\n",
    ),
    // Unknown flags are errors, not ignored.
    (
        "kubectl get pods --frob",
        "",
        "error: unknown flag: --frob\nSee 'kubectl get --help' for usage.\n",
    ),
    (
        "kubectl get pods -x",
        "",
        "error: unknown shorthand flag: 'x' in -x\nSee 'kubectl get --help' for usage.\n",
    ),
    // pflag names the whole shorthand group the letter came in.
    (
        "kubectl get pods -xyz",
        "",
        "error: unknown shorthand flag: 'x' in -xyz\nSee 'kubectl get --help' for usage.\n",
    ),
    (
        "kubectl describe pods --frob",
        "",
        "error: unknown flag: --frob\nSee 'kubectl describe --help' for usage.\n",
    ),
    // kubectl v1.28 removed `version --short`.
    (
        "kubectl version --short",
        "",
        "error: unknown flag: --short\nSee 'kubectl version --help' for usage.\n",
    ),
    (
        "kubectl get pods -l",
        "",
        "error: flag needs an argument: 'l' in -l\nSee 'kubectl get --help' for usage.\n",
    ),
    (
        "kubectl get pods --selector",
        "",
        "error: flag needs an argument: --selector\nSee 'kubectl get --help' for usage.\n",
    ),
    (
        "kubectl logs deployment/web --since=5x",
        "",
        "error: invalid argument \"5x\" for \"--since\" flag: time: unknown unit \"x\" in duration \"5x\"\nSee 'kubectl logs --help' for usage.\n",
    ),
    // Go's time.ParseDuration: a number without a unit.
    (
        "sim advance 10",
        "",
        "error: time: missing unit in duration \"10\"\n",
    ),
];

/// The store's state alone: its revision and every object.
fn store_state(simulation: &Simulation) -> (u64, Vec<String>) {
    (
        simulation.api().resource_version(),
        simulation
            .objects()
            .map(|object| object.to_value().to_string())
            .collect(),
    )
}

fn check(cases: &[Case]) {
    check_with(cases, |simulation| simulation.fingerprint().to_string());
}

fn check_with(cases: &[Case], state: impl Fn(&Simulation) -> String) {
    let mut simulation = cluster();
    let mut failures = Vec::new();
    for (line, stdin, expected) in cases {
        let before = state(&simulation);
        let output = run(&mut simulation, line, stdin);
        if std::env::var_os("BAD_INPUT_PRINT").is_some() {
            println!("{line:?} => {:?} {:?}", output.stderr, output.stdout);
        }
        if output.stderr != *expected {
            failures.push(format!(
                "{line} (stdin {stdin:?})\n  expected {expected:?}\n  got      {:?}",
                output.stderr
            ));
        }
        if output.exit_code == 0 {
            failures.push(format!("{line}: exit code 0"));
        }
        if state(&simulation) != before {
            failures.push(format!("{line}: changed the cluster"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn sim_commands() {
    check(SIM);
}

#[test]
fn commands_flags_and_selectors() {
    check(COMMANDS);
}

#[test]
fn manifests() {
    check(MANIFESTS);
}

#[test]
fn manifests_the_api_server_rejects_leave_the_store_unchanged() {
    check_with(SERVER_REJECTED, |simulation| {
        format!("{:?}", store_state(simulation))
    });
}

/// A rejected create leaves even the RNG where it was (`ApiServer::create`
/// restores it), so a failed `kubectl apply` changes no later generated name.
#[test]
fn manifests_the_api_server_rejects_leave_the_rng_unchanged() {
    check(SERVER_REJECTED);
}

#[test]
fn flag_and_command_errors_print_what_kubectl_prints() {
    check(FLAG_ERRORS);
}

#[test]
fn the_table_is_large_enough() {
    assert!(
        SIM.len() + COMMANDS.len() + MANIFESTS.len() + SERVER_REJECTED.len() + FLAG_ERRORS.len()
            >= 40
    );
}
