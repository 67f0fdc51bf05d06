//! `pv3d vhost-user`: the virtio-gpu device model ([`crate::virtio`]) as a
//! vhost-user-gpu backend, so QEMU (`-device vhost-user-gpu-pci`) drives it
//! for a real guest. Only an adapter: rust-vmm's `vhost-user-backend`
//! daemon owns the vhost-user protocol, guest RAM mappings (`vm-memory`)
//! and vrings; `backend` lends the vrings to the device and runs it on the
//! daemon's epoll thread; `display` shows its scanouts and cursor on QEMU's
//! display socket.
//!
//! What QEMU is offered: `VIRTIO_F_VERSION_1`, `VIRTIO_GPU_F_VIRGL`,
//! `VIRTIO_GPU_F_EDID`, `VIRTIO_GPU_F_CONTEXT_INIT` and
//! `VHOST_USER_F_PROTOCOL_FEATURES`; protocol features `CONFIG` (QEMU reads
//! `num_capsets` there), `MQ`, `REPLY_ACK` and `CONFIGURE_MEM_SLOTS`. Two
//! queues (control, cursor), capsets VIRGL and VIRGL2.
//!
//! One VM per process: a vhost-user socket serves one front end at a time,
//! and each VM gets a wgpu device and queue of its own (as each vtest client
//! does), so a VM that hangs its GPU queue or crashes the process takes no
//! other VM with it. [`serve`] takes VMs one after another on its socket:
//! when QEMU disconnects, everything the VM held is dropped and the next
//! connection gets a fresh device.

mod backend;
mod display;
mod pixels;
mod serve;
mod vring;

pub use backend::{Backend, Summary, FENCE_TIMER, NUM_QUEUES};
pub use display::{DisplayStats, SocketDisplay};
pub use serve::{serve, ServeError};

use crate::virtio::DeviceConfig;
use crate::vtest::{FrameSink, RendererFactory};
use crate::Quotas;
use std::time::Duration;

/// How the backend serves.
#[derive(Clone, Debug)]
pub struct Options {
    /// Limits of the VM's renderer and contexts.
    pub quotas: Quotas,
    /// The watchdog: fenced GPU work making no progress this long gets the
    /// VM's contexts destroyed.
    pub gpu_timeout: Duration,
    /// Display size answered when QEMU's display socket does not answer.
    pub config: DeviceConfig,
    /// Receives the last frame each VM showed, when it disconnects
    /// (`pv3d vhost-user --snapshot` writes it as a PNG).
    pub last_frame: Option<FrameSink>,
    /// Serve one VM, then return.
    pub once: bool,
    /// Opens each VM's renderer (which applies `quotas` itself): a render
    /// worker process per VM (`--isolate process`). `None`: a
    /// [`Renderer`](crate::Renderer) in this process on a device of its own.
    pub renderers: Option<RendererFactory>,
    /// Show scanouts as dmabufs (DMABUF_SCANOUT) where the renderer can
    /// export them; QEMU then needs a GL display (`gtk,gl=on`,
    /// `egl-headless`, `dbus,gl=on`). False: pixels (SCANOUT + UPDATE),
    /// which every QEMU display shows.
    pub dmabuf_scanouts: bool,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            quotas: Quotas::DEFAULT,
            gpu_timeout: crate::vtest::DEFAULT_GPU_TIMEOUT,
            config: DeviceConfig::default(),
            last_frame: None,
            once: false,
            renderers: None,
            dmabuf_scanouts: false,
        }
    }
}
