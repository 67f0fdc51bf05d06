//! The draw's vertex inputs: which elements the vertex shader reads, whether
//! any needs decoding on the CPU (then all are decoded, into `Float32x4`
//! buffers over the draw's vertex range, `Sint32x4`/`Uint32x4` for integer
//! attributes), and one wgpu vertex buffer per element (so element offsets
//! and strides need no shared buffer). Integer formats (`*_SINT`/`*_UINT`)
//! are fetched as integers, for the shader's integer inputs
//! (`Options::input_kinds`).
//!
//! Instances: a draw's instances count from 0 (`gl_InstanceID` leaves out
//! GL's base instance, `start_instance`), and instance `k` reads element
//! `start_instance + k / divisor` of an instance-rate element: with
//! divisor 1 its buffer is bound from element `start_instance` on. Divisors
//! above 1 (`glVertexAttribDivisor`): wgpu steps an instance buffer once per
//! instance, so such an element is decoded on the CPU and each of its
//! values repeated `divisor` times.

use super::indices::IndexSetup;
use super::vertex_convert;
use crate::core::base::error::{CommandError, DrawError};
use crate::core::base::ids::ResId;
use crate::core::record::recorder::Recorder;
use crate::core::record::transfer;
use crate::core::state::objects::CompiledShader;
use crate::core::validate::draw::BoundDraw;
use crate::core::validate::resource::attached;
use guest_protocol::virgl::{DrawVbo, Format, VertexElement};
use shader_translate::interface::Usage;

/// Vertices or instances decoded on the CPU at most per draw.
const MAX_CPU_VERTICES: u64 = super::indices::MAX_CPU_INDICES;

/// The vertex shader's inputs and how they are fed.
#[derive(Clone)]
pub(super) struct Inputs {
    /// Locations the vertex shader reads.
    pub used: Vec<u32>,
    /// Some used element needs decoding on the CPU (so all are decoded).
    pub cpu: bool,
}

/// The bound vertex elements.
fn elements<'a>(bound: &BoundDraw<'a>) -> &'a [VertexElement] {
    bound.sub.vertex_elements.as_deref().unwrap_or(&[])
}

impl Inputs {
    /// The inputs of `vs` under the bound vertex elements and buffers.
    pub(super) fn new(bound: &BoundDraw<'_>, vs: &CompiledShader) -> Self {
        let elements = elements(bound);
        let vbufs = &bound.sub.vertex_buffers;
        let used: Vec<u32> = vs
            .interface
            .inputs
            .iter()
            .filter_map(|v| match v.usage {
                Usage::Location { location, .. } => Some(location),
                _ => None,
            })
            .collect();
        let cpu = elements.iter().enumerate().any(|(i, e)| {
            let vb = vbufs.get(e.vertex_buffer_index.get() as usize);
            used.contains(&(i as u32))
                && (vertex_format(Format(e.src_format.get())).is_none()
                    || e.instance_divisor.get() > 1
                    || vb.is_some_and(|vb| {
                        vb.stride.get() % 4 != 0
                            || (vb.offset.get().wrapping_add(e.src_offset.get())) % 4 != 0
                    }))
        });
        Self { used, cpu }
    }
}

/// The draw's vertex buffers, one per used element.
pub(super) struct VertexSetup {
    /// Per buffer: stride, step mode, format, location (part of the pipeline key).
    pub key: Vec<(u64, wgpu::VertexStepMode, wgpu::VertexFormat, u32)>,
    /// Per buffer: the buffer and the offset bound.
    pub bind: Vec<(wgpu::Buffer, u64)>,
}

/// Binds (or decodes) one buffer per used element.
pub(super) fn setup(
    rec: &mut Recorder<'_>,
    bound: &BoundDraw<'_>,
    d: &DrawVbo,
    inputs: &Inputs,
    index: &IndexSetup,
) -> Result<VertexSetup, CommandError> {
    let gpu = rec.gpu;
    let mut out = VertexSetup {
        key: Vec::new(),
        bind: Vec::new(),
    };
    for (i, e) in elements(bound).iter().enumerate() {
        let loc = i as u32;
        if !inputs.used.contains(&loc) {
            continue;
        }
        let fmt = Format(e.src_format.get());
        let vf = if inputs.cpu {
            vertex_convert::layout(fmt)
                .ok_or(CommandError::Unsupported("vertex element format"))?
                .decoded_format()
        } else {
            vertex_format(fmt).ok_or(CommandError::Unsupported("vertex element format"))?
        };
        let divisor = e.instance_divisor.get();
        let step = if divisor == 0 {
            wgpu::VertexStepMode::Vertex
        } else {
            wgpu::VertexStepMode::Instance
        };
        let slot = e.vertex_buffer_index.get() as usize;
        let vb = bound
            .sub
            .vertex_buffers
            .get(slot)
            .copied()
            .ok_or(CommandError::Draw(DrawError::VertexBufferUnbound(slot)))?;
        let res = vb.res.get();
        // Fields borrowed apart: the GPU copy is synced through `rec.work`.
        let r = attached(rec.resources, rec.attached, res)?;
        let b = r.buffer().ok_or(CommandError::WrongResource {
            res,
            what: "vertex buffer",
        })?;
        let stride = u64::from(vb.stride.get());
        let offset = u64::from(vb.offset.get()) + u64::from(e.src_offset.get());
        if inputs.cpu {
            let l = vertex_convert::layout(fmt)
                .ok_or(CommandError::Unsupported("vertex element format"))?;
            let start = u64::from(d.start_instance);
            let instances = u64::from(d.instance_count);
            let data = if divisor == 0 {
                let (first, count) = index.vertex_range;
                vertex_convert::convert(&l, &b.shadow, offset, stride, first, count.max(1))
            } else {
                let values = start + instances.div_ceil(u64::from(divisor));
                if values.max(instances) > MAX_CPU_VERTICES {
                    return Err(CommandError::OutOfRange {
                        what: "instance range",
                        value: values.max(instances),
                    });
                }
                let decoded =
                    vertex_convert::convert(&l, &b.shadow, offset, stride, 0, values.max(1));
                repeat_per_instance(&decoded, start, instances, divisor)
            };
            // In the draw arena with the uniforms, like generated indices.
            let submissions = rec.work.submissions;
            let slice = rec
                .work
                .uniforms
                .alloc(gpu, submissions, &data, data.len() as u64)
                .ok_or(CommandError::Draw(DrawError::UniformArena))?;
            out.key.push((16, step, vf, loc));
            out.bind.push((slice.buffer, slice.offset));
            continue;
        }
        if stride % 4 != 0
            || offset % 4 != 0
            || stride > u64::from(gpu.limits.max_vertex_buffer_array_stride)
        {
            return Err(CommandError::Unsupported(
                "unaligned vertex buffer stride or offset",
            ));
        }
        // Instance-rate buffers start at the draw's base instance.
        let offset = match step {
            wgpu::VertexStepMode::Instance => stride
                .checked_mul(u64::from(d.start_instance))
                .and_then(|skip| offset.checked_add(skip))
                .ok_or(CommandError::OutOfRange {
                    what: "base instance",
                    value: u64::from(d.start_instance),
                })?,
            wgpu::VertexStepMode::Vertex => offset,
        };
        if offset >= b.size.div_ceil(4) * 4 {
            return Err(CommandError::OutOfRange {
                what: "vertex buffer offset",
                value: offset,
            });
        }
        transfer::sync_buffer(gpu, rec.work, ResId(res), b)?;
        out.key.push((stride, step, vf, loc));
        out.bind.push((b.gpu.clone(), offset));
        rec.work.mark(ResId(res));
    }
    if out.key.len() > gpu.limits.max_vertex_buffers as usize {
        return Err(CommandError::Unsupported(
            "more vertex elements than vertex buffers",
        ));
    }
    for loc in &inputs.used {
        if !out.key.iter().any(|k| k.3 == *loc) {
            return Err(CommandError::Draw(DrawError::InputWithoutElement(*loc)));
        }
    }
    Ok(out)
}

/// Decoded four-lane values for instances `0..count` of a draw from base
/// instance `start`: instance `k` gets `decoded[start + k / divisor]`.
fn repeat_per_instance(decoded: &[u8], start: u64, count: u64, divisor: u32) -> Vec<u8> {
    const VALUE: usize = 16;
    let value = |i: u64| {
        usize::try_from(i)
            .ok()
            .and_then(|i| decoded.get(i * VALUE..(i + 1) * VALUE))
            .unwrap_or(&[0; VALUE])
    };
    let mut out = Vec::with_capacity(usize::try_from(count.max(1)).unwrap_or(0) * VALUE);
    for k in 0..count.max(1) {
        out.extend_from_slice(value(start + k / u64::from(divisor.max(1))));
    }
    out
}

/// The wgpu vertex format reading `f` directly, if there is one.
fn vertex_format(f: Format) -> Option<wgpu::VertexFormat> {
    use wgpu::VertexFormat as V;
    Some(match f {
        Format::R32_FLOAT => V::Float32,
        Format::R32G32_FLOAT => V::Float32x2,
        Format::R32G32B32_FLOAT => V::Float32x3,
        Format::R32G32B32A32_FLOAT => V::Float32x4,
        Format::R16G16_FLOAT => V::Float16x2,
        Format::R16G16B16A16_FLOAT => V::Float16x4,
        Format::R8G8_UNORM => V::Unorm8x2,
        Format::R8G8B8A8_UNORM => V::Unorm8x4,
        Format::B8G8R8A8_UNORM => V::Unorm8x4Bgra,
        Format::R8G8_SNORM => V::Snorm8x2,
        Format::R8G8B8A8_SNORM => V::Snorm8x4,
        Format::R16G16_UNORM => V::Unorm16x2,
        Format::R16G16B16A16_UNORM => V::Unorm16x4,
        Format::R16G16_SNORM => V::Snorm16x2,
        Format::R16G16B16A16_SNORM => V::Snorm16x4,
        Format::R10G10B10A2_UNORM => V::Unorm10_10_10_2,
        Format::R8_UNORM => V::Unorm8,
        Format::R8_SNORM => V::Snorm8,
        Format::R16_UNORM => V::Unorm16,
        Format::R16_SNORM => V::Snorm16,
        Format::R16_FLOAT => V::Float16,
        Format::R8_UINT => V::Uint8,
        Format::R8G8_UINT => V::Uint8x2,
        Format::R8G8B8A8_UINT => V::Uint8x4,
        Format::R8_SINT => V::Sint8,
        Format::R8G8_SINT => V::Sint8x2,
        Format::R8G8B8A8_SINT => V::Sint8x4,
        Format::R16_UINT => V::Uint16,
        Format::R16G16_UINT => V::Uint16x2,
        Format::R16G16B16A16_UINT => V::Uint16x4,
        Format::R16_SINT => V::Sint16,
        Format::R16G16_SINT => V::Sint16x2,
        Format::R16G16B16A16_SINT => V::Sint16x4,
        Format::R32_UINT => V::Uint32,
        Format::R32G32_UINT => V::Uint32x2,
        Format::R32G32B32_UINT => V::Uint32x3,
        Format::R32G32B32A32_UINT => V::Uint32x4,
        Format::R32_SINT => V::Sint32,
        Format::R32G32_SINT => V::Sint32x2,
        Format::R32G32B32_SINT => V::Sint32x3,
        Format::R32G32B32A32_SINT => V::Sint32x4,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::repeat_per_instance;

    #[test]
    fn divisor_repeats_each_value_from_the_start_instance() {
        let decoded: Vec<u8> = (0u8..4).flat_map(|v| [v; 16]).collect();
        let out = repeat_per_instance(&decoded, 1, 5, 2);
        let firsts: Vec<u8> = out.chunks(16).map(|c| c[0]).collect();
        // From base instance 1, instance k reads element 1 + k/2.
        assert_eq!(firsts, [1, 1, 2, 2, 3]);
        // Elements past the buffer's decoded values read as zero, not a panic.
        let short = repeat_per_instance(&decoded[..16], 0, 3, 1);
        assert_eq!(short.len(), 48);
    }
}
