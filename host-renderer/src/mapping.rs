//! A file mapped `MAP_SHARED`, read-write, copied in and out through raw
//! pointers: the memory of a vtest shm (ours and the client's), and the same
//! memfd in a render worker.
//!
//! The mapping is memory another process writes at any time, so it is never
//! turned into a Rust reference: a torn read is that process's problem and
//! cannot break any invariant of ours (the bytes are plain data).

use crate::core::backing::{check_range, Backing};
use crate::core::error::BackingError;
use rustix::mm::{mmap, munmap, MapFlags, ProtFlags};
use std::os::fd::AsFd;

/// `len` bytes of a file, mapped shared from offset 0.
pub(crate) struct Mapping {
    ptr: *mut u8,
    len: usize,
}

// SAFETY: the mapping is owned by this value and lives until drop; every
// access copies through raw pointers inside checked bounds, and copies of
// plain bytes are sound from any thread (concurrent writers only produce
// torn data, as with any shared guest memory).
unsafe impl Send for Mapping {}
// SAFETY: as above; no method hands out references into the mapping.
unsafe impl Sync for Mapping {}

impl std::fmt::Debug for Mapping {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mapping")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl Mapping {
    /// Maps `len` (> 0) bytes of `fd`. The fd may be closed afterwards.
    pub(crate) fn new(fd: impl AsFd, len: u64) -> std::io::Result<Self> {
        let size = usize::try_from(len).map_err(|_| std::io::ErrorKind::InvalidInput)?;
        if size == 0 {
            return Err(std::io::ErrorKind::InvalidInput.into());
        }
        // SAFETY: a fresh shared mapping at an address the kernel picks;
        // nothing in this process aliases it. Bytes past the file's end
        // fault only when touched, and the files mapped here are sealed
        // against shrinking (vtest shms) or belong to a worker whose crash
        // takes no one else down.
        let ptr = unsafe {
            mmap(
                std::ptr::null_mut(),
                size,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::SHARED,
                fd,
                0,
            )?
        };
        Ok(Self {
            ptr: ptr.cast(),
            len: size,
        })
    }
}

impl Drop for Mapping {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` are exactly the mapping made in `new`, and no
        // reference into it exists (all accesses are copies).
        if let Err(e) = unsafe { munmap(self.ptr.cast(), self.len) } {
            tracing::warn!("munmap of a shared mapping failed: {e}");
        }
    }
}

impl Backing for Mapping {
    fn len(&self) -> u64 {
        self.len as u64
    }

    fn read_at(&self, offset: u64, dst: &mut [u8]) -> Result<(), BackingError> {
        let (start, _) = check_range(offset, dst.len() as u64, self.len as u64)?;
        // SAFETY: `start..start + dst.len()` lies inside the mapping (checked
        // above), the mapping is live for `&self`, and `dst` is our own
        // memory, so the ranges cannot overlap.
        unsafe {
            std::ptr::copy_nonoverlapping(self.ptr.add(start), dst.as_mut_ptr(), dst.len());
        }
        Ok(())
    }

    fn write_at(&self, offset: u64, src: &[u8]) -> Result<(), BackingError> {
        let (start, _) = check_range(offset, src.len() as u64, self.len as u64)?;
        // SAFETY: as in `read_at`, with the copy reversed.
        unsafe {
            std::ptr::copy_nonoverlapping(src.as_ptr(), self.ptr.add(start), src.len());
        }
        Ok(())
    }
}
