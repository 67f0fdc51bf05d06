//! `pv3d-bench`: the same workloads natively (llvmpipe), through the
//! reference virgl server and through `pv3d serve`, interleaved run by run,
//! reported side by side (Markdown table, CSV and SVG chart).
//!
//! Workloads: every glmark2-es2 scene, glmark2 (desktop GL) scenes,
//! glxgears, and synthetic guest programs on our own encoder (see
//! `pv3d_benches::synthetic`). Needs root (clients run in a private mount
//! namespace, as the serve_* tests do), Xvfb, glmark2, mesa-utils and
//! virgl-server. The VM columns (`--configs ...,vm-reference,vm-pv3d`):
//! glmark2-es2-drm in a guest under QEMU through QEMU's and pv3d's
//! vhost-user-gpu backends (`pv3d_benches::vm`).

use anyhow::{bail, Context as _};
use clap::Parser;
use host_renderer::vtest::{ServeOptions, Server as VtestServer};
use host_renderer::Gpu;
use pv3d_benches::client::{run_sampled, Desk, Limits};
use pv3d_benches::glmark::Validation;
use pv3d_benches::model::{Config, Results, Sample, Unit};
use pv3d_benches::servers::{Pv3dCommand, Server};
use pv3d_benches::synthetic::{self, Synthetic};
use pv3d_benches::{chart, gears, glmark, report, vm};
use pv3d_tests::gl_client::{have, is_root, MountTarget, Xvfb};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

/// Compare native GL, the reference virgl server and pv3d on the same workloads.
#[derive(Debug, Parser)]
#[command(name = "pv3d-bench", version)]
struct Args {
    /// Short run (under 5 minutes): 1 s per glmark2-es2 scene, three glmark2
    /// desktop scenes, one glxgears report, 0.5 s per synthetic workload.
    #[arg(long)]
    quick: bool,
    /// Results folder: table.md, results.csv, chart.svg and the programs' output.
    #[arg(long, default_value = "results/bench")]
    out: PathBuf,
    /// Also write the CSV (`workload,config,median,min,max,unit`) here.
    #[arg(long, value_name = "FILE")]
    csv: Option<PathBuf>,
    /// Repetitions of every workload under every configuration (interleaved)
    /// [default: 3; --quick: 1].
    #[arg(long)]
    reps: Option<u32>,
    /// Seconds per glmark2 scene [default: 5; --quick: 1].
    #[arg(long)]
    scene_secs: Option<f64>,
    /// Seconds glxgears runs; it reports every 5 s and the first report is
    /// dropped when there are more [default: 16; --quick: 6].
    #[arg(long)]
    gears_secs: Option<f64>,
    /// Seconds per synthetic workload [default: 3; --quick: 0.5].
    #[arg(long)]
    synthetic_secs: Option<f64>,
    /// Only the workloads whose name contains one of these (comma-separated).
    #[arg(long, value_delimiter = ',')]
    only: Vec<String>,
    /// Configurations to run (comma-separated): native, reference, pv3d,
    /// pv3d-isolated (`pv3d serve --isolate process`),
    /// and the VM columns vm-reference, vm-pv3d (a guest under QEMU per run).
    #[arg(long, value_delimiter = ',', default_value = "native,reference,pv3d")]
    configs: Vec<String>,
    /// Run `PATH serve` as the pv3d server [default: this program serves,
    /// in a child process, with the same code and options as `pv3d serve`].
    #[arg(long, value_name = "PATH")]
    pv3d: Option<PathBuf>,
    /// (Internal) serve vtest on this socket, as `pv3d serve --socket` does.
    #[arg(long, hide = true, value_name = "SOCKET")]
    serve: Option<PathBuf>,
    /// (Internal) with --serve: each client in a render worker, as
    /// `pv3d serve --isolate process` does.
    #[arg(long, hide = true)]
    isolated: bool,
    /// (Internal) be a render worker, as `pv3d worker` is.
    #[arg(long, hide = true)]
    worker: bool,
    /// (Internal) with --serve: the stats file, as `pv3d serve --stats`.
    #[arg(long, hide = true, value_name = "FILE")]
    stats: Option<PathBuf>,
    /// (Internal) serve vhost-user-gpu on this socket, as `pv3d vhost-user
    /// --socket` does.
    #[arg(long, hide = true, value_name = "SOCKET")]
    vhost_user: Option<PathBuf>,
}

/// What one run (one client process, or one synthetic program) covers.
enum Group {
    /// glmark2 or glmark2-es2 running `scenes`, one after another.
    Glmark {
        program: &'static str,
        prefix: &'static str,
        scenes: Vec<String>,
    },
    /// glxgears.
    Gears,
    /// A synthetic guest program (no native configuration).
    Synthetic(Synthetic),
    /// glmark2-es2-drm running `scenes` in a guest (VM configurations only).
    VmGlmark { scenes: Vec<String> },
}

impl Group {
    fn label(&self) -> String {
        match self {
            Group::Glmark {
                program, scenes, ..
            } => format!("{program} ({} scenes)", scenes.len()),
            Group::Gears => "glxgears".to_string(),
            Group::Synthetic(s) => s.name.to_string(),
            Group::VmGlmark { scenes } => {
                format!("glmark2-es2-drm in a VM ({} scenes)", scenes.len())
            }
        }
    }

    fn configs(&self) -> &'static [Config] {
        match self {
            Group::Synthetic(_) => &[Config::Reference, Config::Pv3d, Config::Pv3dIsolated],
            Group::VmGlmark { .. } => &[Config::VmReference, Config::VmPv3d],
            _ => &[
                Config::Native,
                Config::Reference,
                Config::Pv3d,
                Config::Pv3dIsolated,
            ],
        }
    }

    fn tools(&self) -> &'static [(&'static str, &'static str)] {
        match self {
            Group::Glmark { program, .. } if *program == "glmark2" => &[("glmark2", "glmark2-x11")],
            Group::Glmark { .. } => &[("glmark2-es2", "glmark2-es2-x11")],
            Group::Gears => &[("glxgears", "mesa-utils")],
            Group::Synthetic(_) | Group::VmGlmark { .. } => &[],
        }
    }
}

/// Durations of one harness run.
struct Plan {
    scene_secs: f64,
    gears_secs: f64,
    synthetic: Duration,
}

fn main() -> ExitCode {
    let args = Args::parse();
    let result = match (&args.serve, &args.vhost_user) {
        _ if args.worker => host_renderer::isolate::serve_stdin().map_err(Into::into),
        (Some(socket), _) => serve(socket, args.isolated, args.stats.clone()),
        (_, Some(socket)) => serve_vhost_user(socket),
        _ => run(&args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("pv3d-bench: {e:#}");
            ExitCode::from(2)
        }
    }
}

fn selected(args: &Args, name: &str) -> bool {
    args.only.is_empty() || args.only.iter().any(|o| name.contains(o.as_str()))
}

/// Desktop-GL scenes a --quick run keeps (glmark2-es2 keeps all of them).
const QUICK_DESKTOP_SCENES: [&str; 3] = ["build", "texture", "shading"];

/// The workload name prefix of the VM runs.
const VM_PREFIX: &str = "vm-glmark2-es2-";

fn groups(args: &Args, configs: &[Config]) -> anyhow::Result<Vec<Group>> {
    let mut groups = Vec::new();
    if configs.iter().any(|c| c.is_vm()) {
        let count = if args.quick { 3 } else { vm::SCENES.len() };
        let scenes: Vec<String> = vm::SCENES[..count]
            .iter()
            .filter(|s| selected(args, &format!("{VM_PREFIX}{s}")))
            .map(|s| s.to_string())
            .collect();
        if !scenes.is_empty() {
            groups.push(Group::VmGlmark { scenes });
        }
    }
    for (program, prefix) in [("glmark2-es2", "glmark2-es2-"), ("glmark2", "glmark2-")] {
        let wanted = |s: &String| {
            selected(args, &format!("{prefix}{s}"))
                && (!args.quick
                    || program == "glmark2-es2"
                    || QUICK_DESKTOP_SCENES.contains(&s.as_str()))
        };
        let any = args.only.is_empty()
            || args
                .only
                .iter()
                .any(|o| o.starts_with(prefix) || prefix.starts_with(o.as_str()));
        let host = configs.iter().any(|c| !c.is_vm());
        if !any || !host {
            continue;
        }
        if !have(program) {
            let package = if program == "glmark2" {
                "glmark2-x11"
            } else {
                "glmark2-es2-x11"
            };
            bail!("{program} is not installed: apt-get install {package} (or leave it out with --only)");
        }
        let scenes: Vec<String> = glmark::scenes(program)?
            .into_iter()
            .filter(wanted)
            .collect();
        if !scenes.is_empty() {
            groups.push(Group::Glmark {
                program,
                prefix,
                scenes,
            });
        }
    }
    let host = configs.iter().any(|c| !c.is_vm());
    if host && selected(args, "glxgears") {
        groups.push(Group::Gears);
    }
    for s in synthetic::ALL {
        if host && selected(args, s.name) {
            groups.push(Group::Synthetic(s));
        }
    }
    if groups.is_empty() {
        bail!("no workload matches --only {}", args.only.join(","));
    }
    Ok(groups)
}

/// Fails with the apt package to install for every missing tool.
fn preflight(groups: &[Group], configs: &[Config]) -> anyhow::Result<()> {
    let mut tools: Vec<(&str, &str)> = vec![("Xvfb", "xvfb"), ("getconf", "libc-bin")];
    for g in groups {
        tools.extend(g.tools());
    }
    if configs.contains(&Config::Reference) {
        tools.push(("virgl_test_server", "virgl-server"));
    }
    let virgl = configs.iter().any(|c| *c != Config::Native);
    if virgl {
        tools.extend([("unshare", "util-linux"), ("mount", "mount")]);
    }
    let missing: Vec<String> = tools
        .iter()
        .filter(|(t, _)| !have(t))
        .map(|(t, p)| format!("{t} (apt-get install {p})"))
        .collect();
    if !missing.is_empty() {
        bail!("missing tools: {}", missing.join(", "));
    }
    if configs.iter().any(|c| c.is_vm()) {
        let missing = vm::missing_tools();
        if !missing.is_empty() {
            bail!("the VM configurations need {}", missing.join(", "));
        }
    }
    if (virgl || configs.iter().any(|c| c.is_vm())) && !is_root() {
        bail!(
            "Mesa 22.3 finds the vtest socket only at /tmp/.virgl_test, so clients run in a \
             private mount namespace (unshare -m): run pv3d-bench as root, or only \
             --configs native"
        );
    }
    Ok(())
}

/// The pv3d server's vtest loop, in the child process `--serve` starts;
/// `isolated`: each client renders in a worker (this program's `--worker`).
fn serve(socket: &Path, isolated: bool, stats: Option<PathBuf>) -> anyhow::Result<()> {
    pv3d::malloc::keep_freed_memory();
    let opts = ServeOptions {
        stats,
        ..ServeOptions::default()
    };
    if isolated {
        let command = host_renderer::isolate::WorkerCommand::this_program(&["--worker"])?;
        let open = host_renderer::isolate::Isolation::new(command).opener(opts.quotas);
        VtestServer::with_renderers(socket, opts, open)?.run()?;
        return Ok(());
    }
    let gpu = Gpu::new()
        .context("opening the wgpu device (a Vulkan driver, e.g. lavapipe, is needed)")?;
    VtestServer::bind(socket, gpu, opts)?.run()?;
    Ok(())
}

/// pv3d's vhost-user-gpu backend, in the child process guest-run.sh starts.
fn serve_vhost_user(socket: &Path) -> anyhow::Result<()> {
    pv3d::malloc::keep_freed_memory();
    let options = host_renderer::vhost_user::Options::default();
    host_renderer::vhost_user::serve(socket, &options, |_| {})?;
    Ok(())
}

/// The backend command line guest-run.sh starts for `vm-pv3d` (`{sock}`
/// is its socket): `--pv3d PATH` (`PATH vhost-user`), else this program's
/// `--vhost-user`.
fn vm_backend(args: &Args) -> anyhow::Result<vm::Backend> {
    let (program, sub) = match &args.pv3d {
        Some(path) => (path.clone(), "vhost-user --socket"),
        None => (
            std::env::current_exe().context("locating this program")?,
            "--vhost-user",
        ),
    };
    Ok(vm::Backend::Pv3d(format!(
        "'{}' {sub} {{sock}}",
        program.display()
    )))
}

/// The command starting the pv3d server: `--pv3d PATH` (`PATH serve`), else
/// this program's `--serve`.
fn pv3d_command(args: &Args, isolated: bool) -> anyhow::Result<Pv3dCommand> {
    match &args.pv3d {
        Some(path) if !path.is_file() => bail!(
            "no pv3d binary at {}: build it with `cargo build --release -p pv3d`, \
             or leave out --pv3d to serve from pv3d-bench itself",
            path.display()
        ),
        Some(path) if isolated => Ok(Pv3dCommand {
            program: path.clone(),
            args: ["serve", "--isolate", "process"].map(String::from).to_vec(),
            socket_flag: "--socket".into(),
        }),
        Some(path) => Ok(Pv3dCommand {
            program: path.clone(),
            args: vec!["serve".into()],
            socket_flag: "--socket".into(),
        }),
        None => Ok(Pv3dCommand {
            program: std::env::current_exe().context("locating this program")?,
            args: match isolated {
                true => vec!["--isolated".into()],
                false => Vec::new(),
            },
            socket_flag: "--serve".into(),
        }),
    }
}

fn run(args: &Args) -> anyhow::Result<()> {
    let started = Instant::now();
    let mut configs = Vec::new();
    for name in &args.configs {
        configs.push(Config::from_name(name).with_context(|| {
            format!(
                "unknown configuration {name:?}: use native, reference, pv3d, pv3d-isolated, vm-reference or vm-pv3d"
            )
        })?);
    }
    let reps = args.reps.unwrap_or(if args.quick { 1 } else { 3 });
    if reps == 0 {
        bail!("--reps must be at least 1");
    }
    let plan = Plan {
        scene_secs: args
            .scene_secs
            .unwrap_or(if args.quick { 1.0 } else { 5.0 }),
        gears_secs: args
            .gears_secs
            .unwrap_or(if args.quick { 6.0 } else { 16.0 }),
        synthetic: Duration::from_secs_f64(args.synthetic_secs.unwrap_or(if args.quick {
            0.5
        } else {
            3.0
        })),
    };
    let groups = groups(args, &configs)?;
    preflight(&groups, &configs)?;
    let vm_pv3d = vm_backend(args)?;
    let pv3d = if configs.contains(&Config::Pv3d) {
        Some(pv3d_command(args, false)?)
    } else {
        None
    };
    let pv3d_isolated = if configs.contains(&Config::Pv3dIsolated) {
        Some(pv3d_command(args, true)?)
    } else {
        None
    };
    std::fs::create_dir_all(&args.out)
        .with_context(|| format!("creating the results folder {}", args.out.display()))?;
    let tmp = tempfile::Builder::new().prefix("pv3d-bench-").tempdir()?;
    let xdg = tmp.path().join("xdg");
    std::fs::create_dir(&xdg)?;
    let logs = args.out.join("logs");
    std::fs::create_dir_all(&logs)?;
    let xvfb = Xvfb::start("800x600x24").context("starting Xvfb")?;
    let _mount_target = MountTarget::prepare();
    let desk = Desk {
        xvfb: &xvfb,
        xdg: &xdg,
        dir: &logs,
    };
    let mut servers = Servers {
        dir: tmp.path(),
        logs: &logs,
        xdg: &xdg,
        pv3d: pv3d.as_ref(),
        pv3d_isolated: pv3d_isolated.as_ref(),
        reference: None,
        pv3d_server: None,
        isolated_server: None,
    };

    let mut results = Results::default();
    for rep in 1..=reps {
        for group in &groups {
            for &config in group.configs().iter().filter(|c| configs.contains(c)) {
                let t = Instant::now();
                let server = match config {
                    Config::Reference | Config::Pv3d | Config::Pv3dIsolated => {
                        Some(servers.get(config)?)
                    }
                    _ => None,
                };
                run_group(&desk, group, config, server, &vm_pv3d, &plan, &mut results);
                eprintln!(
                    "[rep {rep}/{reps}] {:<40} {:<9} {:5.1} s",
                    group.label(),
                    config.name(),
                    t.elapsed().as_secs_f64()
                );
            }
        }
    }

    let table = report::markdown(&results, &configs);
    let header = describe(args, reps, pv3d.as_ref(), started.elapsed());
    let doc = format!("{header}\n{table}");
    std::fs::write(args.out.join("table.md"), &doc)?;
    let csv = report::csv(&results);
    std::fs::write(args.out.join("results.csv"), &csv)?;
    if let Some(path) = &args.csv {
        std::fs::write(path, &csv).with_context(|| format!("writing {}", path.display()))?;
    }
    chart::write_svg(&results, &args.out.join("chart.svg"))?;
    println!("{doc}");
    eprintln!(
        "pv3d-bench: wrote {}/{{table.md,results.csv,chart.svg}} in {:.0} s",
        args.out.display(),
        started.elapsed().as_secs_f64()
    );
    Ok(())
}

/// The servers, started on first use and again if one has died.
struct Servers<'a> {
    dir: &'a Path,
    logs: &'a Path,
    xdg: &'a Path,
    pv3d: Option<&'a Pv3dCommand>,
    pv3d_isolated: Option<&'a Pv3dCommand>,
    reference: Option<Server>,
    pv3d_server: Option<Server>,
    isolated_server: Option<Server>,
}

impl Servers<'_> {
    fn get(&mut self, config: Config) -> anyhow::Result<&Server> {
        let (slot, what, cmd) = match config {
            Config::Reference => (&mut self.reference, "reference", None),
            Config::Pv3dIsolated => (
                &mut self.isolated_server,
                "pv3d-isolated",
                self.pv3d_isolated,
            ),
            _ => (&mut self.pv3d_server, "pv3d", self.pv3d),
        };
        let alive = slot
            .as_ref()
            .is_some_and(|s| pv3d_benches::cpu::process(s.pid()).is_some_and(|p| !p.exited()));
        if !alive {
            if slot.is_some() {
                eprintln!("pv3d-bench: the {what} server died; starting it again");
            }
            *slot = None;
            let server = match (config, cmd) {
                (Config::Reference, _) => Server::reference(self.dir, self.logs, self.xdg)?,
                (_, Some(cmd)) => Server::pv3d(cmd, what, self.dir, self.logs, self.xdg)?,
                (_, None) => bail!("no pv3d binary"),
            };
            *slot = Some(server);
        }
        slot.as_ref().context("server slot")
    }
}

/// One guest run of glmark2-es2-drm on `backend`.
fn run_vm(
    backend: &vm::Backend,
    scenes: &[String],
    config: Config,
    plan: &Plan,
    logs: &Path,
    results: &mut Results,
) {
    let log = logs.join(format!("glmark2-es2-drm-{}.txt", config.name()));
    let lines = vm::glmark(backend, scenes, plan.scene_secs, &log)
        .map_err(|e| eprintln!("pv3d-bench: glmark2-es2-drm under {}: {e:#}", config.name()))
        .unwrap_or_default();
    for scene in scenes {
        let sample = lines.iter().find(|l| &l.0 == scene).map(|l| Sample {
            value: l.1,
            client_cpu_ms: None,
            server_cpu_ms: None,
            errors: None,
        });
        results.record(&format!("{VM_PREFIX}{scene}"), Unit::Fps, config, sample);
    }
}

/// The scenes whose frame glmark2 `--validate` finds wrong under `config`
/// (one frame of each, before the timed run).
fn wrong_frames(
    desk: &Desk,
    program: &str,
    scenes: &[String],
    config: Config,
    server: Option<&Server>,
) -> Vec<String> {
    let argv = glmark::validate_argv(program, scenes);
    let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
    let limits = Limits {
        timeout: Duration::from_secs_f64(scenes.len() as f64 * 20.0 + 60.0),
        stop_after: None,
    };
    let run = match run_sampled(
        desk,
        config,
        server,
        &argv,
        limits,
        glmark::parse_validation,
    ) {
        Ok(run) => run,
        Err(e) => {
            eprintln!(
                "pv3d-bench: {program} --validate under {}: {e:#}",
                config.name()
            );
            return Vec::new();
        }
    };
    let verdicts: Vec<&(String, Validation)> = run.lines.iter().map(|l| &l.parsed).collect();
    let wrong: Vec<String> = verdicts
        .iter()
        .filter(|(_, v)| *v == Validation::Failure)
        .map(|(scene, _)| scene.clone())
        .collect();
    let checked = verdicts
        .iter()
        .filter(|(_, v)| *v != Validation::Unknown)
        .count();
    eprintln!(
        "pv3d-bench: {program} --validate under {}: {} of {checked} checkable scenes right{}",
        config.name(),
        checked - wrong.len(),
        if wrong.is_empty() {
            String::new()
        } else {
            format!(", wrong: {}", wrong.join(", "))
        }
    );
    wrong
}

/// Runs `group` under `config`: `server` serves the vtest configurations,
/// `vm_pv3d` is pv3d's backend for the VM ones.
fn run_group(
    desk: &Desk,
    group: &Group,
    config: Config,
    server: Option<&Server>,
    vm_pv3d: &vm::Backend,
    plan: &Plan,
    results: &mut Results,
) {
    match group {
        Group::Glmark {
            program,
            prefix,
            scenes,
        } => {
            for scene in wrong_frames(desk, program, scenes, config, server) {
                results.record_wrong_frame(&format!("{prefix}{scene}"), Unit::Fps, config);
            }
            let argv = glmark::argv(program, scenes, plan.scene_secs);
            let argv: Vec<&str> = argv.iter().map(String::as_str).collect();
            let limits = Limits {
                timeout: Duration::from_secs_f64(
                    scenes.len() as f64 * (plan.scene_secs + 20.0) + 60.0,
                ),
                stop_after: None,
            };
            let run = run_sampled(desk, config, server, &argv, limits, glmark::parse_result)
                .map_err(|e| eprintln!("pv3d-bench: {program} under {}: {e:#}", config.name()))
                .ok();
            let lines = run.as_ref().map_or(&[][..], |r| &r.lines[..]);
            if let Some(n) = run.as_ref().and_then(|r| r.errors_after).filter(|n| *n > 0) {
                eprintln!(
                    "pv3d-bench: {program} under {}: {n} context errors after its last scene",
                    config.name()
                );
            }
            for scene in scenes {
                // A scene's errors are those counted since the previous
                // result line: its set-up and its frames.
                let line = lines.iter().find(|l| &l.parsed.0 == scene);
                let sample = line.map(|l| {
                    let frames = l.parsed.1 * plan.scene_secs;
                    Sample {
                        value: l.parsed.1,
                        client_cpu_ms: l.client_cpu_s.map(|s| s * 1e3 / frames),
                        server_cpu_ms: l.server_cpu_s.map(|s| s * 1e3 / frames),
                        errors: l.errors,
                    }
                });
                results.record(&format!("{prefix}{scene}"), Unit::Fps, config, sample);
            }
        }
        Group::Gears => {
            let limits = Limits {
                timeout: Duration::from_secs_f64(plan.gears_secs + 30.0),
                stop_after: Some(Duration::from_secs_f64(plan.gears_secs)),
            };
            let run = run_sampled(
                desk,
                config,
                server,
                &["glxgears"],
                limits,
                gears::parse_result,
            )
            .map_err(|e| eprintln!("pv3d-bench: glxgears under {}: {e:#}", config.name()))
            .ok();
            let lines = run.as_ref().map_or(&[][..], |r| &r.lines[..]);
            // Any error of the whole run fails it.
            let errors = run.as_ref().and_then(|r| {
                r.lines
                    .iter()
                    .map(|l| l.errors)
                    .chain([r.errors_after])
                    .sum::<Option<u64>>()
            });
            let steady = if lines.len() > 1 { &lines[1..] } else { lines };
            let parsed: Vec<(f64, f64)> = steady.iter().map(|l| l.parsed).collect();
            let frames: f64 = parsed.iter().map(|p| p.0).sum();
            let per_frame = |f: fn(&pv3d_benches::client::Line<(f64, f64)>) -> Option<f64>| {
                let total: Option<f64> = steady.iter().map(f).sum();
                total.filter(|_| frames > 0.0).map(|s| s * 1e3 / frames)
            };
            let sample = gears::fps(&parsed).map(|value| Sample {
                value,
                client_cpu_ms: per_frame(|l| l.client_cpu_s),
                server_cpu_ms: per_frame(|l| l.server_cpu_s),
                errors,
            });
            results.record("glxgears", Unit::Fps, config, sample);
        }
        Group::VmGlmark { scenes } => {
            let backend = match config {
                Config::VmPv3d => vm_pv3d,
                _ => &vm::Backend::Reference,
            };
            run_vm(backend, scenes, config, plan, desk.dir, results);
        }
        Group::Synthetic(s) => {
            let sample = match server {
                Some(server) => s
                    .run(server, plan.synthetic)
                    .map_err(|e| eprintln!("pv3d-bench: {} under {}: {e}", s.name, config.name())),
                None => Err(()),
            };
            if let Ok(Sample {
                errors: Some(n @ 1..),
                ..
            }) = sample
            {
                eprintln!(
                    "pv3d-bench: {} under {}: {n} context errors: FAILED",
                    s.name,
                    config.name()
                );
            }
            results.record(s.name, s.unit, config, sample.ok());
        }
    }
}

/// The machine, the command line and the run's settings, as Markdown.
fn describe(args: &Args, reps: u32, pv3d: Option<&Pv3dCommand>, took: Duration) -> String {
    let read = |p: &str| std::fs::read_to_string(p).unwrap_or_default();
    let cpuinfo = read("/proc/cpuinfo");
    let model = cpuinfo
        .lines()
        .find_map(|l| l.strip_prefix("model name"))
        .map(|l| l.trim_start_matches([' ', '\t', ':']).to_string())
        .unwrap_or_else(|| "unknown CPU".to_string());
    let cores = std::thread::available_parallelism().map_or(0, |n| n.get());
    let mem = read("/proc/meminfo")
        .lines()
        .find_map(|l| l.strip_prefix("MemTotal:"))
        .and_then(|l| l.trim().trim_end_matches(" kB").parse::<u64>().ok())
        .map_or_else(String::new, |kb| format!(", {} GiB RAM", kb >> 20));
    let kernel = read("/proc/sys/kernel/osrelease");
    let cmd: Vec<String> = std::env::args().collect();
    let profile = match pv3d {
        Some(p) if p.program.components().any(|c| c.as_os_str() == "debug") => {
            " (dev profile: our code at opt-level 1 with debug assertions; numbers understate pv3d)"
        }
        _ => "",
    };
    format!(
        "Machine: {model}, {cores} cores{mem}, Linux {}; llvmpipe for native and the \
         reference server, lavapipe (Vulkan) for pv3d.\n\n\
         Command: `{}`\n\n\
         pv3d: {}{profile}\n\n\
         {} repetitions, interleaved native → reference → pv3d (→ vm-reference → vm-pv3d){}; \
         took {:.0} s. Cells: median \
         (min–max). Ratios are speed-ups (> 1: faster), on medians. CPU: host CPU ms per frame \
         (synthetic: per operation, per MB for uploads) of the client process and of the server \
         process.\n",
        kernel.trim(),
        cmd.join(" "),
        pv3d.map_or_else(|| "not run".to_string(), |p| p.to_string()),
        reps,
        if args.quick { ", --quick" } else { "" },
        took.as_secs_f64()
    )
}
