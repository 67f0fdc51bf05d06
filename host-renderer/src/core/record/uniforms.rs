//! Per-renderer draw arena: the constant buffers and driver uniforms of
//! draws, and the indices and vertices the CPU makes for them (generated or
//! rewritten indices, converted vertex formats), are sub-allocated from a
//! few large buffers instead of one fresh buffer each (bound as uniform
//! buffers, as read-only storage buffers for constant buffers too large for
//! a uniform binding, or as index and vertex buffers).
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

/// The offset alignment of slices: bindable as uniform and as read-only
/// storage buffers (large constant buffers) alike.
fn alignment(gpu: &Gpu) -> u64 {
    let l = &gpu.limits;
    u64::from(
        l.min_uniform_buffer_offset_alignment
            .max(l.min_storage_buffer_offset_alignment),
    )
    .max(16)
}

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
    /// The latest allocations `(offset, size)` in the current chunk since the
    /// last upload, newest last (at most [`RECENT`]): a draw whose uniforms
    /// equal one of them gets the same slice, so its bind group offsets stay
    /// the same and the pass need not bind them again.
    recent: Vec<(u64, u64)>,
}

/// How many recent allocations [`UniformArena::alloc`] compares against.
const RECENT: usize = 8;

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
        let align = alignment(gpu);
        let size = size.max(16).div_ceil(16) * 16;
        let data = data.get(..data.len().min(size as usize)).unwrap_or(data);
        if let Some(slice) = self.find_recent(submissions, data, size) {
            return Some(slice);
        }
        let fits = |c: &Chunk| c.used.div_ceil(align) * align + size <= c.buffer.size();
        let index = match self
            .current
            .filter(|&i| self.chunks.get(i).is_some_and(fits))
        {
            Some(i) => i,
            None => {
                self.recent.clear();
                self.fresh_chunk(gpu, submissions, size)?
            }
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
        if self.recent.len() == RECENT {
            self.recent.remove(0);
        }
        self.recent.push((offset, size));
        Some(UniformSlice {
            buffer: chunk.buffer.clone(),
            offset,
            size,
        })
    }

    /// A recent allocation of the current chunk, for the same submission,
    /// holding `data` zero-padded to `size` bytes.
    fn find_recent(&self, submissions: u64, data: &[u8], size: u64) -> Option<UniformSlice> {
        let chunk = self.chunks.get(self.current?)?;
        if chunk.last_use != submissions {
            return None;
        }
        let same = |&&(offset, len): &&(u64, u64)| {
            let Some(start) = offset.checked_sub(chunk.staged_from) else {
                return false;
            };
            let bytes = chunk.staged.get(start as usize..(start + len) as usize);
            len == size
                && bytes.is_some_and(|b| {
                    b.get(..data.len()) == Some(data)
                        && b.get(data.len()..)
                            .is_some_and(|t| t.iter().all(|x| *x == 0))
                })
        };
        let &(offset, size) = self.recent.iter().rev().find(same)?;
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
                usage: wgpu::BufferUsages::UNIFORM
                    | wgpu::BufferUsages::STORAGE
                    | wgpu::BufferUsages::INDEX
                    | wgpu::BufferUsages::VERTEX
                    | wgpu::BufferUsages::COPY_DST,
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
        self.recent.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slices_are_aligned_disjoint_and_recycled_once_submitted() {
        let gpu = Gpu::new().expect("a wgpu device (lavapipe)");
        let align = alignment(&gpu);
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

    #[test]
    fn equal_uniforms_of_one_submission_share_a_slice() {
        let gpu = Gpu::new().expect("a wgpu device (lavapipe)");
        let mut arena = UniformArena::default();
        let a = arena.alloc(&gpu, 0, &[1; 20], 20).expect("a");
        let b = arena.alloc(&gpu, 0, &[2; 16], 16).expect("b");
        // Equal bytes (zero padding included) and size: the same slice.
        let a2 = arena.alloc(&gpu, 0, &[1; 20], 32).expect("a2");
        assert_eq!((&a2.buffer, a2.offset, a2.size), (&a.buffer, a.offset, 32));
        let b2 = arena.alloc(&gpu, 0, &[2; 16], 16).expect("b2");
        assert_eq!(b2.offset, b.offset);
        // Other bytes, another size, or another submission: a new slice.
        let c = arena.alloc(&gpu, 0, &[1; 21], 32).expect("c");
        let d = arena.alloc(&gpu, 0, &[1; 20], 48).expect("d");
        assert!(c.offset > b.offset && d.offset > c.offset);
        arena.upload(&gpu);
        let e = arena.alloc(&gpu, 1, &[1; 20], 32).expect("e");
        assert!(e.offset > d.offset);
    }
}
