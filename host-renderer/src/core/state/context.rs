//! A renderer context: its sub-contexts, attached resources and the errors
//! recorded against it (virgl-protocol.md §1.2).

use super::sub_context::SubContext;
use crate::core::base::error::{CommandError, ErrorChain};
use crate::core::base::ids::{CtxId, ResId};
use crate::core::base::quota::Quotas;
use std::collections::{HashMap, HashSet};
use std::fmt;

/// Errors kept per context (older ones are counted, not kept).
pub const MAX_KEPT_ERRORS: usize = 64;
/// Sub-contexts per context.
pub const MAX_SUB_CONTEXTS: usize = 256;

/// An error recorded against a context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextErrorRecord {
    /// Submit number (from 1) in which it happened.
    pub submit: u64,
    /// Byte offset of the command in that buffer.
    pub offset: usize,
    /// The opcode's name.
    pub opcode: &'static str,
    /// What went wrong (its `source` chain says why).
    pub error: CommandError,
}

impl fmt::Display for ContextErrorRecord {
    /// `submit N OPCODE @offset: what failed: why: …` on one line.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "submit {} {} @{}: {}",
            self.submit,
            self.opcode,
            self.offset,
            ErrorChain(&self.error)
        )
    }
}

/// A renderer context.
#[derive(Debug)]
pub struct Context {
    /// Its id.
    pub id: CtxId,
    /// Debug name from the transport.
    pub name: String,
    /// Sub-contexts by id; 0 always exists.
    pub subs: HashMap<u32, SubContext>,
    /// Current sub-context.
    pub current: u32,
    /// Resources attached to this context.
    pub resources: HashSet<ResId>,
    /// Recent errors.
    pub errors: Vec<ContextErrorRecord>,
    /// All errors ever recorded.
    pub error_count: u64,
    /// Submits executed.
    pub submits: u64,
    /// Errors already handed to the front end in a submit's report (errors
    /// recorded between submits, when deferred GPU work is submitted, go
    /// into the next report).
    pub reported: u64,
    /// Objects it may hold, all sub-contexts together (`Quotas`).
    pub max_objects: usize,
}

impl Context {
    /// A context with sub-context 0.
    pub fn new(id: CtxId, name: &str) -> Self {
        let mut subs = HashMap::new();
        subs.insert(0, SubContext::default());
        Self {
            id,
            name: name.to_owned(),
            subs,
            current: 0,
            resources: HashSet::new(),
            errors: Vec::new(),
            error_count: 0,
            submits: 0,
            reported: 0,
            max_objects: Quotas::DEFAULT.objects_per_context,
        }
    }

    /// Objects of all its sub-contexts.
    pub fn object_count(&self) -> usize {
        self.subs.values().map(|s| s.objects.len()).sum()
    }

    /// Records an error.
    pub fn record(&mut self, offset: usize, opcode: &'static str, error: CommandError) {
        tracing::debug!(
            ctx = self.id.0,
            name = self.name,
            offset,
            opcode,
            "command failed: {}",
            ErrorChain(&error)
        );
        self.error_count += 1;
        if self.errors.len() < MAX_KEPT_ERRORS {
            self.errors.push(ContextErrorRecord {
                submit: self.submits,
                offset,
                opcode,
                error,
            });
        }
    }
}
