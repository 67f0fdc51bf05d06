//! Per-renderer uniform arena: the constant buffers and driver uniforms of
//! draws are sub-allocated from a few large buffers instead of one fresh
//! buffer each.
//!
//! Allocations are staged in memory and uploaded with one
//! `Queue::write_buffer` per chunk just before the submit that reads them
//! ([`UniformArena::upload`], called by `Work::flush`). Queue writes are
//! ordered after earlier submits, so a chunk may be refilled as soon as the
//! commands reading it have been submitted; a chunk that unsubmitted commands
//! read is never reused.

use crate::core::gpu::device::Gpu;

/// Size of one arena chunk (a larger allocation gets a chunk of its own).
const CHUNK_SIZE: u64 = 1 << 20;

/// Bytes allocated since the last submit past which draws submit first
/// (`Work::flush_writes`, which also makes every chunk reusable), bounding
/// the arena's memory.
pub const MAX_PENDING: u64 = 32 << 20;

/// A sub-allocation: a range of one arena buffer.
#[derive(Clone, Debug)]
pub struct UniformSlice {
    /// The arena buffer.
    pub buffer: wgpu::Buffer,
    /// Byte offset in it (aligned for uniform binding).
    pub offset: u64,
    /// Byte size.
    pub size: u64,
}

/// One arena buffer and the bytes staged for it.
struct Chunk {
    buffer: wgpu::Buffer,
    /// Bytes allocated so far.
    used: u64,
    /// Offset of the first byte not yet uploaded.
    staged_from: u64,
    /// Bytes `staged_from..used`, to upload before the next submit.
    staged: Vec<u8>,
    /// Submission count when it was last allocated from: in use by
    /// unsubmitted commands while the count has not moved on.
    last_use: u64,
}

/// Uniform data of pending draws, sub-allocated from reusable buffers.
#[derive(Default)]
pub struct UniformArena {
    chunks: Vec<Chunk>,
    /// Index of the chunk allocations go to.
    current: Option<usize>,
    /// Bytes allocated since the last upload.
    pending: u64,
}

impl UniformArena {
    /// Sub-allocates `size` bytes (rounded up to 16) holding `data`, cut or
    /// zero-padded to fit, for commands recorded before submission number
    /// `submissions` is made (None only if the arena's bookkeeping is broken).
    pub fn alloc(
        &mut self,
        gpu: &Gpu,
        submissions: u64,
        data: &[u8],
        size: u64,
    ) -> Option<UniformSlice> {
        let align = u64::from(gpu.limits.min_uniform_buffer_offset_alignment).max(16);
        let size = size.max(16).div_ceil(16) * 16;
        let data = data.get(..data.len().min(size as usize)).unwrap_or(data);
        let fits = |c: &Chunk| c.used.div_ceil(align) * align + size <= c.buffer.size();
        let index = match self
            .current
            .filter(|&i| self.chunks.get(i).is_some_and(fits))
        {
            Some(i) => i,
            None => self.fresh_chunk(gpu, submissions, size)?,
        };
        self.current = Some(index);
        let chunk = self.chunks.get_mut(index)?;
        let offset = chunk.used.div_ceil(align) * align;
        chunk
            .staged
            .resize((offset - chunk.staged_from) as usize, 0);
        chunk.staged.extend_from_slice(data);
        chunk
            .staged
            .resize((offset + size - chunk.staged_from) as usize, 0);
        chunk.used = offset + size;
        chunk.last_use = submissions;
        self.pending = self.pending.saturating_add(size);
        Some(UniformSlice {
            buffer: chunk.buffer.clone(),
            offset,
            size,
        })
    }

    /// True when so much is staged that pending work should be submitted.
    pub fn is_full(&self) -> bool {
        self.pending >= MAX_PENDING
    }

    /// A chunk free for `size` bytes: a submitted one recycled, or a new one.
    fn fresh_chunk(&mut self, gpu: &Gpu, submissions: u64, size: u64) -> Option<usize> {
        let free = self
            .chunks
            .iter()
            .position(|c| c.last_use < submissions && c.buffer.size() >= size);
        if let Some(i) = free {
            let c = self.chunks.get_mut(i)?;
            c.used = 0;
            c.staged_from = 0;
            c.staged.clear();
            return Some(i);
        }
        self.chunks.push(Chunk {
            buffer: gpu.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("uniform arena"),
                size: size.max(CHUNK_SIZE),
                usage: wgpu::BufferUsages::UNIFORM | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            }),
            used: 0,
            staged_from: 0,
            staged: Vec::new(),
            last_use: submissions,
        });
        Some(self.chunks.len() - 1)
    }

    /// Queues the staged bytes of every chunk; call right before a submit.
    pub fn upload(&mut self, gpu: &Gpu) {
        for c in &mut self.chunks {
            if !c.staged.is_empty() {
                gpu.queue.write_buffer(&c.buffer, c.staged_from, &c.staged);
                c.staged.clear();
            }
            c.staged_from = c.used;
        }
        self.pending = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_are_aligned_disjoint_and_recycled_once_submitted() {
        let gpu = Gpu::new().expect("a wgpu device (lavapipe)");
        let align = u64::from(gpu.limits.min_uniform_buffer_offset_alignment).max(16);
        let mut arena = UniformArena::default();
        let a = arena.alloc(&gpu, 0, &[1; 20], 20).expect("a");
        let b = arena.alloc(&gpu, 0, &[2; 40], 4).expect("b");
        assert_eq!((a.offset, a.size, b.size), (0, 32, 16));
        assert_eq!(b.offset % align, 0);
        assert!(b.offset >= a.offset + a.size);
        assert_eq!(a.buffer, b.buffer);
        // The chunk is full and read by unsubmitted commands: a new one.
        let big = arena.alloc(&gpu, 0, &[], CHUNK_SIZE).expect("big");
        assert_ne!(big.buffer, a.buffer);
        arena.upload(&gpu);
        // Submitted: the first chunk is refilled from its start.
        let c = arena.alloc(&gpu, 1, &[], CHUNK_SIZE).expect("c");
        assert_eq!((&c.buffer, c.offset), (&a.buffer, 0));
        assert!(!arena.is_full());
    }
}
