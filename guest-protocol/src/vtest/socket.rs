//! A thin blocking adapter over a `UnixStream` (std only): `recvmsg` with a
//! control buffer for every read, `sendmsg` for every write, and the fd
//! message as its own 1-byte `sendmsg` with `SCM_RIGHTS`.
//!
//! Every read goes through `recvmsg` with room for `SCM_MAX_FD` fds: if a
//! plain `read()` consumed even part of a byte that carries fds, Linux would
//! close them (FORMAT.md, vtest-protocol.md §6.1).

use super::codec::{ReplyDecoder, ReplyMessage, RequestDecoder};
use super::encode::EncodeError;
use super::error::{DecodeError, Limits};
use super::msg::{Reply, Request, RequestFrame, FD_MESSAGE_BYTE};
use rustix::event::{poll, PollFd, PollFlags, Timespec};
use rustix::io::Errno;
use rustix::net::{
    recvmsg, sendmsg, RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, ReturnFlags,
    SendAncillaryBuffer, SendAncillaryMessage, SendFlags,
};
use std::io::{self, IoSlice, IoSliceMut};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::os::unix::net::UnixStream;
use std::path::Path;
use std::time::Duration;
use std::vec::Vec;

/// The most fds Linux passes in one `SCM_RIGHTS` message (`SCM_MAX_FD`).
pub const SCM_MAX_FD: usize = 253;

/// Why a connection call failed.
#[derive(Debug, thiserror::Error)]
pub enum ConnectionError {
    /// The socket failed.
    #[error("vtest socket: {0}")]
    Io(#[from] io::Error),
    /// The peer sent something undecodable.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// A message could not be encoded.
    #[error(transparent)]
    Encode(#[from] EncodeError),
    /// The peer closed the connection while a message was owed.
    #[error("vtest peer closed the connection at stream byte {offset}")]
    Closed {
        /// Stream offset where the data ended.
        offset: u64,
    },
    /// [`ClientConnection::read_reply`] was called with no reply owed.
    #[error("no vtest reply is pending")]
    NoReplyPending,
    /// Control data was cut short (fds lost).
    #[error("vtest socket: control message truncated, fds were lost")]
    ControlTruncated,
}

/// A `UnixStream` that reads with `recvmsg` and writes with `sendmsg`.
#[derive(Debug)]
pub struct VtestSocket {
    stream: UnixStream,
}

impl VtestSocket {
    /// Wraps a connected stream.
    pub fn new(stream: UnixStream) -> Self {
        Self { stream }
    }

    /// Connects to a vtest server socket.
    pub fn connect(path: impl AsRef<Path>) -> io::Result<Self> {
        UnixStream::connect(path).map(Self::new)
    }

    /// The stream.
    pub fn get_ref(&self) -> &UnixStream {
        &self.stream
    }

    /// Gives the stream back.
    pub fn into_inner(self) -> UnixStream {
        self.stream
    }

    /// Receives into `buf`, appending any fds that came with the bytes to `fds`
    /// (they belong to the last byte received). Returns 0 at end of stream.
    pub fn recv(&self, buf: &mut [u8], fds: &mut Vec<OwnedFd>) -> Result<usize, ConnectionError> {
        let mut space = [MaybeUninit::<u8>::uninit(); rustix::cmsg_space!(ScmRights(SCM_MAX_FD))];
        let mut control = RecvAncillaryBuffer::new(&mut space);
        let mut iov = [IoSliceMut::new(buf)];
        let msg = loop {
            match recvmsg(
                &self.stream,
                &mut iov,
                &mut control,
                RecvFlags::CMSG_CLOEXEC,
            ) {
                Ok(msg) => break msg,
                Err(rustix::io::Errno::INTR) => continue,
                Err(e) => return Err(io::Error::from(e).into()),
            }
        };
        for message in control.drain() {
            if let RecvAncillaryMessage::ScmRights(received) = message {
                fds.extend(received);
            }
        }
        if msg.flags.contains(ReturnFlags::CTRUNC) {
            return Err(ConnectionError::ControlTruncated);
        }
        Ok(msg.bytes)
    }

    /// Sends all of `bytes` (no fds; `MSG_NOSIGNAL`).
    pub fn send_all(&self, mut bytes: &[u8]) -> io::Result<()> {
        while !bytes.is_empty() {
            let iov = [IoSlice::new(bytes)];
            let mut control = SendAncillaryBuffer::default();
            match sendmsg(&self.stream, &iov, &mut control, SendFlags::NOSIGNAL) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => bytes = bytes.get(n..).unwrap_or_default(),
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// Sends the fd message: one byte [`FD_MESSAGE_BYTE`] carrying `fd`.
    pub fn send_fd(&self, fd: BorrowedFd<'_>) -> io::Result<()> {
        let byte = [FD_MESSAGE_BYTE];
        let iov = [IoSlice::new(&byte)];
        let fds = [fd];
        let mut space = [MaybeUninit::<u8>::uninit(); rustix::cmsg_space!(ScmRights(1))];
        let mut control = SendAncillaryBuffer::new(&mut space);
        if !control.push(SendAncillaryMessage::ScmRights(&fds)) {
            return Err(io::Error::other("control buffer too small for one fd"));
        }
        loop {
            match sendmsg(&self.stream, &iov, &mut control, SendFlags::NOSIGNAL) {
                Ok(1) => return Ok(()),
                Ok(_) => return Err(io::ErrorKind::WriteZero.into()),
                Err(rustix::io::Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
    }
}

/// The server end of one vtest connection: reads requests, writes replies.
#[derive(Debug)]
pub struct ServerConnection {
    socket: VtestSocket,
    decoder: RequestDecoder,
    out: Vec<u8>,
    stray_fds: usize,
}

impl ServerConnection {
    /// Serves `stream` with these limits.
    pub fn new(stream: UnixStream, limits: Limits) -> Self {
        Self {
            socket: VtestSocket::new(stream),
            decoder: RequestDecoder::new(limits),
            out: Vec::new(),
            stray_fds: 0,
        }
    }

    /// The socket.
    pub fn socket(&self) -> &VtestSocket {
        &self.socket
    }

    /// fds the client sent (vtest clients send none); they were closed.
    pub fn stray_fds(&self) -> usize {
        self.stray_fds
    }

    /// Whether the client has sent more: bytes of a next request are
    /// already buffered, or the socket becomes readable (data, or the peer
    /// closing) within `timeout`. Nothing is read.
    pub fn request_within(&self, timeout: Duration) -> Result<bool, ConnectionError> {
        if self.decoder.buffered() > 0 {
            return Ok(true);
        }
        // Longer than any Timespec: wait without a limit.
        let timeout = Timespec::try_from(timeout).ok();
        let mut fds = [PollFd::new(self.socket.get_ref(), PollFlags::IN)];
        loop {
            match poll(&mut fds, timeout.as_ref()) {
                Ok(ready) => return Ok(ready > 0),
                Err(Errno::INTR) => continue,
                Err(e) => return Err(ConnectionError::Io(e.into())),
            }
        }
    }

    /// Blocks until the next request is whole. `Ok(None)`: the client closed
    /// the connection between messages.
    pub fn read_request(&mut self) -> Result<Option<RequestFrame<'_>>, ConnectionError> {
        self.read_request_observed(|_| {})
    }

    /// [`read_request`](Self::read_request), showing `observe` the bytes of
    /// every `recvmsg()` as they arrive, before any of them is decoded (for
    /// recording a capture).
    pub fn read_request_observed(
        &mut self,
        mut observe: impl FnMut(&[u8]),
    ) -> Result<Option<RequestFrame<'_>>, ConnectionError> {
        let mut fds = Vec::new();
        while self.decoder.missing()? > 0 {
            let buf = self.decoder.recv_buf();
            let n = self.socket.recv(buf, &mut fds)?;
            self.stray_fds += fds.len();
            fds.clear();
            if n == 0 {
                self.decoder.finish()?;
                return Ok(None);
            }
            observe(buf.get(..n).unwrap_or_default());
            self.decoder.commit(n);
        }
        Ok(self.decoder.next_request()?)
    }

    /// Sends a reply ([`Reply::Fd`] must go through [`send_fd`](Self::send_fd)).
    pub fn send_reply(&mut self, reply: &Reply<'_>) -> Result<(), ConnectionError> {
        self.send_reply_observed(reply, |_| {})
    }

    /// [`send_reply`](Self::send_reply), showing `observe` the encoded bytes
    /// just before they are sent.
    pub fn send_reply_observed(
        &mut self,
        reply: &Reply<'_>,
        observe: impl FnOnce(&[u8]),
    ) -> Result<(), ConnectionError> {
        self.out.clear();
        reply.encode(&mut self.out)?;
        observe(&self.out);
        self.socket.send_all(&self.out)?;
        Ok(())
    }

    /// Sends an fd as its own 1-byte message (after any reply header for it).
    pub fn send_fd(&mut self, fd: BorrowedFd<'_>) -> Result<(), ConnectionError> {
        Ok(self.socket.send_fd(fd)?)
    }
}

/// The client end of a vtest connection: writes requests, reads replies with
/// their fds.
#[derive(Debug)]
pub struct ClientConnection {
    socket: VtestSocket,
    decoder: ReplyDecoder<OwnedFd>,
    out: Vec<u8>,
}

impl ClientConnection {
    /// Talks over `stream` with these limits.
    pub fn new(stream: UnixStream, limits: Limits) -> Self {
        Self {
            socket: VtestSocket::new(stream),
            decoder: ReplyDecoder::new(limits),
            out: Vec::new(),
        }
    }

    /// Connects to the server socket at `path`.
    pub fn connect(path: impl AsRef<Path>, limits: Limits) -> io::Result<Self> {
        UnixStream::connect(path).map(|s| Self::new(s, limits))
    }

    /// The socket.
    pub fn socket(&self) -> &VtestSocket {
        &self.socket
    }

    /// The reply decoder (its tracker has the negotiated version).
    pub fn decoder(&self) -> &ReplyDecoder<OwnedFd> {
        &self.decoder
    }

    /// Sends requests in one write (as Mesa sends GET_CAPS2 + GET_CAPS) and
    /// queues the answers they get.
    pub fn send_requests(&mut self, requests: &[Request<'_>]) -> Result<(), ConnectionError> {
        self.out.clear();
        for request in requests {
            request.encode(&mut self.out)?;
        }
        self.socket.send_all(&self.out)?;
        for request in requests {
            self.decoder.expect_request(request);
        }
        Ok(())
    }

    /// Sends one request.
    pub fn send_request(&mut self, request: &Request<'_>) -> Result<(), ConnectionError> {
        self.send_requests(core::slice::from_ref(request))
    }

    /// Blocks until the next owed reply is whole.
    pub fn read_reply(&mut self) -> Result<ReplyMessage<'_, OwnedFd>, ConnectionError> {
        let mut fds = Vec::new();
        while self.decoder.missing()? > 0 {
            let n = self.socket.recv(self.decoder.recv_buf(), &mut fds)?;
            if n == 0 {
                self.decoder.finish()?;
                return Err(ConnectionError::Closed {
                    offset: self.decoder.offset(),
                });
            }
            self.decoder.commit(n, fds.drain(..));
        }
        self.decoder
            .next_reply()?
            .ok_or(ConnectionError::NoReplyPending)
    }

    /// Sends the fd message with `fd` (no vtest request needs it; for tests).
    pub fn send_fd(&self, fd: impl AsFd) -> io::Result<()> {
        self.socket.send_fd(fd.as_fd())
    }
}
