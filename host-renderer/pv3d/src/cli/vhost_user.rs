//! `pv3d vhost-user --socket PATH`: the virtio-gpu device as QEMU's
//! vhost-user-gpu backend (`-chardev socket,path=PATH,id=gpu
//! -device vhost-user-gpu-pci,chardev=gpu`, guest RAM shared:
//! `-object memory-backend-memfd,share=on`).

use super::isolate::IsolateArgs;
use super::limits::LimitArgs;
use super::serve::snapshot_sink;
use anyhow::Context as _;
use host_renderer::vhost_user::{serve, Options, Summary};
use host_renderer::virtio::DeviceConfig;
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `pv3d vhost-user`.
#[derive(Debug, clap::Args)]
pub struct VhostUserArgs {
    /// Socket to listen on; QEMU connects to it (an existing socket file
    /// there is replaced).
    #[arg(long, short)]
    pub socket: PathBuf,
    /// Serve one VM, then exit (by default VMs are served one after
    /// another, each with a fresh device).
    #[arg(long)]
    pub once: bool,
    /// Write the last frame the VM showed to this PNG when it disconnects.
    #[arg(long)]
    pub snapshot: Option<PathBuf>,
    /// Display size the guest is offered when QEMU's display does not
    /// answer, as WIDTHxHEIGHT.
    #[arg(long, default_value = "1024x768", value_parser = parse_size)]
    pub size: (u32, u32),
    /// Quotas (per VM) and watchdog.
    #[command(flatten)]
    pub limits: LimitArgs,
    /// Thread or process isolation (a worker per VM).
    #[command(flatten)]
    pub isolate: IsolateArgs,
    /// How scanouts reach QEMU's display: `pixels` (read back on each
    /// flush; any QEMU display) or `dmabuf` (shared GPU memory without a
    /// copy; needs a QEMU GL display such as `-display egl-headless` or
    /// `gtk,gl=on`, and a Vulkan device that exports dmabufs, else pixels).
    #[arg(long, value_enum, default_value_t = ScanoutMode::Pixels)]
    pub scanout: ScanoutMode,
}

/// `--scanout`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum ScanoutMode {
    /// SCANOUT + UPDATE with the pixels.
    Pixels,
    /// DMABUF_SCANOUT + DMABUF_UPDATE where the resource can be exported.
    Dmabuf,
}

fn parse_size(s: &str) -> Result<(u32, u32), String> {
    let bad = || format!("{s:?} is not WIDTHxHEIGHT (e.g. 1024x768)");
    let (w, h) = s.split_once('x').ok_or_else(bad)?;
    let w: u32 = w.parse().map_err(|_| bad())?;
    let h: u32 = h.parse().map_err(|_| bad())?;
    if w == 0 || h == 0 || w > 16384 || h > 16384 {
        return Err(format!("{s}: width and height must be 1..=16384"));
    }
    Ok((w, h))
}

/// Serves VMs until stopped (or one with `--once`); exit 2 when the socket
/// cannot be taken or no wgpu device opens.
pub fn run(args: &VhostUserArgs) -> anyhow::Result<ExitCode> {
    pv3d::malloc::keep_freed_memory();
    let options = Options {
        quotas: args.limits.quotas(),
        gpu_timeout: args.limits.gpu_timeout(),
        config: DeviceConfig {
            width: args.size.0,
            height: args.size.1,
        },
        last_frame: args.snapshot.clone().map(snapshot_sink),
        once: args.once,
        renderers: args.isolate.factory(args.limits.quotas())?,
        dmabuf_scanouts: args.scanout == ScanoutMode::Dmabuf,
    };
    eprintln!("pv3d vhost-user: listening on {}", args.socket.display());
    serve(&args.socket, &options, report).with_context(|| {
        "serving vhost-user-gpu (a Vulkan driver, e.g. lavapipe, is needed; \
         the socket's folder must be writable)"
    })?;
    Ok(ExitCode::SUCCESS)
}

/// One line per VM: what it did and what was left when it went.
fn report(s: &Summary) {
    eprintln!(
        "pv3d vhost-user: VM disconnected: {} requests ({} errors), {} frames shown, \
         {} device resets, {} watchdog expiries; dropped {} contexts and {} resources; \
         renderer left with {} resources, {} bytes",
        s.requests,
        s.errors,
        s.frames,
        s.resets,
        s.watchdog,
        s.guest_objects.0,
        s.guest_objects.1,
        s.renderer_resources,
        s.renderer_memory
    );
}
