//! The bounds-checked virgl command decoder.
//!
//! [`Commands`] walks a command buffer and yields `(byte offset, Command)`.
//! Every length, count and slot range is checked against the bytes present and
//! against the protocol's limits before anything is borrowed; the first error
//! ends the walk (the reference host stops decoding the rest of the buffer too).

use super::bits::{
    BlendFlags, BlendLogicOp, BlitFlags, CopyTransferFlags, DepthAlpha, QueryKind, RasterizerFlags,
    RasterizerStipple, RtBlend, SamplerFlags, ShaderOffLen, StencilFace, StencilRef, U16Pair,
    ViewFormat, ViewSwizzle,
};
use super::cmd::*;
use super::enums::{PrimMode, RenderCondMode, ShaderStage, TextureTarget, TransferDirection};
use super::format::Format;
use super::limits;
use super::opcode::{ObjectType, Opcode};
use crate::le::Le32;
use crate::wire::{Dwords, F32Bits, F64Bits};
use bytemuck::Pod;
use core::fmt;

/// Why a command could not be decoded.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DecodeErrorKind {
    /// The buffer's byte length is not a multiple of 4.
    #[error("buffer length leaves {count} trailing byte(s) after the last dword")]
    TrailingBytes {
        /// Bytes past the last whole dword.
        count: usize,
    },
    /// The command's length runs past the end of the buffer.
    #[error("command needs {need} dwords but only {have} remain")]
    Truncated {
        /// Dwords the header asks for (header included).
        need: usize,
        /// Dwords left in the buffer.
        have: usize,
    },
    /// The opcode is not one of the protocol's.
    #[error("unknown opcode")]
    UnknownOpcode,
    /// The header's object type is not valid for this opcode.
    #[error("object type {0} is not valid here")]
    BadObjectType(u8),
    /// The payload length does not fit the command's layout.
    #[error("payload of {len} dwords, expected {expected}")]
    BadLength {
        /// Payload dwords in the header.
        len: usize,
        /// The layout's rule, e.g. `"11"` or `"2 + 3n"`.
        expected: &'static str,
    },
    /// A count or slot range exceeds the protocol's maximum.
    #[error("{what}: {count} exceeds the maximum of {max}")]
    TooMany {
        /// What is counted.
        what: &'static str,
        /// The count (or one past the last slot) asked for.
        count: u64,
        /// The maximum.
        max: u64,
    },
    /// A field holds a value the protocol forbids.
    #[error("field {field} has invalid value {value:#x}")]
    InvalidValue {
        /// Field name.
        field: &'static str,
        /// The value found.
        value: u32,
    },
}

/// A decoding failure: where, which command, and what.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DecodeError {
    /// Byte offset of the failing command's header in the buffer.
    pub offset: usize,
    /// Raw opcode of the failing command (0 for buffer-level errors).
    pub opcode: u8,
    /// What was wrong.
    pub kind: DecodeErrorKind,
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "virgl command {} ({}) at byte {}: {}",
            Opcode(self.opcode),
            self.opcode,
            self.offset,
            self.kind
        )
    }
}

impl core::error::Error for DecodeError {}

/// Iterator over the commands of a buffer: `Ok((byte_offset, command))`, then
/// at most one `Err`, after which it ends.
#[derive(Clone, Debug)]
pub struct Commands<'a> {
    buf: Dwords<'a>,
    /// Dword index of the next header.
    pos: usize,
    /// Set after an error.
    failed: bool,
    /// Trailing bytes to report once the whole dwords are decoded.
    trailing: usize,
}

impl<'a> Commands<'a> {
    /// Starts decoding `bytes` (a SUBMIT_CMD / SUBMIT_3D command buffer).
    pub fn new(bytes: &'a [u8]) -> Self {
        Self {
            buf: Dwords::new_truncating(bytes),
            pos: 0,
            failed: false,
            trailing: bytes.len() % 4,
        }
    }

    /// Byte offset of the next command.
    pub fn offset(&self) -> usize {
        self.pos * 4
    }
}

impl<'a> Iterator for Commands<'a> {
    type Item = Result<(usize, Command<'a>), DecodeError>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let offset = self.offset();
        let Some(header) = self.buf.get(self.pos) else {
            if self.trailing == 0 {
                return None;
            }
            self.failed = true;
            return Some(Err(DecodeError {
                offset,
                opcode: 0,
                kind: DecodeErrorKind::TrailingBytes {
                    count: self.trailing,
                },
            }));
        };
        let opcode = (header & 0xff) as u8;
        let object = ((header >> 8) & 0xff) as u8;
        let len = (header >> 16) as usize;
        let fail = |kind| DecodeError {
            offset,
            opcode,
            kind,
        };
        let have = self.buf.len() - self.pos;
        let Some(payload) = self.buf.slice(self.pos + 1, self.pos + 1 + len) else {
            self.failed = true;
            return Some(Err(fail(DecodeErrorKind::Truncated {
                need: len + 1,
                have,
            })));
        };
        match decode_command(Opcode(opcode), object, payload) {
            Ok(cmd) => {
                self.pos += 1 + len;
                Some(Ok((offset, cmd)))
            }
            Err(kind) => {
                self.failed = true;
                Some(Err(fail(kind)))
            }
        }
    }
}

/// Reads 1-based payload dwords (`dw(1)` is the first after the header), as
/// virgl-protocol.md numbers them.
#[derive(Clone, Copy)]
struct Payload<'a>(Dwords<'a>);

impl<'a> Payload<'a> {
    fn len(&self) -> usize {
        self.0.len()
    }

    fn dw(&self, index: usize) -> Result<u32, DecodeErrorKind> {
        index
            .checked_sub(1)
            .and_then(|i| self.0.get(i))
            .ok_or(DecodeErrorKind::BadLength {
                len: self.len(),
                expected: "more dwords",
            })
    }

    fn f32(&self, index: usize) -> Result<F32Bits, DecodeErrorKind> {
        self.dw(index).map(F32Bits)
    }

    fn i32(&self, index: usize) -> Result<i32, DecodeErrorKind> {
        self.dw(index).map(|v| v as i32)
    }

    /// Dwords `first..=` the end (1-based).
    fn rest(&self, first: usize) -> Result<Dwords<'a>, DecodeErrorKind> {
        first
            .checked_sub(1)
            .and_then(|i| self.0.tail(i))
            .ok_or(DecodeErrorKind::BadLength {
                len: self.len(),
                expected: "more dwords",
            })
    }

    /// The whole payload from dword `first` on as records of `T`.
    fn records<T: Pod>(
        &self,
        first: usize,
        expected: &'static str,
    ) -> Result<&'a [T], DecodeErrorKind> {
        self.rest(first)?
            .records()
            .ok_or(DecodeErrorKind::BadLength {
                len: self.len(),
                expected,
            })
    }

    fn exact(&self, want: usize, expected: &'static str) -> Result<(), DecodeErrorKind> {
        if self.len() == want {
            Ok(())
        } else {
            Err(DecodeErrorKind::BadLength {
                len: self.len(),
                expected,
            })
        }
    }

    fn at_least(&self, want: usize, expected: &'static str) -> Result<(), DecodeErrorKind> {
        if self.len() >= want {
            Ok(())
        } else {
            Err(DecodeErrorKind::BadLength {
                len: self.len(),
                expected,
            })
        }
    }

    fn stage(&self, index: usize) -> Result<ShaderStage, DecodeErrorKind> {
        let value = self.dw(index)?;
        if value < ShaderStage::COUNT {
            Ok(ShaderStage(value))
        } else {
            Err(DecodeErrorKind::InvalidValue {
                field: "shader_type",
                value,
            })
        }
    }

    fn region(&self, first: usize) -> Result<Box3, DecodeErrorKind> {
        Ok(Box3 {
            x: self.i32(first)?,
            y: self.i32(first + 1)?,
            z: self.i32(first + 2)?,
            w: self.i32(first + 3)?,
            h: self.i32(first + 4)?,
            d: self.i32(first + 5)?,
        })
    }
}

/// Checks that slots `start..start + count` fit below `max`.
fn slot_range(
    what: &'static str,
    start: u32,
    count: usize,
    max: u32,
) -> Result<(), DecodeErrorKind> {
    let end = u64::from(start) + count as u64;
    if end <= u64::from(max) {
        Ok(())
    } else {
        Err(DecodeErrorKind::TooMany {
            what,
            count: end,
            max: u64::from(max),
        })
    }
}

/// Decodes one command from its header fields and payload.
pub fn decode_command(
    opcode: Opcode,
    object: u8,
    payload: Dwords<'_>,
) -> Result<Command<'_>, DecodeErrorKind> {
    use DecodeErrorKind as E;
    let p = Payload(payload);
    let cmd = match opcode {
        Opcode::NOP => Command::Nop(payload),
        Opcode::CREATE_OBJECT => Command::CreateObject(decode_object(ObjectType(object), p)?),
        Opcode::BIND_OBJECT => {
            p.exact(1, "1")?;
            let object_type = ObjectType(object);
            if !matches!(
                object_type,
                ObjectType::BLEND
                    | ObjectType::DSA
                    | ObjectType::RASTERIZER
                    | ObjectType::VERTEX_ELEMENTS
            ) {
                return Err(E::BadObjectType(object));
            }
            Command::BindObject {
                object_type,
                handle: p.dw(1)?,
            }
        }
        Opcode::DESTROY_OBJECT => {
            p.exact(1, "1")?;
            Command::DestroyObject {
                object_type: ObjectType(object),
                handle: p.dw(1)?,
            }
        }
        Opcode::SET_VIEWPORT_STATE => {
            p.at_least(1, "1 + 6n")?;
            let start_slot = p.dw(1)?;
            let viewports: &[Viewport] = p.records(2, "1 + 6n")?;
            slot_range(
                "viewports",
                start_slot,
                viewports.len(),
                limits::MAX_VIEWPORTS,
            )?;
            Command::SetViewportState {
                start_slot,
                viewports,
            }
        }
        Opcode::SET_FRAMEBUFFER_STATE => {
            p.at_least(2, "2 + nr_cbufs")?;
            let nr_cbufs = p.dw(1)?;
            slot_range(
                "colour buffers",
                0,
                nr_cbufs as usize,
                limits::MAX_COLOR_BUFS,
            )?;
            p.exact(2 + nr_cbufs as usize, "2 + nr_cbufs")?;
            Command::SetFramebufferState {
                zsurf: p.dw(2)?,
                cbufs: p.records(3, "2 + nr_cbufs")?,
            }
        }
        Opcode::SET_VERTEX_BUFFERS => {
            let buffers: &[VertexBuffer] = p.records(1, "3n")?;
            slot_range(
                "vertex buffers",
                0,
                buffers.len(),
                limits::MAX_VERTEX_BUFFERS,
            )?;
            Command::SetVertexBuffers(buffers)
        }
        Opcode::CLEAR => {
            p.exact(8, "8")?;
            Command::Clear(Clear {
                buffers: p.dw(1)?,
                color: [p.dw(2)?, p.dw(3)?, p.dw(4)?, p.dw(5)?],
                depth: F64Bits(u64::from(p.dw(6)?) | (u64::from(p.dw(7)?) << 32)),
                stencil: p.dw(8)?,
            })
        }
        Opcode::DRAW_VBO => Command::DrawVbo(decode_draw(p)?),
        Opcode::RESOURCE_INLINE_WRITE => {
            p.at_least(12, "11 + data")?;
            Command::ResourceInlineWrite(InlineWrite {
                res: p.dw(1)?,
                level: p.dw(2)?,
                usage: p.dw(3)?,
                stride: p.dw(4)?,
                layer_stride: p.dw(5)?,
                region: p.region(6)?,
                data: p.rest(12)?,
            })
        }
        Opcode::SET_SAMPLER_VIEWS => {
            Command::SetSamplerViews(stage_slots(p, "sampler views", limits::MAX_SAMPLER_VIEWS)?)
        }
        Opcode::BIND_SAMPLER_STATES => {
            Command::BindSamplerStates(stage_slots(p, "sampler states", limits::MAX_SAMPLERS)?)
        }
        Opcode::SET_INDEX_BUFFER => {
            let layout = match p.len() {
                1 => None,
                3 => {
                    let size = p.dw(2)?;
                    if !matches!(size, 1 | 2 | 4) {
                        return Err(E::InvalidValue {
                            field: "index_size",
                            value: size,
                        });
                    }
                    Some((size, p.dw(3)?))
                }
                len => {
                    return Err(E::BadLength {
                        len,
                        expected: "1 or 3",
                    })
                }
            };
            Command::SetIndexBuffer(IndexBuffer {
                res: p.dw(1)?,
                layout,
            })
        }
        Opcode::SET_CONSTANT_BUFFER => {
            p.at_least(2, "2 + n")?;
            Command::SetConstantBuffer {
                stage: p.stage(1)?,
                index: p.dw(2)?,
                data: p.rest(3)?,
            }
        }
        Opcode::SET_STENCIL_REF => {
            p.exact(1, "1")?;
            Command::SetStencilRef(StencilRef::from_bits(p.dw(1)?))
        }
        Opcode::SET_BLEND_COLOR => {
            p.exact(4, "4")?;
            Command::SetBlendColor([p.f32(1)?, p.f32(2)?, p.f32(3)?, p.f32(4)?])
        }
        Opcode::SET_SCISSOR_STATE => {
            p.at_least(1, "1 + 2n")?;
            let start_slot = p.dw(1)?;
            let scissors: &[Scissor] = p.records(2, "1 + 2n")?;
            slot_range(
                "scissors",
                start_slot,
                scissors.len(),
                limits::MAX_VIEWPORTS,
            )?;
            Command::SetScissorState {
                start_slot,
                scissors,
            }
        }
        Opcode::BLIT => {
            p.exact(21, "21")?;
            let side = |first: usize| -> Result<BlitSurface, DecodeErrorKind> {
                Ok(BlitSurface {
                    res: p.dw(first)?,
                    level: p.dw(first + 1)?,
                    format: Format(p.dw(first + 2)?),
                    region: p.region(first + 3)?,
                })
            };
            Command::Blit(Blit {
                flags: BlitFlags::from_bits(p.dw(1)?),
                scissor_min: U16Pair::from_bits(p.dw(2)?),
                scissor_max: U16Pair::from_bits(p.dw(3)?),
                dst: side(4)?,
                src: side(13)?,
            })
        }
        Opcode::RESOURCE_COPY_REGION => {
            p.exact(13, "13")?;
            Command::ResourceCopyRegion(CopyRegion {
                dst_res: p.dw(1)?,
                dst_level: p.dw(2)?,
                dst: [p.dw(3)?, p.dw(4)?, p.dw(5)?],
                src_res: p.dw(6)?,
                src_level: p.dw(7)?,
                src: p.region(8)?,
            })
        }
        Opcode::BEGIN_QUERY => {
            p.exact(1, "1")?;
            Command::BeginQuery { handle: p.dw(1)? }
        }
        Opcode::END_QUERY => {
            p.exact(1, "1")?;
            Command::EndQuery { handle: p.dw(1)? }
        }
        Opcode::GET_QUERY_RESULT => {
            p.exact(2, "2")?;
            Command::GetQueryResult {
                handle: p.dw(1)?,
                wait: p.dw(2)?,
            }
        }
        Opcode::SET_POLYGON_STIPPLE => {
            p.exact(32, "32")?;
            let rows: &[Le32] = p.records(1, "32")?;
            Command::SetPolygonStipple(rows.try_into().map_err(|_| E::BadLength {
                len: p.len(),
                expected: "32",
            })?)
        }
        Opcode::SET_CLIP_STATE => {
            p.exact(32, "32")?;
            let planes: &[[Le32; 4]] = p.records(1, "32")?;
            Command::SetClipState(planes.try_into().map_err(|_| E::BadLength {
                len: p.len(),
                expected: "32",
            })?)
        }
        Opcode::SET_SAMPLE_MASK => {
            p.exact(1, "1")?;
            Command::SetSampleMask(p.dw(1)?)
        }
        Opcode::SET_STREAMOUT_TARGETS => {
            p.at_least(1, "1 + n")?;
            let targets: &[Le32] = p.records(2, "1 + n")?;
            slot_range(
                "stream-output targets",
                0,
                targets.len(),
                limits::MAX_SO_TARGETS,
            )?;
            Command::SetStreamoutTargets {
                append_bitmask: p.dw(1)?,
                targets,
            }
        }
        Opcode::SET_RENDER_CONDITION => {
            p.exact(3, "3")?;
            Command::SetRenderCondition {
                handle: p.dw(1)?,
                condition: p.dw(2)?,
                mode: RenderCondMode(p.dw(3)?),
            }
        }
        Opcode::SET_UNIFORM_BUFFER => {
            p.exact(5, "5")?;
            let index = p.dw(2)?;
            slot_range("uniform buffers", index, 1, limits::MAX_CONSTANT_BUFFERS)?;
            Command::SetUniformBuffer {
                stage: p.stage(1)?,
                index,
                offset: p.dw(3)?,
                length: p.dw(4)?,
                res: p.dw(5)?,
            }
        }
        Opcode::SET_SUB_CTX => {
            p.exact(1, "1")?;
            Command::SetSubCtx(p.dw(1)?)
        }
        Opcode::CREATE_SUB_CTX => {
            p.exact(1, "1")?;
            Command::CreateSubCtx(p.dw(1)?)
        }
        Opcode::DESTROY_SUB_CTX => {
            p.exact(1, "1")?;
            Command::DestroySubCtx(p.dw(1)?)
        }
        Opcode::BIND_SHADER => {
            p.exact(2, "2")?;
            Command::BindShader {
                handle: p.dw(1)?,
                stage: p.stage(2)?,
            }
        }
        Opcode::SET_TESS_STATE => {
            p.exact(6, "6")?;
            Command::SetTessState {
                outer: [p.f32(1)?, p.f32(2)?, p.f32(3)?, p.f32(4)?],
                inner: [p.f32(5)?, p.f32(6)?],
            }
        }
        Opcode::SET_MIN_SAMPLES => {
            p.exact(1, "1")?;
            Command::SetMinSamples(p.dw(1)?)
        }
        Opcode::SET_SHADER_BUFFERS => {
            p.at_least(2, "2 + 3n")?;
            let start_slot = p.dw(2)?;
            let buffers: &[BufferBinding] = p.records(3, "2 + 3n")?;
            slot_range(
                "shader buffers",
                start_slot,
                buffers.len(),
                limits::MAX_SHADER_BUFFERS,
            )?;
            Command::SetShaderBuffers {
                stage: p.stage(1)?,
                start_slot,
                buffers,
            }
        }
        Opcode::SET_SHADER_IMAGES => {
            p.at_least(2, "2 + 5n")?;
            let start_slot = p.dw(2)?;
            let images: &[ImageBinding] = p.records(3, "2 + 5n")?;
            slot_range(
                "shader images",
                start_slot,
                images.len(),
                limits::MAX_SHADER_IMAGES,
            )?;
            Command::SetShaderImages {
                stage: p.stage(1)?,
                start_slot,
                images,
            }
        }
        Opcode::MEMORY_BARRIER => {
            p.exact(1, "1")?;
            Command::MemoryBarrier(p.dw(1)?)
        }
        Opcode::LAUNCH_GRID => {
            p.exact(8, "8")?;
            Command::LaunchGrid(LaunchGrid {
                block: [p.dw(1)?, p.dw(2)?, p.dw(3)?],
                grid: [p.dw(4)?, p.dw(5)?, p.dw(6)?],
                indirect_res: p.dw(7)?,
                indirect_offset: p.dw(8)?,
            })
        }
        Opcode::SET_FRAMEBUFFER_STATE_NO_ATTACH => {
            p.exact(2, "2")?;
            Command::SetFramebufferStateNoAttach {
                size: U16Pair::from_bits(p.dw(1)?),
                layers_samples: U16Pair::from_bits(p.dw(2)?),
            }
        }
        Opcode::TEXTURE_BARRIER => {
            p.exact(1, "1")?;
            Command::TextureBarrier(p.dw(1)?)
        }
        Opcode::SET_ATOMIC_BUFFERS => {
            p.at_least(1, "1 + 3n")?;
            let start_slot = p.dw(1)?;
            let buffers: &[BufferBinding] = p.records(2, "1 + 3n")?;
            slot_range(
                "atomic buffers",
                start_slot,
                buffers.len(),
                limits::MAX_ATOMIC_BUFFERS,
            )?;
            Command::SetAtomicBuffers {
                start_slot,
                buffers,
            }
        }
        Opcode::SET_DEBUG_FLAGS => {
            p.at_least(1, "at least 1")?;
            Command::SetDebugFlags(payload)
        }
        Opcode::GET_QUERY_RESULT_QBO => {
            p.exact(6, "6")?;
            Command::GetQueryResultQbo(QueryResultQbo {
                handle: p.dw(1)?,
                qbo: p.dw(2)?,
                wait: p.dw(3)?,
                result_type: p.dw(4)?,
                offset: p.dw(5)?,
                index: p.i32(6)?,
            })
        }
        Opcode::TRANSFER3D => {
            p.exact(13, "13")?;
            let direction = TransferDirection(p.dw(13)?);
            if !direction.is_known() {
                return Err(E::InvalidValue {
                    field: "direction",
                    value: direction.0,
                });
            }
            Command::Transfer3d(Transfer3d {
                res: p.dw(1)?,
                level: p.dw(2)?,
                usage: p.dw(3)?,
                stride: p.dw(4)?,
                layer_stride: p.dw(5)?,
                region: p.region(6)?,
                offset: p.dw(12)?,
                direction,
            })
        }
        Opcode::END_TRANSFERS => Command::EndTransfers(payload),
        Opcode::COPY_TRANSFER3D => {
            p.exact(14, "14")?;
            Command::CopyTransfer3d(CopyTransfer3d {
                res: p.dw(1)?,
                level: p.dw(2)?,
                usage: p.dw(3)?,
                stride: p.dw(4)?,
                layer_stride: p.dw(5)?,
                region: p.region(6)?,
                src_res: p.dw(12)?,
                src_offset: p.dw(13)?,
                flags: CopyTransferFlags::from_bits(p.dw(14)?),
            })
        }
        Opcode::SET_TWEAKS => {
            p.exact(2, "2")?;
            Command::SetTweaks {
                id: p.dw(1)?,
                value: p.dw(2)?,
            }
        }
        Opcode::CLEAR_TEXTURE => {
            p.exact(12, "12")?;
            Command::ClearTexture {
                res: p.dw(1)?,
                level: p.dw(2)?,
                region: p.region(3)?,
                texel: [p.dw(9)?, p.dw(10)?, p.dw(11)?, p.dw(12)?],
            }
        }
        Opcode::PIPE_RESOURCE_CREATE => {
            p.exact(11, "11")?;
            Command::PipeResourceCreate(PipeResourceCreate {
                target: TextureTarget(p.dw(1)?),
                format: Format(p.dw(2)?),
                bind: p.dw(3)?,
                width: p.dw(4)?,
                height: p.dw(5)?,
                depth: p.dw(6)?,
                array_size: p.dw(7)?,
                last_level: p.dw(8)?,
                nr_samples: p.dw(9)?,
                flags: p.dw(10)?,
                blob_id: p.dw(11)?,
            })
        }
        Opcode::PIPE_RESOURCE_SET_TYPE => {
            p.at_least(8, "8 + 2 planes")?;
            let planes: &[PlaneLayout] = p.records(9, "8 + 2 planes")?;
            slot_range("planes", 0, planes.len(), limits::MAX_PLANES)?;
            Command::PipeResourceSetType {
                info: SetTypeInfo {
                    res: p.dw(1)?,
                    format: Format(p.dw(2)?),
                    bind: p.dw(3)?,
                    width: p.dw(4)?,
                    height: p.dw(5)?,
                    usage: p.dw(6)?,
                    modifier: u64::from(p.dw(7)?) | (u64::from(p.dw(8)?) << 32),
                },
                planes,
            }
        }
        Opcode::GET_MEMORY_INFO => {
            p.exact(1, "1")?;
            Command::GetMemoryInfo { res: p.dw(1)? }
        }
        Opcode::SEND_STRING_MARKER => {
            p.at_least(1, "1 + ceil(len / 4)")?;
            let len = p.dw(1)?;
            let text = p.rest(2)?;
            if (len as usize).div_ceil(4) != text.len() {
                return Err(E::BadLength {
                    len: p.len(),
                    expected: "1 + ceil(len / 4)",
                });
            }
            Command::SendStringMarker { len, text }
        }
        Opcode::LINK_SHADER => {
            p.exact(6, "6")?;
            Command::LinkShader([p.dw(1)?, p.dw(2)?, p.dw(3)?, p.dw(4)?, p.dw(5)?, p.dw(6)?])
        }
        op if op.0 >= Opcode::CREATE_VIDEO_CODEC.0 && op.0 < Opcode::COUNT => Command::Video {
            opcode: op,
            payload,
        },
        _ => return Err(E::UnknownOpcode),
    };
    Ok(cmd)
}

fn stage_slots<'a>(
    p: Payload<'a>,
    what: &'static str,
    max: u32,
) -> Result<StageSlots<'a>, DecodeErrorKind> {
    p.at_least(2, "2 + n")?;
    let start_slot = p.dw(2)?;
    let handles: &[Le32] = p.records(3, "2 + n")?;
    slot_range(what, start_slot, handles.len(), max)?;
    Ok(StageSlots {
        stage: p.stage(1)?,
        start_slot,
        handles,
    })
}

fn decode_draw(p: Payload<'_>) -> Result<DrawVbo, DecodeErrorKind> {
    if !matches!(p.len(), 12 | 14 | 20) {
        return Err(DecodeErrorKind::BadLength {
            len: p.len(),
            expected: "12, 14 or 20",
        });
    }
    let tess = if p.len() >= 14 {
        Some(DrawTess {
            vertices_per_patch: p.dw(13)?,
            drawid: p.dw(14)?,
        })
    } else {
        None
    };
    let indirect = if p.len() == 20 {
        Some(DrawIndirect {
            handle: p.dw(15)?,
            offset: p.dw(16)?,
            stride: p.dw(17)?,
            draw_count: p.dw(18)?,
            draw_count_offset: p.dw(19)?,
            draw_count_handle: p.dw(20)?,
        })
    } else {
        None
    };
    Ok(DrawVbo {
        start: p.dw(1)?,
        count: p.dw(2)?,
        mode: PrimMode(p.dw(3)?),
        indexed: p.dw(4)? != 0,
        instance_count: p.dw(5)?,
        index_bias: p.i32(6)?,
        start_instance: p.dw(7)?,
        primitive_restart: p.dw(8)? != 0,
        restart_index: p.dw(9)?,
        min_index: p.dw(10)?,
        max_index: p.dw(11)?,
        count_from_so: p.dw(12)?,
        tess,
        indirect,
    })
}

fn decode_object(
    object_type: ObjectType,
    p: Payload<'_>,
) -> Result<CreateObject<'_>, DecodeErrorKind> {
    use DecodeErrorKind as E;
    let handle = p.dw(1).map_err(|_| E::BadLength {
        len: p.len(),
        expected: "at least 1 (handle)",
    })?;
    if handle == 0 {
        return Err(E::InvalidValue {
            field: "handle",
            value: 0,
        });
    }
    let object = match object_type {
        ObjectType::BLEND => {
            p.exact(11, "11")?;
            let mut rt = [RtBlend::new(); 8];
            for (i, slot) in rt.iter_mut().enumerate() {
                *slot = RtBlend::from_bits(p.dw(4 + i)?);
            }
            CreateObject::Blend(Blend {
                handle,
                flags: BlendFlags::from_bits(p.dw(2)?),
                logicop: BlendLogicOp::from_bits(p.dw(3)?),
                rt,
            })
        }
        ObjectType::RASTERIZER => {
            p.exact(9, "9")?;
            CreateObject::Rasterizer(Rasterizer {
                handle,
                flags: RasterizerFlags::from_bits(p.dw(2)?),
                point_size: p.f32(3)?,
                sprite_coord_enable: p.dw(4)?,
                stipple: RasterizerStipple::from_bits(p.dw(5)?),
                line_width: p.f32(6)?,
                offset_units: p.f32(7)?,
                offset_scale: p.f32(8)?,
                offset_clamp: p.f32(9)?,
            })
        }
        ObjectType::DSA => {
            p.exact(5, "5")?;
            CreateObject::Dsa(Dsa {
                handle,
                depth_alpha: DepthAlpha::from_bits(p.dw(2)?),
                front: StencilFace::from_bits(p.dw(3)?),
                back: StencilFace::from_bits(p.dw(4)?),
                alpha_ref: p.f32(5)?,
            })
        }
        ObjectType::SHADER => CreateObject::Shader(decode_shader(handle, p)?),
        ObjectType::VERTEX_ELEMENTS => {
            let elements: &[VertexElement] = p.records(2, "1 + 4n")?;
            slot_range(
                "vertex elements",
                0,
                elements.len(),
                limits::MAX_VERTEX_ELEMENTS,
            )?;
            if let Some(bad) = elements
                .iter()
                .find(|e| e.vertex_buffer_index.get() >= limits::MAX_VERTEX_BUFFERS)
            {
                return Err(E::InvalidValue {
                    field: "vertex_buffer_index",
                    value: bad.vertex_buffer_index.get(),
                });
            }
            CreateObject::VertexElements { handle, elements }
        }
        ObjectType::SAMPLER_VIEW => {
            p.exact(6, "6")?;
            let format = ViewFormat::from_bits(p.dw(3)?);
            if format.format() == 0 || format.format() >= Format::MAX {
                return Err(E::InvalidValue {
                    field: "format",
                    value: format.format(),
                });
            }
            CreateObject::SamplerView(SamplerView {
                handle,
                res: p.dw(2)?,
                format,
                range0: p.dw(4)?,
                range1: p.dw(5)?,
                swizzle: ViewSwizzle::from_bits(p.dw(6)?),
            })
        }
        ObjectType::SAMPLER_STATE => {
            p.exact(9, "9")?;
            let flags = SamplerFlags::from_bits(p.dw(2)?);
            if flags.min_mip_filter() > 2 {
                return Err(E::InvalidValue {
                    field: "min_mip_filter",
                    value: u32::from(flags.min_mip_filter()),
                });
            }
            CreateObject::SamplerState(SamplerState {
                handle,
                flags,
                lod_bias: p.f32(3)?,
                min_lod: p.f32(4)?,
                max_lod: p.f32(5)?,
                border_color: [p.dw(6)?, p.dw(7)?, p.dw(8)?, p.dw(9)?],
            })
        }
        ObjectType::SURFACE => {
            p.exact(5, "5")?;
            CreateObject::Surface(decode_surface(handle, p)?)
        }
        ObjectType::MSAA_SURFACE => {
            p.exact(6, "6")?;
            CreateObject::MsaaSurface {
                surface: decode_surface(handle, p)?,
                nr_samples: p.dw(6)?,
            }
        }
        ObjectType::QUERY => {
            p.exact(4, "4")?;
            CreateObject::Query(Query {
                handle,
                kind: QueryKind::from_bits(p.dw(2)?),
                offset: p.dw(3)?,
                res: p.dw(4)?,
            })
        }
        ObjectType::STREAMOUT_TARGET => {
            p.exact(4, "4")?;
            CreateObject::StreamoutTarget {
                handle,
                res: p.dw(2)?,
                buffer_offset: p.dw(3)?,
                buffer_size: p.dw(4)?,
            }
        }
        other => return Err(E::BadObjectType(other.0)),
    };
    Ok(object)
}

fn decode_surface(handle: u32, p: Payload<'_>) -> Result<Surface, DecodeErrorKind> {
    Ok(Surface {
        handle,
        res: p.dw(2)?,
        format: Format(p.dw(3)?),
        range0: p.dw(4)?,
        range1: p.dw(5)?,
    })
}

fn decode_shader(handle: u32, p: Payload<'_>) -> Result<ShaderChunk<'_>, DecodeErrorKind> {
    p.at_least(5, "at least 5")?;
    let stage = p.stage(2)?;
    let dword5 = p.dw(5)?;
    let (extra, text_start) = if stage == ShaderStage::COMPUTE {
        (ShaderExtra::ReqLocalMem(dword5), 6)
    } else if dword5 == 0 {
        (ShaderExtra::StreamOutput(None), 6)
    } else {
        slot_range(
            "stream-output outputs",
            0,
            dword5 as usize,
            limits::MAX_SO_OUTPUTS,
        )?;
        let outputs_end = 10 + 2 * dword5 as usize;
        p.at_least(outputs_end - 1, "5 + 4 strides + 2 per output")?;
        let outputs = p
            .rest(10)?
            .slice(0, 2 * dword5 as usize)
            .and_then(|d| d.records())
            .ok_or(DecodeErrorKind::BadLength {
                len: p.len(),
                expected: "5 + 4 strides + 2 per output",
            })?;
        let so = StreamOutput {
            strides: [p.dw(6)?, p.dw(7)?, p.dw(8)?, p.dw(9)?],
            outputs,
        };
        (ShaderExtra::StreamOutput(Some(so)), outputs_end)
    };
    Ok(ShaderChunk {
        handle,
        stage,
        offlen: ShaderOffLen::from_bits(p.dw(3)?),
        num_tokens: p.dw(4)?,
        extra,
        text: p.rest(text_start)?.as_bytes(),
    })
}
