//! `pv3d serve --record FILE`: a capture of every client session in the
//! `.vtrec` format of captures/FORMAT.md, as the recording proxy writes it,
//! so that `pv3d dump` / `pv3d replay` (and the Python tools) read it.
//!
//! * CONN_OPEN / CONN_CLOSE per client (connection number = accept order,
//!   peer pid and command line from `SO_PEERCRED` when available);
//! * C2S: the bytes of each `recvmsg()`, before any of them is handled;
//! * S2C: each reply as sent; the shm fd after RESOURCE_CREATE2 as its own
//!   1-byte record carrying its `fd_info` (fd ids from 1, unique in the file);
//! * SHM_PRE_C2S / SHM_PRE_S2C: before a C2S chunk in which a SUBMIT_CMD(2) /
//!   TRANSFER_PUT(2) starts, and before every S2C chunk, every live shm is
//!   compared with a shadow copy (starting zeroed, as the shm is created) and
//!   each run of changed 4 KiB pages is written (the last page clipped to the
//!   shm size);
//! * FD_DROP when the client unrefs a resource with a shm.
//!
//! A `.zst` name is written compressed (one zstd frame): the raw capture is
//! kept in memory and the file rewritten (to a temporary name, then renamed)
//! whenever a connection closes and when the server stops, so the file is
//! always a complete capture of the sessions that ended. Other names are
//! written as they go and flushed after every record batch.
//!
//! The session only calls in here when recording is on; serving without
//! `--record` costs an `Option` check per message.

use super::shm::ShmBacking;
use crate::core::backing::Backing;
use guest_protocol::capture::{compress, CaptureWriter, FdInfo, RecordKind, ShmWrite, S_IFREG};
use guest_protocol::vtest::{request_size, Limits, Size, VCmd};
use parking_lot::Mutex;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Instant, SystemTime, UNIX_EPOCH};

/// Page size of the shm snapshots.
const PAGE: usize = 4096;

/// Where the capture bytes go.
enum Sink {
    File(BufWriter<File>),
    Mem(Vec<u8>),
}

impl Write for Sink {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        match self {
            Sink::File(f) => f.write(buf),
            Sink::Mem(v) => v.write(buf),
        }
    }

    fn write_all(&mut self, buf: &[u8]) -> io::Result<()> {
        match self {
            Sink::File(f) => f.write_all(buf),
            Sink::Mem(v) => v.write_all(buf),
        }
    }

    fn flush(&mut self) -> io::Result<()> {
        match self {
            Sink::File(f) => f.flush(),
            Sink::Mem(_) => Ok(()),
        }
    }
}

struct Inner {
    writer: CaptureWriter<Sink>,
    next_fd_id: u32,
    /// Set after the first write error: recording stops, serving goes on.
    failed: bool,
}

/// One capture file, shared by every client thread of a server.
pub struct Recorder {
    path: PathBuf,
    start: Instant,
    inner: Mutex<Inner>,
}

impl std::fmt::Debug for Recorder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Recorder")
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}

/// JSON string literal.
fn json_str(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

impl Recorder {
    /// Creates `path` (compressed when it ends in `.zst`) and writes the
    /// file header; `listen` is the server's socket.
    pub fn create(path: &Path, listen: &Path) -> io::Result<Self> {
        let zst = path.extension().is_some_and(|e| e == "zst");
        let created = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_secs());
        let header = format!(
            "{{\"tool\": \"pv3d serve\", \"label\": {}, \"listen\": {}, \"record_shm\": true, \
             \"page_size\": {PAGE}, \"created_unix\": {created}}}",
            json_str(&format!("pv3d serve --socket {}", listen.display())),
            json_str(&listen.display().to_string()),
        );
        let sink = if zst {
            Sink::Mem(Vec::new())
        } else {
            Sink::File(BufWriter::new(File::create(path)?))
        };
        let recorder = Self {
            path: path.to_owned(),
            start: Instant::now(),
            inner: Mutex::new(Inner {
                writer: CaptureWriter::new(sink, &header)?,
                next_fd_id: 1,
                failed: false,
            }),
        };
        // A valid (empty) capture from the start; fails early when the
        // path cannot be written.
        recorder.save(&mut recorder.inner.lock())?;
        Ok(recorder)
    }

    fn now(&self) -> u64 {
        u64::try_from(self.start.elapsed().as_nanos()).unwrap_or(u64::MAX)
    }

    /// Flushes the file, or rewrites the compressed one.
    fn save(&self, inner: &mut Inner) -> io::Result<()> {
        match inner.writer.get_ref() {
            Sink::File(_) => {}
            Sink::Mem(raw) => {
                let mut tmp = self.path.clone().into_os_string();
                tmp.push(".part");
                std::fs::write(&tmp, compress(raw))?;
                std::fs::rename(&tmp, &self.path)?;
                return Ok(());
            }
        }
        inner.writer.flush()
    }

    /// Runs `f` on the writer; a failure stops the recording (logged once).
    fn with(&self, f: impl FnOnce(&mut Inner, u64) -> io::Result<()>) {
        let mut inner = self.inner.lock();
        if inner.failed {
            return;
        }
        let t = self.now();
        let r = f(&mut inner, t).and_then(|()| {
            if matches!(inner.writer.get_ref(), Sink::File(_)) {
                inner.writer.flush()
            } else {
                Ok(())
            }
        });
        if let Err(e) = r {
            tracing::error!("recording to {}: {e}; recording stops", self.path.display());
            inner.failed = true;
        }
    }

    /// Writes the compressed file one last time (a no-op for raw files,
    /// which are flushed as they go).
    pub fn finish(&self) {
        let mut inner = self.inner.lock();
        if inner.failed {
            return;
        }
        if let Err(e) = self.save(&mut inner) {
            tracing::error!("recording to {}: {e}", self.path.display());
        }
    }
}

/// A shm the recorder follows.
struct Tracked {
    fd_id: u32,
    handle: u32,
    shm: Arc<ShmBacking>,
    shadow: Vec<u8>,
}

/// Where a C2S command starts: which commands start in each chunk.
#[derive(Default)]
struct C2sScan {
    /// Bytes of the current command received so far, while its size is unknown.
    head: Vec<u8>,
    /// Bytes of the current command still to come, once its size is known.
    skip: usize,
    /// Stream offset (for `request_size`'s errors).
    offset: u64,
    /// Undecodable stream: every later chunk counts as starting a command.
    lost: bool,
    commands: u64,
}

impl C2sScan {
    /// Feeds one chunk; true when a command that reads shared memory
    /// (SUBMIT_CMD(2), TRANSFER_PUT(2)), or one whose id is not yet known,
    /// starts in it.
    fn feed(&mut self, mut bytes: &[u8]) -> bool {
        let mut reads_shm = false;
        while !bytes.is_empty() {
            if self.lost {
                return true;
            }
            if self.skip > 0 {
                let (done, rest) = bytes.split_at(self.skip.min(bytes.len()));
                self.skip -= done.len();
                self.offset += done.len() as u64;
                bytes = rest;
                continue;
            }
            let starts_here = self.head.is_empty();
            // Take what the size needs (at most the fixed header + a
            // TRANSFER_PUT header; request_size says how much).
            let need = match request_size(&self.head, self.offset, &Limits::default()) {
                Ok(Size::AtLeast(n)) => n.saturating_sub(self.head.len()).max(1),
                Ok(Size::Known(_)) => 0,
                Err(_) => {
                    self.lost = true;
                    continue;
                }
            };
            if need > 0 {
                let (taken, rest) = bytes.split_at(need.min(bytes.len()));
                self.head.extend_from_slice(taken);
                bytes = rest;
            }
            match request_size(&self.head, self.offset, &Limits::default()) {
                Ok(Size::Known(total)) => {
                    let cmd = guest_protocol::vtest::peek_header(&self.head).map(|h| h.cmd());
                    reads_shm |= matches!(
                        cmd,
                        Some(
                            VCmd::SUBMIT_CMD
                                | VCmd::SUBMIT_CMD2
                                | VCmd::TRANSFER_PUT
                                | VCmd::TRANSFER_PUT2
                        )
                    );
                    self.commands += 1;
                    self.offset += self.head.len() as u64;
                    self.skip = total.saturating_sub(self.head.len());
                    self.head.clear();
                }
                Ok(Size::AtLeast(_)) => {
                    // Header incomplete at the end of this chunk.
                    reads_shm |= starts_here;
                }
                Err(_) => self.lost = true,
            }
        }
        reads_shm || self.lost
    }
}

/// One connection's part of the recording.
pub struct ConnRecorder {
    rec: Arc<Recorder>,
    conn: u16,
    scan: C2sScan,
    shms: Vec<Tracked>,
    scratch: Vec<u8>,
    c2s_bytes: u64,
    s2c_bytes: u64,
}

impl ConnRecorder {
    /// Writes CONN_OPEN for connection `id` (accept order).
    pub fn open(rec: &Arc<Recorder>, id: u64, stream: &UnixStream) -> Self {
        let conn = u16::try_from(id).unwrap_or(u16::MAX);
        let mut json = format!("{{\"conn\": {conn}");
        if let Ok(cred) = rustix::net::sockopt::socket_peercred(stream) {
            let pid = cred.pid.as_raw_nonzero().get();
            json.push_str(&format!(", \"peer_pid\": {pid}"));
            if let Ok(cmdline) = std::fs::read(format!("/proc/{pid}/cmdline")) {
                let args: Vec<String> = cmdline
                    .split(|b| *b == 0)
                    .filter(|a| !a.is_empty())
                    .map(|a| json_str(&String::from_utf8_lossy(a)))
                    .collect();
                json.push_str(&format!(", \"peer_cmdline\": [{}]", args.join(", ")));
            }
        }
        json.push_str(", \"upstream\": \"pv3d serve\"}");
        rec.with(|inner, t| inner.writer.conn_open(conn, t, &json));
        Self {
            rec: Arc::clone(rec),
            conn,
            scan: C2sScan::default(),
            shms: Vec::new(),
            scratch: Vec::new(),
            c2s_bytes: 0,
            s2c_bytes: 0,
        }
    }

    /// Bytes just received, before any of them is handled.
    pub fn c2s(&mut self, bytes: &[u8]) {
        self.c2s_bytes += bytes.len() as u64;
        let check = self.scan.feed(bytes);
        let (rec, conn) = (Arc::clone(&self.rec), self.conn);
        rec.with(|inner, t| {
            if check {
                self.snapshot(inner, RecordKind::SHM_PRE_C2S, t)?;
            }
            inner.writer.c2s(conn, t, bytes, &[])
        });
    }

    /// Reply bytes about to be sent.
    pub fn s2c(&mut self, bytes: &[u8]) {
        self.s2c_bytes += bytes.len() as u64;
        let (rec, conn) = (Arc::clone(&self.rec), self.conn);
        rec.with(|inner, t| {
            self.snapshot(inner, RecordKind::SHM_PRE_S2C, t)?;
            inner.writer.s2c(conn, t, bytes, &[])
        });
    }

    /// The shm of resource `handle` is about to be sent (1 byte + fd).
    pub fn s2c_fd(&mut self, handle: u32, shm: &Arc<ShmBacking>) {
        self.s2c_bytes += 1;
        let (rec, conn) = (Arc::clone(&self.rec), self.conn);
        rec.with(|inner, t| {
            self.snapshot(inner, RecordKind::SHM_PRE_S2C, t)?;
            let fd_id = inner.next_fd_id;
            inner.next_fd_id += 1;
            let size = shm.len();
            let info = FdInfo {
                fd_id: fd_id.into(),
                handle: handle.into(),
                size: size.into(),
                st_mode: (S_IFREG | 0o777).into(),
                reserved: 0.into(),
            };
            inner.writer.s2c(conn, t, &[0], &[info])?;
            self.shms.push(Tracked {
                fd_id,
                handle,
                shm: Arc::clone(shm),
                shadow: vec![0; usize::try_from(size).unwrap_or(0)],
            });
            Ok(())
        });
    }

    /// The client unref'd `handle`: stop following its shm.
    pub fn unref(&mut self, handle: u32) {
        let Some(i) = self.shms.iter().position(|s| s.handle == handle) else {
            return;
        };
        let gone = self.shms.remove(i);
        let conn = self.conn;
        self.rec
            .with(|inner, t| inner.writer.fd_drop(conn, t, gone.fd_id, gone.handle));
    }

    /// CONN_CLOSE; a compressed file is rewritten.
    pub fn close(self, closed_by: &str, commands: u64) {
        let json = format!(
            "{{\"closed_by\": {}, \"c2s_bytes\": {}, \"s2c_bytes\": {}, \"commands\": {}}}",
            json_str(closed_by),
            self.c2s_bytes,
            self.s2c_bytes,
            commands.max(self.scan.commands)
        );
        let conn = self.conn;
        self.rec
            .with(|inner, t| inner.writer.conn_close(conn, t, &json));
        let mut inner = self.rec.inner.lock();
        if !inner.failed && matches!(inner.writer.get_ref(), Sink::Mem(_)) {
            if let Err(e) = self.rec.save(&mut inner) {
                tracing::error!("recording to {}: {e}", self.rec.path.display());
            }
        }
    }

    /// One SHM record per run of changed pages of every followed shm.
    fn snapshot(&mut self, inner: &mut Inner, kind: RecordKind, t: u64) -> io::Result<()> {
        for s in &mut self.shms {
            self.scratch.resize(s.shadow.len(), 0);
            if s.shm.read_at(0, &mut self.scratch).is_err() {
                continue;
            }
            let changed: Vec<bool> = self
                .scratch
                .chunks(PAGE)
                .zip(s.shadow.chunks(PAGE))
                .map(|(now, before)| now != before)
                .collect();
            let mut page = 0;
            while page < changed.len() {
                if !changed.get(page).copied().unwrap_or(false) {
                    page += 1;
                    continue;
                }
                let first = page;
                while changed.get(page).copied().unwrap_or(false) {
                    page += 1;
                }
                let r = first * PAGE..(page * PAGE).min(s.shadow.len());
                let (Some(now), Some(shadow)) =
                    (self.scratch.get(r.clone()), s.shadow.get_mut(r.clone()))
                else {
                    break;
                };
                inner.writer.shm(
                    kind,
                    self.conn,
                    t,
                    &ShmWrite {
                        fd_id: s.fd_id,
                        handle: s.handle,
                        offset: r.start as u64,
                        data: now,
                    },
                )?;
                shadow.copy_from_slice(now);
            }
        }
        Ok(())
    }
}
