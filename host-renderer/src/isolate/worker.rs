//! The worker's side: it reads its limits, opens its own device, jails
//! itself ([`jail`](super::jail)) and only then serves calls on a
//! [`Renderer`], one at a time, until the front end closes the socket.

use super::channel::{Channel, Frame};
use super::codec::{self, Malformed, Reader, Writer};
use super::jail::{self, Limits};
use super::proto::{backing, call, to_front, to_worker, MAX_ACCESS};
use crate::core::error::BackingError;
use crate::mapping::Mapping;
use crate::{Backing, CtxId, Gpu, Renderer, RendererBackend, ResId};
use parking_lot::Mutex;
use std::os::fd::OwnedFd;
use std::sync::Arc;
use std::time::Duration;

/// Largest request the worker accepts (a command buffer within any quota,
/// a transfer's bytes).
const MAX_REQUEST: usize = 1 << 30;

/// Why a worker stopped other than by the front end closing its socket.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WorkerError {
    /// The socket failed.
    #[error("the worker's socket (stdin) failed")]
    Io(#[from] std::io::Error),
    /// The front end sent something that did not decode.
    #[error(transparent)]
    Malformed(#[from] Malformed),
    /// The device or the jail could not be set up (also told to the front end).
    #[error("{0}")]
    Setup(String),
}

/// The socket, shared by the call loop and the proxied backings (which
/// use it only while a call is in flight, on the same thread).
struct Link {
    chan: Channel,
    /// Held across one backing access (request and answer).
    access: Mutex<()>,
}

/// A backing the worker reaches through the front end.
struct Proxy {
    link: Arc<Link>,
    key: u64,
    len: u64,
}

impl Proxy {
    /// One access: sends `msg`, returns the front end's answer frame.
    fn exchange(&self, msg: &[u8]) -> Option<Frame> {
        let _one = self.link.access.lock();
        self.link.chan.send(msg, &[]).ok()?;
        self.link.chan.recv().ok().flatten()
    }
}

impl Backing for Proxy {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, dst: &mut [u8]) -> Result<(), BackingError> {
        let mut at = offset;
        for part in dst.chunks_mut(MAX_ACCESS) {
            let refused = BackingError::OutOfRange {
                offset: at,
                len: part.len() as u64,
                size: self.len,
            };
            let mut w = Writer::tagged(to_front::READ);
            w.u64(self.key).u64(at).u64(part.len() as u64);
            let frame = self.exchange(&w.0).ok_or(refused)?;
            match frame.bytes.split_first() {
                Some((&to_worker::DATA, data)) if data.len() == part.len() => {
                    part.copy_from_slice(data);
                }
                _ => return Err(refused),
            }
            at = at.saturating_add(part.len() as u64);
        }
        Ok(())
    }

    fn write_at(&self, offset: u64, src: &[u8]) -> Result<(), BackingError> {
        let mut at = offset;
        for part in src.chunks(MAX_ACCESS) {
            let refused = BackingError::OutOfRange {
                offset: at,
                len: part.len() as u64,
                size: self.len,
            };
            let mut w = Writer::tagged(to_front::WRITE);
            w.u64(self.key).u64(at).bytes(part);
            let frame = self.exchange(&w.0).ok_or(refused)?;
            if frame.bytes.first() != Some(&to_worker::WRITTEN) {
                return Err(refused);
            }
            at = at.saturating_add(part.len() as u64);
        }
        Ok(())
    }
}

/// Runs the worker on `sock` (its stdin, as the front end starts it):
/// returns when the front end closes the socket.
pub fn serve(sock: OwnedFd) -> Result<(), WorkerError> {
    let link = Arc::new(Link {
        chan: Channel::new(sock, MAX_REQUEST),
        access: Mutex::new(()),
    });
    let Some(init) = link.chan.recv()? else {
        return Ok(());
    };
    let mut r = Reader::new(&init.bytes);
    if r.u8()? != call::INIT {
        return Err(Malformed.into());
    }
    let quotas = codec::get_quotas(&mut r)?;
    let limits = Limits::get(&mut r)?;
    r.end()?;
    let renderer = match open(&limits, link.chan.socket_raw()) {
        Ok(mut renderer) => {
            renderer.set_quotas(quotas);
            answer(&link, Writer::tagged(to_front::ANSWER).u8(0))?;
            renderer
        }
        Err(e) => {
            answer(&link, Writer::tagged(to_front::ANSWER).u8(1).str(&e))?;
            return Err(WorkerError::Setup(e));
        }
    };
    run(&link, renderer)
}

/// Opens the device, then jails the process (the device's files are open
/// by then; nothing else will be).
fn open(limits: &Limits, sock: i32) -> Result<Renderer, String> {
    jail::before_device().map_err(|e| format!("jail: {e}"))?;
    let gpu = Gpu::new().map_err(|e| format!("opening the device: {e}"))?;
    let renderer = Renderer::new(gpu);
    jail::lock_down(limits, sock).map_err(|e| format!("jail: {e}"))?;
    #[cfg(feature = "test-hooks")]
    super::hooks::after_jail();
    Ok(renderer)
}

fn answer(link: &Link, w: &Writer) -> Result<(), WorkerError> {
    Ok(link.chan.send(&w.0, &[])?)
}

/// The call loop.
fn run(link: &Arc<Link>, mut renderer: Renderer) -> Result<(), WorkerError> {
    while let Some(frame) = link.chan.recv()? {
        let mut out = Writer::tagged(to_front::ANSWER);
        dispatch(link, &mut renderer, frame, &mut out)?;
        answer(link, &out)?;
    }
    Ok(())
}

/// A backing sent with a call.
fn take_backing(
    link: &Arc<Link>,
    r: &mut Reader<'_>,
    fds: &mut Vec<OwnedFd>,
) -> Result<Option<Arc<dyn Backing>>, WorkerError> {
    match r.u8()? {
        backing::NONE => Ok(None),
        backing::FILE => {
            let len = r.u64()?;
            let fd = fds.pop().ok_or(Malformed)?;
            // Mapped, then the fd is closed: the worker holds no files.
            let map = Mapping::new(&fd, len)?;
            Ok(Some(Arc::new(map)))
        }
        backing::PROXY => Ok(Some(Arc::new(Proxy {
            link: Arc::clone(link),
            key: r.u64()?,
            len: r.u64()?,
        }))),
        _ => Err(Malformed.into()),
    }
}

fn dispatch(
    link: &Arc<Link>,
    rd: &mut Renderer,
    frame: Frame,
    w: &mut Writer,
) -> Result<(), WorkerError> {
    let mut fds = frame.fds;
    let mut r = Reader::new(&frame.bytes);
    match r.u8()? {
        call::CAPSET => match rd.capset(r.u32()?) {
            Some(bytes) => w.u8(1).bytes(&bytes),
            None => w.u8(0),
        },
        call::CREATE_CONTEXT => {
            let ctx = CtxId(r.u32()?);
            let name = r.str()?;
            codec::put_result(w, &RendererBackend::create_context(rd, ctx, name));
            w
        }
        call::DESTROY_CONTEXT => {
            let res = RendererBackend::destroy_context(rd, CtxId(r.u32()?));
            codec::put_result(w, &res);
            w
        }
        call::CREATE_RESOURCE => {
            let id = ResId(r.u32()?);
            let info = codec::get_info(&mut r)?;
            let b = take_backing(link, &mut r, &mut fds)?;
            codec::put_result(w, &RendererBackend::create_resource(rd, id, &info, b));
            w
        }
        call::SET_BACKING => {
            let id = ResId(r.u32()?);
            let b = take_backing(link, &mut r, &mut fds)?;
            codec::put_result(w, &RendererBackend::set_backing(rd, id, b));
            w
        }
        call::ATTACH | call::DETACH => {
            let tag = frame.bytes.first().copied();
            let (ctx, id) = (CtxId(r.u32()?), ResId(r.u32()?));
            let res = if tag == Some(call::ATTACH) {
                RendererBackend::attach_resource(rd, ctx, id)
            } else {
                RendererBackend::detach_resource(rd, ctx, id)
            };
            codec::put_result(w, &res);
            w
        }
        call::UNREF => {
            let res = RendererBackend::unref_resource(rd, ResId(r.u32()?));
            codec::put_result(w, &res);
            w
        }
        tag @ (call::TRANSFER_IN | call::TRANSFER_OUT) => {
            let id = ResId(r.u32()?);
            let t = codec::get_box(&mut r)?;
            let b = take_backing(link, &mut r, &mut fds)?;
            let res = if tag == call::TRANSFER_IN {
                RendererBackend::transfer_in(rd, id, &t, b.as_deref())
            } else {
                RendererBackend::transfer_out(rd, id, &t, b.as_deref())
            };
            codec::put_result(w, &res);
            w
        }
        call::READ_IMAGE => match RendererBackend::read_image(rd, ResId(r.u32()?)) {
            Ok(image) => {
                codec::put_image(w.u8(0), &image);
                w
            }
            Err(e) => {
                codec::put_result(w.u8(1), &Err(e));
                w
            }
        },
        call::SUBMIT => {
            let ctx = CtxId(r.u32()?);
            let report = RendererBackend::submit(rd, ctx, r.bytes()?);
            codec::put_report(w, &report);
            w
        }
        call::CREATE_FENCE => {
            RendererBackend::create_fence(rd, r.u64()?);
            w
        }
        call::POLL_FENCES => {
            let fences = RendererBackend::poll_fences(rd);
            w.u64(fences.len() as u64);
            for f in fences {
                w.u64(f);
            }
            w
        }
        call::WAIT => {
            let timeout = match r.bool()? {
                true => Some(Duration::from_nanos(r.u64()?)),
                false => None,
            };
            w.bool(RendererBackend::wait(rd, timeout))
        }
        call::STARTED_WORK_DONE => w.bool(RendererBackend::started_work_done(rd)),
        call::USAGE => match RendererBackend::usage(rd) {
            Some(u) => w.u8(1).u64(u.resources as u64).u64(u.memory),
            None => w.u8(0),
        },
        _ => return Err(Malformed.into()),
    };
    Ok(())
}
