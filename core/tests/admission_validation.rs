//! Admission validation: upstream's messages, as kubectl prints them, and a cluster
//! left unchanged by every rejected request.

use kubesim::model::Object;
use kubesim::model::manifest::decode_manifests;
use kubesim::{Simulation, SimulationConfig};

fn decode(yaml: &str) -> Object {
    let mut documents = decode_manifests(yaml, "test.yaml");
    assert_eq!(documents.len(), 1, "one document expected");
    documents.remove(0).expect("manifest decodes").object
}

fn simulation() -> Simulation {
    Simulation::new(SimulationConfig::default())
}

/// Creates `yaml`, expects a rejection, checks nothing was stored, returns kubectl's text.
fn rejected(simulation: &mut Simulation, yaml: &str) -> String {
    let object = decode(yaml);
    let resource_type = object.resource_type();
    let namespace = if resource_type.namespaced {
        "default"
    } else {
        ""
    };
    let name = object.name().to_string();
    let revision = simulation.api().resource_version();
    let error = match simulation.api_mut().create(object) {
        Ok(_) => panic!("accepted:\n{yaml}"),
        Err(error) => error,
    };
    assert!(
        simulation
            .api()
            .get_ref(resource_type, namespace, &name)
            .is_none(),
        "{name} was stored"
    );
    assert_eq!(
        simulation.api().resource_version(),
        revision,
        "the store changed"
    );
    error.kubectl_message()
}

fn accepted(simulation: &mut Simulation, yaml: &str) {
    if let Err(error) = simulation.api_mut().create(decode(yaml)) {
        panic!("rejected: {}\n{yaml}", error.kubectl_message());
    }
}

fn pod(spec: &str) -> String {
    format!("apiVersion: v1\nkind: Pod\nmetadata: {{name: p}}\nspec:\n{spec}")
}

const DEPLOYMENT: &str = "
apiVersion: apps/v1
kind: Deployment
metadata: {name: web}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: web, image: nginx}]
";

/// DEPLOYMENT with `extra` lines added to its spec.
fn deployment(extra: &str) -> String {
    DEPLOYMENT.replace("spec:\n  selector", &format!("spec:\n{extra}  selector"))
}

const DNS1123_LABEL: &str = "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

#[test]
fn pod_errors() {
    let cases: Vec<(String, String)> = vec![
        (
            pod("  containers: []\n"),
            "The Pod \"p\" is invalid: spec.containers: Required value".into(),
        ),
        (
            pod("  containers: [{name: a}]\n"),
            "The Pod \"p\" is invalid: spec.containers[0].image: Required value".into(),
        ),
        (
            pod("  containers: [{name: a, image: nginx}, {name: a, image: redis}]\n"),
            "The Pod \"p\" is invalid: spec.containers[1].name: Duplicate value: \"a\"".into(),
        ),
        (
            pod("  containers: [{name: Web, image: nginx}]\n"),
            format!("The Pod \"p\" is invalid: spec.containers[0].name: Invalid value: \"Web\": {DNS1123_LABEL}"),
        ),
        (
            pod("  restartPolicy: Sometimes\n  containers: [{name: a, image: nginx}]\n"),
            "The Pod \"p\" is invalid: spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"".into(),
        ),
        (
            pod("  containers: [{name: a, image: nginx, ports: [{containerPort: 70000}]}]\n"),
            "The Pod \"p\" is invalid: spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive".into(),
        ),
        (
            pod("  containers: [{name: a, image: nginx, resources: {requests: {cpu: 2}, limits: {cpu: 1}}}]\n"),
            "The Pod \"p\" is invalid: spec.containers[0].resources.requests: Invalid value: \"2\": must be less than or equal to cpu limit of 1".into(),
        ),
        (
            pod("  containers: [{name: a, image: nginx, resources: {requests: {memory: -1Mi}}}]\n"),
            "The Pod \"p\" is invalid: spec.containers[0].resources.requests[memory]: Invalid value: \"-1Mi\": must be greater than or equal to 0".into(),
        ),
        (
            pod("  tolerations: [{key: dedicated, operator: Maybe}]\n  containers: [{name: a, image: nginx}]\n"),
            "The Pod \"p\" is invalid: spec.tolerations[0].operator: Unsupported value: \"Maybe\": supported values: \"Equal\", \"Exists\"".into(),
        ),
        (
            pod("  affinity:\n    nodeAffinity:\n      requiredDuringSchedulingIgnoredDuringExecution:\n        nodeSelectorTerms: [{matchExpressions: [{key: zone, operator: Near, values: [a]}]}]\n  containers: [{name: a, image: nginx}]\n"),
            "The Pod \"p\" is invalid: spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution.nodeSelectorTerms[0].matchExpressions[0].operator: Invalid value: \"Near\": not a valid selector operator".into(),
        ),
        (
            pod("  activeDeadlineSeconds: 0\n  containers: [{name: a, image: nginx}]\n"),
            "The Pod \"p\" is invalid: spec.activeDeadlineSeconds: Invalid value: 0: must be between 1 and 4294967295, inclusive".into(),
        ),
        (
            pod("  containers: [{name: a, image: nginx, livenessProbe: {periodSeconds: 5}}]\n"),
            "The Pod \"p\" is invalid: spec.containers[0].livenessProbe: Required value: must specify a handler type".into(),
        ),
        (
            pod("  containers: [{name: a, image: nginx, livenessProbe: {tcpSocket: {port: 80}, successThreshold: 2}}]\n"),
            "The Pod \"p\" is invalid: spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1".into(),
        ),
        (
            pod("  topologySpreadConstraints: [{maxSkew: 0, topologyKey: zone, whenUnsatisfiable: Sometimes}]\n  containers: [{name: a, image: nginx}]\n"),
            "The Pod \"p\" is invalid: [spec.topologySpreadConstraints[0].maxSkew: Invalid value: 0: must be greater than zero, spec.topologySpreadConstraints[0].whenUnsatisfiable: Unsupported value: \"Sometimes\": supported values: \"DoNotSchedule\", \"ScheduleAnyway\"]".into(),
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: Web_1}\nspec:\n  containers: [{name: a, image: nginx}]\n".into(),
            "The Pod \"Web_1\" is invalid: metadata.name: Invalid value: \"Web_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".into(),
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p, labels: {a: -x-, b: -x-}}\nspec:\n  containers: [{name: a, image: nginx}]\n".into(),
            "The Pod \"p\" is invalid: metadata.labels: Invalid value: \"-x-\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".into(),
        ),
        (
            pod("  containers: [{name: a, image: nginx}, {name: B, image: nginx}]\n  restartPolicy: Sometimes\n"),
            format!("The Pod \"p\" is invalid: [spec.containers[1].name: Invalid value: \"B\": {DNS1123_LABEL}, spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"]"),
        ),
    ];
    for (yaml, expected) in cases {
        let mut sim = simulation();
        assert_eq!(rejected(&mut sim, &yaml), expected, "\n{yaml}");
    }
}

#[test]
fn workload_errors() {
    let cases: Vec<(String, String)> = vec![
        (
            deployment("  replicas: -1\n"),
            "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0".into(),
        ),
        (
            DEPLOYMENT.replace("labels: {app: web}", "labels: {app: x}"),
            "The Deployment \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"x\"}: `selector` does not match template `labels`".into(),
        ),
        (
            DEPLOYMENT.replace("  selector: {matchLabels: {app: web}}\n", ""),
            "The Deployment \"web\" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`]".into(),
        ),
        (
            DEPLOYMENT.replace("selector: {matchLabels: {app: web}}", "selector: {}"),
            "The Deployment \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment".into(),
        ),
        (
            DEPLOYMENT.replace("    spec:\n", "    spec:\n      restartPolicy: Never\n"),
            "The Deployment \"web\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"".into(),
        ),
        (
            deployment("  strategy: {type: Blue}\n"),
            "The Deployment \"web\" is invalid: spec.strategy: Unsupported value: apps.DeploymentStrategy{Type:\"Blue\", RollingUpdate:(*apps.RollingUpdateDeployment)(nil)}: supported values: \"Recreate\", \"RollingUpdate\"".into(),
        ),
        (
            deployment("  strategy: {type: Recreate, rollingUpdate: {maxSurge: 1}}\n"),
            "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'".into(),
        ),
        (
            deployment("  strategy: {rollingUpdate: {maxSurge: 0, maxUnavailable: 0}}\n"),
            "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}: may not be 0 when `maxSurge` is 0".into(),
        ),
        (
            deployment("  strategy: {rollingUpdate: {maxUnavailable: 150%}}\n"),
            "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"150%\"}: must not be greater than 100%".into(),
        ),
        (
            deployment("  strategy: {rollingUpdate: {maxSurge: abc}}\n"),
            "The Deployment \"web\" is invalid: spec.strategy.rollingUpdate.maxSurge: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:\"abc\"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')".into(),
        ),
        (
            deployment("  minReadySeconds: 10\n  progressDeadlineSeconds: 5\n"),
            "The Deployment \"web\" is invalid: spec.progressDeadlineSeconds: Invalid value: 5: must be greater than minReadySeconds".into(),
        ),
        (
            deployment("  revisionHistoryLimit: -1\n"),
            "The Deployment \"web\" is invalid: spec.revisionHistoryLimit: Invalid value: -1: must be greater than or equal to 0".into(),
        ),
        (
            DEPLOYMENT.replace("Deployment", "ReplicaSet").replace("spec:\n  selector", "spec:\n  replicas: -2\n  selector"),
            "The ReplicaSet \"web\" is invalid: spec.replicas: Invalid value: -2: must be greater than or equal to 0".into(),
        ),
        (
            DEPLOYMENT.replace("Deployment", "DaemonSet").replace("spec:\n  selector", "spec:\n  updateStrategy: {rollingUpdate: {maxUnavailable: 0}}\n  selector"),
            "The DaemonSet \"web\" is invalid: spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0".into(),
        ),
        (
            DEPLOYMENT.replace("Deployment", "DaemonSet").replace("  selector: {matchLabels: {app: web}}\n", ""),
            "The DaemonSet \"web\" is invalid: spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`".into(),
        ),
        (
            DEPLOYMENT.replace("Deployment", "DaemonSet").replace("spec:\n  selector", "spec:\n  updateStrategy: {type: Blue}\n  selector"),
            "The DaemonSet \"web\" is invalid: spec.updateStrategy: Unsupported value: apps.DaemonSetUpdateStrategy{Type:\"Blue\", RollingUpdate:(*apps.RollingUpdateDaemonSet)(nil)}: supported values: \"RollingUpdate\", \"OnDelete\"".into(),
        ),
        (
            DEPLOYMENT.replace("Deployment", "DaemonSet").replace("    spec:\n", "    spec:\n      restartPolicy: OnFailure\n"),
            "The DaemonSet \"web\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"OnFailure\": supported values: \"Always\"".into(),
        ),
    ];
    for (yaml, expected) in cases {
        let mut sim = simulation();
        assert_eq!(rejected(&mut sim, &yaml), expected, "\n{yaml}");
    }
}

const JOB: &str = "
apiVersion: batch/v1
kind: Job
metadata: {name: pi}
spec:
  template:
    spec:
      restartPolicy: Never
      containers: [{name: pi, image: perl}]
";

fn job(extra: &str) -> String {
    JOB.replace("spec:\n  template", &format!("spec:\n{extra}  template"))
}

#[test]
fn job_errors() {
    let cases: Vec<(String, String)> = vec![
        (
            JOB.replace("      restartPolicy: Never\n", ""),
            "The Job \"pi\" is invalid: spec.template.spec.restartPolicy: Unsupported value: \"Always\": supported values: \"OnFailure\", \"Never\"".into(),
        ),
        (
            job("  parallelism: -1\n"),
            "The Job \"pi\" is invalid: spec.parallelism: Invalid value: -1: must be greater than or equal to 0".into(),
        ),
        (
            job("  backoffLimit: -1\n"),
            "The Job \"pi\" is invalid: spec.backoffLimit: Invalid value: -1: must be greater than or equal to 0".into(),
        ),
        (
            job("  completionMode: Sometimes\n"),
            "The Job \"pi\" is invalid: spec.completionMode: Unsupported value: \"Sometimes\": supported values: \"NonIndexed\", \"Indexed\"".into(),
        ),
        (
            job("  manualSelector: true\n"),
            "The Job \"pi\" is invalid: [spec.selector: Required value, spec.template.metadata.labels: Invalid value: map[string]string(nil): `selector` does not match template `labels`]".into(),
        ),
    ];
    for (yaml, expected) in cases {
        let mut sim = simulation();
        assert_eq!(rejected(&mut sim, &yaml), expected, "\n{yaml}");
    }
    // A hand-written selector without manualSelector is not the generated one.
    let mut sim = simulation();
    let message = rejected(
        &mut sim,
        &job("  selector: {matchLabels: {app: pi}}\n").replace(
            "    spec:\n",
            "    metadata: {labels: {app: pi}}\n    spec:\n",
        ),
    );
    assert!(message.starts_with("The Job \"pi\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"pi\", \"batch.kubernetes.io/controller-uid\":"), "{message}");
    assert!(
        message.ends_with("`selector` not auto-generated"),
        "{message}"
    );
    // A template label that contradicts the generated one.
    let message = rejected(
        &mut sim,
        &JOB.replace(
            "    spec:\n",
            "    metadata: {labels: {job-name: other}}\n    spec:\n",
        ),
    );
    let marker = "controller-uid\":\"";
    let at = message.find(marker).map_or(0, |i| i + marker.len());
    let uid = message.get(at..at + 36).unwrap_or("");
    assert_eq!(
        message,
        format!(
            "The Job \"pi\" is invalid: spec.template.metadata.labels[job-name]: Invalid value: map[string]string{{\"batch.kubernetes.io/controller-uid\":\"{uid}\", \"batch.kubernetes.io/job-name\":\"pi\", \"controller-uid\":\"{uid}\", \"job-name\":\"other\"}}: must be 'pi'"
        )
    );
}

fn service(spec: &str) -> String {
    format!("apiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec:\n{spec}")
}

#[test]
fn service_errors() {
    let cases: Vec<(String, String)> = vec![
        (
            "apiVersion: v1\nkind: Service\nmetadata: {name: 1web}\nspec:\n  ports: [{port: 80}]\n".into(),
            "The Service \"1web\" is invalid: metadata.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')".into(),
        ),
        (
            service("  selector: {app: web}\n"),
            "The Service \"web\" is invalid: spec.ports: Required value".into(),
        ),
        (
            service("  ports: [{port: 70000}]\n"),
            "The Service \"web\" is invalid: [spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive, spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive]".into(),
        ),
        (
            service("  ports: [{port: 80}, {port: 443}]\n"),
            "The Service \"web\" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]".into(),
        ),
        (
            service("  ports: [{name: a, port: 80}, {name: a, port: 443}]\n"),
            "The Service \"web\" is invalid: spec.ports[1].name: Duplicate value: \"a\"".into(),
        ),
        (
            service("  ports: [{port: 80, protocol: HTTP}]\n"),
            "The Service \"web\" is invalid: spec.ports[0].protocol: Unsupported value: \"HTTP\": supported values: \"SCTP\", \"TCP\", \"UDP\"".into(),
        ),
        (
            service("  type: Internal\n  ports: [{port: 80}]\n"),
            "The Service \"web\" is invalid: spec.type: Unsupported value: \"Internal\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"".into(),
        ),
        (
            service("  ports: [{port: 80, nodePort: 30080}]\n"),
            "The Service \"web\" is invalid: spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'".into(),
        ),
        (
            service("  type: NodePort\n  ports: [{port: 80, nodePort: 29999}]\n"),
            "The Service \"web\" is invalid: spec.ports[0].nodePort: Invalid value: 29999: provided port is not in the valid range. The range of valid ports is 30000-32767".into(),
        ),
        (
            service("  clusterIP: abc\n  ports: [{port: 80}]\n"),
            "The Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: \"abc\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)".into(),
        ),
        (
            service("  clusterIP: 192.168.0.1\n  ports: [{port: 80}]\n"),
            "The Service \"web\" is invalid: spec.clusterIPs: Invalid value: []string{\"192.168.0.1\"}: failed to allocate IP 192.168.0.1: provided IP is not in the valid range. The range of valid IPs is 10.96.0.0/12".into(),
        ),
        (
            service("  ports: [{name: a, port: 80}, {name: b, port: 80}]\n"),
            "The Service \"web\" is invalid: spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}".into(),
        ),
        (
            service("  type: LoadBalancer\n  ports: [{port: 10250}]\n"),
            "The Service \"web\" is invalid: spec.ports[0]: Invalid value: 10250: may not expose port 10250 externally since it is used by kubelet".into(),
        ),
        (
            service("  type: NodePort\n  clusterIP: None\n  ports: [{port: 80}]\n"),
            "The Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services".into(),
        ),
        (
            service("  externalTrafficPolicy: Local\n  ports: [{port: 80}]\n"),
            "The Service \"web\" is invalid: spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services".into(),
        ),
        (
            service("  type: ExternalName\n").replace("web}", "ext}"),
            "The Service \"ext\" is invalid: spec.externalName: Required value".into(),
        ),
    ];
    for (yaml, expected) in cases {
        let mut sim = simulation();
        assert_eq!(rejected(&mut sim, &yaml), expected, "\n{yaml}");
    }
}

#[test]
fn allocation_conflicts_leave_nothing_behind() {
    let mut sim = simulation();
    accepted(
        &mut sim,
        "apiVersion: v1\nkind: Service\nmetadata: {name: a}\nspec:\n  type: NodePort\n  clusterIP: 10.96.0.50\n  ports: [{port: 80, nodePort: 30080}]\n",
    );
    assert_eq!(
        rejected(
            &mut sim,
            "apiVersion: v1\nkind: Service\nmetadata: {name: b}\nspec:\n  clusterIP: 10.96.0.50\n  ports: [{port: 80}]\n",
        ),
        "The Service \"b\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.0.50\"}: failed to allocate IP 10.96.0.50: provided IP is already allocated"
    );
    // The ClusterIP 10.96.0.51 is reserved and then given back when the port fails.
    assert_eq!(
        rejected(
            &mut sim,
            "apiVersion: v1\nkind: Service\nmetadata: {name: c}\nspec:\n  type: NodePort\n  clusterIP: 10.96.0.51\n  ports: [{port: 80, nodePort: 30080}]\n",
        ),
        "The Service \"c\" is invalid: spec.ports[0].nodePort: Invalid value: 30080: provided port is already allocated"
    );
    accepted(
        &mut sim,
        "apiVersion: v1\nkind: Service\nmetadata: {name: d}\nspec:\n  clusterIP: 10.96.0.51\n  ports: [{port: 80}]\n",
    );
    // Creating an existing Service again: the fresh ClusterIP is drawn, then given back
    // with AlreadyExists, and the stored Service keeps its own.
    let error = sim
        .api_mut()
        .create(decode(
            "apiVersion: v1\nkind: Service\nmetadata: {name: d}\nspec:\n  ports: [{port: 80}]\n",
        ))
        .unwrap_err();
    assert_eq!(
        error.kubectl_message(),
        "Error from server (AlreadyExists): services \"d\" already exists"
    );
    assert!(
        rejected(
            &mut sim,
            "apiVersion: v1\nkind: Service\nmetadata: {name: e}\nspec:\n  clusterIP: 10.96.0.51\n  ports: [{port: 80}]\n",
        )
        .ends_with("provided IP is already allocated")
    );
}

#[test]
fn namespace_node_and_metadata_errors() {
    let mut sim = simulation();
    let cases: Vec<(&str, String)> = vec![
        (
            "apiVersion: v1\nkind: Namespace\nmetadata: {name: Team-A}\n",
            format!("The Namespace \"Team-A\" is invalid: metadata.name: Invalid value: \"Team-A\": {DNS1123_LABEL}"),
        ),
        (
            "apiVersion: v1\nkind: Node\nmetadata: {name: n1}\nspec:\n  taints: [{key: dedicated, effect: Sometimes}]\n",
            "The Node \"n1\" is invalid: spec.taints[0].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"".into(),
        ),
        (
            "apiVersion: v1\nkind: Node\nmetadata: {name: n2}\nspec:\n  taints: [{key: a, effect: NoSchedule}, {key: a, value: x, effect: NoSchedule}]\n",
            "The Node \"n2\" is invalid: spec.taints[1]: Duplicate value: core.Taint{Key:\"a\", Value:\"x\", Effect:\"NoSchedule\", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair".into(),
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: t}\nspec:\n  tolerations: [{key: k, operator: Exists, value: v}]\n  containers: [{name: a, image: nginx}]\n",
            "The Pod \"t\" is invalid: spec.tolerations[0].operator: Invalid value: core.Toleration{Key:\"k\", Operator:\"Exists\", Value:\"v\", Effect:\"\", TolerationSeconds:(*int64)(nil)}: value must be empty when `operator` is 'Exists'".into(),
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cfg, labels: {app: -bad-}}\n",
            "The ConfigMap \"cfg\" is invalid: metadata.labels: Invalid value: \"-bad-\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".into(),
        ),
    ];
    for (yaml, expected) in cases {
        assert_eq!(rejected(&mut sim, yaml), expected, "\n{yaml}");
    }
}

#[test]
fn rejected_updates_keep_the_stored_object() {
    let mut sim = simulation();
    accepted(&mut sim, DEPLOYMENT);
    accepted(
        &mut sim,
        &pod("  containers: [{name: a, image: nginx, ports: [{containerPort: 80}]}]\n"),
    );
    accepted(
        &mut sim,
        &service("  clusterIP: 10.96.0.50\n  ports: [{port: 80}]\n"),
    );
    accepted(&mut sim, JOB);

    let update = |sim: &mut Simulation, yaml: &str| -> String {
        let object = decode(yaml);
        let stored = sim
            .api()
            .get(object.resource_type(), "default", object.name())
            .unwrap();
        let revision = sim.api().resource_version();
        let error = sim.api_mut().update(object).expect_err("update rejected");
        let after = sim
            .api()
            .get(stored.resource_type(), "default", stored.name())
            .unwrap();
        assert_eq!(after, stored, "stored object changed");
        assert_eq!(sim.api().resource_version(), revision);
        error.kubectl_message()
    };

    assert_eq!(
        update(&mut sim, &DEPLOYMENT.replace("app: web", "app: web2")),
        "The Deployment \"web\" is invalid: spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{\"app\":\"web2\"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: field is immutable"
    );
    assert_eq!(
        update(
            &mut sim,
            &pod("  containers: [{name: a, image: nginx, ports: [{containerPort: 8080}]}]\n")
        ),
        "The Pod \"p\" is invalid: spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)"
    );
    assert_eq!(
        update(
            &mut sim,
            &service("  clusterIP: 10.96.0.60\n  ports: [{port: 80}]\n")
        ),
        "The Service \"web\" is invalid: spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.60\"}: may not change once set"
    );
    // The Job as stored (with its generated selector), with another image.
    let job_type = kubesim::model::registry::lookup_kind_name("Job").unwrap();
    let mut stored_job = sim.api().get(job_type, "default", "pi").unwrap().to_value();
    stored_job["spec"]["template"]["spec"]["containers"][0]["image"] = "python".into();
    let message = update(&mut sim, &serde_json::to_string(&stored_job).unwrap());
    assert!(
        message.starts_with("The Job \"pi\" is invalid: "),
        "{message}"
    );
    assert!(
        message.contains("spec.template: Invalid value: "),
        "{message}"
    );
    assert!(message.ends_with("field is immutable"), "{message}");
}

#[test]
fn allowed_updates_pass() {
    let mut sim = simulation();
    accepted(&mut sim, DEPLOYMENT);
    accepted(&mut sim, &pod("  containers: [{name: a, image: nginx}]\n"));
    accepted(
        &mut sim,
        &service("  type: NodePort\n  ports: [{port: 80}]\n"),
    );
    let service_type = kubesim::model::registry::lookup_kind_name("Service").unwrap();
    let before = sim
        .api()
        .get(service_type, "default", "web")
        .unwrap()
        .to_value();
    for yaml in [
        DEPLOYMENT.replace("image: nginx", "image: nginx:1.25"),
        // Same defaulted pull policy (Always), so only the image changes.
        pod("  containers: [{name: a, image: nginx:latest}]\n"),
        // kubectl replace without the allocated values keeps them.
        service("  type: NodePort\n  selector: {app: web}\n  ports: [{port: 80}]\n"),
    ] {
        if let Err(error) = sim.api_mut().update(decode(&yaml)) {
            panic!("{}\n{yaml}", error.kubectl_message());
        }
    }
    let after = sim
        .api()
        .get(service_type, "default", "web")
        .unwrap()
        .to_value();
    assert_eq!(after["spec"]["clusterIP"], before["spec"]["clusterIP"]);
    assert_eq!(
        after["spec"]["ports"][0]["nodePort"],
        before["spec"]["ports"][0]["nodePort"]
    );
}

#[test]
fn patching_a_node_port_service_back_to_cluster_ip_drops_its_node_ports() {
    let mut sim = simulation();
    accepted(
        &mut sim,
        &service("  type: NodePort\n  ports: [{port: 80}]\n"),
    );
    let service_type = kubesim::model::registry::lookup_kind_name("Service").unwrap();
    let patched = sim
        .api_mut()
        .patch_merge(
            service_type,
            "default",
            "web",
            &serde_json::json!({"spec": {"type": "ClusterIP"}}),
        )
        .unwrap_or_else(|error| panic!("{}", error.kubectl_message()))
        .to_value();
    assert_eq!(patched["spec"]["type"], "ClusterIP");
    assert_eq!(patched["spec"]["ports"][0].get("nodePort"), None);
    assert_eq!(patched["spec"].get("externalTrafficPolicy"), None);
}
