//! [`ReplyTracker`]: which answers the server still owes, in order, and the
//! negotiated protocol version that decides some of them.

use super::decode::{
    decode_reply, expected_replies, peek_header, reply_size, Expect, Progress, Size,
};
use super::error::{DecodeError, DecodeErrorKind, Limits};
use super::msg::{Reply, ReplyFrame, Request, VCmd};
use alloc::collections::VecDeque;

/// The client side's view of what comes back: a FIFO of [`Expect`]s, filled as
/// requests are sent and emptied as replies are decoded.
///
/// vtest replies carry no sequence number and some carry no header at all
/// (protocol-0 TRANSFER_GET data, the fd byte), and the caps v2 reply reuses
/// id 2, so a reply can only be framed by knowing which request it answers.
/// The tracker also follows the negotiated version (from the PROTOCOL_VERSION
/// answer), since RESOURCE_CREATE / RESOURCE_CREATE2 are answered with an id
/// only from version 3 on, and it skips the ping answer when the server turns
/// out not to know PING (its first answer is then the next request's).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReplyTracker {
    pending: VecDeque<Expect>,
    version: u32,
    limits: Limits,
}

impl ReplyTracker {
    /// An empty tracker at protocol version 0.
    pub fn new(limits: Limits) -> Self {
        Self {
            pending: VecDeque::new(),
            version: 0,
            limits,
        }
    }

    /// The protocol version the server agreed to (0 until it answered).
    pub fn version(&self) -> u32 {
        self.version
    }

    /// Overrides the protocol version (e.g. for a stream that starts mid-session).
    pub fn set_version(&mut self, version: u32) {
        self.version = version;
    }

    /// The limits replies are checked against.
    pub fn limits(&self) -> &Limits {
        &self.limits
    }

    /// Queues the answers `request` gets; call in the order requests are sent.
    pub fn expect_request(&mut self, request: &Request<'_>) {
        self.pending.extend(expected_replies(request));
    }

    /// Queues one answer.
    pub fn expect(&mut self, expect: Expect) {
        self.pending.push_back(expect);
    }

    /// The answers still owed, oldest first.
    pub fn pending(&self) -> impl ExactSizeIterator<Item = Expect> + '_ {
        self.pending.iter().copied()
    }

    /// True when no answer is owed that the server must send at this version.
    pub fn is_idle(&self) -> bool {
        self.pending
            .iter()
            .all(|e| matches!(e, Expect::ReplyIfV3(_)) && self.version < 3)
    }

    /// Drops owed answers the server will not send: v3-only ids below
    /// version 3, and the ping answer when `buf` starts with another id.
    /// Returns the answer now due, if any.
    fn resolve(&mut self, buf: &[u8]) -> Option<Expect> {
        loop {
            let front = *self.pending.front()?;
            let skip = match front {
                Expect::ReplyIfV3(_) => self.version < 3,
                Expect::Ping => match peek_header(buf) {
                    Some(header) => header.cmd() != VCmd::PING_PROTOCOL_VERSION,
                    None => false,
                },
                Expect::Reply(_) | Expect::Data { .. } | Expect::Fd => false,
            };
            if !skip {
                return Some(front);
            }
            self.pending.pop_front();
        }
    }

    /// The wire size of the reply at the start of `buf` (`offset`: its stream
    /// position). An error if bytes are present but nothing is owed.
    pub fn reply_size(&mut self, buf: &[u8], offset: u64) -> Result<Size, DecodeError> {
        match self.resolve(buf) {
            Some(expect) => reply_size(buf, offset, expect, &self.limits),
            None if buf.is_empty() => Ok(Size::AtLeast(1)),
            None => Err(no_reply_pending(offset)),
        }
    }

    /// Decodes the reply at the start of `buf` and, once it is whole, marks it
    /// received (and takes the version from a PROTOCOL_VERSION answer).
    pub fn decode<'a>(
        &mut self,
        buf: &'a [u8],
        offset: u64,
    ) -> Result<Progress<ReplyFrame<'a>>, DecodeError> {
        let Some(expect) = self.resolve(buf) else {
            if buf.is_empty() {
                return Ok(Progress::NeedMore { need: 1 });
            }
            return Err(no_reply_pending(offset));
        };
        let progress = decode_reply(buf, offset, expect, &self.limits)?;
        if let Progress::Done(frame) = &progress {
            self.pending.pop_front();
            if let Reply::ProtocolVersion(v) = frame.reply {
                self.version = v.version.get();
            }
        }
        Ok(progress)
    }
}

fn no_reply_pending(offset: u64) -> DecodeError {
    DecodeError::new(offset, VCmd(0), DecodeErrorKind::NoReplyPending)
}
