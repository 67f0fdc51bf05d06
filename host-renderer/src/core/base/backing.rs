//! Guest-visible backing stores, owned by the transport.
//!
//! A vtest shm mapping or a virtio-gpu guest page list is memory the guest can
//! change at any time, so the renderer never borrows it: it copies bytes in and
//! out through [`Backing`], one range at a time.

use crate::core::base::error::BackingError;
use parking_lot::Mutex;
use std::sync::Arc;

/// Bytes owned by the transport that back a resource (vtest-protocol.md §6.2 layout).
pub trait Backing: Send + Sync {
    /// Size in bytes.
    fn len(&self) -> u64;

    /// True when the backing has no bytes.
    fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Copies `dst.len()` bytes starting at `offset` out of the backing.
    fn read_at(&self, offset: u64, dst: &mut [u8]) -> Result<(), BackingError>;

    /// Copies `src` into the backing at `offset`.
    fn write_at(&self, offset: u64, src: &[u8]) -> Result<(), BackingError>;

    /// The file holding exactly these bytes from its offset 0, when they
    /// are one (a vtest memfd): a renderer in another process maps it
    /// rather than having every byte copied to it.
    fn shared_fd(&self) -> Option<std::os::fd::BorrowedFd<'_>> {
        None
    }
}

/// Checks that `offset..offset+len` lies inside `size` bytes and returns it as `usize`s.
pub fn check_range(offset: u64, len: u64, size: u64) -> Result<(usize, usize), BackingError> {
    let err = BackingError::OutOfRange { offset, len, size };
    let end = offset.checked_add(len).ok_or(err)?;
    if end > size {
        return Err(err);
    }
    let start = usize::try_from(offset).map_err(|_| err)?;
    let end = usize::try_from(end).map_err(|_| err)?;
    Ok((start, end))
}

/// A backing held in host memory: used by in-process replays and tests, and by
/// transports that copy guest memory themselves.
#[derive(Debug, Default)]
pub struct VecBacking {
    bytes: Mutex<Vec<u8>>,
}

impl VecBacking {
    /// `size` zero bytes (as a fresh memfd).
    pub fn zeroed(size: usize) -> Arc<Self> {
        Arc::new(Self {
            bytes: Mutex::new(vec![0; size]),
        })
    }

    /// A backing holding `bytes`.
    pub fn from_vec(bytes: Vec<u8>) -> Arc<Self> {
        Arc::new(Self {
            bytes: Mutex::new(bytes),
        })
    }

    /// A copy of the current contents.
    pub fn snapshot(&self) -> Vec<u8> {
        self.bytes.lock().clone()
    }

    /// Runs `f` on the contents.
    pub fn with<R>(&self, f: impl FnOnce(&mut Vec<u8>) -> R) -> R {
        f(&mut self.bytes.lock())
    }
}

impl Backing for VecBacking {
    fn len(&self) -> u64 {
        self.bytes.lock().len() as u64
    }

    fn read_at(&self, offset: u64, dst: &mut [u8]) -> Result<(), BackingError> {
        let bytes = self.bytes.lock();
        let (start, end) = check_range(offset, dst.len() as u64, bytes.len() as u64)?;
        if let Some(src) = bytes.get(start..end) {
            dst.copy_from_slice(src);
        }
        Ok(())
    }

    fn write_at(&self, offset: u64, src: &[u8]) -> Result<(), BackingError> {
        let mut bytes = self.bytes.lock();
        let size = bytes.len() as u64;
        let (start, end) = check_range(offset, src.len() as u64, size)?;
        if let Some(dst) = bytes.get_mut(start..end) {
            dst.copy_from_slice(src);
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_are_checked() {
        let b = VecBacking::zeroed(8);
        b.write_at(4, &[1, 2, 3, 4]).unwrap();
        assert!(b.write_at(5, &[1, 2, 3, 4]).is_err());
        assert!(b.write_at(u64::MAX, &[1]).is_err());
        let mut out = [0; 2];
        b.read_at(5, &mut out).unwrap();
        assert_eq!(out, [2, 3]);
        assert!(b.read_at(7, &mut out).is_err());
    }
}
