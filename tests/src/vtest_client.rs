//! Driving a vtest server (an in-process `pv3d serve`, or any server's
//! socket) with guest_protocol's `ClientConnection` as Mesa drives it: used
//! by the serve_* tests and by `pv3d-bench`'s synthetic workloads.

use guest_protocol::le::Le32;
use guest_protocol::virgl::enums::{bind, clear_bits, TextureTarget, TransferDirection};
use guest_protocol::virgl::{
    Box3, Clear, Command, CreateObject, Encoder, Format, Surface, Transfer3d,
};
use guest_protocol::vtest::{
    ClientConnection, CreateRenderer, Limits, ProtocolVersion, Reply, Request, ResourceBusyWait,
    ResourceCreate2, ResourceUnref, Transfer2, BUSY_WAIT_FLAG_WAIT,
};
use guest_protocol::wire::Dwords;
use host_renderer::vtest::{ServeOptions, Server, ServerHandle, ServerStats};
use host_renderer::Gpu;
use std::fs::File;
use std::os::unix::fs::FileExt as _;
use std::time::{Duration, Instant};

/// Width and height of the test window buffer.
pub const W: u32 = 16;
/// Its size in bytes (B8G8R8X8).
pub const SIZE: u32 = W * W * 4;
/// Its resource handle.
pub const HANDLE: u32 = 1;

/// An in-process server with default options on a socket in a new temp dir.
pub fn start() -> (tempfile::TempDir, ServerHandle) {
    start_with(|_| ServeOptions::default())
}

/// A server whose options are made knowing the temp dir.
pub fn start_with(
    opts: impl FnOnce(&std::path::Path) -> ServeOptions,
) -> (tempfile::TempDir, ServerHandle) {
    let gpu = Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests");
    let dir = tempfile::Builder::new()
        .prefix("pv3d-serve-")
        .tempdir()
        .unwrap();
    let opts = opts(dir.path());
    let server = Server::bind(&dir.path().join("vtest.sock"), gpu, opts)
        .unwrap()
        .spawn()
        .unwrap();
    (dir, server)
}

/// An in-process server whose clients each render in a worker process
/// (`worker` is the program serving `pv3d worker`, with `env` added).
pub fn start_isolated(worker: &str, env: &[(&str, &str)]) -> (tempfile::TempDir, ServerHandle) {
    use host_renderer::isolate::{Isolation, WorkerCommand};
    let dir = tempfile::Builder::new()
        .prefix("pv3d-isolated-")
        .tempdir()
        .unwrap();
    let opts = ServeOptions::default();
    let iso = Isolation::new(WorkerCommand {
        program: worker.into(),
        args: Vec::new(),
        env: env.iter().map(|(k, v)| (k.into(), v.into())).collect(),
    });
    let open = iso.opener(opts.quotas);
    let server = Server::with_renderers(&dir.path().join("vtest.sock"), opts, open)
        .unwrap()
        .spawn()
        .unwrap();
    (dir, server)
}

/// Pids of this process's children running `program`.
pub fn children_running(program: &str) -> Vec<u32> {
    let me = std::process::id().to_string();
    let Ok(dir) = std::fs::read_dir("/proc") else {
        return Vec::new();
    };
    let mut pids: Vec<u32> = dir
        .filter_map(|e| e.ok()?.file_name().to_str()?.parse::<u32>().ok())
        .filter(|pid| {
            let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
            let ppid = status.lines().find_map(|l| l.strip_prefix("PPid:"));
            let exe = std::fs::read_link(format!("/proc/{pid}/exe")).ok();
            ppid.map(str::trim) == Some(me.as_str())
                && exe.is_some_and(|e| e == std::path::Path::new(program))
        })
        .collect();
    pids.sort_unstable();
    pids
}

/// A little-endian wire dword.
pub fn le(v: u32) -> Le32 {
    Le32::new(v)
}

/// Handshake as Mesa 22.3 does it (vtest-protocol.md §4).
pub fn handshake(c: &mut ClientConnection, name: &[u8]) {
    c.send_request(&Request::CreateRenderer(CreateRenderer { name }))
        .unwrap();
    c.send_requests(&[
        Request::PingProtocolVersion,
        Request::ResourceBusyWait(ResourceBusyWait {
            handle: le(0),
            flags: le(0),
        }),
    ])
    .unwrap();
    assert_eq!(
        c.read_reply().unwrap().frame.reply,
        Reply::PingProtocolVersion
    );
    assert!(busy_reply(c).is_some());
    c.send_request(&Request::ProtocolVersion(ProtocolVersion {
        version: le(2),
    }))
    .unwrap();
    match c.read_reply().unwrap().frame.reply {
        Reply::ProtocolVersion(v) => assert_eq!(v.version.get(), 2),
        other => panic!("{other:?}"),
    }
    c.send_requests(&[Request::GetCaps2, Request::GetCaps])
        .unwrap();
    for want in [2usize, 1] {
        match c.read_reply().unwrap().frame.reply {
            Reply::Caps { version, caps } => {
                assert!(caps.len() >= 308, "{version:?} {}", caps.len());
                assert_eq!(
                    matches!(version, guest_protocol::vtest::CapsVersion::V2),
                    want == 2
                );
            }
            other => panic!("{other:?}"),
        }
    }
}

/// Reads one reply: `Some(busy)` if it is a busy-wait reply.
pub fn busy_reply(c: &mut ClientConnection) -> Option<bool> {
    match c.read_reply().unwrap().frame.reply {
        Reply::ResourceBusyWait(b) => Some(b.busy.get() != 0),
        _ => None,
    }
}

/// RESOURCE_BUSY_WAIT on `handle` (blocking if `wait`); whether it is busy.
pub fn busy_wait(c: &mut ClientConnection, handle: u32, wait: bool) -> bool {
    c.send_request(&Request::ResourceBusyWait(ResourceBusyWait {
        handle: le(handle),
        flags: le(if wait { BUSY_WAIT_FLAG_WAIT } else { 0 }),
    }))
    .unwrap();
    busy_reply(c).expect("a busy-wait reply")
}

/// RESOURCE_CREATE2 of `rc`; returns its shm (`rc.data_size` bytes).
pub fn create_resource(c: &mut ClientConnection, rc: ResourceCreate2) -> File {
    c.send_request(&Request::ResourceCreate2(rc)).unwrap();
    let mut msg = c.read_reply().unwrap();
    assert_eq!(msg.frame.reply, Reply::Fd);
    let fd = msg.fds.pop().expect("the shm fd");
    let file = File::from(fd);
    assert_eq!(
        file.metadata().unwrap().len(),
        u64::from(rc.data_size.get())
    );
    file
}

/// RESOURCE_CREATE2 of a 16×16 B8G8R8X8 window buffer; returns its shm.
pub fn create_target(c: &mut ClientConnection) -> File {
    create_target_as(c, HANDLE)
}

/// [`create_target`] with another handle.
pub fn create_target_as(c: &mut ClientConnection, handle: u32) -> File {
    create_resource(
        c,
        ResourceCreate2 {
            handle: le(handle),
            target: le(TextureTarget::TEXTURE_2D.0),
            format: le(Format::B8G8R8X8_UNORM.0),
            bind: le(bind::RENDER_TARGET | bind::SAMPLER_VIEW | bind::DISPLAY_TARGET),
            width: le(W),
            height: le(W),
            depth: le(1),
            array_size: le(1),
            last_level: le(0),
            nr_samples: le(0),
            data_size: le(SIZE),
        },
    )
}

/// SUBMIT_CMD of an encoded stream.
pub fn submit(c: &mut ClientConnection, e: &Encoder) {
    let dwords = Dwords::new(e.as_bytes()).unwrap();
    c.send_request(&Request::SubmitCmd(dwords)).unwrap();
}

/// Sub-context 1 with the window buffer bound as surface 10, cleared to `rgb`.
pub fn clear_stream(rgb: [f32; 3]) -> Encoder {
    clear_stream_on(HANDLE, rgb)
}

/// [`clear_stream`] of the target with handle `res`.
pub fn clear_stream_on(res: u32, rgb: [f32; 3]) -> Encoder {
    let mut e = Encoder::new();
    e.push(&Command::CreateSubCtx(1)).unwrap();
    e.push(&Command::SetSubCtx(1)).unwrap();
    e.push(&Command::CreateObject(CreateObject::Surface(Surface {
        handle: 10,
        res,
        format: Format::B8G8R8X8_UNORM,
        range0: 0,
        range1: 0,
    })))
    .unwrap();
    let cbufs = [le(10)];
    e.push(&Command::SetFramebufferState {
        zsurf: 0,
        cbufs: &cbufs,
    })
    .unwrap();
    e.push(&Command::Clear(Clear {
        buffers: clear_bits::color(0),
        color: [rgb[0], rgb[1], rgb[2], 1.0].map(f32::to_bits),
        depth: guest_protocol::wire::F64Bits(1.0f64.to_bits()),
        stencil: 0,
    }))
    .unwrap();
    e
}

/// TRANSFER_GET2 of the whole window buffer into its shm.
pub fn get2(c: &mut ClientConnection) {
    get2_of(c, HANDLE);
}

/// [`get2`] of the target with handle `handle`.
pub fn get2_of(c: &mut ClientConnection, handle: u32) {
    c.send_request(&Request::TransferGet2(whole_target(handle)))
        .unwrap();
}

/// TRANSFER_PUT2 of the whole target `handle` from its shm.
pub fn put2_of(c: &mut ClientConnection, handle: u32) {
    c.send_request(&Request::TransferPut2(whole_target(handle)))
        .unwrap();
}

/// The whole `W`×`W` target `handle`, from offset 0 of its shm.
fn whole_target(handle: u32) -> Transfer2 {
    Transfer2 {
        handle: le(handle),
        level: le(0),
        x: le(0),
        y: le(0),
        z: le(0),
        width: le(W),
        height: le(W),
        depth: le(1),
        data_size: le(SIZE),
        offset: le(0),
    }
}

/// The window buffer's shm contents.
pub fn shm_bytes(file: &File) -> Vec<u8> {
    let mut out = vec![0u8; SIZE as usize];
    file.read_exact_at(&mut out, 0).unwrap();
    out
}

/// B, G, R of every pixel (X is undefined).
pub fn assert_pixels(bytes: &[u8], rows: std::ops::Range<usize>, bgr: [u8; 3], who: &str) {
    for (i, px) in bytes.chunks_exact(4).enumerate() {
        if rows.contains(&(i / W as usize)) {
            assert_eq!(&px[..3], &bgr, "{who}: pixel {i}");
        }
    }
}

/// One client's whole session; `rgb` makes its frame distinguishable.
pub fn client_session(path: &std::path::Path, rgb: [f32; 3], bgr: [u8; 3], who: &str) {
    let mut c = ClientConnection::connect(path, Limits::default()).unwrap();
    handshake(&mut c, format!("{who}\0").as_bytes());
    let shm = create_target(&mut c);
    assert!(
        shm_bytes(&shm).iter().all(|b| *b == 0),
        "fresh shm is zeroed"
    );

    submit(&mut c, &clear_stream(rgb));
    get2(&mut c);
    assert!(!busy_wait(&mut c, HANDLE, true), "a wait answers idle");
    // Real state after the wait: nothing was submitted since, so idle.
    assert!(!busy_wait(&mut c, HANDLE, false));
    assert_pixels(&shm_bytes(&shm), 0..W as usize, bgr, who);

    // Encoded transfer: row 0 written in the shm, uploaded by TRANSFER3D
    // inside a SUBMIT_CMD, then the shm zeroed and read back.
    let row: Vec<u8> = (0..W).flat_map(|_| [7u8, 77, 177, 255]).collect();
    shm.write_all_at(&row, 0).unwrap();
    let mut e = Encoder::new();
    e.push(&Command::Transfer3d(Transfer3d {
        res: HANDLE,
        level: 0,
        usage: 0,
        stride: 0,
        layer_stride: 0,
        region: Box3 {
            x: 0,
            y: 0,
            z: 0,
            w: W as i32,
            h: 1,
            d: 1,
        },
        offset: 0,
        direction: TransferDirection::TO_HOST,
    }))
    .unwrap();
    submit(&mut c, &e);
    // Like Mesa, touch the shm again only after a round trip (the server
    // reads it while executing the submit).
    assert!(!busy_wait(&mut c, HANDLE, true));
    shm.write_all_at(&vec![0u8; SIZE as usize], 0).unwrap();
    get2(&mut c);
    assert!(!busy_wait(&mut c, HANDLE, true));
    let bytes = shm_bytes(&shm);
    assert_pixels(&bytes, 0..1, [7, 77, 177], who);
    assert_pixels(&bytes, 1..W as usize, bgr, who);

    c.send_request(&Request::ResourceUnref(ResourceUnref {
        handle: le(HANDLE),
    }))
    .unwrap();
    // The reply proves the unref was handled.
    assert!(!busy_wait(&mut c, 0, false));
}

/// Waits (generously: a loaded 2-core CI machine) until the server is idle.
pub fn wait_idle(server: &ServerHandle) -> ServerStats {
    let deadline = Instant::now() + Duration::from_secs(60);
    loop {
        let s = server.stats();
        if (s.clients, s.resources, s.mappings) == (0, 0, 0) || Instant::now() > deadline {
            return s;
        }
        std::thread::sleep(Duration::from_millis(20));
    }
}
