//! Read-back buffers: kept for reuse between read-backs (a guest that reads
//! its frame back every frame would otherwise have a buffer allocated,
//! zeroed and freed each time), and mapped without copying their contents
//! out, so rows go from the mapping straight into the guest's memory.

use crate::core::base::error::{Shared, TransferError};
use crate::core::gpu::device::Gpu;

/// Buffers kept at most.
const MAX_POOLED: usize = 4;
/// The largest buffer kept.
const MAX_POOLED_BYTES: u64 = 64 << 20;
/// A kept buffer serves a read-back of at least this fraction of its size.
const MAX_WASTE: u64 = 4;

/// Free read-back buffers (`MAP_READ | COPY_DST`).
#[derive(Default)]
pub struct ReadbackPool {
    free: Vec<wgpu::Buffer>,
}

impl ReadbackPool {
    /// A buffer of at least `size` bytes: a kept one not much larger, or a
    /// new one.
    pub fn take(&mut self, gpu: &Gpu, size: u64) -> wgpu::Buffer {
        let fits =
            |b: &wgpu::Buffer| b.size() >= size && b.size() <= size.saturating_mul(MAX_WASTE);
        if let Some(i) = self.free.iter().position(fits) {
            return self.free.swap_remove(i);
        }
        gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("readback"),
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        })
    }

    /// Keeps `buffer` (unmapped) for a later read-back, unless the pool is
    /// full or it is too large to keep.
    pub fn give(&mut self, buffer: wgpu::Buffer) {
        if buffer.size() <= MAX_POOLED_BYTES && self.free.len() < MAX_POOLED {
            self.free.push(buffer);
        }
    }
}

/// A read-back buffer whose first `len` bytes are mapped for reading.
pub struct Mapped {
    buffer: wgpu::Buffer,
    len: u64,
}

impl Mapped {
    /// Maps the first `len` bytes of `buffer` (after the submission that
    /// fills them), waiting for the GPU.
    pub fn new(gpu: &Gpu, buffer: wgpu::Buffer, len: u64) -> Result<Self, TransferError> {
        map(gpu, &buffer.slice(..len))?;
        Ok(Self { buffer, len })
    }

    /// The mapped bytes (every view must be dropped before
    /// [`Mapped::release`]).
    pub fn view(&self) -> Result<wgpu::BufferView, TransferError> {
        self.buffer
            .get_mapped_range(..self.len)
            .map_err(|e| TransferError::MapRange(Shared::new(e)))
    }

    /// Unmaps the buffer and hands it back to `pool`.
    pub fn release(self, pool: &mut ReadbackPool) {
        self.buffer.unmap();
        pool.give(self.buffer);
    }
}

/// Maps `slice` for reading and waits until it is mapped.
pub fn map(gpu: &Gpu, slice: &wgpu::BufferSlice<'_>) -> Result<(), TransferError> {
    let (tx, rx) = std::sync::mpsc::channel();
    slice.map_async(wgpu::MapMode::Read, move |r| {
        let _ = tx.send(r);
    });
    // Wait for this mapping only, not for work other contexts queued
    // after it: every slice of waiting runs the callbacks of what finished.
    let mapped = loop {
        match rx.try_recv() {
            Ok(r) => break r,
            Err(std::sync::mpsc::TryRecvError::Empty) => {
                gpu.wait(None, Some(crate::core::gpu::device::WAIT_SLICE));
            }
            Err(std::sync::mpsc::TryRecvError::Disconnected) => {
                return Err(TransferError::MapDropped)
            }
        }
    };
    mapped.map_err(TransferError::Map)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_are_reused_when_not_much_larger_and_the_pool_is_bounded() {
        let gpu = Gpu::new().expect("a wgpu device (lavapipe)");
        let mut pool = ReadbackPool::default();
        let a = pool.take(&gpu, 4096);
        let a_id = a.clone();
        pool.give(a);
        // A smaller read-back within the waste bound gets the kept buffer.
        let b = pool.take(&gpu, 2048);
        assert_eq!(b, a_id);
        pool.give(b);
        // One far smaller, or larger, gets a new one.
        assert_ne!(pool.take(&gpu, 256), a_id);
        assert_ne!(pool.take(&gpu, 8192), a_id);
        for _ in 0..MAX_POOLED + 2 {
            pool.give(pool_buffer(&gpu));
        }
        assert_eq!(pool.free.len(), MAX_POOLED);
        // Too large to keep.
        let mut empty = ReadbackPool::default();
        empty.give(gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: None,
            size: MAX_POOLED_BYTES + 4,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        }));
        assert!(empty.free.is_empty());
    }

    fn pool_buffer(gpu: &Gpu) -> wgpu::Buffer {
        ReadbackPool::default().take(gpu, 64)
    }
}
