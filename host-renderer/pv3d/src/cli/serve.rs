//! `pv3d serve [--socket PATH]`: a drop-in vtest server for Mesa's virpipe.

use super::isolate::IsolateArgs;
use super::limits::LimitArgs;
use anyhow::Context as _;
use host_renderer::vtest::{default_socket_path, DisplayedFrame, FrameSink, ServeOptions, Server};
use host_renderer::Gpu;
use parking_lot::Mutex;
use pv3d::png_file::write_png;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

/// Arguments of `pv3d serve`.
#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// Socket to listen on [default: $VTEST_SOCKET_NAME, else /tmp/.virgl_test,
    /// as virgl_test_server].
    #[arg(long, short)]
    pub socket: Option<PathBuf>,
    /// Write the last frame a client displayed (its last read-back of a
    /// window) to this PNG when the client disconnects.
    #[arg(long)]
    pub snapshot: Option<PathBuf>,
    /// Shared memory one client may hold, in MiB.
    #[arg(long, default_value_t = 4096)]
    pub shm_quota_mib: u64,
    /// Quotas and watchdog.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Thread or process isolation.
    #[command(flatten)]
    pub isolate: IsolateArgs,
    /// Record every client session into this capture (captures/FORMAT.md;
    /// zstd-compressed when the name ends in `.zst`), for `pv3d replay` /
    /// `pv3d dump` or a bug report. A `.zst` file is rewritten whenever a
    /// client disconnects; others are written as the bytes flow.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
    /// Append each client's counts (requests, submits, frames, renderer
    /// errors) to this file: a line whenever its error count grows and one
    /// when it disconnects (`client=ID errors=N ... state=live|end name=NAME`).
    #[arg(long, value_name = "FILE")]
    pub stats: Option<PathBuf>,
}

/// Serves clients until the process is stopped; exit 2 when the socket
/// cannot be taken or the device cannot be opened.
pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    pv3d::malloc::keep_freed_memory();
    let path = args.socket.clone().unwrap_or_else(default_socket_path);
    let opts = ServeOptions {
        last_frame: args.snapshot.clone().map(snapshot_sink),
        shm_quota: args.shm_quota_mib.saturating_mul(1 << 20),
        quotas: args.limits.quotas(),
        gpu_timeout: args.limits.gpu_timeout(),
        record: args.record.clone(),
        stats: args.stats.clone(),
    };
    let server = match args.isolate.factory(opts.quotas)? {
        Some(open) => {
            eprintln!("pv3d serve: each client renders in a jailed worker process");
            Server::with_renderers(&path, opts, Box::new(move || (open.0)()))?
        }
        None => {
            let gpu = Gpu::new()
                .context("opening the wgpu device (a Vulkan driver, e.g. lavapipe, is needed)")?;
            Server::bind(&path, gpu, opts)?
        }
    };
    eprintln!("pv3d serve: listening on {}", path.display());
    if let Some(rec) = &args.record {
        eprintln!("pv3d serve: recording to {}", rec.display());
    }
    server.run()?;
    Ok(ExitCode::SUCCESS)
}

/// A sink writing each client's last frame to `path` (clients that end
/// together write one after the other; the last one to end stays).
pub(super) fn snapshot_sink(path: PathBuf) -> FrameSink {
    let path = Mutex::new(path);
    FrameSink(Arc::new(move |frame: DisplayedFrame| {
        let path = path.lock();
        match write_png(&path, frame.width, frame.height, &frame.rgba) {
            Ok(()) => tracing::info!(
                client = frame.client,
                "wrote the last frame ({}x{}) to {}",
                frame.width,
                frame.height,
                path.display()
            ),
            Err(e) => tracing::warn!(client = frame.client, "snapshot: {e}"),
        }
    }))
}
