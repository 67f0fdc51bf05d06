//! A renderer per client in a worker process of its own, jailed
//! (feature `isolate`; `pv3d serve --isolate process`, `pv3d vhost-user
//! --isolate process`).
//!
//! The front end (the vtest server, the vhost-user backend) keeps the
//! transport: framing, quotas, shared memory, fences' replies. Each
//! client's [`RendererBackend`](crate::RendererBackend) is a
//! [`ProcessRenderer`], which starts a worker ([`WorkerCommand`]: `pv3d
//! worker`) with one end of a socketpair as its stdin and forwards every
//! call over it. The worker ([`serve_worker`]) opens its own device, jails
//! itself ([`Limits`], Landlock, a seccomp allow-list: see
//! docs/SECURITY.md) before it reads a guest byte, and runs a
//! [`Renderer`](crate::Renderer).
//!
//! * Backings that are files (vtest memfds) are sent as fds and mapped by
//!   the worker; others (virtio guest pages) stay in the front end, which
//!   reads and writes them for the worker during a call, after checking the
//!   backing was lent to it and the range lies inside.
//! * The front end trusts nothing the worker says: every answer is
//!   bounds-checked as it decodes, frame lengths are capped, resource infos
//!   are the front end's own, fences reported must be ones it created,
//!   error texts are cut and stripped of control characters, an image must
//!   match its resource. Errors whose causes cannot cross a process
//!   boundary arrive as [`Remote`](crate::error::Remote) text; the variants a
//!   front end picks its reply by arrive whole.
//! * A worker that dies, is killed, breaks the filter, breaks the protocol
//!   or does not answer in time is reaped and logged with its exit status
//!   or signal; its renderer reports [`lost`](crate::RendererBackend::lost)
//!   and every later call fails, so the front end ends that client only.

mod channel;
mod codec;
mod conn;
mod front;
#[cfg(feature = "test-hooks")]
pub mod hooks;
mod jail;
mod proto;
mod worker;

pub use front::ProcessRenderer;
pub use jail::{allowed_syscalls, refused_syscalls, JailError, Limits};
pub use worker::{serve as serve_worker, WorkerError};

use crate::vtest::OpenRenderer;
use crate::{Quotas, RendererBackend};
use std::ffi::OsString;
use std::path::PathBuf;
use std::time::Duration;

/// How the front end starts a worker: `program args...`, with its stdin
/// the worker's socket and these variables added to its environment.
#[derive(Clone, Debug)]
pub struct WorkerCommand {
    /// The program (`pv3d`).
    pub program: PathBuf,
    /// Its arguments (`worker`).
    pub args: Vec<OsString>,
    /// Variables set for the worker on top of the front end's.
    pub env: Vec<(OsString, OsString)>,
}

impl WorkerCommand {
    /// This very program with `args` (a binary that serves workers itself,
    /// as `pv3d worker` does).
    pub fn this_program(args: &[&str]) -> std::io::Result<Self> {
        Ok(Self {
            program: std::env::current_exe()?,
            args: args.iter().map(OsString::from).collect(),
            env: Vec::new(),
        })
    }
}

/// Default of [`Isolation::answer_timeout`].
pub const DEFAULT_ANSWER_TIMEOUT: Duration = Duration::from_secs(60);

/// Settings of process isolation.
#[derive(Clone, Debug)]
pub struct Isolation {
    /// How to start a worker.
    pub command: WorkerCommand,
    /// Its resource limits.
    pub limits: Limits,
    /// A worker that takes longer than this to answer a call (beyond what
    /// the call itself waits for) is killed.
    pub answer_timeout: Duration,
}

impl Isolation {
    /// `command` with the default limits and timeout.
    pub fn new(command: WorkerCommand) -> Self {
        Self {
            command,
            limits: Limits::default(),
            answer_timeout: DEFAULT_ANSWER_TIMEOUT,
        }
    }

    /// A factory for [`vtest::Server::with_renderers`](crate::vtest::Server::with_renderers)
    /// and the vhost-user backend: a worker with `quotas` per renderer.
    pub fn opener(self, quotas: Quotas) -> Box<OpenRenderer> {
        Box::new(move || {
            let r: Box<dyn RendererBackend + Send> =
                Box::new(ProcessRenderer::spawn(&self, &quotas)?);
            Ok(r)
        })
    }
}

/// Runs the worker on this process's stdin (the socket its front end
/// passed): what `pv3d worker` does.
pub fn serve_stdin() -> Result<(), WorkerError> {
    use std::os::fd::{AsFd, OwnedFd};
    let sock: OwnedFd = std::io::stdin().as_fd().try_clone_to_owned()?;
    serve_worker(sock)
}
