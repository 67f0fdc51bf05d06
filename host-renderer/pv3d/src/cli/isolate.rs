//! `--isolate` of `pv3d serve` and `pv3d vhost-user`, and the hidden
//! `pv3d worker` they start per client (per VM) in process mode.

use anyhow::Context as _;
use host_renderer::isolate::{Isolation, Limits, WorkerCommand};
use host_renderer::vtest::RendererFactory;
use host_renderer::Quotas;
use std::process::ExitCode;
use std::sync::Arc;

/// Where each client's renderer runs.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, clap::ValueEnum)]
pub enum Mode {
    /// A thread of this process, with its own device.
    #[default]
    Thread,
    /// A worker process of its own (`pv3d worker`), jailed: seccomp
    /// allow-list, no file system, no network, resource limits
    /// (docs/SECURITY.md).
    Process,
}

/// The isolation flags.
#[derive(Debug, clap::Args)]
pub struct IsolateArgs {
    /// Render each client (each VM) in a thread of this process, or in a
    /// jailed worker process of its own.
    #[arg(long, value_enum, default_value_t = Mode::Thread)]
    pub isolate: Mode,
    /// Process mode: a worker's address space, in MiB (RLIMIT_AS).
    #[arg(long, default_value_t = Limits::default().address_space >> 20)]
    pub worker_address_space_mib: u64,
    /// Process mode: a worker's CPU time, in seconds (RLIMIT_CPU).
    #[arg(long, default_value_t = Limits::default().cpu_seconds)]
    pub worker_cpu_secs: u64,
}

impl IsolateArgs {
    /// The renderer factory of process mode (`None` in thread mode).
    pub fn factory(&self, quotas: Quotas) -> anyhow::Result<Option<RendererFactory>> {
        if self.isolate == Mode::Thread {
            return Ok(None);
        }
        let mut iso = Isolation::new(WorkerCommand::this_program(&["worker"])?);
        iso.limits.address_space = self.worker_address_space_mib.saturating_mul(1 << 20);
        iso.limits.cpu_seconds = self.worker_cpu_secs;
        Ok(Some(RendererFactory(Arc::from(iso.opener(quotas)))))
    }
}

/// `pv3d worker`: serves the front end on stdin until it closes it.
pub fn worker() -> anyhow::Result<ExitCode> {
    host_renderer::isolate::serve_stdin().context(
        "pv3d worker is started by `pv3d serve --isolate process` (or `pv3d vhost-user \
         --isolate process`) with its socket as stdin; it is not run by hand",
    )?;
    Ok(ExitCode::SUCCESS)
}
