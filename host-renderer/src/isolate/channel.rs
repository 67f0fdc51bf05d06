//! Frames over a worker's stream socket: `[length u32][fd count u32]` then
//! `length` bytes, file descriptors riding with the header (`SCM_RIGHTS`).
//! A stream socket, not `SOCK_SEQPACKET`, so that a frame (a command buffer,
//! a read-back) may be larger than the socket's buffer.

use rustix::io::Errno;
use rustix::net::{
    recvmsg, sendmsg, RecvAncillaryBuffer, RecvAncillaryMessage, RecvFlags, SendAncillaryBuffer,
    SendAncillaryMessage, SendFlags,
};
use std::io::{self, IoSlice, IoSliceMut};
use std::mem::MaybeUninit;
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};

/// Most fds one frame carries.
pub(super) const MAX_FDS: usize = 2;
/// Bytes of a frame header.
const HEADER: usize = 8;
/// Bytes read at a time: a frame's buffer grows as its bytes arrive, so a
/// length the peer claims costs nothing until it is sent.
const CHUNK: usize = 1 << 20;

/// One received frame.
pub(super) struct Frame {
    /// Its bytes.
    pub bytes: Vec<u8>,
    /// The fds that came with it.
    pub fds: Vec<OwnedFd>,
}

/// One end of a worker's socket.
#[derive(Debug)]
pub(super) struct Channel {
    sock: OwnedFd,
    /// Longest frame accepted from the peer.
    max_in: usize,
}

fn bad(msg: &str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, msg.to_owned())
}

impl Channel {
    /// `sock`, accepting frames of up to `max_in` bytes.
    pub fn new(sock: OwnedFd, max_in: usize) -> Self {
        Self { sock, max_in }
    }

    /// The socket.
    pub fn socket(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }

    /// The socket's fd number (for the seccomp filter's argument checks).
    pub fn socket_raw(&self) -> i32 {
        use std::os::fd::AsRawFd;
        self.sock.as_raw_fd()
    }

    /// Sends `bytes` with `fds` (at most [`MAX_FDS`]).
    pub fn send(&self, bytes: &[u8], fds: &[BorrowedFd<'_>]) -> io::Result<()> {
        if fds.len() > MAX_FDS {
            return Err(bad("too many fds for one frame"));
        }
        let len = u32::try_from(bytes.len()).map_err(|_| bad("frame too large"))?;
        let mut header = [0u8; HEADER];
        header[..4].copy_from_slice(&len.to_le_bytes());
        header[4..].copy_from_slice(&(fds.len() as u32).to_le_bytes());
        let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(MAX_FDS))];
        let mut control = SendAncillaryBuffer::new(&mut space);
        if !fds.is_empty() && !control.push(SendAncillaryMessage::ScmRights(fds)) {
            return Err(bad("fds do not fit the control buffer"));
        }
        let total = HEADER + bytes.len();
        let mut sent = 0;
        while sent < total {
            let (h, b) = if sent < HEADER {
                (header.get(sent..).unwrap_or_default(), bytes)
            } else {
                (&[][..], bytes.get(sent - HEADER..).unwrap_or_default())
            };
            let iov = [IoSlice::new(h), IoSlice::new(b)];
            match sendmsg(&self.sock, &iov, &mut control, SendFlags::NOSIGNAL) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => {
                    sent += n;
                    // The fds went with the first bytes.
                    control.clear();
                }
                Err(Errno::INTR) => {}
                Err(e) => return Err(e.into()),
            }
        }
        Ok(())
    }

    /// The next frame; `None` when the peer closed between frames.
    pub fn recv(&self) -> io::Result<Option<Frame>> {
        let mut fds = Vec::new();
        let mut header = [0u8; HEADER];
        let got = self.read_into(&mut header, &mut fds)?;
        if got == 0 {
            return Ok(None);
        }
        if got < HEADER {
            return Err(io::ErrorKind::UnexpectedEof.into());
        }
        let [l0, l1, l2, l3, n0, n1, n2, n3] = header;
        let len = u32::from_le_bytes([l0, l1, l2, l3]) as usize;
        let nfds = u32::from_le_bytes([n0, n1, n2, n3]) as usize;
        if len > self.max_in {
            return Err(bad("frame longer than allowed"));
        }
        let mut bytes = Vec::new();
        while bytes.len() < len {
            let start = bytes.len();
            bytes.resize(start + (len - start).min(CHUNK), 0);
            let part = bytes.get_mut(start..).unwrap_or_default();
            let want = part.len();
            if self.read_into(part, &mut fds)? < want {
                return Err(io::ErrorKind::UnexpectedEof.into());
            }
        }
        if fds.len() != nfds {
            return Err(bad("frame fds do not match its header"));
        }
        Ok(Some(Frame { bytes, fds }))
    }

    /// Fills `buf` (fewer bytes only at end of stream), collecting fds.
    fn read_into(&self, buf: &mut [u8], fds: &mut Vec<OwnedFd>) -> io::Result<usize> {
        let mut done = 0;
        while done < buf.len() {
            let mut space = [MaybeUninit::uninit(); rustix::cmsg_space!(ScmRights(MAX_FDS))];
            let mut control = RecvAncillaryBuffer::new(&mut space);
            let rest = buf.get_mut(done..).unwrap_or_default();
            let mut iov = [IoSliceMut::new(rest)];
            let msg = match recvmsg(&self.sock, &mut iov, &mut control, RecvFlags::CMSG_CLOEXEC) {
                Ok(m) => m,
                Err(Errno::INTR) => continue,
                Err(e) => return Err(e.into()),
            };
            for m in control.drain() {
                if let RecvAncillaryMessage::ScmRights(received) = m {
                    fds.extend(received);
                }
            }
            if fds.len() > MAX_FDS {
                return Err(bad("too many fds"));
            }
            if msg.flags.contains(rustix::net::ReturnFlags::CTRUNC) {
                return Err(bad("fds cut off"));
            }
            if msg.bytes == 0 {
                break;
            }
            done += msg.bytes;
        }
        Ok(done)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use rustix::net::{socketpair, AddressFamily, SocketFlags, SocketType};

    fn pair(max: usize) -> (Channel, Channel) {
        let (a, b) = socketpair(
            AddressFamily::UNIX,
            SocketType::STREAM,
            SocketFlags::CLOEXEC,
            None,
        )
        .unwrap();
        (Channel::new(a, max), Channel::new(b, max))
    }

    #[test]
    fn frames_carry_bytes_and_fds() {
        let (a, b) = pair(8 << 20);
        let big = vec![7u8; 3 << 20];
        let t = std::thread::spawn(move || {
            let f = rustix::fs::memfd_create("t", rustix::fs::MemfdFlags::CLOEXEC).unwrap();
            a.send(b"hello", &[f.as_fd()]).unwrap();
            a.send(&big, &[]).unwrap();
            a
        });
        let f = b.recv().unwrap().unwrap();
        assert_eq!(f.bytes, b"hello");
        assert_eq!(f.fds.len(), 1);
        let f = b.recv().unwrap().unwrap();
        assert_eq!(f.bytes.len(), 3 << 20);
        assert!(f.fds.is_empty());
        drop(t.join().unwrap());
        assert!(b.recv().unwrap().is_none());
    }

    #[test]
    fn oversized_frames_are_refused() {
        let (a, b) = pair(16);
        a.send(&[0; 17], &[]).unwrap();
        assert!(b.recv().is_err());
    }
}
