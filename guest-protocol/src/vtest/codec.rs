//! No-I/O framing state machines: push received bytes in, pull whole messages
//! out, borrowed from the internal buffer.
//!
//! * [`RequestDecoder`] — server side: client → server requests.
//! * [`ReplyDecoder`] — client side: server → client replies, framed with a
//!   [`ReplyTracker`], with the fds that came with the bytes handed out beside
//!   the fd messages they belong to.
//!
//! Bytes go in either with [`push`](RequestDecoder::push) (a copy) or by
//! receiving straight into [`recv_buf`](RequestDecoder::recv_buf) and then
//! [`commit`](RequestDecoder::commit)ting. A decode error is sticky: the stream
//! cannot be re-synchronised, so every later call returns the same error.

use super::decode::{decode_request, request_size, Progress, Size};
use super::error::{DecodeError, DecodeErrorKind, Limits};
use super::msg::{Reply, ReplyFrame, Request, RequestFrame, VCmd};
use super::track::ReplyTracker;
use alloc::collections::VecDeque;
use alloc::vec::Vec;

/// Smallest read window `recv_buf` offers.
pub const MIN_RECV_WINDOW: usize = 64 << 10;
/// Largest read window `recv_buf` offers: a big message is received in
/// pieces, so the buffer grows with the bytes that actually arrive, not with
/// the size its header claims.
pub const MAX_RECV_WINDOW: usize = 1 << 20;

/// A growable byte window over a stream: `buf[start..end]` is received but not
/// yet consumed; `base` is the stream offset of `buf[0]`.
#[derive(Clone, Debug, Default)]
struct StreamBuf {
    buf: Vec<u8>,
    start: usize,
    end: usize,
    base: u64,
}

impl StreamBuf {
    fn data(&self) -> &[u8] {
        self.buf.get(self.start..self.end).unwrap_or_default()
    }

    /// Stream offset of the first unconsumed byte.
    fn offset(&self) -> u64 {
        self.base + self.start as u64
    }

    /// Stream offset one past the last received byte.
    fn end_offset(&self) -> u64 {
        self.base + self.end as u64
    }

    /// Moves unconsumed bytes to the front when that frees enough room.
    fn compact(&mut self) {
        if self.start == 0 {
            return;
        }
        if self.start == self.end || self.start >= self.buf.len() / 2 {
            self.buf.copy_within(self.start..self.end, 0);
            self.base += self.start as u64;
            self.end -= self.start;
            self.start = 0;
        }
    }

    /// A writable window of at least `min` bytes after the received ones.
    fn spare(&mut self, min: usize) -> &mut [u8] {
        self.compact();
        let want = self.end.saturating_add(min.max(1));
        if self.buf.len() < want {
            self.buf.resize(want, 0);
        }
        self.buf.get_mut(self.end..).unwrap_or_default()
    }

    /// Marks `n` bytes of the window from [`spare`](Self::spare) received.
    fn commit(&mut self, n: usize) {
        self.end = self.end.saturating_add(n).min(self.buf.len());
    }

    fn push(&mut self, bytes: &[u8]) {
        let window = self.spare(bytes.len());
        if let Some(dst) = window.get_mut(..bytes.len()) {
            dst.copy_from_slice(bytes);
        }
        self.commit(bytes.len());
    }

    fn truncated(&self, cmd: VCmd, what: &'static str, need: usize) -> DecodeError {
        DecodeError::new(
            self.offset(),
            cmd,
            DecodeErrorKind::Truncated {
                what,
                need: need as u64,
                have: self.data().len() as u64,
            },
        )
    }
}

/// Server-side framing of the client → server byte stream.
#[derive(Clone, Debug)]
pub struct RequestDecoder {
    stream: StreamBuf,
    limits: Limits,
    error: Option<DecodeError>,
}

impl RequestDecoder {
    /// A decoder at stream offset 0.
    pub fn new(limits: Limits) -> Self {
        Self {
            stream: StreamBuf::default(),
            limits,
            error: None,
        }
    }

    /// Appends received bytes.
    pub fn push(&mut self, bytes: &[u8]) {
        self.stream.push(bytes);
    }

    /// A window to receive into directly: the bytes still missing, clamped to
    /// [`MIN_RECV_WINDOW`]..=[`MAX_RECV_WINDOW`]; follow with [`commit`](Self::commit).
    pub fn recv_buf(&mut self) -> &mut [u8] {
        let missing = self.missing().unwrap_or(0);
        self.stream
            .spare(missing.clamp(MIN_RECV_WINDOW, MAX_RECV_WINDOW))
    }

    /// Marks `n` bytes written into [`recv_buf`](Self::recv_buf) as received.
    pub fn commit(&mut self, n: usize) {
        self.stream.commit(n);
    }

    /// Bytes still needed before [`next_request`](Self::next_request) can return the next
    /// message (0: it can; a lower bound while the size is not yet known).
    pub fn missing(&self) -> Result<usize, DecodeError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let data = self.stream.data();
        Ok(request_size(data, self.stream.offset(), &self.limits)?.missing(data.len()))
    }

    /// The next whole request, or `None` until more bytes arrive.
    pub fn next_request(&mut self) -> Result<Option<RequestFrame<'_>>, DecodeError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let offset = self.stream.offset();
        let data = self
            .stream
            .buf
            .get(self.stream.start..self.stream.end)
            .unwrap_or_default();
        match decode_request(data, offset, &self.limits) {
            Ok(Progress::Done(frame)) => {
                self.stream.start += frame.size;
                Ok(Some(frame))
            }
            Ok(Progress::NeedMore { .. }) => Ok(None),
            Err(e) => {
                self.error = Some(e);
                Err(e)
            }
        }
    }

    /// Call at end of stream: an error if a message was left half-received.
    pub fn finish(&self) -> Result<(), DecodeError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let data = self.stream.data();
        if data.is_empty() {
            return Ok(());
        }
        let cmd = super::decode::peek_header(data).map_or(VCmd(0), |h| h.cmd());
        let (what, need) = match request_size(data, self.stream.offset(), &self.limits)? {
            Size::Known(n) => ("body", n),
            Size::AtLeast(n) => ("header", n),
        };
        Err(self.stream.truncated(cmd, what, need))
    }

    /// Stream offset of the next unconsumed byte.
    pub fn offset(&self) -> u64 {
        self.stream.offset()
    }

    /// Bytes received and not yet returned as messages.
    pub fn buffered(&self) -> usize {
        self.stream.data().len()
    }

    /// The limits in force.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }
}

impl Default for RequestDecoder {
    fn default() -> Self {
        Self::new(Limits::DEFAULT)
    }
}

/// A reply with the fds that arrived attached to its bytes.
#[derive(Debug, PartialEq, Eq)]
pub struct ReplyMessage<'a, F> {
    /// The reply.
    pub frame: ReplyFrame<'a>,
    /// The fds (non-empty exactly for [`Reply::Fd`]).
    pub fds: Vec<F>,
}

/// Client-side framing of the server → client byte stream.
///
/// `F` is whatever stands for a received fd: `std::os::fd::OwnedFd` on a
/// socket, a capture's `FdInfo` in a replay, `()` in tests. An fd is attached
/// to the stream position of the last byte of the chunk it came with (Linux
/// stops a `recvmsg` right after the byte that carries fds, and captures record
/// them the same way).
#[derive(Debug)]
pub struct ReplyDecoder<F> {
    stream: StreamBuf,
    tracker: ReplyTracker,
    fds: VecDeque<(u64, F)>,
    error: Option<DecodeError>,
}

impl<F> ReplyDecoder<F> {
    /// A decoder at stream offset 0, protocol version 0, nothing pending.
    pub fn new(limits: Limits) -> Self {
        Self {
            stream: StreamBuf::default(),
            tracker: ReplyTracker::new(limits),
            fds: VecDeque::new(),
            error: None,
        }
    }

    /// Records that `request` was sent (call in sending order).
    pub fn expect_request(&mut self, request: &Request<'_>) {
        self.tracker.expect_request(request);
    }

    /// The queue of owed answers and the negotiated version.
    pub fn tracker(&self) -> &ReplyTracker {
        &self.tracker
    }

    /// Mutable access to the tracker (to queue answers by hand or set the version).
    pub fn tracker_mut(&mut self) -> &mut ReplyTracker {
        &mut self.tracker
    }

    /// Appends received bytes; `fds` came with them (attached to their last byte).
    pub fn push(&mut self, bytes: &[u8], fds: impl IntoIterator<Item = F>) {
        self.stream.push(bytes);
        self.attach(fds);
    }

    /// A window to receive into directly; follow with [`commit`](Self::commit).
    pub fn recv_buf(&mut self) -> &mut [u8] {
        let missing = self.missing().unwrap_or(0);
        self.stream
            .spare(missing.clamp(MIN_RECV_WINDOW, MAX_RECV_WINDOW))
    }

    /// Marks `n` bytes of [`recv_buf`](Self::recv_buf) received, with the fds
    /// that came with them.
    pub fn commit(&mut self, n: usize, fds: impl IntoIterator<Item = F>) {
        self.stream.commit(n);
        self.attach(fds);
    }

    fn attach(&mut self, fds: impl IntoIterator<Item = F>) {
        let at = self.stream.end_offset().saturating_sub(1);
        self.fds.extend(fds.into_iter().map(|fd| (at, fd)));
    }

    /// Bytes still needed before [`next_reply`](Self::next_reply) returns a reply (0: it
    /// can, or nothing is owed).
    pub fn missing(&mut self) -> Result<usize, DecodeError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let data = self.stream.data();
        if self.tracker.is_idle() && data.is_empty() {
            return Ok(0);
        }
        match self.tracker.reply_size(data, self.stream.offset()) {
            Ok(size) => Ok(size.missing(data.len())),
            Err(e) => {
                self.error = Some(e);
                Err(e)
            }
        }
    }

    /// The next whole reply with its fds, or `None` until more bytes arrive.
    pub fn next_reply(&mut self) -> Result<Option<ReplyMessage<'_, F>>, DecodeError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let offset = self.stream.offset();
        let data = self
            .stream
            .buf
            .get(self.stream.start..self.stream.end)
            .unwrap_or_default();
        let frame = match self.tracker.decode(data, offset) {
            Ok(Progress::Done(frame)) => frame,
            Ok(Progress::NeedMore { .. }) => return Ok(None),
            Err(e) => {
                self.error = Some(e);
                return Err(e);
            }
        };
        let end = offset + frame.size as u64;
        let mut fds = Vec::new();
        while let Some((at, _)) = self.fds.front() {
            if *at >= end {
                break;
            }
            if let Some((_, fd)) = self.fds.pop_front() {
                fds.push(fd);
            }
        }
        let kind = match (frame.reply, fds.len()) {
            (Reply::Fd, 0) => Some(DecodeErrorKind::MissingFd),
            (Reply::Fd, _) | (_, 0) => None,
            (_, count) => Some(DecodeErrorKind::UnexpectedFds { count }),
        };
        if let Some(kind) = kind {
            let e = DecodeError::new(offset, VCmd(frame.reply.header_id().unwrap_or(0)), kind);
            self.error = Some(e);
            return Err(e);
        }
        self.stream.start += frame.size;
        Ok(Some(ReplyMessage { frame, fds }))
    }

    /// Call at end of stream: an error if a reply was left half-received.
    pub fn finish(&mut self) -> Result<(), DecodeError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        let data = self.stream.data();
        if data.is_empty() {
            return Ok(());
        }
        let (what, need) = match self.tracker.reply_size(data, self.stream.offset())? {
            Size::Known(n) => ("reply", n),
            Size::AtLeast(n) => ("header", n),
        };
        let cmd = self.tracker.pending().next().map_or(VCmd(0), |e| e.cmd());
        Err(self.stream.truncated(cmd, what, need))
    }

    /// Stream offset of the next unconsumed byte.
    pub fn offset(&self) -> u64 {
        self.stream.offset()
    }

    /// Bytes received and not yet returned as replies.
    pub fn buffered(&self) -> usize {
        self.stream.data().len()
    }
}
