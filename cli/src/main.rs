//! `kubesim`: the command-line shell around the kubesim library.
//!
//! `kubesim run SCRIPT` replays a script as a terminal transcript; `kubesim` or
//! `kubesim shell` opens an interactive shell. Argument parsing only: the work is
//! in the library (`runner`, `shell`, `files`, `script`).

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Parser, Subcommand};
use kubesim::{Simulation, SimulationConfig};
use kubesim_cli::cluster_file::load_cluster;
use kubesim_cli::files::DiskFiles;
use kubesim_cli::runner::{RunOptions, run_script};
use kubesim_cli::shell::run_shell;

/// mimalloc instead of the system allocator: the simulation allocates and frees
/// small objects at a high rate (every write stores a new version of an object), and
/// glibc's malloc and free took about a quarter of the instructions of a rollout.
/// Native only: the library and the wasm bundle keep their default allocators.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

#[derive(Parser)]
#[command(
    name = "kubesim",
    version,
    about = "Kubernetes, simulated: kubectl against a deterministic virtual cluster",
    long_about = "Kubernetes, simulated: kubectl against a deterministic virtual cluster.\n\n\
        With no command, opens an interactive shell. Lines are kubectl commands \
        (kubectl get pods) or simulation commands (sim advance 5m, sim settle, \
        sim node fail worker-1; see 'sim --help' inside)."
)]
struct Cli {
    /// Seed of the simulation's one random number generator; the same seed and
    /// script give byte-identical output.
    #[arg(long, global = true, default_value_t = Simulation::DEFAULT_SEED)]
    seed: u64,

    /// A kind Cluster (kind.x-k8s.io/v1alpha4) or eksctl ClusterConfig
    /// (eksctl.io/v1alpha5) file describing the nodes. Default: a kubeadm-style
    /// cluster of one tainted control-plane node and three workers.
    #[arg(long, global = true, value_name = "FILE")]
    cluster: Option<PathBuf>,

    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand)]
enum Command {
    /// Run a script of kubectl and sim commands and print it as a terminal session.
    ///
    /// One command per line; '#' comments and blank lines are skipped; '<<EOF'
    /// here-documents feed stdin ('kubectl apply -f - <<EOF'); -f paths are
    /// relative to the script's folder. A failed command prints its error and the
    /// script goes on; the exit status is 1 if any command failed.
    Run {
        /// The script file, or '-' (the default) for standard input.
        #[arg(value_name = "SCRIPT|-")]
        script: Option<PathBuf>,

        /// Print command errors to stderr instead of inline in the transcript.
        #[arg(long)]
        split_stderr: bool,
    },
    /// Open an interactive shell (the default when no command is given).
    Shell,
    /// Time an end-to-end workload (schedule, deployment, rolling-update, large,
    /// idle, or growth) and print one JSON line per run (see BENCHMARKS.md).
    Bench {
        /// schedule | deployment | rolling-update | large | idle | growth
        workload: String,
        /// Worker nodes (default: the workload's target size).
        #[arg(long)]
        nodes: Option<usize>,
        /// Pods (default: the workload's target size).
        #[arg(long)]
        pods: Option<usize>,
        /// Replicas of the Deployment workloads (the same as --pods).
        #[arg(long)]
        replicas: Option<usize>,
        /// How many times to run it.
        #[arg(long, default_value_t = 1)]
        runs: usize,
        /// The workload `growth` measures at a tenth of the size and at the size.
        #[arg(long, default_value = "deployment")]
        of: String,
    },
}

fn simulation_config(cli: &Cli) -> Result<SimulationConfig, ExitCode> {
    let mut config = SimulationConfig {
        seed: cli.seed,
        ..SimulationConfig::default()
    };
    if let Some(path) = &cli.cluster {
        match load_cluster(path) {
            Ok(cluster) => config.cluster = cluster,
            Err(message) => {
                eprintln!("{message}");
                return Err(ExitCode::from(2));
            }
        }
    }
    Ok(config)
}

fn current_dir() -> PathBuf {
    std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."))
}

fn run(cli: &Cli, script: Option<&Path>, split_stderr: bool) -> ExitCode {
    let (text, base_dir, script_name) = match script {
        None => read_stdin(),
        Some(path) if path == Path::new("-") => read_stdin(),
        Some(path) => match std::fs::read_to_string(path) {
            Ok(text) => {
                let base_dir = path
                    .parent()
                    .filter(|parent| !parent.as_os_str().is_empty())
                    .map(Path::to_path_buf)
                    .unwrap_or_else(current_dir);
                (text, base_dir, path.display().to_string())
            }
            Err(error) => {
                eprintln!("kubesim: cannot read {}: {error}", path.display());
                return ExitCode::from(2);
            }
        },
    };
    let simulation = match simulation_config(cli) {
        Ok(config) => config,
        Err(code) => return code,
    };
    let options = RunOptions {
        simulation,
        files: DiskFiles::new(base_dir),
        split_stderr,
        script_name,
    };
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let result = run_script(&text, &options, &mut stdout.lock(), &mut stderr.lock());
    match result {
        Ok(summary) if summary.failed == 0 => ExitCode::SUCCESS,
        Ok(_) => ExitCode::from(1),
        Err(error) => {
            eprintln!("kubesim: {error}");
            ExitCode::from(1)
        }
    }
}

fn read_stdin() -> (String, PathBuf, String) {
    let mut text = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut text) {
        eprintln!("kubesim: cannot read standard input: {error}");
    }
    (text, current_dir(), "<stdin>".to_string())
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match &cli.command {
        Some(Command::Run {
            script,
            split_stderr,
        }) => run(&cli, script.as_deref(), *split_stderr),
        Some(Command::Bench {
            workload,
            nodes,
            pods,
            replicas,
            runs,
            of,
        }) => {
            let options = kubesim_cli::bench::BenchOptions {
                workload: workload.clone(),
                nodes: *nodes,
                pods: *pods,
                replicas: *replicas,
                runs: *runs,
                seed: cli.seed,
                of: of.clone(),
            };
            match kubesim_cli::bench::bench(&options, &mut std::io::stdout().lock()) {
                Ok(()) => ExitCode::SUCCESS,
                Err(message) => {
                    eprintln!("kubesim bench: {message}");
                    ExitCode::from(2)
                }
            }
        }
        Some(Command::Shell) | None => {
            let simulation = match simulation_config(&cli) {
                Ok(config) => Simulation::new(config),
                Err(code) => return code,
            };
            let code = run_shell(simulation, DiskFiles::new(current_dir()));
            ExitCode::from(u8::try_from(code).unwrap_or(1))
        }
    }
}
