//! The draw's indices: straight from the guest's index buffer where wgpu
//! can read it, else generated on the CPU (8-bit indices widened, restart
//! indices other than all-ones rewritten, unaligned offsets, and every draw
//! whose primitives are assembled on the CPU), rebased onto the converted
//! range when vertices are decoded on the CPU.

use super::assemble::assemble;
use super::primitive::Primitive;
use crate::core::base::error::{CommandError, DrawError};
use crate::core::base::ids::ResId;
use crate::core::record::recorder::Recorder;
use crate::core::record::transfer;
use crate::core::validate::draw::BoundDraw;
use crate::core::validate::resource::attached;
use guest_protocol::virgl::DrawVbo;

/// Indices generated on the CPU at most per draw.
pub(super) const MAX_CPU_INDICES: u64 = 16 << 20;

/// Index data prepared for a draw.
pub(super) enum Indices {
    /// Draw straight from the guest's buffer.
    Guest {
        /// The index buffer.
        buffer: wgpu::Buffer,
        /// Its index format.
        format: wgpu::IndexFormat,
        /// Byte offset of the first index.
        offset: u64,
        /// First index drawn.
        first: u32,
    },
    /// CPU-generated u32 indices.
    Generated(Vec<u32>),
    /// Non-indexed.
    None,
}

/// The draw's indices and how they address vertices.
pub(super) struct IndexSetup {
    /// The indices.
    pub indices: Indices,
    /// Added to each index.
    pub base_vertex: i32,
    /// First vertex and vertex count decoded on the CPU (CPU vertices only).
    pub vertex_range: (u64, u64),
}

/// Prepares the indices of `d` (assembling CPU primitives into `prim`'s
/// topology, and setting its strip index format); `None` when no vertex is
/// left to draw.
pub(super) fn setup(
    rec: &mut Recorder<'_>,
    bound: &BoundDraw<'_>,
    d: &DrawVbo,
    prim: &mut Primitive,
    cpu_vertices: bool,
) -> Result<Option<IndexSetup>, CommandError> {
    let mut setup = IndexSetup {
        indices: Indices::None,
        base_vertex: 0,
        vertex_range: (0, 0),
    };
    if d.indexed {
        setup.indices = from_index_buffer(rec, bound, d, prim.cpu)?;
        setup.base_vertex = d.index_bias;
    } else if prim.cpu {
        if u64::from(d.count) > MAX_CPU_INDICES {
            return Err(CommandError::OutOfRange {
                what: "vertex count",
                value: u64::from(d.count),
            });
        }
        setup.indices = Indices::Generated((0..d.count).map(|i| d.start.wrapping_add(i)).collect());
    }
    if let Indices::Generated(list) = &mut setup.indices {
        if prim.cpu {
            let restart = d.indexed && d.primitive_restart;
            let (l, t) = assemble(list, prim.mode, prim.rotate, restart)
                .ok_or(CommandError::Unsupported("primitive mode"))?;
            *list = l;
            prim.topology = t;
        }
    }
    // CPU-decoded vertices: indices are rebased onto the converted range.
    if cpu_vertices {
        if let Indices::Generated(list) = &mut setup.indices {
            let Some(range) = rebase(list, setup.base_vertex)? else {
                return Ok(None);
            };
            setup.base_vertex = 0;
            setup.vertex_range = range;
        }
    }
    let strip_now = matches!(
        prim.topology,
        wgpu::PrimitiveTopology::LineStrip | wgpu::PrimitiveTopology::TriangleStrip
    );
    if strip_now && prim.is_strip {
        prim.strip_index = match &setup.indices {
            Indices::Guest { format, .. } => Some(*format),
            Indices::Generated(_) => Some(wgpu::IndexFormat::Uint32),
            Indices::None => None,
        };
    }
    Ok(Some(setup))
}

/// The bound index buffer's indices for `d`: the guest's buffer, or a CPU
/// copy where wgpu cannot draw from it (`cpu`: primitives are assembled on
/// the CPU).
fn from_index_buffer(
    rec: &mut Recorder<'_>,
    bound: &BoundDraw<'_>,
    d: &DrawVbo,
    cpu: bool,
) -> Result<Indices, CommandError> {
    let ib = bound
        .sub
        .index_buffer
        .ok_or(CommandError::Draw(DrawError::NoIndexBuffer))?;
    // Fields borrowed apart: the GPU copy is synced through `rec.work`.
    let r = attached(rec.resources, rec.attached, ib.res)?;
    let b = r.buffer().ok_or(CommandError::WrongResource {
        res: ib.res,
        what: "index buffer",
    })?;
    let size = u64::from(ib.index_size);
    // The reference host fetches indexed draws from the index buffer
    // offset alone: Mesa folds `start` into SET_INDEX_BUFFER's offset and
    // `start` is informational (verified byte-exact on glxgears); an
    // indirect draw's first index comes on top.
    let start = u64::from(ib.offset) + u64::from(bound.first_index) * size;
    let end = start + u64::from(d.count) * size;
    if end > b.size {
        return Err(CommandError::OutOfRange {
            what: "index range",
            value: end,
        });
    }
    let max = if size == 4 { u32::MAX } else { 0xffff };
    let custom_restart = d.primitive_restart && d.restart_index != max;
    let indices = if cpu || size == 1 || custom_restart || start % 4 != 0 {
        let raw = b
            .shadow
            .get(start as usize..end as usize)
            .unwrap_or_default();
        let mut list: Vec<u32> = match size {
            1 => raw.iter().map(|&i| u32::from(i)).collect(),
            2 => raw
                .chunks_exact(2)
                .map(|c| u32::from(u16::from_le_bytes([le(c, 0), le(c, 1)])))
                .collect(),
            _ => raw
                .chunks_exact(4)
                .map(|c| u32::from_le_bytes([le(c, 0), le(c, 1), le(c, 2), le(c, 3)]))
                .collect(),
        };
        if d.primitive_restart {
            for i in &mut list {
                if *i == d.restart_index {
                    *i = u32::MAX;
                }
            }
        }
        Indices::Generated(list)
    } else {
        transfer::sync_buffer(rec.gpu, rec.work, ResId(ib.res), b)?;
        Indices::Guest {
            buffer: b.gpu.clone(),
            format: if size == 2 {
                wgpu::IndexFormat::Uint16
            } else {
                wgpu::IndexFormat::Uint32
            },
            offset: start,
            first: 0,
        }
    };
    rec.work.mark(ResId(ib.res));
    Ok(indices)
}

/// Rebases `list` (plus `base_vertex`) onto the lowest vertex it reads;
/// returns that vertex and the vertex count, `None` when it reads none.
fn rebase(list: &mut [u32], base_vertex: i32) -> Result<Option<(u64, u64)>, CommandError> {
    let live = list
        .iter()
        .filter(|&&i| i != u32::MAX)
        .map(|&i| i64::from(i) + i64::from(base_vertex));
    let (lo, hi) = live.fold((i64::MAX, i64::MIN), |(lo, hi), v| (lo.min(v), hi.max(v)));
    if lo > hi {
        return Ok(None);
    }
    if lo < 0 || (hi - lo) as u64 >= MAX_CPU_INDICES {
        return Err(CommandError::OutOfRange {
            what: "vertex range",
            value: (hi - lo) as u64,
        });
    }
    for i in list.iter_mut().filter(|i| **i != u32::MAX) {
        *i = (i64::from(*i) + i64::from(base_vertex) - lo) as u32;
    }
    Ok(Some((lo as u64, (hi - lo + 1) as u64)))
}

/// Byte `i` of `c` (0 past the end).
fn le(c: &[u8], i: usize) -> u8 {
    c.get(i).copied().unwrap_or(0)
}
