//! One descriptor chain taken apart: the device-readable bytes as one stream
//! and the device-writable ranges for the response, every range checked
//! against guest memory.

use virtio_queue::desc::split::Descriptor;
use virtio_queue::DescriptorChain;
use vm_memory::{Bytes, GuestAddress, GuestMemoryBackend, GuestMemoryMmap};

/// Largest readable part of one request the device copies (a SUBMIT_3D of
/// Mesa's largest command buffer, 256 KiB, or 16384 memory entries fit many times).
pub const MAX_REQUEST_BYTES: usize = 4 << 20;

/// Why a chain cannot be served as a request.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum ChainError {
    /// A buffer lies (partly) outside guest memory.
    #[error("descriptor {index} ({addr:#x}, {len} bytes) is outside guest memory")]
    OutsideRam {
        /// Position in the chain.
        index: usize,
        /// Guest address.
        addr: u64,
        /// Length.
        len: u32,
    },
    /// The chain does not end: it loops, or its next index is not readable.
    #[error("the descriptor chain does not terminate (loop or bad next index)")]
    Unterminated,
    /// A device-readable buffer follows a device-writable one.
    #[error("a device-readable descriptor follows a device-writable one")]
    ReadAfterWrite,
    /// The readable part is larger than [`MAX_REQUEST_BYTES`].
    #[error("request of {0} bytes exceeds the limit")]
    TooLarge(u64),
}

/// A chain's buffers: readable bytes copied out, writable ranges kept.
#[derive(Debug, Default)]
pub struct Chain {
    /// Descriptor table index of the head (for the used ring).
    pub head: u16,
    /// The device-readable part, concatenated.
    pub request: Vec<u8>,
    /// The device-writable buffers, in order (each inside guest memory).
    pub writable: Vec<(GuestAddress, u32)>,
}

impl Chain {
    /// Reads `chain`. On error, `writable` still holds the writable buffers
    /// (to answer with an error), unless one of them is outside guest memory;
    /// of a chain that does not end, only the first.
    pub fn read(
        mem: &GuestMemoryMmap,
        chain: DescriptorChain<&GuestMemoryMmap>,
    ) -> (Self, Result<(), ChainError>) {
        let mut out = Self {
            head: chain.head_index(),
            ..Self::default()
        };
        let r = out.fill(mem, chain);
        (out, r)
    }

    fn fill(
        &mut self,
        mem: &GuestMemoryMmap,
        chain: DescriptorChain<&GuestMemoryMmap>,
    ) -> Result<(), ChainError> {
        let mut last: Option<Descriptor> = None;
        let mut readable: Vec<(GuestAddress, usize)> = Vec::new();
        let mut total = 0u64;
        let mut first_error = None;
        let mut bad_writable = false;
        // Every descriptor is looked at, so that an error found in the
        // readable part can still be answered in the writable part.
        for (index, d) in chain.enumerate() {
            last = Some(d);
            let (addr, len) = (d.addr(), d.len());
            let size = usize::try_from(len).unwrap_or(usize::MAX);
            let error = if !mem.check_range(addr, size) {
                bad_writable |= d.is_write_only();
                Some(ChainError::OutsideRam {
                    index,
                    addr: addr.0,
                    len,
                })
            } else if d.is_write_only() {
                self.writable.push((addr, len));
                None
            } else if !self.writable.is_empty() {
                Some(ChainError::ReadAfterWrite)
            } else {
                total = total.saturating_add(u64::from(len));
                readable.push((addr, size));
                (total > MAX_REQUEST_BYTES as u64).then_some(ChainError::TooLarge(total))
            };
            first_error = first_error.or(error);
        }
        if bad_writable {
            // Part of the response would go nowhere: answer nothing.
            self.writable.clear();
        }
        // The iterator stops early on a loop (after queue-size steps) or an
        // unreadable next descriptor: the last one still says "next".
        if last.is_none_or(|d| d.has_next()) {
            // A loop repeats writable buffers: only the first is one the
            // guest really gave (the error answer must fit it alone).
            self.writable.truncate(1);
            return Err(ChainError::Unterminated);
        }
        if let Some(e) = first_error {
            return Err(e);
        }
        self.request = vec![0; total as usize];
        let mut at = 0usize;
        for (addr, size) in readable {
            let part = self
                .request
                .get_mut(at..at + size)
                .ok_or(ChainError::TooLarge(total))?;
            mem.read_slice(part, addr)
                .map_err(|_| ChainError::OutsideRam {
                    index: 0,
                    addr: addr.0,
                    len: size as u32,
                })?;
            at += size;
        }
        Ok(())
    }

    /// Bytes the writable buffers hold.
    pub fn writable_len(&self) -> u64 {
        self.writable.iter().map(|&(_, l)| u64::from(l)).sum()
    }

    /// Writes `bytes` across the writable buffers; returns the bytes written
    /// (all of them, or 0 when they do not fit).
    pub fn respond(&self, mem: &GuestMemoryMmap, bytes: &[u8]) -> u32 {
        if (bytes.len() as u64) > self.writable_len() {
            return 0;
        }
        let mut at = 0usize;
        for &(addr, len) in &self.writable {
            let n = (len as usize).min(bytes.len() - at);
            let Some(part) = bytes.get(at..at + n) else {
                return 0;
            };
            if mem.write_slice(part, addr).is_err() {
                return 0;
            }
            at += n;
            if at == bytes.len() {
                break;
            }
        }
        at as u32
    }
}
