//! One client connection: its own renderer (one virgl context), the
//! shared-memory mappings of its resources, and the request loop.

use super::last_frame::Frame;
use super::record::ConnRecorder;
use super::shm::ShmBacking;
use super::stats_file::StatsLine;
use super::Shared;
use crate::core::api::capset;
use crate::core::error::GpuInitError;
use crate::{Backing, CtxId, RendererBackend, ResId, ResourceInfo, TransferBox, VecBacking};
use guest_protocol::le::Le32;
use guest_protocol::virgl::enums::bind;
use guest_protocol::vtest::{
    BusyWaitReply, CapsVersion, ConnectionError, Limits, ProtocolVersion, Reply, Request,
    ServerConnection, BUSY_WAIT_FLAG_WAIT,
};
use std::collections::HashMap;
use std::os::unix::net::UnixStream;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The context every session's renderer uses (one renderer per session).
const CTX: CtxId = CtxId(1);
/// Highest protocol version we agree to: 3 needs server-allocated ids and
/// commands 15–24, which are not implemented.
const MAX_VERSION: u32 = 2;
/// Renderer errors logged at `warn` per session; later ones go to `debug`.
const WARN_ERRORS: u64 = 8;
/// How long after a submit a client that sends nothing more counts as
/// quiet: the renderer's deferral window (a guest submit's work waits at
/// most this long for the next ones to batch with it).
const QUIET_AFTER_SUBMIT: Duration = Duration::from_millis(2);

/// Why a session ended before the client closed cleanly.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    /// The socket failed or the client sent undecodable bytes.
    #[error(transparent)]
    Connection(#[from] ConnectionError),
    /// The client broke the protocol; the reference server drops it too.
    #[error("protocol error: {0}")]
    Protocol(String),
    /// A shared-memory file could not be made.
    #[error("creating shared memory: {0}")]
    Shm(#[from] std::io::Error),
    /// The client's own device could not be opened.
    #[error("opening a device for the client: {0}")]
    Device(#[from] GpuInitError),
    /// The client's GPU work ran past the watchdog's limit; its context is
    /// destroyed with the session.
    #[error(
        "GPU work still running after the {0:?} watchdog limit (--gpu-timeout-ms): context reset"
    )]
    GpuTimeout(Duration),
    /// The client's renderer is gone (its worker process died).
    #[error("renderer lost: {0}")]
    RendererLost(String),
}

/// What a request is answered with, owned so the request's borrow can end first.
enum Answer {
    None,
    Ping,
    Version(u32),
    Caps(CapsVersion, Vec<u8>),
    Busy(bool),
    /// The shm of the resource with this handle.
    Fd(u32, Arc<ShmBacking>),
    Data(Vec<u8>),
}

/// Counts of one session (so far, or when it ended).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SessionStats {
    /// Requests handled.
    pub requests: u64,
    /// SUBMIT_CMDs.
    pub submits: u64,
    /// TRANSFER_GET2s of display targets (frames shown).
    pub frames: u64,
    /// Renderer errors (commands and requests).
    pub errors: u64,
}

struct Session<'s> {
    shared: &'s Shared,
    name: String,
    /// The client's renderer (client handle = our `ResId`: one renderer per
    /// client), from CREATE_RENDERER on.
    renderer: Option<Box<dyn RendererBackend>>,
    version: u32,
    /// The shared memory of the resources that have it, by handle.
    shms: HashMap<u32, Arc<ShmBacking>>,
    shm_bytes: u64,
    /// Resources the renderer holds for this client.
    resources: usize,
    published: usize,
    last_frame: Option<Frame>,
    stats: SessionStats,
    /// This connection's part of the capture (`--record`).
    rec: Option<ConnRecorder>,
    /// When the GPU work not yet seen finished was submitted (watchdog).
    busy_since: Option<Instant>,
    /// A SUBMIT_CMD was handled since the renderer was last told the
    /// client is quiet ([`QUIET_AFTER_SUBMIT`]).
    submitted: bool,
    /// The error count last written to the stats file.
    reported_errors: u64,
}

/// Serves one client until it disconnects; cleans up in every case.
pub(super) fn serve(stream: UnixStream, shared: &Shared, id: u64) -> SessionStats {
    let rec = shared
        .recorder
        .as_ref()
        .map(|r| ConnRecorder::open(r, id, &stream));
    // Buffers up to the command-buffer quota are framed (never less than
    // Mesa's largest); the renderer refuses those over the quota.
    let dwords = u32::try_from(shared.cmdbuf_bytes.div_ceil(4)).unwrap_or(u32::MAX);
    let limits = Limits {
        max_cmd_dwords: dwords.max(Limits::DEFAULT.max_cmd_dwords),
        ..Limits::DEFAULT
    };
    let mut conn = ServerConnection::new(stream, limits);
    let mut s = Session {
        shared,
        name: format!("client-{id}"),
        renderer: None,
        version: 0,
        shms: HashMap::new(),
        shm_bytes: 0,
        resources: 0,
        published: 0,
        last_frame: None,
        stats: SessionStats::default(),
        rec,
        busy_since: None,
        submitted: false,
        reported_errors: 0,
    };
    let closed_by = match s.run(&mut conn, id) {
        Ok(()) => {
            tracing::info!(client = id, name = %s.name, "client closed the connection");
            "client"
        }
        Err(e) => {
            tracing::warn!(client = id, name = %s.name, "client dropped: {e}");
            // Tell the client now, before the clean-up waits for the GPU.
            let _ = conn.socket().get_ref().shutdown(std::net::Shutdown::Both);
            "server"
        }
    };
    s.finish();
    s.report(id, true);
    if let Some(rec) = s.rec.take() {
        rec.close(closed_by, s.stats.requests);
    }
    s.stats
}

impl Session<'_> {
    fn run(&mut self, conn: &mut ServerConnection, id: u64) -> Result<(), SessionError> {
        loop {
            self.flush_when_quiet(conn)?;
            let rec = &mut self.rec;
            let next = conn.read_request_observed(|bytes| {
                if let Some(rec) = rec {
                    rec.c2s(bytes);
                }
            })?;
            let answer = match next {
                None => return Ok(()),
                Some(frame) => {
                    self.stats.requests += 1;
                    let answer = self.handle(&frame.request);
                    if self.stats.errors != self.reported_errors {
                        self.report(id, false);
                    }
                    let answer = answer?;
                    if let Some(why) = self.renderer.as_ref().and_then(|r| r.lost()) {
                        return Err(SessionError::RendererLost(why));
                    }
                    answer
                }
            };
            let reply = match answer {
                Answer::None => continue,
                Answer::Ping => Reply::PingProtocolVersion,
                Answer::Version(v) => Reply::ProtocolVersion(ProtocolVersion {
                    version: Le32::new(v),
                }),
                Answer::Caps(version, ref caps) => Reply::Caps { version, caps },
                Answer::Busy(busy) => Reply::ResourceBusyWait(BusyWaitReply {
                    busy: Le32::new(u32::from(busy)),
                }),
                Answer::Fd(handle, shm) => {
                    if let Some(rec) = &mut self.rec {
                        rec.s2c_fd(handle, &shm);
                    }
                    conn.send_fd(shm.fd())?;
                    continue;
                }
                Answer::Data(ref bytes) => Reply::TransferGetData(bytes),
            };
            match &mut self.rec {
                Some(rec) => conn.send_reply_observed(&reply, |bytes| rec.s2c(bytes))?,
                None => conn.send_reply(&reply)?,
            }
        }
    }

    /// After a submit, waits up to [`QUIET_AFTER_SUBMIT`] for the client's
    /// next request; when none comes, the renderer hands its held-back work
    /// to the GPU, so that a client that submits and then goes quiet (no
    /// wait, no read-back) still has its work run promptly.
    fn flush_when_quiet(&mut self, conn: &ServerConnection) -> Result<(), SessionError> {
        if !std::mem::take(&mut self.submitted) {
            return Ok(());
        }
        if !conn.request_within(QUIET_AFTER_SUBMIT)? {
            if let Some(r) = self.renderer.as_mut() {
                r.flush_deferred();
            }
        }
        Ok(())
    }

    fn handle(&mut self, req: &Request<'_>) -> Result<Answer, SessionError> {
        let Some(renderer) = self.renderer.as_mut() else {
            // The first message must be CREATE_RENDERER (§4).
            let Request::CreateRenderer(c) = req else {
                return Err(protocol(format!("{:?} before CREATE_RENDERER", req.cmd())));
            };
            if let Some(name) = c.name_str().filter(|n| !n.is_empty()) {
                self.name = name.chars().take(64).collect();
            }
            // A device of its own: see "Threading" in the module docs.
            let mut r = (self.shared.open)()?;
            r.create_context(CTX, &self.name)
                .map_err(|e| protocol(format!("creating the context: {e}")))?;
            tracing::info!(name = %self.name, "client connected");
            self.renderer = Some(r);
            return Ok(Answer::None);
        };
        let answer = match *req {
            Request::CreateRenderer(_) => return Err(protocol("CREATE_RENDERER sent twice")),
            Request::PingProtocolVersion => Answer::Ping,
            Request::ProtocolVersion(v) => {
                // min(wanted, ours); 1 is deprecated and becomes 0 (§4).
                let agreed = match v.version.get().min(MAX_VERSION) {
                    1 => 0,
                    n => n,
                };
                self.version = agreed;
                Answer::Version(agreed)
            }
            Request::GetCaps => caps(&**renderer, CapsVersion::V1)?,
            Request::GetCaps2 => caps(&**renderer, CapsVersion::V2)?,
            Request::ResourceBusyWait(w) => Answer::Busy(watched_wait(
                &mut **renderer,
                &mut self.busy_since,
                self.shared.gpu_timeout,
                w.flags.get() & BUSY_WAIT_FLAG_WAIT != 0,
            )?),
            Request::ResourceCreate2(rc) => {
                let info = ResourceInfo::from(&rc.fields());
                let shm = self.create(rc.handle.get(), &info, u64::from(rc.data_size.get()))?;
                match shm {
                    Some(shm) => Answer::Fd(rc.handle.get(), shm),
                    None => Answer::None,
                }
            }
            Request::ResourceCreate(rc) => {
                self.create(rc.handle.get(), &ResourceInfo::from(&rc), 0)?;
                Answer::None
            }
            Request::ResourceUnref(u) => {
                let handle = u.handle.get();
                if let Some(rec) = &mut self.rec {
                    rec.unref(handle);
                }
                match renderer.unref_resource(ResId(handle)) {
                    Ok(()) => {
                        self.resources = self.resources.saturating_sub(1);
                        if let Some(shm) = self.shms.remove(&handle) {
                            self.shm_bytes = self.shm_bytes.saturating_sub(shm.len());
                        }
                    }
                    Err(e) => self.note(Err(format!("RESOURCE_UNREF {handle}: {e}"))),
                }
                Answer::None
            }
            Request::TransferPut2(t) => {
                let r = renderer.transfer_in(ResId(t.handle.get()), &TransferBox::from(&t), None);
                self.note(r.map_err(|e| format!("TRANSFER_PUT2 {}: {e}", t.handle.get())));
                Answer::None
            }
            Request::TransferGet2(t) => {
                watched_wait(
                    &mut **renderer,
                    &mut self.busy_since,
                    self.shared.gpu_timeout,
                    true,
                )?;
                let id = ResId(t.handle.get());
                let tb = TransferBox::from(&t);
                let r = renderer.transfer_out(id, &tb, None);
                let info = renderer.resource_info(id).ok().filter(|_| r.is_ok());
                self.note(r.map_err(|e| format!("TRANSFER_GET2 {}: {e}", id.0)));
                if let Some(info) = info.filter(|i| i.bind & bind::DISPLAY_TARGET != 0) {
                    self.stats.frames += 1;
                    if self.shared.last_frame.is_some() {
                        if let Some(shm) = self.shms.get(&id.0) {
                            self.last_frame = Some(Frame {
                                shm: Arc::clone(shm),
                                info,
                                region: tb.region,
                                offset: tb.offset,
                            });
                        }
                    }
                }
                Answer::None
            }
            Request::TransferPut { transfer, data } => {
                let src = VecBacking::from_vec(data.to_vec());
                let r = renderer.transfer_in(
                    ResId(transfer.handle.get()),
                    &TransferBox::from(&transfer),
                    Some(src.as_ref()),
                );
                self.note(r.map_err(|e| format!("TRANSFER_PUT {}: {e}", transfer.handle.get())));
                Answer::None
            }
            Request::TransferGet(t) => {
                // The answer is exactly `data_size` bytes whatever happens
                // (the client blocks reading them); bounded like a TRANSFER_PUT.
                let size = t.data_size.get();
                if size > Limits::default().max_transfer_bytes {
                    return Err(protocol(format!("TRANSFER_GET of {size} bytes")));
                }
                watched_wait(
                    &mut **renderer,
                    &mut self.busy_since,
                    self.shared.gpu_timeout,
                    true,
                )?;
                let dst = VecBacking::zeroed(size as usize);
                let r = renderer.transfer_out(
                    ResId(t.handle.get()),
                    &TransferBox::from(&t),
                    Some(dst.as_ref()),
                );
                self.note(r.map_err(|e| format!("TRANSFER_GET {}: {e}", t.handle.get())));
                Answer::Data(dst.snapshot())
            }
            Request::SubmitCmd(cmds) => {
                self.stats.submits += 1;
                // The watchdog's clock starts at the first submit after the
                // GPU was last seen idle (checked without submitting the
                // work the renderer defers).
                if self.busy_since.is_some() && renderer.started_work_done() {
                    self.busy_since = None;
                }
                self.busy_since.get_or_insert_with(Instant::now);
                let report = renderer.submit(CTX, cmds.as_bytes());
                self.submitted = true;
                for (n, failure) in report.failures.iter().enumerate() {
                    let seen = self.stats.errors.saturating_add(n as u64);
                    log_error(&self.name, seen, &failure.to_string());
                }
                self.stats.errors = self.stats.errors.saturating_add(report.errors);
                self.note(report.outcome.map_err(|e| format!("SUBMIT_CMD: {e}")));
                Answer::None
            }
            // Protocol 3 (ids 15–24) is never agreed to.
            _ => return Err(protocol(format!("{:?} needs protocol 3", req.cmd()))),
        };
        self.publish();
        Ok(answer)
    }

    /// Creates a resource (with a memfd backing of `data_size` bytes when > 0).
    /// Renderer errors are logged and the fd is still sent: a v2 client blocks
    /// on it and has no way to learn of the failure (§9).
    fn create(
        &mut self,
        handle: u32,
        info: &ResourceInfo,
        data_size: u64,
    ) -> Result<Option<Arc<ShmBacking>>, SessionError> {
        let shm = if data_size > 0 {
            let total = self.shm_bytes.saturating_add(data_size);
            if total > self.shared.shm_quota {
                return Err(protocol(format!(
                    "shared memory quota: {total} bytes > {}",
                    self.shared.shm_quota
                )));
            }
            Some(Arc::new(ShmBacking::new(
                handle,
                data_size,
                Arc::clone(&self.shared.counters.mappings),
            )?))
        } else {
            None
        };
        let Some(renderer) = self.renderer.as_mut() else {
            return Ok(shm);
        };
        let id = ResId(handle);
        let backing = shm.clone().map(|s| s as Arc<dyn Backing>);
        if let Err(e) = renderer.create_resource(id, info, backing) {
            self.note(Err(format!("RESOURCE_CREATE {handle}: {e}")));
            return Ok(shm);
        }
        self.resources += 1;
        if let Some(s) = &shm {
            self.shm_bytes = self.shm_bytes.saturating_add(data_size);
            self.shms.insert(handle, Arc::clone(s));
        }
        let attached = renderer.attach_resource(CTX, id);
        self.note(attached.map_err(|e| format!("RESOURCE_CREATE {handle}: {e}")));
        Ok(shm)
    }

    /// Writes the counts to the stats file (`--stats`), when there is one.
    fn report(&mut self, id: u64, ended: bool) {
        self.reported_errors = self.stats.errors;
        if let Some(file) = &self.shared.stats_file {
            file.write(&StatsLine {
                client: id,
                stats: self.stats,
                ended,
                name: self.name.clone(),
            });
        }
    }

    fn note(&mut self, r: Result<(), String>) {
        if let Err(msg) = r {
            log_error(&self.name, self.stats.errors, &msg);
            self.stats.errors += 1;
        }
    }

    /// Publishes the client's resource count to the server counters.
    fn publish(&mut self) {
        let now = self.resources;
        let c = &self.shared.counters.resources;
        if now > self.published {
            c.fetch_add(now - self.published, Ordering::Relaxed);
        } else {
            c.fetch_sub(self.published - now, Ordering::Relaxed);
        }
        self.published = now;
    }

    /// Frees everything the client left: resources, mappings, the context.
    fn finish(&mut self) {
        if let Some(frame) = self.last_frame.take() {
            if let Some(sink) = &self.shared.last_frame {
                sink.deliver(&self.name, &frame);
            }
        }
        if let Some(mut r) = self.renderer.take() {
            if let Err(e) = r.destroy_context(CTX) {
                tracing::warn!(client = %self.name, "destroying the context: {e}");
            }
            // Let the GPU finish before the backings go away; the
            // client's resources go with its renderer.
            r.wait(None);
        }
        self.shms.clear();
        self.shm_bytes = 0;
        self.resources = 0;
        self.publish();
    }
}

/// GET_CAPS / GET_CAPS2: the renderer's capset.
fn caps(renderer: &dyn RendererBackend, version: CapsVersion) -> Result<Answer, SessionError> {
    let id = match version {
        CapsVersion::V1 => capset::VIRGL,
        CapsVersion::V2 => capset::VIRGL2,
    };
    let bytes = renderer
        .capset(id)
        .ok_or_else(|| protocol(format!("the renderer has no capset {id}")))?;
    Ok(Answer::Caps(version, bytes))
}

fn protocol(msg: impl Into<String>) -> SessionError {
    SessionError::Protocol(msg.into())
}

fn log_error(name: &str, seen: u64, msg: &str) {
    if seen < WARN_ERRORS {
        tracing::warn!(client = name, "{msg}");
    } else {
        tracing::debug!(client = name, "{msg}");
    }
}

/// RESOURCE_BUSY_WAIT (and the wait before a read-back) under the
/// watchdog: whether this client's submitted GPU work is still running.
/// With `wait`, blocks (in the driver, no polling loop) until it finished
/// and answers not busy. The handle is not looked at: Mesa waits on fence
/// resources that no command touches, standing for "all work so far", as
/// the reference's global semantics (§5.10); this client's work is all work
/// that can touch its resources.
///
/// Work still running `limit` after `since` (its submission) is an error:
/// the session ends, which destroys the context (the client sees its
/// connection close; see the README on the reference server).
fn watched_wait(
    renderer: &mut dyn RendererBackend,
    since: &mut Option<Instant>,
    limit: Duration,
    wait: bool,
) -> Result<bool, SessionError> {
    let started = *since.get_or_insert_with(Instant::now);
    let left = if wait {
        limit.saturating_sub(started.elapsed())
    } else {
        Duration::ZERO
    };
    if renderer.wait(Some(left)) {
        *since = None;
        return Ok(false);
    }
    if wait || started.elapsed() >= limit {
        return Err(SessionError::GpuTimeout(limit));
    }
    Ok(true)
}
