//! The front end's connection to one worker process: starting it, one call
//! at a time (serving the worker's backing accesses meanwhile), and its
//! end, logged with why (exit status or signal) and always reaped.

use super::channel::Channel;
use super::codec::{self, Reader, Writer};
use super::jail::Limits;
use super::proto::{call, to_front, to_worker, CALL_KEY, MAX_ACCESS};
use super::WorkerCommand;
use crate::core::backing::check_range;
use crate::{Backing, Quotas};
use rustix::net::sockopt::{set_socket_timeout, Timeout};
use rustix::net::{socketpair, AddressFamily, SocketFlags, SocketType};
use std::collections::HashMap;
use std::os::fd::BorrowedFd;
use std::os::unix::process::ExitStatusExt;
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// How long a worker that was asked to stop (its socket closed) gets to
/// exit before it is killed.
const EXIT_GRACE: Duration = Duration::from_secs(2);

/// A started worker.
pub(super) struct Conn {
    chan: Option<Channel>,
    child: Option<Child>,
    pid: u32,
    /// Why the worker is gone, once it is.
    lost: Option<String>,
    /// Backings that are not files, lent to the worker by key.
    pub lent: HashMap<u64, Arc<dyn Backing>>,
    /// How long a call may take beyond what it waits for itself.
    answer_timeout: Duration,
    /// The receive timeout set on the socket now.
    timeout: Option<Duration>,
}

/// Whether `status` is the seccomp filter's doing.
fn describe(status: ExitStatus) -> String {
    match status.signal() {
        Some(31) => "killed by SIGSYS (a system call outside the seccomp allow-list)".into(),
        Some(9) => "killed by SIGKILL".into(),
        Some(24) => "killed by SIGXCPU (its CPU time limit)".into(),
        Some(sig) => format!("killed by signal {sig}"),
        None => status.to_string(),
    }
}

impl Conn {
    /// Starts `cmd` with one end of a socketpair as its stdin, sends it its
    /// quotas and limits, and waits until it has opened its device and
    /// jailed itself.
    pub fn start(
        cmd: &WorkerCommand,
        quotas: &Quotas,
        limits: &Limits,
        answer_timeout: Duration,
    ) -> Result<Self, String> {
        let (ours, theirs) = socketpair(
            AddressFamily::UNIX,
            SocketType::STREAM,
            SocketFlags::CLOEXEC,
            None,
        )
        .map_err(|e| format!("socketpair: {e}"))?;
        let child = Command::new(&cmd.program)
            .args(&cmd.args)
            .envs(cmd.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::from(theirs))
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("running {}: {e}", cmd.program.display()))?;
        // The largest answer: a read-back or transfer of one resource.
        let max_in = usize::try_from(quotas.resource_memory.saturating_add(1 << 20))
            .unwrap_or(usize::MAX)
            .max(64 << 20);
        let mut conn = Self {
            chan: Some(Channel::new(ours, max_in)),
            pid: child.id(),
            child: Some(child),
            lost: None,
            lent: HashMap::new(),
            answer_timeout,
            timeout: None,
        };
        let mut w = Writer::tagged(call::INIT);
        codec::put_quotas(&mut w, quotas);
        limits.put(&mut w);
        let answer = conn.call(&w, &[], None, None);
        let started = answer.and_then(|a| {
            let mut r = Reader::new(a.get(1..).unwrap_or_default());
            match r.u8().ok()? {
                0 => Some(Ok(())),
                _ => Some(Err(r.str().unwrap_or("unreadable").to_owned())),
            }
        });
        match started {
            Some(Ok(())) => {
                tracing::debug!(pid = conn.pid, "render worker ready");
                Ok(conn)
            }
            Some(Err(e)) => Err(format!("worker {}: {}", conn.pid, codec_text(&e))),
            None => Err(conn.lost.clone().unwrap_or_default()),
        }
    }

    /// The worker's pid.
    pub fn pid(&self) -> u32 {
        self.pid
    }

    /// Why the worker is gone, once it is.
    pub fn lost(&self) -> Option<&str> {
        self.lost.as_deref()
    }

    /// Sends `msg` (with `fds`; `lent` is the memory passed with this call)
    /// and serves the worker until its answer, which is returned whole
    /// (tag first). `None` once the worker is lost; `waits` is how long
    /// the call itself may wait.
    pub fn call(
        &mut self,
        msg: &Writer,
        fds: &[BorrowedFd<'_>],
        lent: Option<&dyn Backing>,
        waits: Option<Duration>,
    ) -> Option<Vec<u8>> {
        if self.lost.is_some() {
            return None;
        }
        let limit = self
            .answer_timeout
            .saturating_add(waits.unwrap_or_default());
        match self.exchange(msg, fds, lent, limit) {
            Ok(answer) => Some(answer),
            Err(why) => {
                self.end(&why);
                None
            }
        }
    }

    fn exchange(
        &mut self,
        msg: &Writer,
        fds: &[BorrowedFd<'_>],
        lent: Option<&dyn Backing>,
        limit: Duration,
    ) -> Result<Vec<u8>, String> {
        let chan = self.chan.as_ref().ok_or("closed")?;
        if self.timeout != Some(limit) {
            set_socket_timeout(chan.socket(), Timeout::Recv, Some(limit))
                .map_err(|e| format!("setting its socket timeout: {e}"))?;
            self.timeout = Some(limit);
        }
        chan.send(&msg.0, fds)
            .map_err(|e| format!("sending to it: {e}"))?;
        let deadline = Instant::now() + limit;
        loop {
            let frame = match chan.recv() {
                Ok(Some(f)) => f,
                Ok(None) => return Err("closed its socket".into()),
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => {
                    return Err(format!("did not answer within {limit:?}"))
                }
                Err(e) => return Err(format!("broke the protocol: {e}")),
            };
            if !frame.fds.is_empty() {
                return Err("sent file descriptors".into());
            }
            match frame.bytes.first() {
                Some(&to_front::ANSWER) => return Ok(frame.bytes),
                Some(&to_front::READ | &to_front::WRITE) if Instant::now() < deadline => {
                    let reply = self.access(&frame.bytes, lent);
                    chan.send(&reply.0, &[])
                        .map_err(|e| format!("sending to it: {e}"))?;
                }
                _ => return Err("sent an unexpected message".into()),
            }
        }
    }

    /// Serves one READ or WRITE of a lent backing, checked.
    fn access(&self, msg: &[u8], lent: Option<&dyn Backing>) -> Writer {
        let refused = Writer::tagged(to_worker::REFUSED);
        let mut r = Reader::new(msg.get(1..).unwrap_or_default());
        let (Ok(key), Ok(offset)) = (r.u64(), r.u64()) else {
            return refused;
        };
        let backing = match key {
            CALL_KEY => lent,
            _ => self.lent.get(&key).map(|b| &**b),
        };
        let Some(b) = backing else {
            return refused;
        };
        if msg.first() == Some(&to_front::READ) {
            let Ok(len) = r.u64() else { return refused };
            if len > MAX_ACCESS as u64 || check_range(offset, len, b.len()).is_err() {
                return refused;
            }
            let mut data = vec![0u8; len as usize];
            if b.read_at(offset, &mut data).is_err() {
                return refused;
            }
            let mut w = Writer::tagged(to_worker::DATA);
            w.0.extend_from_slice(&data);
            w
        } else {
            match r.bytes() {
                Ok(data) if data.len() <= MAX_ACCESS && b.write_at(offset, data).is_ok() => {
                    Writer::tagged(to_worker::WRITTEN)
                }
                _ => refused,
            }
        }
    }

    /// Ends the worker (killed if it still runs), reaps it and logs why
    /// (once).
    pub fn end(&mut self, why: &str) {
        if self.lost.is_some() {
            return;
        }
        self.chan = None;
        let status = self.child.take().map(|mut c| {
            let _ = c.kill();
            c.wait()
        });
        let how = match status {
            Some(Ok(s)) => describe(s),
            Some(Err(e)) => format!("not reaped: {e}"),
            None => "already gone".into(),
        };
        let text = format!("render worker {} {why}; {how}", self.pid);
        tracing::error!("{text}");
        self.lost = Some(text);
    }
}

/// A worker's text, bounded and printable.
fn codec_text(s: &str) -> String {
    crate::error::Remote::new(s).text().to_owned()
}

impl Drop for Conn {
    /// Closes the socket (the worker exits), reaps it, killing it if it
    /// does not exit in [`EXIT_GRACE`].
    fn drop(&mut self) {
        self.chan = None;
        let Some(mut child) = self.child.take() else {
            return;
        };
        let deadline = Instant::now() + EXIT_GRACE;
        loop {
            match child.try_wait() {
                Ok(Some(status)) => {
                    if !status.success() {
                        tracing::warn!(pid = self.pid, "render worker {}", describe(status));
                    }
                    return;
                }
                Ok(None) if Instant::now() < deadline => {
                    std::thread::sleep(Duration::from_millis(2));
                }
                _ => break,
            }
        }
        tracing::warn!(pid = self.pid, "render worker did not exit: killed");
        let _ = child.kill();
        let _ = child.wait();
    }
}
