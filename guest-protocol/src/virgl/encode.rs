//! The virgl command encoder: the exact bytes for a [`Command`].
//!
//! It mirrors the decoder field by field, so `decode(encode(x)) == x`; the
//! guest side, tests and benches build command buffers with it.

use super::cmd::*;
use super::opcode::Opcode;
use crate::le::Le32;
use crate::wire::{push_dword, Dwords};
use alloc::vec::Vec;

/// Why a command could not be encoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum EncodeError {
    /// The payload does not fit the header's 16-bit length.
    #[error("{opcode} payload of {len} dwords exceeds 65535")]
    TooLong {
        /// The command.
        opcode: Opcode,
        /// Its payload length in dwords.
        len: usize,
    },
}

/// Builds a command buffer.
#[derive(Clone, Debug, Default)]
pub struct Encoder {
    out: Vec<u8>,
}

impl Encoder {
    /// An empty buffer.
    pub fn new() -> Self {
        Self::default()
    }

    /// Appends one command.
    pub fn push(&mut self, cmd: &Command<'_>) -> Result<&mut Self, EncodeError> {
        encode(cmd, &mut self.out)?;
        Ok(self)
    }

    /// The bytes written so far.
    pub fn as_bytes(&self) -> &[u8] {
        &self.out
    }

    /// Size in bytes.
    pub fn len(&self) -> usize {
        self.out.len()
    }

    /// True when nothing was written.
    pub fn is_empty(&self) -> bool {
        self.out.is_empty()
    }

    /// Takes the finished buffer.
    pub fn finish(self) -> Vec<u8> {
        self.out
    }
}

/// Payload writer.
struct W<'o> {
    out: &'o mut Vec<u8>,
}

impl W<'_> {
    fn dw(&mut self, value: u32) -> &mut Self {
        push_dword(self.out, value);
        self
    }

    fn dws(&mut self, values: &[u32]) -> &mut Self {
        for &v in values {
            self.dw(v);
        }
        self
    }

    fn i32(&mut self, value: i32) -> &mut Self {
        self.dw(value as u32)
    }

    fn raw(&mut self, dwords: Dwords<'_>) -> &mut Self {
        self.out.extend_from_slice(dwords.as_bytes());
        self
    }

    fn records<T: bytemuck::Pod>(&mut self, records: &[T]) -> &mut Self {
        self.out.extend_from_slice(bytemuck::cast_slice(records));
        self
    }

    /// Bytes zero-padded to whole dwords.
    fn padded(&mut self, bytes: &[u8]) -> &mut Self {
        self.out.extend_from_slice(bytes);
        let pad = (4 - bytes.len() % 4) % 4;
        self.out.extend(core::iter::repeat_n(0u8, pad));
        self
    }

    fn region(&mut self, b: &Box3) -> &mut Self {
        self.i32(b.x).i32(b.y).i32(b.z).i32(b.w).i32(b.h).i32(b.d)
    }
}

/// Appends `cmd` (header and payload) to `out`.
pub fn encode(cmd: &Command<'_>, out: &mut Vec<u8>) -> Result<(), EncodeError> {
    let header_at = out.len();
    push_dword(out, 0);
    write_payload(cmd, &mut W { out });
    let (opcode, object) = (cmd.opcode(), cmd.object_type());
    let len = (out.len() - header_at - 4) / 4;
    if len > 0xffff {
        out.truncate(header_at);
        return Err(EncodeError::TooLong { opcode, len });
    }
    let header = u32::from(opcode.0) | (u32::from(object.0) << 8) | ((len as u32) << 16);
    if let Some(slot) = out.get_mut(header_at..header_at + 4) {
        slot.copy_from_slice(&header.to_le_bytes());
    }
    Ok(())
}

/// Writes the payload dwords of `cmd`.
fn write_payload(cmd: &Command<'_>, w: &mut W<'_>) {
    match cmd {
        Command::Nop(d) => {
            w.raw(*d);
        }
        Command::CreateObject(o) => {
            write_object(o, w);
        }
        Command::BindObject { handle, .. } | Command::DestroyObject { handle, .. } => {
            w.dw(*handle);
        }
        Command::SetViewportState {
            start_slot,
            viewports,
        } => {
            w.dw(*start_slot).records(viewports);
        }
        Command::SetFramebufferState { zsurf, cbufs } => {
            w.dw(cbufs.len() as u32).dw(*zsurf).records(cbufs);
        }
        Command::SetVertexBuffers(buffers) => {
            w.records(buffers);
        }
        Command::Clear(c) => {
            w.dw(c.buffers)
                .dws(&c.color)
                .dw(c.depth.0 as u32)
                .dw((c.depth.0 >> 32) as u32)
                .dw(c.stencil);
        }
        Command::DrawVbo(d) => {
            w.dw(d.start)
                .dw(d.count)
                .dw(d.mode.0)
                .dw(u32::from(d.indexed))
                .dw(d.instance_count)
                .i32(d.index_bias)
                .dw(d.start_instance)
                .dw(u32::from(d.primitive_restart))
                .dw(d.restart_index)
                .dw(d.min_index)
                .dw(d.max_index)
                .dw(d.count_from_so);
            // The 20-dword form always carries the tessellation dwords.
            if d.tess.is_some() || d.indirect.is_some() {
                let t = d.tess.unwrap_or(DrawTess {
                    vertices_per_patch: 0,
                    drawid: 0,
                });
                w.dw(t.vertices_per_patch).dw(t.drawid);
            }
            if let Some(i) = &d.indirect {
                w.dw(i.handle)
                    .dw(i.offset)
                    .dw(i.stride)
                    .dw(i.draw_count)
                    .dw(i.draw_count_offset)
                    .dw(i.draw_count_handle);
            }
        }
        Command::ResourceInlineWrite(i) => {
            w.dw(i.res)
                .dw(i.level)
                .dw(i.usage)
                .dw(i.stride)
                .dw(i.layer_stride)
                .region(&i.region)
                .raw(i.data);
        }
        Command::SetSamplerViews(s) => {
            write_stage_slots(s, w);
        }
        Command::BindSamplerStates(s) => {
            write_stage_slots(s, w);
        }
        Command::SetIndexBuffer(ib) => {
            w.dw(ib.res);
            if let Some((size, offset)) = ib.layout {
                w.dw(size).dw(offset);
            }
        }
        Command::SetConstantBuffer { stage, index, data } => {
            w.dw(stage.0).dw(*index).raw(*data);
        }
        Command::SetStencilRef(r) => {
            w.dw(r.into_bits());
        }
        Command::SetBlendColor(c) => {
            w.dws(&c.map(|f| f.0));
        }
        Command::SetScissorState {
            start_slot,
            scissors,
        } => {
            w.dw(*start_slot).records(scissors);
        }
        Command::Blit(b) => {
            w.dw(b.flags.into_bits())
                .dw(b.scissor_min.into_bits())
                .dw(b.scissor_max.into_bits());
            for side in [&b.dst, &b.src] {
                w.dw(side.res)
                    .dw(side.level)
                    .dw(side.format.0)
                    .region(&side.region);
            }
        }
        Command::ResourceCopyRegion(c) => {
            w.dw(c.dst_res)
                .dw(c.dst_level)
                .dws(&c.dst)
                .dw(c.src_res)
                .dw(c.src_level)
                .region(&c.src);
        }
        Command::BeginQuery { handle } => {
            w.dw(*handle);
        }
        Command::EndQuery { handle } => {
            w.dw(*handle);
        }
        Command::GetQueryResult { handle, wait } => {
            w.dw(*handle).dw(*wait);
        }
        Command::SetPolygonStipple(rows) => {
            w.records(rows.as_slice());
        }
        Command::SetClipState(planes) => {
            w.records(planes.as_slice());
        }
        Command::SetSampleMask(m) => {
            w.dw(*m);
        }
        Command::SetStreamoutTargets {
            append_bitmask,
            targets,
        } => {
            w.dw(*append_bitmask).records(targets);
        }
        Command::SetRenderCondition {
            handle,
            condition,
            mode,
        } => {
            w.dw(*handle).dw(*condition).dw(mode.0);
        }
        Command::SetUniformBuffer {
            stage,
            index,
            offset,
            length,
            res,
        } => {
            w.dw(stage.0).dw(*index).dw(*offset).dw(*length).dw(*res);
        }
        Command::SetSubCtx(id) => {
            w.dw(*id);
        }
        Command::CreateSubCtx(id) => {
            w.dw(*id);
        }
        Command::DestroySubCtx(id) => {
            w.dw(*id);
        }
        Command::BindShader { handle, stage } => {
            w.dw(*handle).dw(stage.0);
        }
        Command::SetTessState { outer, inner } => {
            w.dws(&outer.map(|f| f.0)).dws(&inner.map(|f| f.0));
        }
        Command::SetMinSamples(n) => {
            w.dw(*n);
        }
        Command::SetShaderBuffers {
            stage,
            start_slot,
            buffers,
        } => {
            w.dw(stage.0).dw(*start_slot).records(buffers);
        }
        Command::SetShaderImages {
            stage,
            start_slot,
            images,
        } => {
            w.dw(stage.0).dw(*start_slot).records(images);
        }
        Command::MemoryBarrier(f) => {
            w.dw(*f);
        }
        Command::LaunchGrid(g) => {
            w.dws(&g.block)
                .dws(&g.grid)
                .dw(g.indirect_res)
                .dw(g.indirect_offset);
        }
        Command::SetFramebufferStateNoAttach {
            size,
            layers_samples,
        } => {
            w.dw(size.into_bits()).dw(layers_samples.into_bits());
        }
        Command::TextureBarrier(f) => {
            w.dw(*f);
        }
        Command::SetAtomicBuffers {
            start_slot,
            buffers,
        } => {
            w.dw(*start_slot).records(buffers);
        }
        Command::SetDebugFlags(d) => {
            w.raw(*d);
        }
        Command::GetQueryResultQbo(q) => {
            w.dw(q.handle)
                .dw(q.qbo)
                .dw(q.wait)
                .dw(q.result_type)
                .dw(q.offset)
                .i32(q.index);
        }
        Command::Transfer3d(t) => {
            w.dw(t.res)
                .dw(t.level)
                .dw(t.usage)
                .dw(t.stride)
                .dw(t.layer_stride)
                .region(&t.region)
                .dw(t.offset)
                .dw(t.direction.0);
        }
        Command::EndTransfers(d) => {
            w.raw(*d);
        }
        Command::CopyTransfer3d(t) => {
            w.dw(t.res)
                .dw(t.level)
                .dw(t.usage)
                .dw(t.stride)
                .dw(t.layer_stride)
                .region(&t.region)
                .dw(t.src_res)
                .dw(t.src_offset)
                .dw(t.flags.into_bits());
        }
        Command::SetTweaks { id, value } => {
            w.dw(*id).dw(*value);
        }
        Command::ClearTexture {
            res,
            level,
            region,
            texel,
        } => {
            w.dw(*res).dw(*level).region(region).dws(texel);
        }
        Command::PipeResourceCreate(c) => {
            w.dw(c.target.0)
                .dw(c.format.0)
                .dw(c.bind)
                .dw(c.width)
                .dw(c.height)
                .dw(c.depth)
                .dw(c.array_size)
                .dw(c.last_level)
                .dw(c.nr_samples)
                .dw(c.flags)
                .dw(c.blob_id);
        }
        Command::PipeResourceSetType { info, planes } => {
            w.dw(info.res)
                .dw(info.format.0)
                .dw(info.bind)
                .dw(info.width)
                .dw(info.height)
                .dw(info.usage)
                .dw(info.modifier as u32)
                .dw((info.modifier >> 32) as u32)
                .records(planes);
        }
        Command::GetMemoryInfo { res } => {
            w.dw(*res);
        }
        Command::SendStringMarker { len, text } => {
            w.dw(*len).raw(*text);
        }
        Command::LinkShader(handles) => {
            w.dws(handles);
        }
        Command::Video { payload, .. } => {
            w.raw(*payload);
        }
    }
}

fn write_stage_slots(s: &StageSlots<'_>, w: &mut W<'_>) {
    w.dw(s.stage.0).dw(s.start_slot).records(s.handles);
}

fn write_object(o: &CreateObject<'_>, w: &mut W<'_>) {
    w.dw(o.handle());
    match o {
        CreateObject::Blend(b) => {
            w.dw(b.flags.into_bits()).dw(b.logicop.into_bits());
            for rt in &b.rt {
                w.dw(rt.into_bits());
            }
        }
        CreateObject::Rasterizer(r) => {
            w.dw(r.flags.into_bits())
                .dw(r.point_size.0)
                .dw(r.sprite_coord_enable)
                .dw(r.stipple.into_bits())
                .dw(r.line_width.0)
                .dw(r.offset_units.0)
                .dw(r.offset_scale.0)
                .dw(r.offset_clamp.0);
        }
        CreateObject::Dsa(d) => {
            w.dw(d.depth_alpha.into_bits())
                .dw(d.front.into_bits())
                .dw(d.back.into_bits())
                .dw(d.alpha_ref.0);
        }
        CreateObject::Shader(s) => {
            w.dw(s.stage.0).dw(s.offlen.into_bits()).dw(s.num_tokens);
            match &s.extra {
                ShaderExtra::ReqLocalMem(bytes) => {
                    w.dw(*bytes);
                }
                ShaderExtra::StreamOutput(None) => {
                    w.dw(0);
                }
                ShaderExtra::StreamOutput(Some(so)) => {
                    w.dw(so.outputs.len() as u32)
                        .dws(&so.strides)
                        .records(so.outputs);
                }
            }
            w.padded(s.text);
        }
        CreateObject::VertexElements { elements, .. } => {
            w.records(elements);
        }
        CreateObject::SamplerView(v) => {
            w.dw(v.res)
                .dw(v.format.into_bits())
                .dw(v.range0)
                .dw(v.range1)
                .dw(v.swizzle.into_bits());
        }
        CreateObject::SamplerState(s) => {
            w.dw(s.flags.into_bits())
                .dw(s.lod_bias.0)
                .dw(s.min_lod.0)
                .dw(s.max_lod.0)
                .dws(&s.border_color);
        }
        CreateObject::Surface(s) => write_surface(s, w),
        CreateObject::MsaaSurface {
            surface,
            nr_samples,
        } => {
            write_surface(surface, w);
            w.dw(*nr_samples);
        }
        CreateObject::Query(q) => {
            w.dw(q.kind.into_bits()).dw(q.offset).dw(q.res);
        }
        CreateObject::StreamoutTarget {
            res,
            buffer_offset,
            buffer_size,
            ..
        } => {
            w.dw(*res).dw(*buffer_offset).dw(*buffer_size);
        }
    }
}

fn write_surface(s: &Surface, w: &mut W<'_>) {
    w.dw(s.res).dw(s.format.0).dw(s.range0).dw(s.range1);
}

/// Text bytes for a shader object: `text`, a NUL, zero-padded to whole dwords,
/// with the `offlen` of a single-chunk shader.
pub fn shader_text(text: &str) -> (super::bits::ShaderOffLen, Vec<u8>) {
    let mut bytes = Vec::with_capacity(text.len() + 4);
    bytes.extend_from_slice(text.as_bytes());
    bytes.push(0);
    let total = bytes.len() as u32;
    while !bytes.len().is_multiple_of(4) {
        bytes.push(0);
    }
    (super::bits::ShaderOffLen::new().with_value(total), bytes)
}

/// Builds a `&[Le32]` handle list for slot commands.
pub fn handles(values: &[u32]) -> Vec<Le32> {
    values.iter().map(|&v| Le32::new(v)).collect()
}
