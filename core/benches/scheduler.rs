//! kube-scheduler throughput: 10,000 pods onto 5,000 nodes with the default profile,
//! the `schedule` workload of `kubesim::benchmarks` (what `kubesim bench schedule` runs).
//! Run: `cargo bench -p kubesim --bench scheduler`. Pods per second = 10,000 / time.

use criterion::{BatchSize, Criterion, Throughput, criterion_group, criterion_main};
use kubesim::Simulation;
use kubesim::benchmarks::{Prepared, Workload};

fn schedule(c: &mut Criterion) {
    let workload = Workload::Schedule;
    let sizes = workload.default_sizes();
    let mut group = c.benchmark_group("scheduler");
    group.sample_size(10);
    group.throughput(Throughput::Elements(sizes.pods as u64));
    group.bench_function("10k_pods_on_5k_nodes", |b| {
        b.iter_batched(
            || {
                workload
                    .prepare(sizes, Simulation::DEFAULT_SEED)
                    .expect("prepares")
            },
            |prepared: Prepared| prepared.run().expect("schedules every pod"),
            BatchSize::PerIteration,
        )
    });
    group.finish();
}

criterion_group!(benches, schedule);
criterion_main!(benches);
