//! Shared-memory backings: a memfd of `data_size` bytes, mapped here and sent
//! to the client, which maps it too (vtest-protocol.md §6.1). The memfd is
//! sealed against shrinking and growing before anyone else sees it, so
//! neither the client nor a render worker can make our mapping fault.
//! Accesses copy through [`Mapping`](crate::mapping::Mapping).

use crate::core::backing::Backing;
use crate::core::error::BackingError;
use crate::mapping::Mapping;
use rustix::fs::{fcntl_add_seals, ftruncate, memfd_create, MemfdFlags, SealFlags};
use std::os::fd::{AsFd, BorrowedFd, OwnedFd};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

/// One memfd mapped `MAP_SHARED`, read-write.
pub struct ShmBacking {
    fd: OwnedFd,
    map: Mapping,
    live: Arc<AtomicUsize>,
}

impl std::fmt::Debug for ShmBacking {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ShmBacking")
            .field("len", &self.map.len())
            .finish_non_exhaustive()
    }
}

impl ShmBacking {
    /// A zero-filled memfd of `len` (> 0) bytes named `vtest-res-<handle>`,
    /// mapped. `live` counts the mappings that exist.
    pub fn new(handle: u32, len: u64, live: Arc<AtomicUsize>) -> std::io::Result<Self> {
        if len == 0 {
            return Err(std::io::ErrorKind::InvalidInput.into());
        }
        let fd = memfd_create(
            format!("vtest-res-{handle}"),
            MemfdFlags::CLOEXEC | MemfdFlags::ALLOW_SEALING,
        )?;
        ftruncate(&fd, len)?;
        fcntl_add_seals(&fd, SealFlags::SHRINK | SealFlags::GROW | SealFlags::SEAL)?;
        let map = Mapping::new(&fd, len)?;
        live.fetch_add(1, Ordering::Relaxed);
        Ok(Self { fd, map, live })
    }

    /// The memfd, to send to the client.
    pub fn fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl Drop for ShmBacking {
    fn drop(&mut self) {
        self.live.fetch_sub(1, Ordering::Relaxed);
    }
}

impl Backing for ShmBacking {
    fn len(&self) -> u64 {
        self.map.len()
    }

    fn read_at(&self, offset: u64, dst: &mut [u8]) -> Result<(), BackingError> {
        self.map.read_at(offset, dst)
    }

    fn write_at(&self, offset: u64, src: &[u8]) -> Result<(), BackingError> {
        self.map.write_at(offset, src)
    }

    fn shared_fd(&self) -> Option<BorrowedFd<'_>> {
        Some(self.fd.as_fd())
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
        // Sealed: the client cannot shrink it under our mapping.
        assert!(ftruncate(shm.fd(), 1).is_err());
        drop(shm);
        assert_eq!(live.load(Ordering::Relaxed), 0);
        assert!(ShmBacking::new(1, 0, live).is_err());
    }
}
