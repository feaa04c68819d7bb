//! kube-scheduler throughput: 10,000 pods onto 5,000 nodes with the default profile.
//! Run: `cargo bench -p kubesim --bench scheduler`. Pods per second = 10,000 / time.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use kubesim::model::manifest::decode_object;
use kubesim::{NodeConfig, Simulation, SimulationConfig};

const NODES: usize = 5_000;
const PODS: usize = 10_000;

fn cluster_with_pending_pods() -> Simulation {
    let mut config = SimulationConfig::default();
    config.cluster.nodes = (0..NODES)
        .map(|i| NodeConfig::worker(&format!("worker-{i}")))
        .collect();
    let mut simulation = Simulation::new(config);
    simulation
        .run_until_idle(10_000_000)
        .expect("bootstrap settles");
    for i in 0..PODS {
        let pod = decode_object(
            serde_json::json!({
                "apiVersion": "v1", "kind": "Pod",
                "metadata": { "name": format!("web-{i}"), "namespace": "default", "labels": { "app": "web" } },
                "spec": { "containers": [{ "name": "app", "image": "nginx:1.25",
                    "resources": { "requests": { "cpu": "100m", "memory": "128Mi" } } }] }
            }),
            "",
        )
        .expect("valid pod");
        simulation.api_mut().create(pod).expect("admitted");
    }
    simulation
}

fn schedule(c: &mut Criterion) {
    let mut group = c.benchmark_group("scheduler");
    group.sample_size(10);
    group.throughput(Throughput::Elements(PODS as u64));
    group.bench_function("10k_pods_on_5k_nodes", |b| {
        b.iter_batched(
            cluster_with_pending_pods,
            |mut simulation| {
                simulation.run_until_idle(10_000_000).expect("settles");
                simulation
            },
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, schedule);
criterion_main!(benches);
