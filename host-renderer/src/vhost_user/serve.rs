//! The listening loop: QEMU connects to the socket, one VM at a time; each
//! connection gets a fresh wgpu device, renderer and device model, all
//! dropped when QEMU disconnects.

use super::backend::{Backend, Summary, FENCE_TIMER};
use super::pixels::frame_rgba;
use super::Options;
use crate::error::GpuInitError;
use crate::vtest::DisplayedFrame;
use crate::{Gpu, Renderer, RendererBackend};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use vhost::vhost_user::{Error as ProtocolError, Listener};
use vhost_user_backend::{Error as DaemonError, VhostUserDaemon};
use vm_memory::{GuestMemoryAtomic, GuestMemoryMmap};
use vmm_sys_util::epoll::EventSet;

/// Why the backend stopped serving.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The socket could not be created.
    #[error("listening on {path}: {source}")]
    Listen {
        /// The socket path.
        path: PathBuf,
        /// Why.
        source: ProtocolError,
    },
    /// No wgpu device for the next VM.
    #[error("opening the wgpu device: {0}")]
    Gpu(#[from] GpuInitError),
    /// The vhost-user daemon could not be set up or did not accept.
    #[error("vhost-user daemon: {0}")]
    Daemon(String),
    /// The fence timer could not be created or registered.
    #[error("fence timer: {0}")]
    Timer(#[from] std::io::Error),
}

impl From<DaemonError> for ServeError {
    fn from(e: DaemonError) -> Self {
        Self::Daemon(e.to_string())
    }
}

/// Serves VMs on `path` one after another (only the first with
/// `options.once`); `report` gets each connection's [`Summary`] when it ends.
pub fn serve(
    path: &Path,
    options: &Options,
    mut report: impl FnMut(&Summary),
) -> Result<(), ServeError> {
    let mut listener = Listener::new(path, true).map_err(|source| ServeError::Listen {
        path: path.to_owned(),
        source,
    })?;
    loop {
        let summary = serve_one(&mut listener, options)?;
        report(&summary);
        if options.once {
            return Ok(());
        }
    }
}

/// One connection, from accept to disconnect: its renderer comes from
/// `options.renderers` (a worker process per VM), else is a [`Renderer`]
/// on a fresh device.
fn serve_one(listener: &mut Listener, options: &Options) -> Result<Summary, ServeError> {
    let renderer: Box<dyn RendererBackend + Send> = match &options.renderers {
        Some(open) => (open.0)()?,
        None => {
            let mut r = Renderer::new(Gpu::new()?);
            r.set_quotas(options.quotas);
            Box::new(r)
        }
    };
    let backend = Arc::new(Backend::new(renderer, options)?);
    let mut daemon = VhostUserDaemon::new(
        "pv3d-vhost-user".into(),
        Arc::clone(&backend),
        GuestMemoryAtomic::new(GuestMemoryMmap::default()),
    )?;
    let handlers = daemon.get_epoll_handlers();
    let worker = handlers
        .first()
        .ok_or_else(|| ServeError::Daemon("no vring worker".into()))?;
    worker.register_listener(backend.timer_fd(), EventSet::IN, u64::from(FENCE_TIMER))?;
    daemon.start(listener)?;
    tracing::info!("vhost-user: a front end connected");
    match daemon.wait() {
        Ok(())
        | Err(DaemonError::HandleRequest(
            ProtocolError::Disconnected | ProtocolError::PartialMessage,
        )) => tracing::info!("vhost-user: the front end disconnected"),
        Err(e) => tracing::warn!("vhost-user: connection ended: {e}"),
    }
    for h in &handlers {
        h.send_exit_event();
    }
    // Dropping the daemon joins its vring worker, which held the backend
    // (and, through it, the vrings' fds).
    drop((handlers, daemon));
    if Arc::strong_count(&backend) == 1 {
        backend.close_exit_events();
    } else {
        tracing::warn!("vhost-user: the vring worker still holds the backend");
    }
    let (summary, frame) = backend.finish();
    if let (Some(sink), Some(frame)) = (&options.last_frame, frame) {
        match frame_rgba(&frame) {
            Some((width, height, rgba)) => (sink.0)(DisplayedFrame {
                client: "vhost-user".into(),
                width,
                height,
                rgba,
            }),
            None => tracing::warn!(
                "snapshot: format {:?} of the scanout cannot be written",
                frame.image.format
            ),
        }
    }
    Ok(summary)
}
