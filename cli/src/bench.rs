//! `kubesim bench WORKLOAD`: the end-to-end workloads of BENCHMARKS.md, timed.
//!
//! The workloads themselves live in the core (`kubesim::benchmarks`), shared with the
//! browser bench; this file only times their runs with the wall clock, reads the
//! process's peak memory, and prints one JSON line per run.

use std::time::Instant;

use kubesim::benchmarks::{Sizes, Workload};

/// What the `bench` subcommand was asked.
#[derive(Clone, Debug)]
pub struct BenchOptions {
    /// A workload name, or `growth`.
    pub workload: String,
    pub nodes: Option<usize>,
    pub pods: Option<usize>,
    pub replicas: Option<usize>,
    pub runs: usize,
    pub seed: u64,
    /// The workload `growth` measures at two sizes.
    pub of: String,
}

/// One timed run.
#[derive(Clone, Debug)]
pub struct RunReport {
    pub workload: Workload,
    pub sizes: Sizes,
    pub run: usize,
    pub setup_ms: f64,
    pub wall_ms: f64,
    /// CPU time of the run (from /proc/thread-self/schedstat), less disturbed than
    /// wall time on a shared machine; None where Linux does not provide it.
    pub cpu_ms: Option<f64>,
    pub virtual_seconds: f64,
    pub objects: usize,
    pub pods: usize,
    pub steps: u64,
    pub peak_rss_bytes: Option<u64>,
}

impl RunReport {
    pub fn json(&self) -> String {
        format!(
            "{{\"workload\":\"{}\",\"nodes\":{},\"pods\":{},\"run\":{},\"setup_ms\":{:.1},\"wall_ms\":{:.1},\"cpu_ms\":{},\"virtual_seconds\":{:.3},\"objects\":{},\"pods_stored\":{},\"steps\":{},\"peak_rss_bytes\":{}}}",
            self.workload.name(),
            self.sizes.nodes,
            self.sizes.pods,
            self.run,
            self.setup_ms,
            self.wall_ms,
            self.cpu_ms
                .map_or_else(|| "null".to_string(), |ms| format!("{ms:.1}")),
            self.virtual_seconds,
            self.objects,
            self.pods,
            self.steps,
            self.peak_rss_bytes
                .map_or_else(|| "null".to_string(), |bytes| bytes.to_string()),
        )
    }
}

/// The sizes a run uses: the workload's defaults, overridden by the flags
/// (`--replicas` and `--pods` are the same number for the Deployment workloads).
pub fn sizes_for(workload: Workload, options: &BenchOptions) -> Sizes {
    let defaults = workload.default_sizes();
    Sizes {
        nodes: options.nodes.unwrap_or(defaults.nodes),
        pods: options.replicas.or(options.pods).unwrap_or(defaults.pods),
    }
}

/// Prepares and runs `workload` once at `sizes`, timing the run alone.
pub fn run_once(
    workload: Workload,
    sizes: Sizes,
    seed: u64,
    run: usize,
) -> Result<RunReport, String> {
    let started = Instant::now();
    let prepared = workload
        .prepare(sizes, seed)
        .map_err(|error| format!("{}: preparing: {error}", workload.name()))?;
    let setup_ms = started.elapsed().as_secs_f64() * 1000.0;
    let cpu_before = cpu_ns();
    let started = Instant::now();
    let (outcome, simulation) = prepared
        .run()
        .map_err(|error| format!("{}: {error}", workload.name()))?;
    let wall_ms = started.elapsed().as_secs_f64() * 1000.0;
    let cpu_ms = cpu_before
        .zip(cpu_ns())
        .map(|(before, after)| (after - before) as f64 / 1e6);
    // Freeing a large cluster takes a while; it is not part of the run.
    drop(simulation);
    Ok(RunReport {
        workload,
        sizes,
        run,
        setup_ms,
        wall_ms,
        cpu_ms,
        virtual_seconds: outcome.virtual_seconds,
        objects: outcome.objects,
        pods: outcome.pods,
        steps: outcome.steps,
        peak_rss_bytes: peak_rss_bytes(),
    })
}

/// The process's peak resident set (`VmHWM` in /proc/self/status), where Linux has it.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// This thread's CPU time in nanoseconds (the first field of schedstat).
fn cpu_ns() -> Option<u64> {
    let text = std::fs::read_to_string("/proc/thread-self/schedstat").ok()?;
    text.split_whitespace().next()?.parse().ok()
}

/// The minimum and median of some wall times.
pub fn min_median(times: &[f64]) -> (f64, f64) {
    let mut sorted = times.to_vec();
    sorted.sort_by(f64::total_cmp);
    let min = sorted.first().copied().unwrap_or(0.0);
    let median = match sorted.len() {
        0 => 0.0,
        n if n % 2 == 1 => sorted[n / 2],
        n => (sorted[n / 2 - 1] + sorted[n / 2]) / 2.0,
    };
    (min, median)
}

fn summary_json(workload: &str, sizes: Sizes, reports: &[RunReport]) -> String {
    let times: Vec<f64> = reports.iter().map(|report| report.wall_ms).collect();
    let cpus: Vec<f64> = reports.iter().filter_map(|report| report.cpu_ms).collect();
    let (min, median) = min_median(&times);
    let (cpu_min, cpu_median) = min_median(&cpus);
    format!(
        "{{\"summary\":\"{workload}\",\"nodes\":{},\"pods\":{},\"runs\":{},\"min_wall_ms\":{min:.1},\"median_wall_ms\":{median:.1},\"min_cpu_ms\":{cpu_min:.1},\"median_cpu_ms\":{cpu_median:.1}}}",
        sizes.nodes,
        sizes.pods,
        times.len()
    )
}

/// Runs the bench and prints its JSON lines to `out`; errors go to the caller.
pub fn bench(options: &BenchOptions, out: &mut dyn std::io::Write) -> Result<(), String> {
    let runs = options.runs.max(1);
    let mut print = |line: String| {
        let _ = writeln!(out, "{line}");
        let _ = out.flush();
    };
    if options.workload == "growth" {
        let workload = parse_workload(&options.of)?;
        // The small size is a tenth of the given (or default) one.
        let large = sizes_for(workload, options);
        let small = Sizes {
            nodes: (large.nodes / 10).max(1),
            pods: (large.pods / 10).max(1),
        };
        let mut medians = Vec::new();
        for sizes in [small, large] {
            let mut reports = Vec::new();
            for run in 0..runs {
                let report = run_once(workload, sizes, options.seed, run)?;
                print(report.json());
                reports.push(report);
            }
            print(summary_json(workload.name(), sizes, &reports));
            let times: Vec<f64> = reports.iter().map(|report| report.wall_ms).collect();
            medians.push(min_median(&times));
        }
        let ratio_min = medians[1].0 / medians[0].0.max(f64::MIN_POSITIVE);
        let ratio_median = medians[1].1 / medians[0].1.max(f64::MIN_POSITIVE);
        print(format!(
            "{{\"workload\":\"growth\",\"of\":\"{}\",\"small\":{{\"nodes\":{},\"pods\":{}}},\"large\":{{\"nodes\":{},\"pods\":{}}},\"ratio_min\":{ratio_min:.2},\"ratio_median\":{ratio_median:.2}}}",
            workload.name(),
            small.nodes,
            small.pods,
            large.nodes,
            large.pods
        ));
        return Ok(());
    }
    let workload = parse_workload(&options.workload)?;
    let sizes = sizes_for(workload, options);
    let mut reports = Vec::new();
    for run in 0..runs {
        let report = run_once(workload, sizes, options.seed, run)?;
        print(report.json());
        reports.push(report);
    }
    if runs > 1 {
        print(summary_json(workload.name(), sizes, &reports));
    }
    Ok(())
}

fn parse_workload(name: &str) -> Result<Workload, String> {
    Workload::parse(name).ok_or_else(|| {
        let names: Vec<&str> = Workload::ALL.iter().map(|w| w.name()).collect();
        format!(
            "unknown workload \"{name}\"; one of: {}, growth",
            names.join(", ")
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn min_and_median_of_odd_and_even_counts() {
        assert_eq!(min_median(&[5.0, 1.0, 3.0]), (1.0, 3.0));
        assert_eq!(min_median(&[4.0, 1.0, 3.0, 2.0]), (1.0, 2.5));
    }

    #[test]
    fn a_small_run_prints_one_json_line_per_run_and_a_summary() {
        let options = BenchOptions {
            workload: "deployment".to_string(),
            nodes: Some(3),
            pods: None,
            replicas: Some(6),
            runs: 2,
            seed: 1,
            of: "deployment".to_string(),
        };
        let mut out = Vec::new();
        bench(&options, &mut out).expect("runs");
        let text = String::from_utf8(out).expect("utf-8");
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines.len(), 3, "{text}");
        assert!(
            lines[0].starts_with("{\"workload\":\"deployment\",\"nodes\":3,\"pods\":6,\"run\":0,")
        );
        assert!(lines[0].contains("\"pods_stored\":6,"), "{}", lines[0]);
        assert!(lines[2].starts_with("{\"summary\":\"deployment\""));
    }

    #[test]
    fn an_unknown_workload_is_an_error_naming_the_choices() {
        let options = BenchOptions {
            workload: "nope".to_string(),
            nodes: None,
            pods: None,
            replicas: None,
            runs: 1,
            seed: 1,
            of: "deployment".to_string(),
        };
        let error = bench(&options, &mut Vec::new()).unwrap_err();
        assert!(error.contains("one of: schedule, deployment"), "{error}");
    }
}
