//! Stream output of a draw. Without geometry shaders the primitives a draw
//! writes are known here: its vertex count, topology and instances, and the
//! room left in each bound target (GL stops at the last whole primitive
//! that fits every buffer). The raw draw captures exactly those into a
//! capture buffer (`raw::capture`); then they are read back into the
//! targets' buffers at their write positions — the host copy of a buffer
//! is always current, so captured bytes go there and reach the GPU copy
//! like any other write — and the write positions move on. A geometry
//! shader's output is known only on the GPU: the capture buffer holds the
//! most it can emit, Vulkan's transform-feedback counters (after the
//! regions) say how much it did, and the primitives that fit are read back.

use crate::core::base::error::{CommandError, RawError, WgpuOp};
use crate::core::gpu::raw::XfbLimits;
use crate::core::record::raw::capture::capture_buffer;
use crate::core::record::raw::draw::Call;
use crate::core::record::raw::xfb_spirv::XfbOutput;
use crate::core::record::recorder::Recorder;
use crate::core::record::transfer::{map_read, mark_dirty};
use crate::core::resources::table::Resource;
use crate::core::state::stream_out::{StreamOutInfo, StreamoutTargetObj, MAX_SO_BUFFERS};
use guest_protocol::virgl::enums::PrimMode;
use std::sync::Arc;

/// Largest capture buffer one draw may need (bytes): what fits its
/// targets, which are guest buffers within the resource quota.
const MAX_CAPTURE_BYTES: u64 = 256 << 20;
/// Largest capture buffer made with room for every primitive of a draw
/// rather than only for those its targets take (bytes).
const MAX_SPARE_BYTES: u64 = 16 << 20;

/// One bound target a draw captures into.
struct Slot {
    /// Transform-feedback buffer slot.
    slot: u32,
    /// The target; `None` for a slot the shader writes with no target
    /// bound (captured into the capture buffer only).
    target: Option<Arc<StreamoutTargetObj>>,
    /// Bytes per vertex.
    stride: u64,
    /// Its region of the capture buffer.
    offset: u64,
    /// Bytes of the region.
    room: u64,
    /// Bytes the draw writes.
    size: u64,
    /// Byte ranges of a vertex the shader writes (the rest of the stride,
    /// GL's skipped components, keeps the buffer's bytes).
    spans: Vec<(u64, u64)>,
}

/// A geometry shader's capture: what bounds its output.
pub(super) struct GeometryCapture {
    /// The draw's input primitives (every instance), GL's count.
    pub inputs: u64,
    /// `GS_MAX_OUTPUT_VERTICES`: the most primitives one input primitive
    /// makes (a strip's vertices outnumber its primitives).
    pub max_vertices: u64,
    /// Vertices of each output primitive (1, 2 or 3).
    pub per: u64,
}

/// What a capturing draw writes.
pub(super) struct Capture {
    /// The vertex shader's captured outputs.
    pub outputs: Vec<XfbOutput>,
    /// Slot, offset and size of each region of `buffer`.
    pub regions: Vec<(u32, u64, u64)>,
    /// The capture buffer; `None` when no primitive fits.
    pub buffer: Option<wgpu::Buffer>,
    /// Primitives written (a geometry shader's: at most).
    pub written: u64,
    /// Primitives the draw generates (a geometry shader's: at most).
    pub total: u64,
    /// Offset in `buffer` of the transform-feedback counters, 4 bytes per
    /// slot (geometry shaders: the output is counted on the GPU).
    pub counters: Option<u64>,
    /// Vertices per captured primitive.
    per: u64,
    slots: Vec<Slot>,
}

/// The decorations of the outputs at `locations` (the translation's
/// capture locations, in the order of `info`'s ranges), checked against
/// the device's limits.
pub(super) fn outputs(
    info: &StreamOutInfo,
    locations: &[u32],
    limits: &XfbLimits,
) -> Result<Vec<XfbOutput>, CommandError> {
    if locations.len() != info.ranges.len() {
        return Err(CommandError::Vulkan(RawError::Missing(
            "a location for every stream-output range",
        )));
    }
    let mut out = Vec::with_capacity(locations.len());
    for (r, &location) in info.ranges.iter().zip(locations) {
        let stride = info.stride_bytes(usize::from(r.buffer));
        if u32::from(r.buffer) >= limits.buffers.min(MAX_SO_BUFFERS as u32)
            || stride > u64::from(limits.stride.min(limits.data_size))
        {
            return Err(CommandError::OutOfRange {
                what: "stream-output buffer or stride (device limits)",
                value: stride,
            });
        }
        if location >= limits.locations {
            return Err(CommandError::OutOfRange {
                what: "vertex output locations with stream output (device limits)",
                value: u64::from(location),
            });
        }
        out.push(XfbOutput {
            location,
            buffer: u32::from(r.buffer),
            offset: r.offset * 4,
            stride: stride as u32,
        });
    }
    Ok(out)
}

/// Vertices per primitive and primitives per instance of `n` vertices.
fn primitives(topology: wgpu::PrimitiveTopology, n: u64) -> (u64, u64) {
    use wgpu::PrimitiveTopology as T;
    match topology {
        T::PointList => (1, n),
        T::LineList => (2, n / 2),
        T::LineStrip => (2, n.saturating_sub(1)),
        T::TriangleList => (3, n / 3),
        T::TriangleStrip => (3, n.saturating_sub(2)),
    }
}

/// GL's count of the primitives `count` vertices of `mode` make (strips,
/// loops and fans counted as their separate primitives, as
/// `PRIMITIVES_GENERATED` counts them).
pub(crate) fn gl_primitives(mode: PrimMode, count: u32) -> u64 {
    let n = u64::from(count);
    match mode {
        PrimMode::POINTS => n,
        PrimMode::LINES => n / 2,
        PrimMode::LINE_LOOP if n >= 2 => n,
        PrimMode::LINE_STRIP => n.saturating_sub(1),
        PrimMode::TRIANGLES => n / 3,
        PrimMode::TRIANGLE_STRIP | PrimMode::TRIANGLE_FAN => n.saturating_sub(2),
        PrimMode::QUADS => n / 4,
        PrimMode::QUAD_STRIP => n.saturating_sub(2) / 2,
        PrimMode::POLYGON => u64::from(n >= 3),
        PrimMode::LINES_ADJACENCY => n / 4,
        PrimMode::LINE_STRIP_ADJACENCY => n.saturating_sub(3),
        PrimMode::TRIANGLES_ADJACENCY => n / 6,
        PrimMode::TRIANGLE_STRIP_ADJACENCY if n >= 6 => (n - 4) / 2,
        _ => 0,
    }
}

/// Vertices per primitive and primitives of `call` drawn as `topology`
/// (every instance).
pub(super) fn primitive_count(call: &Call, topology: wgpu::PrimitiveTopology) -> (u64, u64) {
    let (n, instances) = match call {
        Call::Plain {
            vertices,
            instances,
        } => (vertices.len(), instances.len()),
        Call::Indexed {
            indices, instances, ..
        } => (indices.len(), instances.len()),
    };
    let (per, prims) = primitives(topology, n as u64);
    (per, prims.saturating_mul(instances as u64))
}

/// The byte ranges of a vertex in buffer `slot` that `info` writes,
/// sorted and merged.
fn spans(info: &StreamOutInfo, slot: usize) -> Vec<(u64, u64)> {
    let mut ranges: Vec<(u64, u64)> = info
        .ranges
        .iter()
        .filter(|r| usize::from(r.buffer) == slot)
        .map(|r| (u64::from(r.offset) * 4, u64::from(r.count) * 4))
        .collect();
    ranges.sort_unstable();
    let mut out: Vec<(u64, u64)> = Vec::with_capacity(ranges.len());
    for (start, len) in ranges {
        match out.last_mut() {
            Some((s, l)) if *s + *l >= start => *l = (*l).max(start + len - *s),
            _ => out.push((start, len)),
        }
    }
    out
}

/// Plans the capture of `call` drawn as `topology` (or through geometry
/// shader `gs`) into the bound targets.
pub(super) fn plan(
    rec: &Recorder<'_>,
    targets: &[Option<Arc<StreamoutTargetObj>>],
    info: &StreamOutInfo,
    outputs: Vec<XfbOutput>,
    (topology, restart): (wgpu::PrimitiveTopology, bool),
    call: &Call,
    gs: Option<&GeometryCapture>,
) -> Result<Capture, CommandError> {
    // Restarts change how many primitives the vertices make; a geometry
    // shader's are counted on the GPU anyway.
    if restart && gs.is_none() {
        return Err(CommandError::Unsupported(
            "primitive restart while capturing stream output",
        ));
    }
    let (per, total) = match gs {
        Some(g) => (g.per, g.inputs.saturating_mul(g.max_vertices)),
        None => primitive_count(call, topology),
    };
    let mut slots = Vec::new();
    let mut written = total;
    let unbound = std::iter::repeat(&None);
    for (i, t) in targets
        .iter()
        .chain(unbound)
        .enumerate()
        .take(MAX_SO_BUFFERS)
    {
        let stride = info.stride_bytes(i);
        if stride == 0 {
            continue;
        }
        if let Some(t) = t {
            let room = t.size.saturating_sub(t.filled.lock().bytes);
            written = written.min(room / (per * stride));
        }
        slots.push(Slot {
            slot: i as u32,
            target: t.clone(),
            stride,
            offset: 0,
            room: 0,
            size: 0,
            spans: spans(info, i),
        });
    }
    // Regions hold every primitive of the draw where that is small enough
    // (lavapipe writes nothing into some of several buffers whose room
    // runs out mid-draw); only the `written` ones are read back.
    let region = |prims: u64| {
        slots
            .iter()
            .map(|s| prims.saturating_mul(per).saturating_mul(s.stride))
            .fold(0u64, u64::saturating_add)
    };
    // A geometry shader's regions take everything it may emit: its
    // generated count is what the GPU wrote.
    let room = if gs.is_some() || region(total) <= MAX_SPARE_BYTES.max(region(written)) {
        total
    } else {
        written
    };
    if region(room) > MAX_CAPTURE_BYTES {
        return Err(CommandError::OutOfRange {
            what: "bytes captured by one draw",
            value: region(room),
        });
    }
    let mut end = 0u64;
    for s in &mut slots {
        s.offset = end;
        s.size = if gs.is_some() { room } else { written } * per * s.stride;
        s.room = room * per * s.stride;
        end += s.room;
    }
    let counters = gs.is_some().then_some(end);
    if counters.is_some() {
        end += 4 * MAX_SO_BUFFERS as u64;
    }
    let buffer = match (end, rec.gpu.raw.as_ref()) {
        (0, _) => None,
        (size, Some(raw)) => Some(capture_buffer(raw, &rec.gpu.device, size)?),
        (_, None) => return Err(CommandError::Unsupported("stream output")),
    };
    Ok(Capture {
        outputs,
        regions: slots
            .iter()
            .filter(|s| s.size > 0)
            .map(|s| (s.slot, s.offset, s.room))
            .collect(),
        buffer,
        written,
        total,
        counters,
        per,
        slots,
    })
}

impl Capture {
    /// A geometry shader's primitives: those it emitted (the counters of
    /// the slots in `data`, the read-back capture buffer) and of those the
    /// ones every target has room for.
    fn counted(&self, data: &[u8], counters: u64) -> (u64, u64) {
        let total = self
            .slots
            .iter()
            .filter(|s| s.room > 0)
            .map(|s| {
                let at = (counters + 4 * u64::from(s.slot)) as usize;
                let bytes = data
                    .get(at..at + 4)
                    .and_then(|b| <[u8; 4]>::try_from(b).ok())
                    .map_or(0, |b| u64::from(u32::from_le_bytes(b)));
                bytes.min(s.room) / (self.per * s.stride)
            })
            .min()
            .unwrap_or(0);
        let written = self
            .slots
            .iter()
            .filter_map(|s| {
                let t = s.target.as_ref()?;
                let room = t.size.saturating_sub(t.filled.lock().bytes);
                Some(room / (self.per * s.stride))
            })
            .fold(total, u64::min);
        (written, total)
    }
}

/// After the raw draw: reads the captured bytes back into the targets'
/// buffers at their write positions and moves the positions on; returns
/// the primitives written and generated.
pub(super) fn finish(rec: &mut Recorder<'_>, c: &Capture) -> Result<(u64, u64), CommandError> {
    let gpu = rec.gpu;
    let data = match &c.buffer {
        Some(buffer) => {
            let staging = gpu.device.create_buffer(&wgpu::BufferDescriptor {
                label: Some("capture readback"),
                size: buffer.size(),
                usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
                mapped_at_creation: false,
            });
            gpu.checked(WgpuOp::Readback, || {
                rec.work
                    .encoder(gpu)
                    .copy_buffer_to_buffer(buffer, 0, &staging, 0, buffer.size());
            })?;
            if let Some(e) = rec.work.flush(gpu) {
                return Err(CommandError::Wgpu(e));
            }
            map_read(gpu, &staging)?
        }
        None => Vec::new(),
    };
    let (written, total) = match c.counters {
        Some(counters) => c.counted(&data, counters),
        None => (c.written, c.total),
    };
    for (s, target) in c.slots.iter().filter_map(|s| Some((s, s.target.as_ref()?))) {
        let size = written * c.per * s.stride;
        let mut filled = target.filled.lock();
        let at = target.offset + filled.bytes;
        let bytes = data
            .get(s.offset as usize..(s.offset + size) as usize)
            .unwrap_or(&[]);
        let b = rec
            .resources
            .get_mut(&target.res)
            .and_then(Resource::buffer_mut)
            .ok_or(CommandError::NoResource(target.res.0))?;
        for (v, vertex) in bytes.chunks_exact(s.stride as usize).enumerate() {
            let base = at + v as u64 * s.stride;
            for &(start, len) in &s.spans {
                let (from, to) = (start as usize, (start + len) as usize);
                let dst = (base + start) as usize..(base + start + len) as usize;
                if let (Some(src), Some(dst)) = (vertex.get(from..to), b.shadow.get_mut(dst)) {
                    dst.copy_from_slice(src);
                }
            }
        }
        if !bytes.is_empty() {
            mark_dirty(b, at, bytes.len() as u64);
        }
        filled.bytes += size;
        filled.stride = s.stride;
    }
    Ok((written, total))
}
