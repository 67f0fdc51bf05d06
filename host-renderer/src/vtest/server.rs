//! The listening socket, the accept loop and the client threads.

use super::record::Recorder;
use super::session::{self, SessionStats};
use super::stats_file::StatsFile;
use super::FrameSink;
use super::{Counters, Shared};
use crate::core::error::GpuInitError;
use crate::{Gpu, Quotas, Renderer, RendererBackend};
use parking_lot::Mutex;
use std::collections::HashMap;
use std::io::ErrorKind;
use std::os::unix::fs::FileTypeExt;
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::Duration;

/// Opens each new client's renderer, on the client's thread; an error
/// drops that client.
pub type OpenRenderer =
    dyn Fn() -> Result<Box<dyn RendererBackend + Send>, GpuInitError> + Send + Sync;

/// A shared [`OpenRenderer`] (the vhost-user backend opens one per VM).
#[derive(Clone)]
pub struct RendererFactory(pub Arc<OpenRenderer>);

impl std::fmt::Debug for RendererFactory {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("RendererFactory")
    }
}

/// Default of [`ServeOptions::gpu_timeout`].
pub const DEFAULT_GPU_TIMEOUT: Duration = Duration::from_secs(5);

/// Settings of a [`Server`].
#[derive(Clone, Debug)]
pub struct ServeOptions {
    /// Receives the last frame each client displayed, when it disconnects.
    pub last_frame: Option<FrameSink>,
    /// Shared memory one client may hold (sum of its `data_size`s).
    pub shm_quota: u64,
    /// Per-client resource quotas and per-context object and command-buffer
    /// quotas (one context per client).
    pub quotas: Quotas,
    /// GPU work of one client that runs longer than this (watched whenever
    /// the server waits for it) gets the client dropped and its context
    /// destroyed.
    pub gpu_timeout: Duration,
    /// Record every session into this capture (`.vtrec`, or `.vtrec.zst`
    /// when the name ends in `.zst`; captures/FORMAT.md).
    pub record: Option<PathBuf>,
    /// Append every client's counts (requests, submits, frames, renderer
    /// errors) to this file whenever its error count grows and when it
    /// disconnects ([`StatsLine`](super::StatsLine)).
    pub stats: Option<PathBuf>,
}

impl Default for ServeOptions {
    fn default() -> Self {
        Self {
            last_frame: None,
            shm_quota: 4 << 30,
            quotas: Quotas::DEFAULT,
            gpu_timeout: DEFAULT_GPU_TIMEOUT,
            record: None,
            stats: None,
        }
    }
}

/// Why the server could not start.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// Another server answers on the socket path.
    #[error("socket {0} is in use by a running vtest server: stop it, or pass another path with --socket")]
    InUse(PathBuf),
    /// Something that is not a socket sits at the path.
    #[error("{0} exists and is not a socket: remove it, or pass another path with --socket")]
    NotASocket(PathBuf),
    /// The capture file could not be created.
    #[error("cannot create the recording {path}: {source}")]
    Record {
        /// Capture path.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// Binding or listening failed.
    #[error("cannot listen on {path}: {source} (check the directory exists and is writable, or pass --socket)")]
    Bind {
        /// Socket path.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The stats file could not be opened.
    #[error("cannot open the stats file {path}: {source}")]
    Stats {
        /// Stats file path.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
    /// The accept loop failed.
    #[error("accepting clients on {path}: {source}")]
    Accept {
        /// Socket path.
        path: PathBuf,
        /// Cause.
        source: std::io::Error,
    },
}

/// Live numbers of a running server.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct ServerStats {
    /// Connected clients.
    pub clients: usize,
    /// Resources all clients' renderers hold.
    pub resources: usize,
    /// Shared-memory mappings that exist (resources' and snapshots').
    pub mappings: usize,
    /// Clients served since start.
    pub served: u64,
}

/// A bound vtest server socket.
#[derive(Debug)]
pub struct Server {
    listener: UnixListener,
    path: PathBuf,
    shared: Arc<Shared>,
}

/// The client threads and their sockets (to shut them down).
#[derive(Debug, Default)]
struct Clients {
    streams: Mutex<HashMap<u64, UnixStream>>,
    threads: Mutex<Vec<JoinHandle<()>>>,
    next: AtomicU64,
}

impl Server {
    /// Binds `path`, replacing a stale socket file that nobody answers on.
    /// Each client gets a [`Renderer`] with `opts.quotas` on a device of its
    /// own ([`Gpu::new`]; see "Threading" in the module docs); `gpu`, the
    /// caller's proof that a device opens, names the adapter in the log.
    pub fn bind(path: &Path, gpu: Arc<Gpu>, opts: ServeOptions) -> Result<Self, ServeError> {
        tracing::info!(adapter = %gpu.adapter_info.name, "vtest clients render on their own devices");
        let quotas = opts.quotas;
        let open = move || -> Result<Box<dyn RendererBackend + Send>, GpuInitError> {
            let mut r = Renderer::new(Gpu::new()?);
            r.set_quotas(quotas);
            Ok(Box::new(r))
        };
        Self::with_renderers(path, opts, Box::new(open))
    }

    /// Binds `path` as [`Server::bind`] does; each client's renderer comes
    /// from `open` (which applies any quotas itself).
    pub fn with_renderers(
        path: &Path,
        opts: ServeOptions,
        open: Box<OpenRenderer>,
    ) -> Result<Self, ServeError> {
        match std::fs::symlink_metadata(path) {
            Ok(m) if m.file_type().is_socket() => {
                if UnixStream::connect(path).is_ok() {
                    return Err(ServeError::InUse(path.to_owned()));
                }
                tracing::info!("removing stale socket {}", path.display());
                let _ = std::fs::remove_file(path);
            }
            Ok(_) => return Err(ServeError::NotASocket(path.to_owned())),
            Err(e) if e.kind() == ErrorKind::NotFound => {}
            Err(source) => {
                return Err(ServeError::Bind {
                    path: path.to_owned(),
                    source,
                })
            }
        }
        let listener = UnixListener::bind(path).map_err(|source| ServeError::Bind {
            path: path.to_owned(),
            source,
        })?;
        let recorder = match &opts.record {
            Some(rec) => Some(Arc::new(Recorder::create(rec, path).map_err(|source| {
                ServeError::Record {
                    path: rec.clone(),
                    source,
                }
            })?)),
            None => None,
        };
        let stats_file = match &opts.stats {
            Some(p) => Some(StatsFile::open(p).map_err(|source| ServeError::Stats {
                path: p.clone(),
                source,
            })?),
            None => None,
        };
        let shared = Arc::new(Shared {
            recorder,
            stats_file,
            open,
            counters: Counters::default(),
            last_frame: opts.last_frame,
            shm_quota: opts.shm_quota,
            cmdbuf_bytes: opts.quotas.cmdbuf_bytes,
            gpu_timeout: opts.gpu_timeout,
        });
        Ok(Self {
            listener,
            path: path.to_owned(),
            shared,
        })
    }

    /// The socket path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Serves clients until accepting fails (the `pv3d serve` main loop).
    pub fn run(self) -> Result<(), ServeError> {
        let clients = Arc::new(Clients::default());
        accept_loop(
            &self.listener,
            &self.shared,
            &clients,
            &AtomicBool::new(false),
        )
        .map_err(|source| ServeError::Accept {
            path: self.path.clone(),
            source,
        })
    }

    /// Serves clients on a background thread until the handle is shut down
    /// or dropped.
    pub fn spawn(self) -> std::io::Result<ServerHandle> {
        let stop = Arc::new(AtomicBool::new(false));
        let clients = Arc::new(Clients::default());
        let shared = Arc::clone(&self.shared);
        let path = self.path.clone();
        let thread = {
            let (stop, clients) = (Arc::clone(&stop), Arc::clone(&clients));
            std::thread::Builder::new()
                .name("vtest-accept".into())
                .spawn(move || {
                    if let Err(e) = accept_loop(&self.listener, &self.shared, &clients, &stop) {
                        tracing::error!("vtest server on {}: {e}", self.path.display());
                    }
                })?
        };
        Ok(ServerHandle {
            shared,
            path,
            stop,
            clients,
            thread: Some(thread),
        })
    }
}

/// A server running on a background thread.
#[derive(Debug)]
pub struct ServerHandle {
    shared: Arc<Shared>,
    path: PathBuf,
    stop: Arc<AtomicBool>,
    clients: Arc<Clients>,
    thread: Option<JoinHandle<()>>,
}

impl ServerHandle {
    /// The socket path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Live numbers.
    pub fn stats(&self) -> ServerStats {
        self.shared.counters.stats()
    }

    /// Stops accepting, disconnects every client, waits for their clean-up
    /// and removes the socket file.
    pub fn shutdown(mut self) {
        self.stop_now();
    }

    fn stop_now(&mut self) {
        let Some(thread) = self.thread.take() else {
            return;
        };
        self.stop.store(true, Ordering::SeqCst);
        // Wake the accept loop.
        let _ = UnixStream::connect(&self.path);
        let _ = thread.join();
        for s in self.clients.streams.lock().values() {
            let _ = s.shutdown(std::net::Shutdown::Both);
        }
        let threads = std::mem::take(&mut *self.clients.threads.lock());
        for t in threads {
            let _ = t.join();
        }
        let _ = std::fs::remove_file(&self.path);
        if let Some(rec) = &self.shared.recorder {
            rec.finish();
        }
    }
}

impl Drop for ServerHandle {
    fn drop(&mut self) {
        self.stop_now();
    }
}

fn accept_loop(
    listener: &UnixListener,
    shared: &Arc<Shared>,
    clients: &Arc<Clients>,
    stop: &AtomicBool,
) -> std::io::Result<()> {
    tracing::info!("vtest server listening");
    loop {
        let stream = match listener.accept() {
            Ok((s, _)) => s,
            Err(e)
                if matches!(
                    e.kind(),
                    ErrorKind::Interrupted | ErrorKind::ConnectionAborted
                ) =>
            {
                continue
            }
            Err(e) => return Err(e),
        };
        if stop.load(Ordering::SeqCst) {
            return Ok(());
        }
        let id = clients.next.fetch_add(1, Ordering::Relaxed);
        if let Ok(copy) = stream.try_clone() {
            clients.streams.lock().insert(id, copy);
        }
        let (shared2, clients2) = (Arc::clone(shared), Arc::clone(clients));
        let spawned = std::thread::Builder::new()
            .name(format!("vtest-client-{id}"))
            .spawn(move || client_thread(stream, &shared2, &clients2, id));
        let mut threads = clients.threads.lock();
        threads.retain(|t| !t.is_finished());
        match spawned {
            Ok(t) => threads.push(t),
            Err(e) => {
                tracing::error!("cannot start a client thread: {e}");
                clients.streams.lock().remove(&id);
            }
        }
    }
}

fn client_thread(stream: UnixStream, shared: &Shared, clients: &Clients, id: u64) {
    shared.counters.clients.fetch_add(1, Ordering::Relaxed);
    shared.counters.served.fetch_add(1, Ordering::Relaxed);
    let stats: SessionStats = session::serve(stream, shared, id);
    tracing::info!(
        client = id,
        "session ended: {} requests, {} submits, {} frames, {} errors",
        stats.requests,
        stats.submits,
        stats.frames,
        stats.errors
    );
    clients.streams.lock().remove(&id);
    shared.counters.clients.fetch_sub(1, Ordering::Relaxed);
}
