//! kubectl's messages for broken manifests, one row per failure mode.

use kubesim::model::manifest::{ManifestErrorKind, decode_manifests, to_yaml};
use kubesim::model::pod::Pod;

/// Decodes `text` as `f.yaml` and returns each document's error text, or "ok".
fn check(text: &str) -> Vec<String> {
    decode_manifests(text, "f.yaml")
        .into_iter()
        .map(|result| match result {
            Ok(_) => "ok".to_string(),
            Err(error) => error.to_string(),
        })
        .collect()
}

#[test]
fn kubectl_error_messages() {
    let cases: &[(&str, &str)] = &[
        (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replica: 3\n",
            "Error from server (BadRequest): error when creating \"f.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: strict decoding error: unknown field \"spec.replica\"",
        ),
        (
            "apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web}\nspec:\n  replicas: three\n",
            "Error from server (BadRequest): error when creating \"f.yaml\": Deployment in version \"v1\" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field Deployment.spec.replicas of type int32",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: a\n    imagee: nginx\n",
            "Error from server (BadRequest): error when creating \"f.yaml\": Pod in version \"v1\" cannot be handled as a Pod: strict decoding error: unknown field \"spec.containers[0].imagee\"",
        ),
        (
            "apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: c\n  labls: {}\n",
            "Error from server (BadRequest): error when creating \"f.yaml\": ConfigMap in version \"v1\" cannot be handled as a ConfigMap: strict decoding error: unknown field \"metadata.labls\"",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  name: q\n",
            "error: error parsing f.yaml: error converting YAML to JSON: yaml: unmarshal errors:\n  line 5: key \"name\" already set in map",
        ),
        (
            "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n bad: x\n",
            "error: error parsing f.yaml: error converting YAML to JSON: yaml: line 5: did not find expected key",
        ),
        (
            "kind: Pod\nmetadata: {name: p}\n",
            "error: error validating \"f.yaml\": error validating data: apiVersion not set; if you choose to ignore these errors, turn validation off with --validate=false",
        ),
        (
            "apiVersion: v1\nmetadata: {name: p}\n",
            "error: error validating \"f.yaml\": error validating data: kind not set; if you choose to ignore these errors, turn validation off with --validate=false",
        ),
        (
            "metadata: {name: p}\n",
            "error: error validating \"f.yaml\": error validating data: [apiVersion not set, kind not set]; if you choose to ignore these errors, turn validation off with --validate=false",
        ),
        (
            "apiVersion: extensions/v1beta1\nkind: DaemonSet\nmetadata: {name: ds, namespace: kube-system}\n",
            "error: resource mapping not found for name: \"ds\" namespace: \"kube-system\" from \"f.yaml\": no matches for kind \"DaemonSet\" in version \"extensions/v1beta1\"\nensure CRDs are installed first",
        ),
        (
            "apiVersion: gateway.networking.k8s.io/v1\nkind: HTTPRoute\nmetadata: {name: r}\n",
            "error: resource mapping not found for name: \"r\" namespace: \"\" from \"f.yaml\": no matches for kind \"HTTPRoute\" in version \"gateway.networking.k8s.io/v1\"\nensure CRDs are installed first",
        ),
    ];
    for (text, expected) in cases {
        assert_eq!(check(text), vec![expected.to_string()], "{text}");
    }
}

#[test]
fn documents_are_reported_in_order_and_empty_ones_skipped() {
    let text = "# leading comment\n---\napiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\n# only a comment\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p}\nspec: {nodeNam: x}\n--- # trailing\napiVersion: v1\nkind: Namespace\nmetadata: {name: b}";
    let results = decode_manifests(text, "f.yaml");
    assert_eq!(results.len(), 3);
    let first = results[0].as_ref().unwrap();
    assert_eq!((first.document, first.line), (0, 3));
    let error = results[1].as_ref().unwrap_err();
    assert_eq!((error.document, error.line), (1, 9));
    assert_eq!(error.path(), Some("spec.nodeNam"));
    assert!(matches!(error.kind, ManifestErrorKind::UnknownField { .. }));
    let last = results[2].as_ref().unwrap();
    assert_eq!((last.document, last.object.name()), (2, "b"));
}

#[test]
fn json_lists_flow_style_and_crlf_decode() {
    let json = r#"{"apiVersion": "v1", "kind": "List", "items": [
        {"apiVersion": "v1", "kind": "Namespace", "metadata": {"name": "a"}},
        {"apiVersion": "v1", "kind": "Pod", "metadata": {"name": "p"}, "spec": {"containers": [{"name": "c", "image": "nginx"}]}}
    ]}"#;
    let results = decode_manifests(json, "f.json");
    assert_eq!(results.len(), 2);
    let pod = results[1].as_ref().unwrap();
    assert_eq!(pod.item, Some(1));
    let pod = pod.object.as_::<Pod>().unwrap();
    let image = pod.spec.as_ref().unwrap().containers.as_ref().unwrap()[0]
        .image
        .as_deref();
    assert_eq!(image, Some("nginx"));

    let kyaml = "{\r\n  apiVersion: \"v1\", # core\r\n  kind: \"Pod\",\r\n  metadata: { name: \"p\", },\r\n  spec: { containers: [{ name: \"c\", image: \"nginx\", },], },\r\n}";
    let results = decode_manifests(kyaml, "f.yaml");
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].as_ref().unwrap().object.name(), "p");
}

#[test]
fn yaml_prints_as_kubectl() {
    let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels: {app: web, version: \"2\"}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    ports:\n    - containerPort: 80\n";
    let results = decode_manifests(text, "f.yaml");
    let object = &results[0].as_ref().unwrap().object;
    assert_eq!(
        to_yaml(object),
        "apiVersion: v1\nkind: Pod\nmetadata:\n  labels:\n    app: web\n    version: \"2\"\n  name: p\nspec:\n  containers:\n  - image: nginx\n    name: c\n    ports:\n    - containerPort: 80\n"
    );
}
