//! The worker protocol: message tags and how a backing travels.
//!
//! The front end sends one request ([`call`]) and reads until its answer
//! ([`to_front::ANSWER`]); meanwhile the worker may ask to read or write a
//! backing that is not a file ([`to_front::READ`], [`to_front::WRITE`]),
//! which the front end serves ([`to_worker`]) after checking the backing
//! is one it lent for this worker and the range lies inside it. Every
//! message is one [`Channel`](super::channel::Channel) frame: its tag, then
//! its fields ([`codec`](super::codec)).

/// Requests, one per [`RendererBackend`](crate::RendererBackend) call
/// (`resource_info` is answered by the front end from its own table), and
/// `INIT` first.
pub(super) mod call {
    /// Quotas and limits: the worker opens its device, jails itself and
    /// answers.
    pub const INIT: u8 = 0;
    pub const CAPSET: u8 = 1;
    pub const CREATE_CONTEXT: u8 = 2;
    pub const DESTROY_CONTEXT: u8 = 3;
    pub const CREATE_RESOURCE: u8 = 4;
    pub const SET_BACKING: u8 = 5;
    pub const ATTACH: u8 = 6;
    pub const DETACH: u8 = 7;
    pub const UNREF: u8 = 8;
    pub const TRANSFER_IN: u8 = 9;
    pub const TRANSFER_OUT: u8 = 10;
    pub const READ_IMAGE: u8 = 11;
    pub const SUBMIT: u8 = 12;
    pub const CREATE_FENCE: u8 = 13;
    pub const POLL_FENCES: u8 = 14;
    pub const WAIT: u8 = 15;
    pub const USAGE: u8 = 16;
    pub const STARTED_WORK_DONE: u8 = 17;
}

/// The front end's answers to a worker's backing access.
pub(super) mod to_worker {
    /// The bytes read.
    pub const DATA: u8 = 20;
    /// The write is done.
    pub const WRITTEN: u8 = 21;
    /// Refused: unknown backing or range outside it.
    pub const REFUSED: u8 = 22;
}

/// What a worker sends.
pub(super) mod to_front {
    /// The answer to the call in flight.
    pub const ANSWER: u8 = 30;
    /// Read `len` bytes at `offset` of backing `key`.
    pub const READ: u8 = 31;
    /// Write bytes at `offset` of backing `key`.
    pub const WRITE: u8 = 32;
}

/// How a backing is passed (`Option<Arc<dyn Backing>>`, or the memory of
/// one transfer).
pub(super) mod backing {
    /// None.
    pub const NONE: u8 = 0;
    /// A file, sent with the frame: `len`. The worker maps it.
    pub const FILE: u8 = 1;
    /// Not a file: `key`, `len`. The worker reads and writes it through
    /// the front end.
    pub const PROXY: u8 = 2;
}

/// The key of the memory passed with one transfer call (lent for that
/// call only); resources' backings get keys from 1 on.
pub(super) const CALL_KEY: u64 = 0;

/// Longest backing access one message carries; larger ones are split.
pub(super) const MAX_ACCESS: usize = 16 << 20;
