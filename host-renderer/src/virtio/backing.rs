//! A resource's backing made of guest pages: the scatter-gather list of a
//! RESOURCE_ATTACH_BACKING, checked against guest memory when attached and
//! copied through `vm-memory` (which checks every access again), so nothing
//! the guest writes can make the device touch memory outside guest RAM.

use crate::core::backing::{check_range, Backing};
use crate::core::error::BackingError;
use guest_protocol::virtio_gpu::MemEntry;
use vm_memory::{Address, Bytes, GuestAddress, GuestMemoryBackend, GuestMemoryMmap};

/// Why an entry list was refused.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
pub enum PagesError {
    /// An entry is empty or lies (partly) outside guest RAM.
    #[error("memory entry {index} ({addr:#x}, {len} bytes) is not inside guest RAM")]
    OutsideRam {
        /// Position in the list.
        index: usize,
        /// Guest-physical address.
        addr: u64,
        /// Length.
        len: u32,
    },
}

/// One contiguous piece of the backing.
#[derive(Clone, Copy, Debug)]
struct Piece {
    /// Offset of the piece in the backing.
    start: u64,
    addr: GuestAddress,
    len: u64,
}

/// The concatenated guest ranges of one ATTACH_BACKING.
#[derive(Debug)]
pub struct GuestPages {
    mem: GuestMemoryMmap,
    pieces: Vec<Piece>,
    len: u64,
}

impl GuestPages {
    /// Checks every entry against `mem` (non-empty, inside RAM) and builds
    /// the backing.
    pub fn new(mem: &GuestMemoryMmap, entries: &[MemEntry]) -> Result<Self, PagesError> {
        let mut pieces = Vec::with_capacity(entries.len());
        let mut len = 0u64;
        for (index, e) in entries.iter().enumerate() {
            let (addr, elen) = (e.addr.get(), e.length.get());
            let bad = PagesError::OutsideRam {
                index,
                addr,
                len: elen,
            };
            let size = usize::try_from(elen).map_err(|_| bad)?;
            if elen == 0 || !mem.check_range(GuestAddress(addr), size) {
                return Err(bad);
            }
            pieces.push(Piece {
                start: len,
                addr: GuestAddress(addr),
                len: u64::from(elen),
            });
            // At most 16384 entries of < 4 GiB: cannot overflow.
            len = len.saturating_add(u64::from(elen));
        }
        Ok(Self {
            mem: mem.clone(),
            pieces,
            len,
        })
    }

    /// Calls `f(guest address, start, end)` for each part of
    /// `offset..offset+len` (`start..end` indexes the caller's buffer).
    fn walk(
        &self,
        offset: u64,
        len: usize,
        mut f: impl FnMut(GuestAddress, usize, usize) -> Result<(), BackingError>,
    ) -> Result<(), BackingError> {
        check_range(offset, len as u64, self.len)?;
        let first = self
            .pieces
            .partition_point(|p| p.start.saturating_add(p.len) <= offset);
        let mut done = 0usize;
        for p in self.pieces.iter().skip(first) {
            if done >= len {
                break;
            }
            let at = offset + done as u64;
            let inner = at.saturating_sub(p.start);
            let n = (p.len - inner).min((len - done) as u64) as usize;
            let addr = p.addr.checked_add(inner).ok_or(self.fault(offset, len))?;
            f(addr, done, done + n)?;
            done += n;
        }
        Ok(())
    }

    fn fault(&self, offset: u64, len: usize) -> BackingError {
        BackingError::OutOfRange {
            offset,
            len: len as u64,
            size: self.len,
        }
    }
}

impl Backing for GuestPages {
    fn len(&self) -> u64 {
        self.len
    }

    fn read_at(&self, offset: u64, dst: &mut [u8]) -> Result<(), BackingError> {
        let n = dst.len();
        self.walk(offset, n, |addr, s, e| {
            let part = dst.get_mut(s..e).ok_or(self.fault(offset, n))?;
            self.mem
                .read_slice(part, addr)
                .map_err(|_| self.fault(offset, n))
        })
    }

    fn write_at(&self, offset: u64, src: &[u8]) -> Result<(), BackingError> {
        let n = src.len();
        self.walk(offset, n, |addr, s, e| {
            let part = src.get(s..e).ok_or(self.fault(offset, n))?;
            self.mem
                .write_slice(part, addr)
                .map_err(|_| self.fault(offset, n))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use guest_protocol::le::{Le32, Le64};

    fn entry(addr: u64, len: u32) -> MemEntry {
        MemEntry {
            addr: Le64::new(addr),
            length: Le32::new(len),
            padding: Le32::new(0),
        }
    }

    #[test]
    fn pieces_concatenate_and_stay_in_ram() {
        let mem = GuestMemoryMmap::from_ranges(&[(GuestAddress(0), 0x4000)]).unwrap();
        let pages = GuestPages::new(&mem, &[entry(0x3000, 4), entry(0x100, 4)]).unwrap();
        pages.write_at(2, &[1, 2, 3, 4]).unwrap();
        let mut out = [0u8; 2];
        mem.read_slice(&mut out, GuestAddress(0x3002)).unwrap();
        assert_eq!(out, [1, 2]);
        mem.read_slice(&mut out, GuestAddress(0x100)).unwrap();
        assert_eq!(out, [3, 4]);
        assert!(pages.write_at(6, &[0; 4]).is_err());
        assert_eq!(
            GuestPages::new(&mem, &[entry(0x3f00, 0x200)]).unwrap_err(),
            PagesError::OutsideRam {
                index: 0,
                addr: 0x3f00,
                len: 0x200
            }
        );
        assert!(GuestPages::new(&mem, &[entry(u64::MAX, 1)]).is_err());
    }
}
