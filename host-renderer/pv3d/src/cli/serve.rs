//! `pv3d serve [--socket PATH]`: a drop-in vtest server for Mesa's virpipe.

use anyhow::Context as _;
use host_renderer::vtest::{
    default_socket_path, DisplayedFrame, FrameSink, ServeOptions, Server, DEFAULT_GPU_TIMEOUT,
};
use host_renderer::{Gpu, Quotas};
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
    /// Host memory one client's resources may use, in MiB; a resource past
    /// it is refused (that client's other work goes on).
    #[arg(long, default_value_t = Quotas::DEFAULT.resource_memory >> 20)]
    pub memory_quota_mib: u64,
    /// Resources one client may hold at once.
    #[arg(long, default_value_t = Quotas::DEFAULT.resources)]
    pub max_resources: usize,
    /// Objects (state, shaders, surfaces, views, queries) one context may
    /// hold.
    #[arg(long, default_value_t = Quotas::DEFAULT.objects_per_context)]
    pub max_objects: usize,
    /// Largest command buffer a context may submit, in KiB (the default is
    /// the largest Mesa builds); a larger one is refused unexecuted.
    #[arg(long, default_value_t = Quotas::DEFAULT.cmdbuf_bytes >> 10)]
    pub max_cmdbuf_kib: usize,
    /// Watchdog: a client whose GPU work runs longer than this (measured
    /// from its submission whenever the server waits for it) is dropped with
    /// a logged reason and its context destroyed; other clients go on.
    #[arg(long, default_value_t = DEFAULT_GPU_TIMEOUT.as_millis() as u64)]
    pub gpu_timeout_ms: u64,
    /// Record every client session into this capture (captures/FORMAT.md;
    /// zstd-compressed when the name ends in `.zst`), for `pv3d replay` /
    /// `pv3d dump` or a bug report. A `.zst` file is rewritten whenever a
    /// client disconnects; others are written as the bytes flow.
    #[arg(long, value_name = "FILE")]
    pub record: Option<PathBuf>,
}

/// Serves clients until the process is stopped; exit 2 when the socket
/// cannot be taken or the device cannot be opened.
pub fn run(args: &ServeArgs) -> anyhow::Result<ExitCode> {
    let path = args.socket.clone().unwrap_or_else(default_socket_path);
    let gpu = Gpu::new()
        .context("opening the wgpu device (a Vulkan driver, e.g. lavapipe, is needed)")?;
    let opts = ServeOptions {
        last_frame: args.snapshot.clone().map(snapshot_sink),
        shm_quota: args.shm_quota_mib.saturating_mul(1 << 20),
        quotas: Quotas {
            resource_memory: args.memory_quota_mib.saturating_mul(1 << 20),
            resources: args.max_resources,
            objects_per_context: args.max_objects,
            cmdbuf_bytes: args.max_cmdbuf_kib.saturating_mul(1 << 10),
        },
        gpu_timeout: std::time::Duration::from_millis(args.gpu_timeout_ms),
        record: args.record.clone(),
    };
    let server = Server::bind(&path, gpu, opts)?;
    eprintln!("pv3d serve: listening on {}", path.display());
    if let Some(rec) = &args.record {
        eprintln!("pv3d serve: recording to {}", rec.display());
    }
    server.run()?;
    Ok(ExitCode::SUCCESS)
}

/// A sink writing each client's last frame to `path` (clients that end
/// together write one after the other; the last one to end stays).
fn snapshot_sink(path: PathBuf) -> FrameSink {
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
