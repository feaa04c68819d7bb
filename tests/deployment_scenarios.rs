//! Deployment stories: rollouts, rollbacks, pauses, deadlines, history and deletion.
//! Upstream behaviour: `pkg/controller/deployment/`.

use kubesim::api_server::PropagationPolicy;
use kubesim::model::Resource;
use kubesim::model::deployment::Deployment;
use kubesim::model::pod::Pod;
use kubesim::model::replica_set::ReplicaSet;
use kubesim::model::selector::Selector;
use kubesim_tests::workloads::*;

fn scaling_events(cluster: &kubesim::Simulation, name: &str) -> Vec<String> {
    events_about(cluster, name)
        .into_iter()
        .filter(|(reason, _)| reason == "ScalingReplicaSet")
        .map(|(_, message)| message)
        .collect()
}

#[test]
fn a_new_deployment_creates_one_replica_set_and_becomes_available() {
    let mut cluster = empty_cluster(11);
    let kubelet = FakeKubelet::default();
    apply(&mut cluster, &deployment_yaml("web", 3, "nginx:1.25", ""));
    kubelet.settle(&mut cluster);

    let rss = replica_sets_of(&cluster, "web");
    assert_eq!(rss.len(), 1);
    let rs = &rss[0];
    let hash = rs.metadata.label("pod-template-hash").unwrap().to_string();
    assert_eq!(rs.metadata.name(), format!("web-{hash}"));
    assert!(hash.chars().all(|c| "456789bcdf".contains(c)), "{hash}");
    assert_eq!(revision(rs), 1);
    assert_eq!(rs.metadata.annotation("deployment.kubernetes.io/desired-replicas"), Some("3"));
    assert_eq!(rs.metadata.annotation("deployment.kubernetes.io/max-replicas"), Some("4"));
    assert_eq!(active_pods(&cluster).len(), 3);
    for pod in active_pods(&cluster) {
        assert_eq!(pod.metadata.label("pod-template-hash"), Some(hash.as_str()));
        assert!(pod.metadata.name().starts_with(&format!("web-{hash}-")));
    }

    let d = deployment(&cluster, "web");
    let status = d.status();
    assert_eq!(
        (status.replicas, status.updated_replicas, status.ready_replicas, status.available_replicas),
        (Some(3), Some(3), Some(3), Some(3))
    );
    assert_eq!(status.observed_generation, Some(1));
    assert_eq!(d.metadata.generation, Some(1), "status writes never bump the generation");
    assert_eq!(d.metadata.annotation("deployment.kubernetes.io/revision"), Some("1"));
    assert_eq!(condition(&d, "Available"), Some(("True".into(), "MinimumReplicasAvailable".into())));
    assert_eq!(condition(&d, "Progressing"), Some(("True".into(), "NewReplicaSetAvailable".into())));
    assert_eq!(
        scaling_events(&cluster, "web"),
        [format!("Scaled up replica set web-{hash} to 3")]
    );
}
