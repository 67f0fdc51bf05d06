//! Fenced responses waiting for their GPU work: one FIFO per timeline (the
//! global one, or a context's ring), so a later fence never completes before
//! an earlier one on the same timeline.

use std::collections::{HashMap, VecDeque};

/// A fence timeline: the device-global one (`None`) or `(ctx_id, ring_idx)`.
pub type Timeline = Option<(u32, u8)>;

/// Why a fenced request was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum FenceError {
    /// The fence id does not increase on its timeline.
    #[error("fence {fence_id} after fence {last} on the same timeline")]
    OutOfOrder {
        /// The new id.
        fence_id: u64,
        /// The last id seen.
        last: u64,
    },
}

/// A response held back until the renderer signals its fence.
#[derive(Debug)]
pub struct Held<R> {
    /// The renderer fence (device-internal sequence) it waits for.
    pub seq: u64,
    /// What to complete.
    pub response: R,
}

/// Held responses of every timeline.
#[derive(Debug)]
pub struct Fences<R> {
    last: HashMap<Timeline, u64>,
    held: HashMap<Timeline, VecDeque<Held<R>>>,
    next_seq: u64,
    signalled: u64,
}

impl<R> Default for Fences<R> {
    fn default() -> Self {
        Self {
            last: HashMap::new(),
            held: HashMap::new(),
            next_seq: 1,
            signalled: 0,
        }
    }
}

impl<R> Fences<R> {
    /// Checks that `fence_id` increases on `timeline` and records it.
    pub fn accept(&mut self, timeline: Timeline, fence_id: u64) -> Result<(), FenceError> {
        if let Some(&last) = self.last.get(&timeline) {
            if fence_id <= last {
                return Err(FenceError::OutOfOrder { fence_id, last });
            }
        }
        self.last.insert(timeline, fence_id);
        Ok(())
    }

    /// Holds `response` until renderer fence `seq` (from [`Fences::next_seq`]) signals.
    pub fn hold(&mut self, timeline: Timeline, seq: u64, response: R) {
        self.held
            .entry(timeline)
            .or_default()
            .push_back(Held { seq, response });
    }

    /// A fresh renderer fence sequence number (increasing).
    pub fn next_seq(&mut self) -> u64 {
        let seq = self.next_seq;
        self.next_seq += 1;
        seq
    }

    /// Records that renderer fences up to `seq` signalled (they signal in
    /// submission order).
    pub fn signalled(&mut self, seq: u64) {
        self.signalled = self.signalled.max(seq);
    }

    /// Responses whose work is done, each timeline in order.
    pub fn take_done(&mut self) -> Vec<R> {
        let mut out = Vec::new();
        for queue in self.held.values_mut() {
            while queue.front().is_some_and(|h| h.seq <= self.signalled) {
                if let Some(h) = queue.pop_front() {
                    out.push(h.response);
                }
            }
        }
        self.held.retain(|_, q| !q.is_empty());
        out
    }

    /// Every response still held, each timeline in order (the renderer
    /// fences they waited for are forgotten).
    pub fn take_all(&mut self) -> Vec<R> {
        self.held
            .drain()
            .flat_map(|(_, q)| q)
            .map(|h| h.response)
            .collect()
    }

    /// Responses still held.
    pub fn pending(&self) -> usize {
        self.held.values().map(VecDeque::len).sum()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn in_order_per_timeline() {
        let mut f = Fences::default();
        let ring = Some((1, 0));
        f.accept(ring, 5).unwrap();
        assert!(f.accept(ring, 5).is_err());
        f.accept(None, 1).unwrap();
        let (a, b) = (f.next_seq(), f.next_seq());
        f.hold(ring, b, "late");
        f.hold(None, a, "early");
        f.signalled(a);
        assert_eq!(f.take_done(), vec!["early"]);
        assert_eq!(f.pending(), 1);
        f.signalled(b);
        assert_eq!(f.take_done(), vec!["late"]);
    }
}
