//! Per-connection views: the two byte streams, the events positioned in them,
//! and the decoded vtest messages in wire order.

use super::format::{FdInfo, RecordKind, ShmWrite};
use super::read::Capture;
use crate::vtest::{
    decode_request, DecodeError, Limits, Progress, ReplyFrame, ReplyTracker, RequestFrame,
};
use std::vec::Vec;

/// What happened on a connection, positioned in its byte streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum EventKind<'a> {
    /// CONN_OPEN JSON.
    Open(&'a str),
    /// CONN_CLOSE JSON.
    Close(&'a str),
    /// Client → server bytes `c2s[start..end]`, one `recvmsg` worth; `fds`
    /// came with byte `end - 1`.
    C2s {
        /// First byte in the C2S stream.
        start: usize,
        /// One past the last byte.
        end: usize,
        /// fds attached to byte `end - 1` (none in these captures).
        fds: &'a [FdInfo],
    },
    /// Server → client bytes `s2c[start..end]`; `fds` came with byte `end - 1`.
    S2c {
        /// First byte in the S2C stream.
        start: usize,
        /// One past the last byte.
        end: usize,
        /// fds attached to byte `end - 1` (the fd message).
        fds: &'a [FdInfo],
    },
    /// Shared memory as the client wrote it: apply before the server sees C2S
    /// byte `at`.
    ShmPreC2s {
        /// C2S stream position the write precedes.
        at: usize,
        /// The change.
        write: ShmWrite<'a>,
    },
    /// Shared memory seen just before S2C byte `at` was forwarded: server
    /// output (compare after reading the S2C chunk at `at`) or client data
    /// (write it in then). See FORMAT.md "how to replay".
    ShmPreS2c {
        /// S2C stream position the change came with.
        at: usize,
        /// The change.
        write: ShmWrite<'a>,
    },
    /// The client unref'd the resource behind `fd_id`.
    FdDrop {
        /// C2S stream position when it was seen.
        c2s_at: usize,
        /// The fd.
        fd_id: u32,
        /// Its resource handle.
        handle: u32,
    },
}

/// One event with its time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Event<'a> {
    /// Nanoseconds since the recorder started.
    pub t_ns: u64,
    /// Offset of its record in the uncompressed file.
    pub record_offset: u64,
    /// What happened.
    pub kind: EventKind<'a>,
}

/// One connection of a capture: both byte streams and the ordered events.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Connection<'a> {
    /// Connection number.
    pub conn: u16,
    /// CONN_OPEN JSON, if recorded.
    pub open: Option<&'a str>,
    /// CONN_CLOSE JSON, if recorded.
    pub close: Option<&'a str>,
    /// Every client → server byte, concatenated.
    pub c2s: Vec<u8>,
    /// Every server → client byte, concatenated.
    pub s2c: Vec<u8>,
    /// Everything in record order.
    pub events: Vec<Event<'a>>,
}

impl Capture {
    /// The view of connection `conn` (empty if it has no records).
    pub fn connection(&self, conn: u16) -> Connection<'_> {
        let mut c = Connection {
            conn,
            open: None,
            close: None,
            c2s: Vec::new(),
            s2c: Vec::new(),
            events: Vec::new(),
        };
        for r in self.records().filter(|r| r.conn == conn) {
            let kind = match r.kind {
                RecordKind::CONN_OPEN => {
                    let json = r.json().unwrap_or_default();
                    c.open = Some(json);
                    EventKind::Open(json)
                }
                RecordKind::CONN_CLOSE => {
                    let json = r.json().unwrap_or_default();
                    c.close = Some(json);
                    EventKind::Close(json)
                }
                RecordKind::C2S => {
                    let start = c.c2s.len();
                    c.c2s.extend_from_slice(r.payload);
                    EventKind::C2s {
                        start,
                        end: c.c2s.len(),
                        fds: r.fds,
                    }
                }
                RecordKind::S2C => {
                    let start = c.s2c.len();
                    c.s2c.extend_from_slice(r.payload);
                    EventKind::S2c {
                        start,
                        end: c.s2c.len(),
                        fds: r.fds,
                    }
                }
                RecordKind::SHM_PRE_C2S | RecordKind::SHM_PRE_S2C => {
                    // Payload length was checked when the capture was parsed.
                    let Some(write) = r.shm() else { continue };
                    if r.kind == RecordKind::SHM_PRE_C2S {
                        EventKind::ShmPreC2s {
                            at: c.c2s.len(),
                            write,
                        }
                    } else {
                        EventKind::ShmPreS2c {
                            at: c.s2c.len(),
                            write,
                        }
                    }
                }
                RecordKind::FD_DROP => {
                    let Some(body) = r.fd_drop() else { continue };
                    EventKind::FdDrop {
                        c2s_at: c.c2s.len(),
                        fd_id: body.fd_id.get(),
                        handle: body.handle.get(),
                    }
                }
                _ => continue,
            };
            c.events.push(Event {
                t_ns: r.t_ns,
                record_offset: r.offset,
                kind,
            });
        }
        c
    }

    /// Every connection, in order of first appearance.
    pub fn connections(&self) -> Vec<Connection<'_>> {
        self.connection_ids()
            .into_iter()
            .map(|id| self.connection(id))
            .collect()
    }
}

/// A decoded message or a non-stream event, in wire order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Item<'a> {
    /// CONN_OPEN JSON.
    Open(&'a str),
    /// CONN_CLOSE JSON.
    Close(&'a str),
    /// A request, placed at the chunk that completed it.
    Request(RequestFrame<'a>),
    /// A reply, placed at the chunk that completed it, with its fds.
    Reply {
        /// The reply.
        frame: ReplyFrame<'a>,
        /// fds attached to its bytes (non-empty for the fd message).
        fds: &'a [FdInfo],
    },
    /// See [`EventKind::ShmPreC2s`].
    ShmPreC2s {
        /// C2S position the write precedes.
        at: usize,
        /// The change.
        write: ShmWrite<'a>,
    },
    /// See [`EventKind::ShmPreS2c`].
    ShmPreS2c {
        /// S2C position the change came with.
        at: usize,
        /// The change.
        write: ShmWrite<'a>,
    },
    /// See [`EventKind::FdDrop`].
    FdDrop {
        /// The fd.
        fd_id: u32,
        /// Its resource handle.
        handle: u32,
    },
}

/// A connection decoded into messages (for `pv3d dump` and replays).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Transcript<'a> {
    /// Messages and events in the order they happened.
    pub items: Vec<Item<'a>>,
    /// The first decoding error; decoding stopped there.
    pub error: Option<DecodeError>,
    /// C2S bytes left over at the end: a half-sent last request.
    pub c2s_tail: usize,
    /// S2C bytes left over at the end: a half-sent last reply.
    pub s2c_tail: usize,
}

impl<'a> Connection<'a> {
    /// The S2C fds in order, each with the stream position of its byte.
    pub fn s2c_fds(&self) -> impl Iterator<Item = (usize, &'a FdInfo)> + '_ {
        self.events.iter().flat_map(|e| {
            let (end, fds): (usize, &'a [FdInfo]) = match e.kind {
                EventKind::S2c { end, fds, .. } => (end, fds),
                _ => (0, &[]),
            };
            fds.iter().map(move |f| (end.saturating_sub(1), f))
        })
    }

    /// Every request in the C2S stream: `Ok`s, then at most one `Err` (a
    /// half-sent last request shows as [`Truncated`](crate::vtest::DecodeErrorKind::Truncated)).
    pub fn requests(&self, limits: Limits) -> Requests<'_> {
        Requests {
            stream: &self.c2s,
            pos: 0,
            limits,
            done: false,
        }
    }

    /// Decodes both streams, interleaved as the chunks arrived.
    pub fn transcript(&self, limits: Limits) -> Transcript<'_> {
        let mut t = Transcript {
            items: Vec::new(),
            error: None,
            c2s_tail: 0,
            s2c_tail: 0,
        };
        let mut tracker = ReplyTracker::new(limits);
        let (mut c2s_pos, mut s2c_pos) = (0usize, 0usize);
        let fd_chunks: Vec<(usize, &[FdInfo])> = self
            .events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::S2c { end, fds, .. } if !fds.is_empty() => {
                    Some((end.saturating_sub(1), fds))
                }
                _ => None,
            })
            .collect();
        for event in &self.events {
            let item = match event.kind {
                EventKind::Open(json) => Some(Item::Open(json)),
                EventKind::Close(json) => Some(Item::Close(json)),
                EventKind::ShmPreC2s { at, write } => Some(Item::ShmPreC2s { at, write }),
                EventKind::ShmPreS2c { at, write } => Some(Item::ShmPreS2c { at, write }),
                EventKind::FdDrop { fd_id, handle, .. } => Some(Item::FdDrop { fd_id, handle }),
                EventKind::C2s { .. } | EventKind::S2c { .. } => None,
            };
            if let Some(item) = item {
                t.items.push(item);
                continue;
            }
            let result = match event.kind {
                EventKind::C2s { end, .. } => {
                    let stream = self.c2s.get(..end).unwrap_or_default();
                    decode_requests(stream, &mut c2s_pos, &limits, &mut tracker, &mut t.items)
                }
                EventKind::S2c { end, .. } => {
                    let stream = self.s2c.get(..end).unwrap_or_default();
                    decode_replies(stream, &mut s2c_pos, &mut tracker, &fd_chunks, &mut t.items)
                }
                _ => Ok(()),
            };
            if let Err(e) = result {
                t.error = Some(e);
                break;
            }
        }
        t.c2s_tail = self.c2s.len().saturating_sub(c2s_pos);
        t.s2c_tail = self.s2c.len().saturating_sub(s2c_pos);
        t
    }
}

/// Decodes the requests that are whole in `stream[*pos..]`.
fn decode_requests<'s>(
    stream: &'s [u8],
    pos: &mut usize,
    limits: &Limits,
    tracker: &mut ReplyTracker,
    items: &mut Vec<Item<'s>>,
) -> Result<(), DecodeError> {
    while let Some(rest) = stream.get(*pos..).filter(|r| !r.is_empty()) {
        match decode_request(rest, *pos as u64, limits)? {
            Progress::Done(frame) => {
                tracker.expect_request(&frame.request);
                *pos += frame.size;
                items.push(Item::Request(frame));
            }
            Progress::NeedMore { .. } => break,
        }
    }
    Ok(())
}

/// Decodes the replies that are whole in `stream[*pos..]`.
fn decode_replies<'s>(
    stream: &'s [u8],
    pos: &mut usize,
    tracker: &mut ReplyTracker,
    fd_chunks: &[(usize, &'s [FdInfo])],
    items: &mut Vec<Item<'s>>,
) -> Result<(), DecodeError> {
    while let Some(rest) = stream.get(*pos..).filter(|r| !r.is_empty()) {
        match tracker.decode(rest, *pos as u64)? {
            Progress::Done(frame) => {
                let span = *pos..*pos + frame.size;
                let fds = fd_chunks
                    .iter()
                    .find(|(at, _)| span.contains(at))
                    .map_or(&[][..], |(_, fds)| *fds);
                *pos += frame.size;
                items.push(Item::Reply { frame, fds });
            }
            Progress::NeedMore { .. } => break,
        }
    }
    Ok(())
}

/// Iterator over the requests of a complete C2S stream.
#[derive(Clone, Debug)]
pub struct Requests<'a> {
    stream: &'a [u8],
    pos: usize,
    limits: Limits,
    done: bool,
}

impl<'a> Iterator for Requests<'a> {
    type Item = Result<RequestFrame<'a>, DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let rest = self.stream.get(self.pos..).unwrap_or_default();
        if rest.is_empty() {
            self.done = true;
            return None;
        }
        let offset = self.pos as u64;
        match decode_request(rest, offset, &self.limits) {
            Ok(Progress::Done(frame)) => {
                self.pos += frame.size;
                Some(Ok(frame))
            }
            Ok(Progress::NeedMore { need }) => {
                self.done = true;
                let cmd =
                    crate::vtest::peek_header(rest).map_or(crate::vtest::VCmd(0), |h| h.cmd());
                Some(Err(DecodeError::new(
                    offset,
                    cmd,
                    crate::vtest::DecodeErrorKind::Truncated {
                        what: "message",
                        need: need as u64,
                        have: rest.len() as u64,
                    },
                )))
            }
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
