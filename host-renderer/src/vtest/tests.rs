//! The vtest server against [`NullRenderer`]: requests in over a real
//! socket, the renderer calls they became, the replies out. No GPU needed.

use super::{ServeOptions, Server, ServerHandle};
use crate::core::error::GpuInitError;
use crate::null::{Call, CallLog};
use crate::{CtxId, NullRenderer, RendererBackend, ResId, ResourceInfo, TransferBox};
use guest_protocol::le::Le32;
use guest_protocol::virgl::enums::{bind, TextureTarget};
use guest_protocol::virgl::{Command, Encoder, Format};
use guest_protocol::vtest::{
    CapsVersion, ClientConnection, CreateRenderer, Limits, ProtocolVersion, Reply, Request,
    ResourceBusyWait, ResourceCreate2, ResourceUnref, Transfer, Transfer2, BUSY_WAIT_FLAG_WAIT,
};
use guest_protocol::wire::Dwords;
use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::{Duration, Instant};

const CTX: CtxId = CtxId(1);

/// A server whose clients get [`NullRenderer`]s recording into one log, on
/// a socket in a fresh directory (removed on drop).
struct NullServer {
    dir: PathBuf,
    handle: Option<ServerHandle>,
    log: CallLog,
}

impl NullServer {
    fn start() -> Self {
        Self::start_with(|_| ServeOptions::default())
    }

    /// A server with the options `opts` makes from its directory.
    fn start_with(opts: impl FnOnce(&std::path::Path) -> ServeOptions) -> Self {
        static NEXT: AtomicU32 = AtomicU32::new(0);
        let n = NEXT.fetch_add(1, Ordering::Relaxed);
        let dir = std::env::temp_dir().join(format!("pv3d-vtest-null-{}-{n}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let log = CallLog::default();
        let shared = log.clone();
        let open = move || -> Result<Box<dyn RendererBackend + Send>, GpuInitError> {
            Ok(Box::new(NullRenderer::new(shared.clone())))
        };
        let handle = Server::with_renderers(&dir.join("vtest.sock"), opts(&dir), Box::new(open))
            .unwrap()
            .spawn()
            .unwrap();
        Self {
            dir,
            handle: Some(handle),
            log,
        }
    }

    fn server(&self) -> &ServerHandle {
        self.handle.as_ref().unwrap()
    }

    fn connect(&self) -> ClientConnection {
        ClientConnection::connect(self.server().path(), Limits::DEFAULT).unwrap()
    }

    /// Waits until every client's session has ended.
    fn wait_idle(&self) {
        let start = Instant::now();
        while self.server().stats().clients > 0 {
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "sessions did not end"
            );
            std::thread::sleep(Duration::from_millis(5));
        }
    }
}

impl Drop for NullServer {
    fn drop(&mut self) {
        if let Some(h) = self.handle.take() {
            h.shutdown();
        }
        let _ = std::fs::remove_dir_all(&self.dir);
    }
}

fn le(v: u32) -> Le32 {
    Le32::new(v)
}

/// The calls, with what depends on the clock left out: the watchdog's
/// wait times, and the flushes of a client seen quiet after a submit
/// (`submits_of_a_quiet_client_are_flushed` checks those).
fn calls(log: &CallLog) -> Vec<Call> {
    log.take()
        .into_iter()
        .filter(|c| *c != Call::FlushDeferred)
        .map(|c| match c {
            Call::Wait(t) => Call::Wait(t.map(|_| Duration::ZERO)),
            c => c,
        })
        .collect()
}

fn window(handle: u32) -> ResourceCreate2 {
    ResourceCreate2 {
        handle: le(handle),
        target: le(TextureTarget::TEXTURE_2D.0),
        format: le(Format::B8G8R8X8_UNORM.0),
        bind: le(bind::RENDER_TARGET | bind::DISPLAY_TARGET),
        width: le(16),
        height: le(16),
        depth: le(1),
        array_size: le(1),
        last_level: le(0),
        nr_samples: le(0),
        data_size: le(1024),
    }
}

fn transfer2(handle: u32) -> Transfer2 {
    Transfer2 {
        handle: le(handle),
        level: le(0),
        x: le(0),
        y: le(0),
        z: le(0),
        width: le(16),
        height: le(16),
        depth: le(1),
        data_size: le(1024),
        offset: le(0),
    }
}

fn handshake(c: &mut ClientConnection) {
    c.send_request(&Request::CreateRenderer(CreateRenderer { name: b"null" }))
        .unwrap();
    c.send_request(&Request::ProtocolVersion(ProtocolVersion {
        version: le(2),
    }))
    .unwrap();
    match c.read_reply().unwrap().frame.reply {
        Reply::ProtocolVersion(v) => assert_eq!(v.version.get(), 2),
        other => panic!("{other:?}"),
    }
}

fn busy_wait(c: &mut ClientConnection, wait: bool) -> bool {
    c.send_request(&Request::ResourceBusyWait(ResourceBusyWait {
        handle: le(0),
        flags: le(if wait { BUSY_WAIT_FLAG_WAIT } else { 0 }),
    }))
    .unwrap();
    match c.read_reply().unwrap().frame.reply {
        Reply::ResourceBusyWait(b) => b.busy.get() != 0,
        other => panic!("{other:?}"),
    }
}

#[test]
fn requests_become_renderer_calls() {
    let s = NullServer::start();
    let mut c = s.connect();
    handshake(&mut c);
    // Caps come from the client's renderer (the null one's are all zero).
    c.send_requests(&[Request::GetCaps2, Request::GetCaps])
        .unwrap();
    for (version, len) in [(CapsVersion::V2, 1376), (CapsVersion::V1, 308)] {
        match c.read_reply().unwrap().frame.reply {
            Reply::Caps { version: v, caps } => {
                assert_eq!((v, caps.len()), (version, len));
                assert!(caps.iter().all(|b| *b == 0));
            }
            other => panic!("{other:?}"),
        }
    }
    c.send_request(&Request::ResourceCreate2(window(1)))
        .unwrap();
    let msg = c.read_reply().unwrap();
    assert_eq!((msg.frame.reply, msg.fds.len()), (Reply::Fd, 1));
    assert_eq!(s.server().stats().resources, 1);
    c.send_requests(&[
        Request::TransferPut2(transfer2(1)),
        Request::TransferGet2(transfer2(1)),
    ])
    .unwrap();
    let mut e = Encoder::new();
    e.push(&Command::CreateSubCtx(1)).unwrap();
    e.push(&Command::SetSubCtx(1)).unwrap();
    c.send_request(&Request::SubmitCmd(Dwords::new(e.as_bytes()).unwrap()))
        .unwrap();
    assert!(!busy_wait(&mut c, true));
    // Protocol 0's inline transfers go through the same calls, with the
    // memory given.
    let t = Transfer {
        handle: le(1),
        level: le(0),
        stride: le(64),
        layer_stride: le(0),
        x: le(0),
        y: le(0),
        z: le(0),
        width: le(4),
        height: le(1),
        depth: le(1),
        data_size: le(16),
    };
    c.send_request(&Request::TransferGet(t)).unwrap();
    match c.read_reply().unwrap().frame.reply {
        Reply::TransferGetData(data) => assert_eq!(data, &[0; 16]),
        other => panic!("{other:?}"),
    }
    c.send_request(&Request::ResourceUnref(ResourceUnref { handle: le(1) }))
        .unwrap();
    assert!(!busy_wait(&mut c, false));
    assert_eq!(s.server().stats().resources, 0);
    drop(c);
    s.wait_idle();

    let info = ResourceInfo::from(&window(1).fields());
    let t2 = TransferBox::from(&transfer2(1));
    assert_eq!(
        calls(&s.log),
        vec![
            Call::CreateContext {
                ctx: CTX,
                name: "null".into()
            },
            Call::CreateResource {
                id: ResId(1),
                info,
                backing: Some(1024)
            },
            Call::AttachResource {
                ctx: CTX,
                id: ResId(1)
            },
            Call::TransferIn {
                id: ResId(1),
                t: t2,
                given: false
            },
            // Read-backs wait (under the watchdog) first.
            Call::Wait(Some(Duration::ZERO)),
            Call::TransferOut {
                id: ResId(1),
                t: t2,
                given: false
            },
            Call::Submit {
                ctx: CTX,
                commands: e.as_bytes().to_vec()
            },
            Call::Wait(Some(Duration::ZERO)),
            Call::Wait(Some(Duration::ZERO)),
            Call::TransferOut {
                id: ResId(1),
                t: TransferBox::from(&t),
                given: true
            },
            Call::UnrefResource(ResId(1)),
            Call::Wait(Some(Duration::ZERO)),
            // The client left: its context goes, after its work.
            Call::DestroyContext(CTX),
            Call::Wait(None),
        ]
    );
    assert_eq!(s.server().stats().mappings, 0);
}

/// Waits until `log` holds a call `pick` accepts; returns the calls so far.
fn calls_until(log: &CallLog, pick: impl Fn(&Call) -> bool) -> Vec<Call> {
    let start = Instant::now();
    let mut seen = Vec::new();
    while !seen.iter().any(&pick) {
        assert!(start.elapsed() < Duration::from_secs(10), "{seen:?}");
        std::thread::sleep(Duration::from_millis(5));
        seen.extend(log.take());
    }
    seen
}

#[test]
fn submits_of_a_quiet_client_are_flushed() {
    let s = NullServer::start();
    let mut c = s.connect();
    handshake(&mut c);
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    let submit = || Request::SubmitCmd(Dwords::new(e.as_bytes()).unwrap());
    // Three submits in one write: each finds the next already sent, so the
    // renderer may batch them; the client then goes quiet (no wait, no
    // read-back) and the held-back work is handed to the GPU anyway.
    c.send_requests(&[submit(), submit(), submit()]).unwrap();
    let seen = calls_until(&s.log, |c| *c == Call::FlushDeferred);
    let submits: Vec<usize> = (0..seen.len())
        .filter(|&i| matches!(seen[i], Call::Submit { .. }))
        .collect();
    let flush = seen.iter().position(|c| *c == Call::FlushDeferred);
    assert_eq!(submits.len(), 3, "{seen:?}");
    assert_eq!(flush, Some(submits[2] + 1), "{seen:?}");
    // Requests without submits leave nothing to hand over: no flush.
    assert!(!busy_wait(&mut c, false));
    std::thread::sleep(Duration::from_millis(50));
    assert!(!s.log.take().contains(&Call::FlushDeferred));
    drop(c);
    s.wait_idle();
}

#[test]
fn renderer_refusals_keep_the_connection() {
    let s = NullServer::start();
    let mut c = s.connect();
    handshake(&mut c);
    c.send_request(&Request::ResourceCreate2(window(1)))
        .unwrap();
    assert_eq!(c.read_reply().unwrap().frame.reply, Reply::Fd);
    // The renderer refuses a second resource 1; the client still gets its
    // fd (a v2 client blocks on it), and nothing is attached.
    c.send_request(&Request::ResourceCreate2(window(1)))
        .unwrap();
    let msg = c.read_reply().unwrap();
    assert_eq!((msg.frame.reply, msg.fds.len()), (Reply::Fd, 1));
    assert_eq!(s.server().stats().resources, 1);
    // Unknown resources, an undecodable buffer: logged, connection stays.
    c.send_requests(&[
        Request::TransferPut2(transfer2(77)),
        Request::ResourceUnref(ResourceUnref { handle: le(77) }),
        Request::SubmitCmd(Dwords::new(&[0xff, 0xff, 0xff, 0xff]).unwrap()),
    ])
    .unwrap();
    assert!(!busy_wait(&mut c, false));
    assert_eq!(s.server().stats().resources, 1);
    drop(c);
    s.wait_idle();
    let calls = calls(&s.log);
    let created = calls
        .iter()
        .filter(|c| matches!(c, Call::CreateResource { .. }))
        .count();
    let attached = calls
        .iter()
        .filter(|c| matches!(c, Call::AttachResource { .. }))
        .count();
    assert_eq!((created, attached), (2, 1));
    assert!(calls.contains(&Call::UnrefResource(ResId(77))));
    assert!(calls.contains(&Call::DestroyContext(CTX)));
    let st = s.server().stats();
    assert_eq!((st.resources, st.mappings), (0, 0));
}

#[test]
fn the_stats_file_counts_each_clients_errors() {
    use super::StatsLine;
    let s = NullServer::start_with(|dir| ServeOptions {
        stats: Some(dir.join("stats")),
        ..ServeOptions::default()
    });
    let path = s.dir.join("stats");
    let read = || -> Vec<StatsLine> {
        std::fs::read_to_string(&path)
            .unwrap_or_default()
            .lines()
            .map(|l| l.parse().unwrap())
            .collect()
    };
    // A clean client: no line until it ends, then its totals.
    let mut c = s.connect();
    handshake(&mut c);
    busy_wait(&mut c, true);
    drop(c);
    s.wait_idle();
    let lines = read();
    assert_eq!(lines.len(), 1, "{lines:?}");
    assert!(lines[0].ended && lines[0].stats.errors == 0 && lines[0].name == "null");
    let first = lines[0].client;

    // Two requests the renderer refuses: a line for each as it happens.
    let mut c = s.connect();
    handshake(&mut c);
    c.send_request(&Request::TransferPut2(transfer2(99)))
        .unwrap();
    c.send_request(&Request::ResourceUnref(ResourceUnref { handle: le(98) }))
        .unwrap();
    busy_wait(&mut c, true);
    let live: Vec<StatsLine> = read().into_iter().skip(1).collect();
    assert_eq!(
        live.iter()
            .map(|l| (l.stats.errors, l.ended))
            .collect::<Vec<_>>(),
        [(1, false), (2, false)]
    );
    assert!(live.iter().all(|l| l.client != first));
    drop(c);
    s.wait_idle();
    let last = read().pop().unwrap();
    assert!(last.ended);
    assert_eq!((last.stats.errors, last.stats.requests), (2, 5));
}
