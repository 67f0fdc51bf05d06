//! Shared-memory backings: a memfd of `data_size` bytes, mapped here and sent
//! to the client, which maps it too (vtest-protocol.md §6.1).
//!
//! The mapping is memory the client writes at any time, so it is only ever
//! copied through raw pointers ([`Backing::read_at`]/[`Backing::write_at`]),
//! never turned into a Rust reference: a torn read is the guest's problem and
//! cannot break any invariant of ours (the bytes are plain data).

use crate::core::backing::{check_range, Backing};
use crate::core::error::BackingError;
use rustix::fs::{ftruncate, memfd_create, MemfdFlags};
use rustix::mm::{mmap, munmap, MapFlags, ProtFlags};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// One memfd mapped `MAP_SHARED`, read-write.
pub struct ShmBacking {
    fd: OwnedFd,
    ptr: *mut u8,
    len: usize,
    live: Arc<AtomicUsize>,
}

// SAFETY: the mapping is owned by this value and lives until drop; every
// access copies through raw pointers inside checked bounds, and copies of
// plain bytes are sound from any thread (concurrent writers only produce
// torn data, as with any shared guest memory).
unsafe impl Send for ShmBacking {}
// SAFETY: as above; no method hands out references into the mapping.
unsafe impl Sync for ShmBacking {}

impl std::fmt::Debug for ShmBacking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShmBacking")
            .field("len", &self.len)
            .finish_non_exhaustive()
    }
}

impl ShmBacking {
    /// A zero-filled memfd of `len` (> 0) bytes named `vtest-res-<handle>`,
    /// mapped. `live` counts the mappings that exist.
    pub fn new(handle: u32, len: u64, live: Arc<AtomicUsize>) -> std::io::Result<Self> {
        let size = usize::try_from(len).map_err(|_| std::io::ErrorKind::InvalidInput)?;
        if size == 0 {
            return Err(std::io::ErrorKind::InvalidInput.into());
        }
        let fd = memfd_create(
            format!("vtest-res-{handle}"),
            MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING,
        )?;
        ftruncate(&fd, len)?;
        // SAFETY: a fresh shared mapping of a file we own, at an address the
        // kernel picks; `size` bytes exist (ftruncate above). Nothing else in
        // this process aliases it.
        let ptr = unsafe {
            mmap(
                std::ptr::null_mut(),
                size,
                ProtFlags::READ | ProtFlags::WRITE,
                MapFlags::SHARED,
                &fd,
                0,
            )?
        };
        live.fetch_add(1, Ordering::Relaxed);
        Ok(Self {
            fd,
            ptr: ptr.cast(),
            len: size,
            live,
        })
    }

    /// The memfd, to send to the client.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl Drop for ShmBacking {
    fn drop(&mut self) {
        // SAFETY: `ptr`/`len` are exactly the mapping made in `new`, and no
        // reference into it exists (all accesses are copies).
        if let Err(e) = unsafe { munmap(self.ptr.cast(), self.len) } {
            tracing::warn!("munmap of a vtest shm failed: {e}");
        }
        self.live.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Backing for ShmBacking {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memfd_round_trip_and_bounds() {
        let live = Arc::new(AtomicUsize::new(0));
        let shm = ShmBacking::new(1, 10, Arc::clone(&live)).unwrap();
        assert_eq!(live.load(Ordering::Relaxed), 1);
        shm.write_at(6, &[1, 2, 3, 4]).unwrap();
        assert!(shm.write_at(7, &[1, 2, 3, 4]).is_err());
        let mut out = [0; 3];
        shm.read_at(5, &mut out).unwrap();
        assert_eq!(out, [0, 1, 2]);
        assert!(shm.read_at(u64::MAX, &mut out).is_err());
        drop(shm);
        assert_eq!(live.load(Ordering::Relaxed), 0);
        assert!(ShmBacking::new(1, 0, live).is_err());
    }
}
