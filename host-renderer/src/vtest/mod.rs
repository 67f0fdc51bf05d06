//! The vtest server: a drop-in for virglrenderer's `virgl_test_server` that
//! unmodified Mesa (`GALLIUM_DRIVER=virpipe`) talks to over a Unix socket
//! (vtest-protocol.md).
//!
//! * [`Server::bind`] takes the socket (a stale socket file nobody answers on
//!   is replaced; a live one is an error), [`Server::run`] serves forever,
//!   [`Server::spawn`] serves on a background thread ([`ServerHandle`], for
//!   tests and embedding).
//! * Protocol: CREATE_RENDERER first; PING / PROTOCOL_VERSION (we agree to
//!   `min(wanted, 2)`, 1 becomes 0, as the reference); GET_CAPS2 / GET_CAPS
//!   from the client's renderer; RESOURCE_CREATE2 with a memfd of `data_size`
//!   bytes (mapped here as the resource's [`Backing`](crate::Backing), sent
//!   with `SCM_RIGHTS`); TRANSFER_GET2/PUT2; SUBMIT_CMD (encoded transfers
//!   read the shm); RESOURCE_BUSY_WAIT; RESOURCE_UNREF; and the protocol-0
//!   RESOURCE_CREATE / TRANSFER_GET / TRANSFER_PUT with inline data.
//!   Protocol 3 (ids 15–24) is never agreed to, and using it drops the client.
//! * Errors: undecodable bytes, a first message other than CREATE_RENDERER,
//!   v3 commands and quota overruns drop the client, as the reference does.
//!   Renderer errors (bad handles, bad boxes, failing commands) are logged
//!   and skipped, and the connection stays up: Mesa aborts the application
//!   when it loses the connection, and a skipped command only spoils pixels.
//!
//! # Threading
//!
//! One thread per client, each with **its own [`Renderer`](crate::Renderer)
//! on its own [`Gpu`](crate::Gpu)** (wgpu device and queue), held through
//! the [`RendererBackend`](crate::RendererBackend) seam
//! ([`Server::with_renderers`] gives clients other renderers); nothing is
//! locked between clients. Chosen
//! by measurement (`benches/benches/serve_threading.rs`, two clients each
//! replaying a glmark2 capture with its read-backs, release build, idle
//! 2-core machine, criterion medians; BENCHMARKS.md): both finished in
//! 288 ms serialized — the best one renderer fed by every client can do —,
//! 241 ms on two renderers sharing one device, and 173 ms on a device each:
//! one queue executes every client's work in submission order, one
//! submission at a time, and a read-back waits for the other client's
//! earlier submissions too. A device costs
//! about 10 ms to open on lavapipe, once per connection. Also:
//!
//! * in protocol 2 the client picks resource handles (each Mesa process
//!   counts from 1) and its command streams name resources by them, so two
//!   clients' handles collide in one renderer's resource table; a renderer per
//!   client gives each its own namespace, as the reference's process per
//!   client does;
//! * TRANSFER_GET2 and BUSY_WAIT block until the GPU is done: on its own
//!   queue a client waits for its own work only;
//! * busy state is per client: a renderer's latest queue submission index is
//!   exactly "all work this client submitted". BUSY_WAIT without the wait flag
//!   asks the driver whether that submission finished (a zero-timeout wait);
//!   with it, blocks in the driver until it has (no sleep-polling). The handle
//!   is not consulted: Mesa's fences are fresh resources no command touches,
//!   meaning "everything so far", like the reference's global semantics;
//! * a device lost or reset takes only its own client with it.
//!
//! A client that disconnects at any byte (mid-message
//! included) gets its resources, mappings and context freed by its thread.

mod last_frame;
mod record;
mod server;
mod session;
mod shm;
mod stats_file;
#[cfg(test)]
mod tests;

pub use last_frame::{DisplayedFrame, FrameSink};
pub use server::{
    OpenRenderer, RendererFactory, ServeError, ServeOptions, Server, ServerHandle, ServerStats,
    DEFAULT_GPU_TIMEOUT,
};
pub use session::{SessionError, SessionStats};
pub use shm::ShmBacking;
pub use stats_file::StatsLine;

use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::sync::Arc;

/// The default socket path of `virgl_test_server` (and Mesa 22.3).
pub const DEFAULT_SOCKET: &str = "/tmp/.virgl_test";
/// The variable `virgl_test_server` (and Mesa ≥ 23) reads the path from.
pub const SOCKET_ENV: &str = "VTEST_SOCKET_NAME";

/// The socket path `virgl_test_server` would use: `$VTEST_SOCKET_NAME` when
/// set and not empty, else [`DEFAULT_SOCKET`].
pub fn default_socket_path() -> std::path::PathBuf {
    match std::env::var_os(SOCKET_ENV) {
        Some(p) if !p.is_empty() => p.into(),
        _ => DEFAULT_SOCKET.into(),
    }
}

/// What every client thread shares.
struct Shared {
    /// Opens each client's renderer.
    open: Box<OpenRenderer>,
    counters: Counters,
    last_frame: Option<FrameSink>,
    recorder: Option<Arc<record::Recorder>>,
    /// `--stats`: every client's counts.
    stats_file: Option<stats_file::StatsFile>,
    shm_quota: u64,
    /// The command-buffer quota: buffers up to it are framed (the renderer
    /// refuses those over its own quota).
    cmdbuf_bytes: usize,
    /// The watchdog's limit on one client's GPU work.
    gpu_timeout: std::time::Duration,
}

/// Live counts, published by the client threads.
#[derive(Debug, Default)]
struct Counters {
    clients: AtomicUsize,
    resources: AtomicUsize,
    mappings: Arc<AtomicUsize>,
    served: AtomicU64,
}

impl Counters {
    fn stats(&self) -> ServerStats {
        ServerStats {
            clients: self.clients.load(Ordering::Relaxed),
            resources: self.resources.load(Ordering::Relaxed),
            mappings: self.mappings.load(Ordering::Relaxed),
            served: self.served.load(Ordering::Relaxed),
        }
    }
}

impl std::fmt::Debug for Shared {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Shared")
            .field("counters", &self.counters)
            .finish_non_exhaustive()
    }
}
