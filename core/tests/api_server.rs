//! The API server's semantics, through its public API: generation, status
//! subresource, merge patch, graceful pod deletion, namespace lifecycle, errors.

use kubesim::api_server::{ApiError, DeleteOptions, DeleteOutcome};
use kubesim::model::deployment::Deployment;
use kubesim::model::manifest::decode_manifests;
use kubesim::model::pod::Pod;
use kubesim::model::{Object, Resource, Shared};
use kubesim::{SimDuration, Simulation, SimulationConfig};
use serde_json::json;

fn object(yaml: &str) -> Object {
    decode_manifests(yaml, "test.yaml")
        .remove(0)
        .expect("test manifest decodes")
        .object
}

const DEPLOYMENT: &str = "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {app: web}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: 'nginx:1.25'}]
";

fn simulation() -> Simulation {
    Simulation::new(SimulationConfig::default())
}

#[test]
fn generation_moves_with_spec_not_status() {
    let mut sim = simulation();
    let api = sim.api_mut();
    let created = api.create(object(DEPLOYMENT)).unwrap();
    assert_eq!(created.metadata().generation, Some(1));
    assert!(created.metadata().uid.is_some());
    assert_eq!(
        created.metadata().creation_timestamp.unwrap().to_string(),
        "2025-01-01T00:00:00Z"
    );

    // A status write neither bumps generation nor changes spec.
    let mut with_status = (*created).clone();
    if let Object::Deployment(deployment) = &mut with_status {
        deployment
            .status
            .get_or_insert_with(Default::default)
            .replicas = Some(2);
        deployment.spec.as_mut().unwrap().make_mut().replicas = Some(9);
    }
    let after_status = api.update_status(with_status).unwrap();
    let deployment = after_status.as_::<Deployment>().unwrap();
    assert_eq!(deployment.metadata.generation, Some(1));
    assert_eq!(deployment.spec().replicas, Some(2));
    assert_eq!(deployment.status().replicas, Some(2));

    // A spec write bumps generation and keeps the stored status.
    let mut scaled = (*after_status).clone();
    if let Object::Deployment(deployment) = &mut scaled {
        deployment.spec.as_mut().unwrap().make_mut().replicas = Some(3);
        deployment.status = None;
    }
    let after_scale = api.update(scaled).unwrap();
    let deployment = after_scale.as_::<Deployment>().unwrap();
    assert_eq!(deployment.metadata.generation, Some(2));
    assert_eq!(deployment.status().replicas, Some(2));

    // Writing the same object again is not a write.
    let again = api.update((*after_scale).clone()).unwrap();
    assert_eq!(
        again.metadata().resource_version,
        after_scale.metadata().resource_version
    );
}

#[test]
fn merge_patch_changes_fields_and_rejects_unknown_ones() {
    let mut sim = simulation();
    let api = sim.api_mut();
    api.create(object(DEPLOYMENT)).unwrap();
    let patched = api
        .patch_merge(
            Deployment::resource_type(),
            "default",
            "web",
            &json!({"spec": {"replicas": 5}}),
        )
        .unwrap();
    assert_eq!(
        patched.as_::<Deployment>().unwrap().spec().replicas,
        Some(5)
    );
    assert_eq!(patched.metadata().generation, Some(2));
    let error = api
        .patch_merge(
            Deployment::resource_type(),
            "default",
            "web",
            &json!({"spec": {"replica": 5}}),
        )
        .unwrap_err();
    assert_eq!(
        error.kubectl_message(),
        "Error from server (BadRequest): Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\""
    );
    let missing = api
        .patch_merge(Deployment::resource_type(), "default", "nope", &json!({}))
        .unwrap_err();
    assert_eq!(
        missing.kubectl_message(),
        "Error from server (NotFound): deployments.apps \"nope\" not found"
    );
}

#[test]
fn creating_twice_is_already_exists_and_missing_namespace_is_not_found() {
    let mut sim = simulation();
    let api = sim.api_mut();
    api.create(object(DEPLOYMENT)).unwrap();
    let error = api.create(object(DEPLOYMENT)).unwrap_err();
    assert_eq!(
        error.kubectl_message(),
        "Error from server (AlreadyExists): deployments.apps \"web\" already exists"
    );
    let mut elsewhere = object(DEPLOYMENT);
    elsewhere.metadata_mut().namespace = Some("nowhere".to_string());
    let error = api.create(elsewhere).unwrap_err();
    assert!(matches!(error, ApiError::NotFound { .. }));
    assert_eq!(
        error.kubectl_message(),
        "Error from server (NotFound): namespaces \"nowhere\" not found"
    );
}

#[test]
fn scheduled_pods_terminate_gracefully_unscheduled_pods_go_at_once() {
    let mut sim = simulation();
    let pod = "
apiVersion: v1
kind: Pod
metadata: {name: p}
spec:
  containers: [{name: c, image: busybox}]
";
    let api = sim.api_mut();
    api.create(object(pod)).unwrap();
    let outcome = api
        .delete(
            Pod::resource_type(),
            "default",
            "p",
            &DeleteOptions::default(),
        )
        .unwrap();
    assert!(
        matches!(outcome, DeleteOutcome::Deleted(_)),
        "an unscheduled pod has nothing to stop"
    );

    let mut bound = object(pod);
    if let Object::Pod(pod) = &mut bound {
        pod.spec.as_mut().unwrap().make_mut().node_name = Some("worker-1".to_string());
    }
    api.create(bound).unwrap();
    let outcome = api
        .delete(
            Pod::resource_type(),
            "default",
            "p",
            &DeleteOptions::default(),
        )
        .unwrap();
    let DeleteOutcome::Pending(pending) = outcome else {
        panic!("a bound pod terminates gracefully")
    };
    assert_eq!(pending.metadata().deletion_grace_period_seconds, Some(30));
    assert_eq!(
        pending.metadata().deletion_timestamp.unwrap().to_string(),
        "2025-01-01T00:00:30Z"
    );
    sim.advance_by(SimDuration::from_secs(5)).unwrap();
    // The kubelet stops the containers, then finishes with a zero grace period.
    assert!(
        sim.api()
            .get(Pod::resource_type(), "default", "p")
            .unwrap_err()
            .is_not_found()
    );
}

/// The spec of a stored pod.
fn pod_spec(object: &Object) -> Shared<kubesim::model::pod::PodSpec> {
    object.as_::<Pod>().unwrap().spec.clone().unwrap()
}

// The watch log keeps old versions alive: versions that differ in status or
// metadata alone hold one spec between them, not a copy each.
#[test]
fn status_and_metadata_writes_share_the_stored_pod_spec() {
    let mut sim = simulation();
    let api = sim.api_mut();
    let created = api
        .create(object(
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers: [{name: c, image: nginx}]\n",
        ))
        .unwrap();

    // A status write with a spec of its own (even an equal copy) keeps the stored one.
    let mut with_status = created.as_::<Pod>().unwrap().clone();
    with_status.spec = Some(Shared::new((*pod_spec(&created)).clone()));
    with_status
        .status
        .get_or_insert_with(Default::default)
        .phase = Some("Running".into());
    let after_status = api
        .update_status(Object::Pod(Box::new(with_status)))
        .unwrap();
    assert!(Shared::ptr_eq(
        &pod_spec(&after_status),
        &pod_spec(&created)
    ));

    // So does an update that changes metadata alone (defaulting changes nothing).
    let mut labelled = after_status.as_::<Pod>().unwrap().clone();
    labelled.metadata.set_label("tier", "web");
    let after_label = api.update(Object::Pod(Box::new(labelled))).unwrap();
    assert_eq!(after_label.metadata().label("tier"), Some("web"));
    assert!(Shared::ptr_eq(&pod_spec(&after_label), &pod_spec(&created)));

    // Binding changes the spec: a copy, shared in turn by later status writes.
    let bound = api.bind("default", "p", "worker-1").unwrap();
    assert!(!Shared::ptr_eq(&pod_spec(&bound), &pod_spec(&created)));
    assert_eq!(
        created.as_::<Pod>().unwrap().node_name(),
        "",
        "old version unchanged"
    );
    let mut ready = bound.as_::<Pod>().unwrap().clone();
    ready.status.get_or_insert_with(Default::default).phase = Some("Succeeded".into());
    let after_ready = api.update_status(Object::Pod(Box::new(ready))).unwrap();
    assert!(Shared::ptr_eq(&pod_spec(&after_ready), &pod_spec(&bound)));
}

#[test]
fn stale_resource_version_is_a_conflict() {
    let mut sim = simulation();
    let api = sim.api_mut();
    let created = api.create(object(DEPLOYMENT)).unwrap();
    api.patch_merge(
        Deployment::resource_type(),
        "default",
        "web",
        &json!({"spec": {"replicas": 4}}),
    )
    .unwrap();
    let error = api.update((*created).clone()).unwrap_err();
    assert_eq!(
        error.kubectl_message(),
        "Error from server (Conflict): Operation cannot be fulfilled on deployments.apps \"web\": the object has been modified; please apply your changes to the latest version and try again"
    );
}

#[test]
fn lists_filter_by_namespace_labels_and_fields() {
    use kubesim::api_server::field_selector::FieldSelector;
    use kubesim::model::node::Node;
    use kubesim::model::selector::Selector;
    let mut sim = simulation();
    let api = sim.api_mut();
    api.create(object(DEPLOYMENT)).unwrap();
    let everything = Selector::everything();
    let all_fields = FieldSelector::default();
    let in_default = api
        .list_selected(
            Deployment::resource_type(),
            Some("default"),
            &everything,
            &all_fields,
        )
        .unwrap();
    assert_eq!(in_default.len(), 1);
    let elsewhere = api
        .list_selected(
            Deployment::resource_type(),
            Some("kube-system"),
            &everything,
            &all_fields,
        )
        .unwrap();
    assert!(elsewhere.is_empty());
    let not_web = Selector::parse("app!=web").unwrap();
    assert!(
        api.list_selected(Deployment::resource_type(), None, &not_web, &all_fields)
            .unwrap()
            .is_empty()
    );
    let workers = Selector::parse("!node-role.kubernetes.io/control-plane").unwrap();
    let names: Vec<String> = api
        .list_selected(Node::resource_type(), None, &workers, &all_fields)
        .unwrap()
        .iter()
        .map(|node| node.name().to_string())
        .collect();
    assert_eq!(names, ["worker-1", "worker-2", "worker-3"]);
    let by_name = FieldSelector::parse("metadata.name=worker-2").unwrap();
    assert_eq!(
        api.list_selected(Node::resource_type(), None, &everything, &by_name)
            .unwrap()
            .len(),
        1
    );
    let schedulable = FieldSelector::parse("spec.unschedulable=false").unwrap();
    assert_eq!(
        api.list_selected(Node::resource_type(), None, &everything, &schedulable)
            .unwrap()
            .len(),
        4
    );
    let unsupported = FieldSelector::parse("spec.replicas=3").unwrap();
    let error = api
        .list_selected(Deployment::resource_type(), None, &everything, &unsupported)
        .unwrap_err();
    assert_eq!(
        error.kubectl_message(),
        "Error from server (BadRequest): Unable to find \"apps/v1, Resource=deployments\" that match label selector \"\", field selector \"spec.replicas=3\": field label not supported: spec.replicas"
    );
}

#[test]
fn deleting_a_namespace_empties_it_then_removes_it() {
    use kubesim::api_server::PropagationPolicy;
    use kubesim::model::namespace::Namespace;
    let mut sim = simulation();
    let api = sim.api_mut();
    api.create(object("apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\nspec: {finalizers: [kubernetes]}\n"))
        .unwrap();
    let mut deployment = object(DEPLOYMENT);
    deployment.metadata_mut().namespace = Some("team".to_string());
    api.create(deployment).unwrap();
    api.create(object("apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: team}\ndata: {a: b}\n"))
        .unwrap();
    let options = DeleteOptions {
        propagation_policy: Some(PropagationPolicy::Background),
        ..DeleteOptions::default()
    };
    let outcome = api
        .delete(Namespace::resource_type(), "", "team", &options)
        .unwrap();
    let DeleteOutcome::Pending(terminating) = outcome else {
        panic!("a namespace is emptied before it goes")
    };
    assert_eq!(
        terminating.as_::<Namespace>().unwrap().phase(),
        "Terminating"
    );
    let mut late = object(DEPLOYMENT);
    late.metadata_mut().namespace = Some("team".to_string());
    late.metadata_mut().name = Some("late".to_string());
    assert_eq!(
        api.create(late).unwrap_err().kubectl_message(),
        "Error from server (Forbidden): deployments.apps \"late\" is forbidden: unable to create new content in namespace team because it is being terminated"
    );
    sim.run_until_idle(10_000).unwrap();
    let api = sim.api();
    assert!(
        api.get(Namespace::resource_type(), "", "team")
            .unwrap_err()
            .is_not_found()
    );
    assert_eq!(
        api.list(Deployment::resource_type(), Some("team")).count(),
        0
    );
}
