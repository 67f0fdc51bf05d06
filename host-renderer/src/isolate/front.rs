//! [`ProcessRenderer`]: a [`RendererBackend`] whose renderer is a worker
//! process. It keeps what it can answer itself (resources' infos, the
//! fences it created) and checks what the worker answers against it.

use super::codec::{self, Malformed, Reader, WireError, Writer};
use super::conn::Conn;
use super::proto::{backing, call};
use super::Isolation;
use crate::core::error::{
    CreateContextError, CreateResourceError, GpuInitError, LookupError, TransferError,
};
use crate::{
    BackendError, Backing, CtxId, Image, Quotas, RendererBackend, ResId, ResourceInfo,
    SubmitReport, TransferBox, Usage,
};
use parking_lot::Mutex;
use std::collections::{BTreeSet, HashMap};
use std::os::fd::BorrowedFd;
use std::sync::Arc;
use std::time::Duration;

/// Longest capability set accepted from a worker.
const MAX_CAPSET: usize = 64 << 10;

/// A renderer in a jailed worker process (see the [module docs](super)).
pub struct ProcessRenderer {
    conn: Mutex<Conn>,
    /// Resources the worker created, as created.
    infos: HashMap<ResId, ResourceInfo>,
    /// The key of each resource's lent backing (one that is not a file).
    keys: HashMap<ResId, u64>,
    next_key: u64,
    /// Fences created and not yet reported signalled.
    fences: BTreeSet<u64>,
}

impl std::fmt::Debug for ProcessRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ProcessRenderer")
            .field("pid", &self.pid())
            .finish_non_exhaustive()
    }
}

/// A transport error: the worker is gone.
fn gone<E>(conn: &Conn) -> BackendError<E> {
    BackendError::Transport(conn.lost().unwrap_or("render worker lost").to_owned())
}

/// Writes how `b` travels: its file, or a key to reach it through us.
fn lend<'a>(w: &mut Writer, b: Option<&'a dyn Backing>, key: u64) -> Option<BorrowedFd<'a>> {
    let Some(b) = b else {
        w.u8(backing::NONE);
        return None;
    };
    match b.shared_fd() {
        Some(fd) => {
            w.u8(backing::FILE).u64(b.len());
            Some(fd)
        }
        None => {
            w.u8(backing::PROXY).u64(key).u64(b.len());
            None
        }
    }
}

impl ProcessRenderer {
    /// Starts a worker with `quotas` as `iso` says and waits until it is
    /// ready (device open, jailed).
    pub fn spawn(iso: &Isolation, quotas: &Quotas) -> Result<Self, GpuInitError> {
        let conn = Conn::start(&iso.command, quotas, &iso.limits, iso.answer_timeout)
            .map_err(GpuInitError::Worker)?;
        Ok(Self {
            conn: Mutex::new(conn),
            infos: HashMap::new(),
            keys: HashMap::new(),
            next_key: 1,
            fences: BTreeSet::new(),
        })
    }

    /// The worker's pid.
    pub fn pid(&self) -> u32 {
        self.conn.lock().pid()
    }

    /// One call answered by a `Result<(), E>`.
    fn unit<E: WireError>(
        &mut self,
        w: &Writer,
        fds: &[BorrowedFd<'_>],
        lent: Option<&dyn Backing>,
    ) -> Result<(), BackendError<E>> {
        let conn = self.conn.get_mut();
        let Some(answer) = conn.call(w, fds, lent, None) else {
            return Err(gone(conn));
        };
        let mut r = Reader::new(answer.get(1..).unwrap_or_default());
        match codec::get_result(&mut r).and_then(|res| r.end().map(|()| res)) {
            Ok(res) => res,
            Err(Malformed) => Err(self.malformed()),
        }
    }

    /// The worker answered something that does not decode: it is ended.
    fn malformed<E>(&mut self) -> BackendError<E> {
        let conn = self.conn.get_mut();
        conn.end("sent a malformed answer");
        gone(conn)
    }

    /// Creates or replaces the backing of `id`, lending it when it is not a
    /// file.
    fn with_backing<E: WireError>(
        &mut self,
        tag: u8,
        id: ResId,
        info: Option<&ResourceInfo>,
        b: Option<Arc<dyn Backing>>,
    ) -> Result<(), BackendError<E>> {
        let key = self.next_key;
        let mut w = Writer::tagged(tag);
        w.u32(id.0);
        if let Some(info) = info {
            codec::put_info(&mut w, info);
        }
        let fd = lend(&mut w, b.as_deref(), key);
        let fds: Vec<BorrowedFd<'_>> = fd.into_iter().collect();
        let lent = b.clone().filter(|b| b.shared_fd().is_none());
        // Lent before the call: the worker may reach it from then on.
        if let Some(l) = &lent {
            self.next_key += 1;
            self.conn.get_mut().lent.insert(key, Arc::clone(l));
        }
        let res = self.unit(&w, &fds, None);
        let conn = self.conn.get_mut();
        match (&res, lent) {
            (Ok(()), lent) => {
                if let Some(old) = self.keys.remove(&id) {
                    conn.lent.remove(&old);
                }
                if lent.is_some() {
                    self.keys.insert(id, key);
                }
            }
            (Err(_), Some(_)) => {
                conn.lent.remove(&key);
            }
            (Err(_), None) => {}
        }
        res
    }

    fn transfer(
        &mut self,
        tag: u8,
        id: ResId,
        t: &TransferBox,
        mem: Option<&dyn Backing>,
    ) -> Result<(), BackendError<TransferError>> {
        let mut w = Writer::tagged(tag);
        w.u32(id.0);
        codec::put_box(&mut w, t);
        let fd = lend(&mut w, mem, super::proto::CALL_KEY);
        let fds: Vec<BorrowedFd<'_>> = fd.into_iter().collect();
        self.unit(&w, &fds, mem.filter(|m| m.shared_fd().is_none()))
    }
}

impl RendererBackend for ProcessRenderer {
    fn capset(&self, id: u32) -> Option<Vec<u8>> {
        let mut conn = self.conn.lock();
        let answer = conn.call(Writer::tagged(call::CAPSET).u32(id), &[], None, None)?;
        let mut r = Reader::new(answer.get(1..)?);
        match r.u8().ok()? {
            1 => Some(r.bytes().ok()?.to_vec()).filter(|b| b.len() <= MAX_CAPSET),
            _ => None,
        }
    }

    fn create_context(
        &mut self,
        ctx: CtxId,
        name: &str,
    ) -> Result<(), BackendError<CreateContextError>> {
        let mut w = Writer::tagged(call::CREATE_CONTEXT);
        w.u32(ctx.0).str(name);
        self.unit(&w, &[], None)
    }

    fn destroy_context(&mut self, ctx: CtxId) -> Result<(), BackendError<LookupError>> {
        self.unit(Writer::tagged(call::DESTROY_CONTEXT).u32(ctx.0), &[], None)
    }

    fn create_resource(
        &mut self,
        id: ResId,
        info: &ResourceInfo,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), BackendError<CreateResourceError>> {
        let res = self.with_backing(call::CREATE_RESOURCE, id, Some(info), backing);
        if res.is_ok() {
            self.infos.insert(id, *info);
        }
        res
    }

    fn resource_info(&self, id: ResId) -> Result<ResourceInfo, BackendError<LookupError>> {
        if let Some(why) = self.conn.lock().lost() {
            return Err(BackendError::Transport(why.to_owned()));
        }
        self.infos
            .get(&id)
            .copied()
            .ok_or(BackendError::Renderer(LookupError::NoResource(id)))
    }

    fn set_backing(
        &mut self,
        id: ResId,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), BackendError<LookupError>> {
        self.with_backing(call::SET_BACKING, id, None, backing)
    }

    fn attach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), BackendError<LookupError>> {
        self.unit(Writer::tagged(call::ATTACH).u32(ctx.0).u32(id.0), &[], None)
    }

    fn detach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), BackendError<LookupError>> {
        self.unit(Writer::tagged(call::DETACH).u32(ctx.0).u32(id.0), &[], None)
    }

    fn unref_resource(&mut self, id: ResId) -> Result<(), BackendError<LookupError>> {
        let res = self.unit(Writer::tagged(call::UNREF).u32(id.0), &[], None);
        if res.is_ok() {
            self.infos.remove(&id);
            if let Some(key) = self.keys.remove(&id) {
                self.conn.get_mut().lent.remove(&key);
            }
        }
        res
    }

    fn transfer_in(
        &mut self,
        id: ResId,
        t: &TransferBox,
        src: Option<&dyn Backing>,
    ) -> Result<(), BackendError<TransferError>> {
        self.transfer(call::TRANSFER_IN, id, t, src)
    }

    fn transfer_out(
        &mut self,
        id: ResId,
        t: &TransferBox,
        dst: Option<&dyn Backing>,
    ) -> Result<(), BackendError<TransferError>> {
        self.transfer(call::TRANSFER_OUT, id, t, dst)
    }

    fn read_image(&mut self, id: ResId) -> Result<Image, BackendError<TransferError>> {
        let info = self.infos.get(&id).copied();
        let conn = self.conn.get_mut();
        let Some(answer) = conn.call(Writer::tagged(call::READ_IMAGE).u32(id.0), &[], None, None)
        else {
            return Err(gone(conn));
        };
        let mut r = Reader::new(answer.get(1..).unwrap_or_default());
        let decoded = match r.u8() {
            Ok(0) => codec::get_image(&mut r).map(Ok),
            Ok(1) => codec::get_result::<TransferError>(&mut r)
                .and_then(|res| res.err().ok_or(Malformed))
                .map(Err),
            _ => Err(Malformed),
        };
        // An image must be the resource's level 0, as large as it says.
        let fits = |i: &Image| {
            info.is_some_and(|info| {
                i.width == info.width
                    && i.height == info.height
                    && i.format == info.format
                    && (i.stride as u64).saturating_mul(u64::from(i.height)) == i.data.len() as u64
            })
        };
        match decoded {
            Ok(Ok(image)) if fits(&image) => Ok(image),
            Ok(Err(e)) => Err(e),
            _ => Err(self.malformed()),
        }
    }

    fn submit(&mut self, ctx: CtxId, commands: &[u8]) -> SubmitReport {
        let mut w = Writer::tagged(call::SUBMIT);
        w.u32(ctx.0).bytes(commands);
        let conn = self.conn.get_mut();
        let report = conn.call(&w, &[], None, None).and_then(|answer| {
            let mut r = Reader::new(answer.get(1..).unwrap_or_default());
            codec::get_report(&mut r).ok()
        });
        match report {
            Some(report) => report,
            None => {
                let err = self.malformed();
                SubmitReport {
                    commands: 0,
                    errors: 0,
                    failures: Vec::new(),
                    outcome: Err(err),
                }
            }
        }
    }

    fn create_fence(&mut self, fence_id: u64) {
        let conn = self.conn.get_mut();
        if conn
            .call(
                Writer::tagged(call::CREATE_FENCE).u64(fence_id),
                &[],
                None,
                None,
            )
            .is_some()
        {
            self.fences.insert(fence_id);
        }
    }

    fn poll_fences(&mut self) -> Vec<u64> {
        let conn = self.conn.get_mut();
        let Some(answer) = conn.call(&Writer::tagged(call::POLL_FENCES), &[], None, None) else {
            return Vec::new();
        };
        let mut r = Reader::new(answer.get(1..).unwrap_or_default());
        let n = r.usize().unwrap_or(0).min(self.fences.len());
        // Only fences we created, each once, in the order reported.
        (0..n)
            .map_while(|_| r.u64().ok())
            .filter(|f| self.fences.remove(f))
            .collect()
    }

    fn wait(&mut self, timeout: Option<Duration>) -> bool {
        let mut w = Writer::tagged(call::WAIT);
        match timeout {
            Some(t) => w
                .bool(true)
                .u64(u64::try_from(t.as_nanos()).unwrap_or(u64::MAX)),
            None => w.bool(false),
        };
        let conn = self.conn.get_mut();
        match conn.call(&w, &[], None, timeout) {
            Some(answer) => Reader::new(answer.get(1..).unwrap_or_default())
                .bool()
                .unwrap_or(true),
            // Nothing runs for a lost worker.
            None => true,
        }
    }

    fn started_work_done(&mut self) -> bool {
        let conn = self.conn.get_mut();
        match conn.call(&Writer::tagged(call::STARTED_WORK_DONE), &[], None, None) {
            Some(answer) => Reader::new(answer.get(1..).unwrap_or_default())
                .bool()
                .unwrap_or(true),
            // Nothing runs for a lost worker.
            None => true,
        }
    }

    fn usage(&self) -> Option<Usage> {
        let mut conn = self.conn.lock();
        let answer = conn.call(&Writer::tagged(call::USAGE), &[], None, None)?;
        let mut r = Reader::new(answer.get(1..)?);
        match r.u8().ok()? {
            1 => Some(Usage {
                resources: r.usize().ok()?,
                memory: r.u64().ok()?,
            }),
            _ => None,
        }
    }

    fn lost(&self) -> Option<String> {
        self.conn.lock().lost().map(str::to_owned)
    }
}
