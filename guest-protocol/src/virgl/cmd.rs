//! Typed virgl commands, borrowing the command buffer they were decoded from.
//!
//! One variant per opcode of virgl-protocol.md §2; CREATE_OBJECT payloads are
//! in [`CreateObject`]. Arrays of fixed records are `&[T]` of alignment-1
//! [`Le32`] structs viewed in place; free-form payloads are [`Dwords`].

use super::bits::{
    BlendFlags, BlendLogicOp, BlitFlags, CopyTransferFlags, DepthAlpha, QueryKind, RasterizerFlags,
    RasterizerStipple, RtBlend, SamplerFlags, ShaderOffLen, SoOutputLayout, StencilFace,
    StencilRef, U16Pair, ViewFormat, ViewSwizzle,
};
use super::enums::{PrimMode, RenderCondMode, ShaderStage, TextureTarget, TransferDirection};
use super::format::Format;
use super::opcode::{ObjectType, Opcode};
use crate::le::Le32;
use crate::wire::{Dwords, F32Bits, F64Bits};
use bytemuck::{Pod, Zeroable};

/// One decoded virgl command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Command<'a> {
    /// NOP: payload ignored.
    Nop(Dwords<'a>),
    /// CREATE_OBJECT.
    CreateObject(CreateObject<'a>),
    /// BIND_OBJECT: bind `handle` (0 = unbind) of `object_type`.
    BindObject {
        /// BLEND, DSA, RASTERIZER or VERTEX_ELEMENTS.
        object_type: ObjectType,
        /// Object handle; 0 unbinds.
        handle: u32,
    },
    /// DESTROY_OBJECT.
    DestroyObject {
        /// Informational; the handle alone names the object.
        object_type: ObjectType,
        /// Object handle.
        handle: u32,
    },
    /// SET_VIEWPORT_STATE.
    SetViewportState {
        /// First viewport slot written.
        start_slot: u32,
        /// One record per viewport.
        viewports: &'a [Viewport],
    },
    /// SET_FRAMEBUFFER_STATE.
    SetFramebufferState {
        /// Depth/stencil surface handle (0 = none).
        zsurf: u32,
        /// Colour surface handles, one per bound colour buffer (≤ 8).
        cbufs: &'a [Le32],
    },
    /// SET_VERTEX_BUFFERS: replaces slots `0..n`; later slots become unbound.
    SetVertexBuffers(&'a [VertexBuffer]),
    /// CLEAR.
    Clear(Clear),
    /// DRAW_VBO.
    DrawVbo(DrawVbo),
    /// RESOURCE_INLINE_WRITE.
    ResourceInlineWrite(InlineWrite<'a>),
    /// SET_SAMPLER_VIEWS.
    SetSamplerViews(StageSlots<'a>),
    /// SET_INDEX_BUFFER.
    SetIndexBuffer(IndexBuffer),
    /// SET_CONSTANT_BUFFER: `data` becomes constant buffer 0 of `stage`.
    SetConstantBuffer {
        /// Stage whose constants change.
        stage: ShaderStage,
        /// Ignored by hosts (Mesa sends 0).
        index: u32,
        /// `n` dwords = `n / 4` vec4 registers.
        data: Dwords<'a>,
    },
    /// SET_STENCIL_REF.
    SetStencilRef(StencilRef),
    /// SET_BLEND_COLOR: RGBA.
    SetBlendColor([F32Bits; 4]),
    /// SET_SCISSOR_STATE.
    SetScissorState {
        /// First scissor slot written.
        start_slot: u32,
        /// One record per scissor.
        scissors: &'a [Scissor],
    },
    /// BLIT.
    Blit(Blit),
    /// RESOURCE_COPY_REGION.
    ResourceCopyRegion(CopyRegion),
    /// BIND_SAMPLER_STATES.
    BindSamplerStates(StageSlots<'a>),
    /// BEGIN_QUERY.
    BeginQuery {
        /// Query object handle.
        handle: u32,
    },
    /// END_QUERY.
    EndQuery {
        /// Query object handle.
        handle: u32,
    },
    /// GET_QUERY_RESULT.
    GetQueryResult {
        /// Query object handle.
        handle: u32,
        /// Non-zero: wait for the result.
        wait: u32,
    },
    /// SET_POLYGON_STIPPLE: 32 rows of 32 bits.
    SetPolygonStipple(&'a [Le32; 32]),
    /// SET_CLIP_STATE: 8 user clip planes × 4 floats.
    SetClipState(&'a [[Le32; 4]; 8]),
    /// SET_SAMPLE_MASK.
    SetSampleMask(u32),
    /// SET_STREAMOUT_TARGETS.
    SetStreamoutTargets {
        /// Bit `i`: append to target `i` instead of restarting.
        append_bitmask: u32,
        /// Stream-output target handles (≤ 16).
        targets: &'a [Le32],
    },
    /// SET_RENDER_CONDITION.
    SetRenderCondition {
        /// Query handle (0 = unconditional).
        handle: u32,
        /// Bit 0: Gallium's condition, set for GL's inverted modes: rendering
        /// goes on when the query result is non-zero, or zero when set.
        condition: u32,
        /// How to wait.
        mode: RenderCondMode,
    },
    /// SET_UNIFORM_BUFFER.
    SetUniformBuffer {
        /// Stage.
        stage: ShaderStage,
        /// Uniform buffer slot (< 32).
        index: u32,
        /// Byte offset in the buffer.
        offset: u32,
        /// Byte length.
        length: u32,
        /// Buffer resource (0 = unbind).
        res: u32,
    },
    /// SET_SUB_CTX.
    SetSubCtx(u32),
    /// CREATE_SUB_CTX.
    CreateSubCtx(u32),
    /// DESTROY_SUB_CTX.
    DestroySubCtx(u32),
    /// BIND_SHADER.
    BindShader {
        /// Shader object handle (0 = unbind).
        handle: u32,
        /// Stage to bind it to.
        stage: ShaderStage,
    },
    /// SET_TESS_STATE.
    SetTessState {
        /// Outer tessellation levels.
        outer: [F32Bits; 4],
        /// Inner tessellation levels.
        inner: [F32Bits; 2],
    },
    /// SET_MIN_SAMPLES.
    SetMinSamples(u32),
    /// SET_SHADER_BUFFERS.
    SetShaderBuffers {
        /// Stage.
        stage: ShaderStage,
        /// First slot.
        start_slot: u32,
        /// One binding per slot.
        buffers: &'a [BufferBinding],
    },
    /// SET_SHADER_IMAGES.
    SetShaderImages {
        /// Stage.
        stage: ShaderStage,
        /// First slot.
        start_slot: u32,
        /// One binding per slot.
        images: &'a [ImageBinding],
    },
    /// MEMORY_BARRIER: `PIPE_BARRIER_*` flags.
    MemoryBarrier(u32),
    /// LAUNCH_GRID.
    LaunchGrid(LaunchGrid),
    /// SET_FRAMEBUFFER_STATE_NO_ATTACH.
    SetFramebufferStateNoAttach {
        /// `width | height << 16`.
        size: U16Pair,
        /// `layers | samples << 16`.
        layers_samples: U16Pair,
    },
    /// TEXTURE_BARRIER.
    TextureBarrier(u32),
    /// SET_ATOMIC_BUFFERS.
    SetAtomicBuffers {
        /// First slot.
        start_slot: u32,
        /// One binding per slot.
        buffers: &'a [BufferBinding],
    },
    /// SET_DEBUG_FLAGS: NUL-padded ASCII.
    SetDebugFlags(Dwords<'a>),
    /// GET_QUERY_RESULT_QBO.
    GetQueryResultQbo(QueryResultQbo),
    /// TRANSFER3D: encoded transfer against the resource's backing.
    Transfer3d(Transfer3d),
    /// END_TRANSFERS: stale filler, skipped by length.
    EndTransfers(Dwords<'a>),
    /// COPY_TRANSFER3D: copy from a staging buffer's host contents.
    CopyTransfer3d(CopyTransfer3d),
    /// SET_TWEAKS.
    SetTweaks {
        /// Tweak id.
        id: u32,
        /// Value.
        value: u32,
    },
    /// CLEAR_TEXTURE.
    ClearTexture {
        /// Resource.
        res: u32,
        /// Mip level.
        level: u32,
        /// Region.
        region: Box3,
        /// Raw packed bytes of one texel block.
        texel: [u32; 4],
    },
    /// PIPE_RESOURCE_CREATE (blob path).
    PipeResourceCreate(PipeResourceCreate),
    /// PIPE_RESOURCE_SET_TYPE.
    PipeResourceSetType {
        /// Fixed part.
        info: SetTypeInfo,
        /// Per plane `stride, offset`.
        planes: &'a [PlaneLayout],
    },
    /// GET_MEMORY_INFO: host writes `virgl_memory_info` into `res`.
    GetMemoryInfo {
        /// Buffer receiving the info.
        res: u32,
    },
    /// SEND_STRING_MARKER.
    SendStringMarker {
        /// String length in bytes.
        len: u32,
        /// The string, zero-padded to whole dwords.
        text: Dwords<'a>,
    },
    /// LINK_SHADER: a pre-link hint (VS, FS, GS, TCS, TES, CS handles).
    LinkShader([u32; 6]),
    /// A video opcode (53..=61): accepted by framing, not interpreted.
    Video {
        /// Which video opcode.
        opcode: Opcode,
        /// Its payload.
        payload: Dwords<'a>,
    },
}

impl Command<'_> {
    /// The header's opcode for this command.
    pub fn opcode(&self) -> Opcode {
        match self {
            Self::Nop(_) => Opcode::NOP,
            Self::CreateObject(_) => Opcode::CREATE_OBJECT,
            Self::BindObject { .. } => Opcode::BIND_OBJECT,
            Self::DestroyObject { .. } => Opcode::DESTROY_OBJECT,
            Self::SetViewportState { .. } => Opcode::SET_VIEWPORT_STATE,
            Self::SetFramebufferState { .. } => Opcode::SET_FRAMEBUFFER_STATE,
            Self::SetVertexBuffers(_) => Opcode::SET_VERTEX_BUFFERS,
            Self::Clear(_) => Opcode::CLEAR,
            Self::DrawVbo(_) => Opcode::DRAW_VBO,
            Self::ResourceInlineWrite(_) => Opcode::RESOURCE_INLINE_WRITE,
            Self::SetSamplerViews(_) => Opcode::SET_SAMPLER_VIEWS,
            Self::SetIndexBuffer(_) => Opcode::SET_INDEX_BUFFER,
            Self::SetConstantBuffer { .. } => Opcode::SET_CONSTANT_BUFFER,
            Self::SetStencilRef(_) => Opcode::SET_STENCIL_REF,
            Self::SetBlendColor(_) => Opcode::SET_BLEND_COLOR,
            Self::SetScissorState { .. } => Opcode::SET_SCISSOR_STATE,
            Self::Blit(_) => Opcode::BLIT,
            Self::ResourceCopyRegion(_) => Opcode::RESOURCE_COPY_REGION,
            Self::BindSamplerStates(_) => Opcode::BIND_SAMPLER_STATES,
            Self::BeginQuery { .. } => Opcode::BEGIN_QUERY,
            Self::EndQuery { .. } => Opcode::END_QUERY,
            Self::GetQueryResult { .. } => Opcode::GET_QUERY_RESULT,
            Self::SetPolygonStipple(_) => Opcode::SET_POLYGON_STIPPLE,
            Self::SetClipState(_) => Opcode::SET_CLIP_STATE,
            Self::SetSampleMask(_) => Opcode::SET_SAMPLE_MASK,
            Self::SetStreamoutTargets { .. } => Opcode::SET_STREAMOUT_TARGETS,
            Self::SetRenderCondition { .. } => Opcode::SET_RENDER_CONDITION,
            Self::SetUniformBuffer { .. } => Opcode::SET_UNIFORM_BUFFER,
            Self::SetSubCtx(_) => Opcode::SET_SUB_CTX,
            Self::CreateSubCtx(_) => Opcode::CREATE_SUB_CTX,
            Self::DestroySubCtx(_) => Opcode::DESTROY_SUB_CTX,
            Self::BindShader { .. } => Opcode::BIND_SHADER,
            Self::SetTessState { .. } => Opcode::SET_TESS_STATE,
            Self::SetMinSamples(_) => Opcode::SET_MIN_SAMPLES,
            Self::SetShaderBuffers { .. } => Opcode::SET_SHADER_BUFFERS,
            Self::SetShaderImages { .. } => Opcode::SET_SHADER_IMAGES,
            Self::MemoryBarrier(_) => Opcode::MEMORY_BARRIER,
            Self::LaunchGrid(_) => Opcode::LAUNCH_GRID,
            Self::SetFramebufferStateNoAttach { .. } => Opcode::SET_FRAMEBUFFER_STATE_NO_ATTACH,
            Self::TextureBarrier(_) => Opcode::TEXTURE_BARRIER,
            Self::SetAtomicBuffers { .. } => Opcode::SET_ATOMIC_BUFFERS,
            Self::SetDebugFlags(_) => Opcode::SET_DEBUG_FLAGS,
            Self::GetQueryResultQbo(_) => Opcode::GET_QUERY_RESULT_QBO,
            Self::Transfer3d(_) => Opcode::TRANSFER3D,
            Self::EndTransfers(_) => Opcode::END_TRANSFERS,
            Self::CopyTransfer3d(_) => Opcode::COPY_TRANSFER3D,
            Self::SetTweaks { .. } => Opcode::SET_TWEAKS,
            Self::ClearTexture { .. } => Opcode::CLEAR_TEXTURE,
            Self::PipeResourceCreate(_) => Opcode::PIPE_RESOURCE_CREATE,
            Self::PipeResourceSetType { .. } => Opcode::PIPE_RESOURCE_SET_TYPE,
            Self::GetMemoryInfo { .. } => Opcode::GET_MEMORY_INFO,
            Self::SendStringMarker { .. } => Opcode::SEND_STRING_MARKER,
            Self::LinkShader(_) => Opcode::LINK_SHADER,
            Self::Video { opcode, .. } => *opcode,
        }
    }

    /// The header's object-type byte: the object's type for CREATE, BIND and
    /// DESTROY_OBJECT, else `NULL`.
    pub fn object_type(&self) -> ObjectType {
        match self {
            Self::CreateObject(o) => o.object_type(),
            Self::BindObject { object_type, .. } | Self::DestroyObject { object_type, .. } => {
                *object_type
            }
            _ => ObjectType::NULL,
        }
    }
}

/// CREATE_OBJECT payloads (virgl-protocol.md §3).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum CreateObject<'a> {
    /// BLEND.
    Blend(Blend),
    /// RASTERIZER.
    Rasterizer(Rasterizer),
    /// DSA.
    Dsa(Dsa),
    /// SHADER (one chunk of its text).
    Shader(ShaderChunk<'a>),
    /// VERTEX_ELEMENTS.
    VertexElements {
        /// Object handle.
        handle: u32,
        /// Element `i` feeds vertex shader input `IN[i]`.
        elements: &'a [VertexElement],
    },
    /// SAMPLER_VIEW.
    SamplerView(SamplerView),
    /// SAMPLER_STATE.
    SamplerState(SamplerState),
    /// SURFACE.
    Surface(Surface),
    /// QUERY.
    Query(Query),
    /// STREAMOUT_TARGET.
    StreamoutTarget {
        /// Object handle.
        handle: u32,
        /// Buffer resource.
        res: u32,
        /// Byte offset.
        buffer_offset: u32,
        /// Byte size.
        buffer_size: u32,
    },
    /// MSAA_SURFACE: a surface rendered with implicit resolve.
    MsaaSurface {
        /// The surface fields.
        surface: Surface,
        /// Sample count.
        nr_samples: u32,
    },
}

impl CreateObject<'_> {
    /// The object type this payload creates.
    pub fn object_type(&self) -> ObjectType {
        match self {
            Self::Blend(_) => ObjectType::BLEND,
            Self::Rasterizer(_) => ObjectType::RASTERIZER,
            Self::Dsa(_) => ObjectType::DSA,
            Self::Shader(_) => ObjectType::SHADER,
            Self::VertexElements { .. } => ObjectType::VERTEX_ELEMENTS,
            Self::SamplerView(_) => ObjectType::SAMPLER_VIEW,
            Self::SamplerState(_) => ObjectType::SAMPLER_STATE,
            Self::Surface(_) => ObjectType::SURFACE,
            Self::Query(_) => ObjectType::QUERY,
            Self::StreamoutTarget { .. } => ObjectType::STREAMOUT_TARGET,
            Self::MsaaSurface { .. } => ObjectType::MSAA_SURFACE,
        }
    }

    /// The handle of the object being created.
    pub fn handle(&self) -> u32 {
        match self {
            Self::Blend(o) => o.handle,
            Self::Rasterizer(o) => o.handle,
            Self::Dsa(o) => o.handle,
            Self::Shader(o) => o.handle,
            Self::VertexElements { handle, .. } | Self::StreamoutTarget { handle, .. } => *handle,
            Self::SamplerView(o) => o.handle,
            Self::SamplerState(o) => o.handle,
            Self::Surface(o) | Self::MsaaSurface { surface: o, .. } => o.handle,
            Self::Query(o) => o.handle,
        }
    }
}

/// BLEND object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Blend {
    /// Object handle.
    pub handle: u32,
    /// Global switches.
    pub flags: BlendFlags,
    /// Logic op.
    pub logicop: BlendLogicOp,
    /// Per render target; only `rt[0]` counts unless independent blending is on.
    pub rt: [RtBlend; 8],
}

/// RASTERIZER object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Rasterizer {
    /// Object handle.
    pub handle: u32,
    /// Switches.
    pub flags: RasterizerFlags,
    /// Point size.
    pub point_size: F32Bits,
    /// Bitmask of GENERIC/TEXCOORD slots replaced by the point coordinate.
    pub sprite_coord_enable: u32,
    /// Line stipple and clip planes.
    pub stipple: RasterizerStipple,
    /// Line width.
    pub line_width: F32Bits,
    /// Polygon offset units.
    pub offset_units: F32Bits,
    /// Polygon offset scale.
    pub offset_scale: F32Bits,
    /// Polygon offset clamp.
    pub offset_clamp: F32Bits,
}

/// DSA (depth/stencil/alpha) object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Dsa {
    /// Object handle.
    pub handle: u32,
    /// Depth and alpha test.
    pub depth_alpha: DepthAlpha,
    /// Front-face stencil.
    pub front: StencilFace,
    /// Back-face stencil.
    pub back: StencilFace,
    /// Alpha test reference.
    pub alpha_ref: F32Bits,
}

/// One CREATE_OBJECT(SHADER) command: a whole shader or one chunk of a long one.
#[derive(Clone, Copy, PartialEq, Eq)]
pub struct ShaderChunk<'a> {
    /// Object handle.
    pub handle: u32,
    /// Stage (< 6).
    pub stage: ShaderStage,
    /// Total length (first chunk) or offset (continuation).
    pub offlen: ShaderOffLen,
    /// Token-count hint for binary TGSI; a text parser ignores it.
    pub num_tokens: u32,
    /// Stream-output info (graphics) or shared memory size (compute).
    pub extra: ShaderExtra<'a>,
    /// Text bytes of this chunk, zero-padded to whole dwords.
    pub text: &'a [u8],
}

impl core::fmt::Debug for ShaderChunk<'_> {
    /// Shows the text as a string (up to its NUL), not as bytes.
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        let end = self
            .text
            .iter()
            .position(|&b| b == 0)
            .unwrap_or(self.text.len());
        let text = self.text.get(..end).unwrap_or_default();
        f.debug_struct("ShaderChunk")
            .field("handle", &self.handle)
            .field("stage", &self.stage)
            .field("offlen", &self.offlen)
            .field("num_tokens", &self.num_tokens)
            .field("extra", &self.extra)
            .field("text", &alloc::string::String::from_utf8_lossy(text))
            .finish()
    }
}

/// Dword 5 of a shader object and what follows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ShaderExtra<'a> {
    /// Graphics stages: stream-output outputs (none for GL2/ES2 shaders).
    StreamOutput(Option<StreamOutput<'a>>),
    /// Compute: requested shared memory in bytes.
    ReqLocalMem(u32),
}

/// Stream-output description of a shader.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StreamOutput<'a> {
    /// Dwords per vertex per buffer.
    pub strides: [u32; 4],
    /// One record per output.
    pub outputs: &'a [SoOutput],
}

/// One stream-output output record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
pub struct SoOutput {
    /// Register, components, buffer and offset.
    pub layout: Le32,
    /// Bits 0..1: stream.
    pub stream: Le32,
}

impl SoOutput {
    /// The packed layout fields.
    pub fn layout(&self) -> SoOutputLayout {
        SoOutputLayout::from_bits(self.layout.get())
    }
}

/// VERTEX_ELEMENTS record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Pod, Zeroable)]
#[repr(C)]
pub struct VertexElement {
    /// Byte offset into the vertex.
    pub src_offset: Le32,
    /// 0 = per vertex, else per `n` instances.
    pub instance_divisor: Le32,
    /// Vertex buffer slot (< 32).
    pub vertex_buffer_index: Le32,
    /// `VIRGL_FORMAT_*`.
    pub src_format: Le32,
}

/// SAMPLER_VIEW object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SamplerView {
    /// Object handle.
    pub handle: u32,
    /// Viewed resource.
    pub res: u32,
    /// Format and target.
    pub format: ViewFormat,
    /// Textures: `first_layer | last_layer << 16`; buffers: `first_element`.
    pub range0: u32,
    /// Textures: `first_level | last_level << 8`; buffers: `last_element`.
    pub range1: u32,
    /// Component swizzles.
    pub swizzle: ViewSwizzle,
}

impl SamplerView {
    /// The view's format.
    pub fn view_format(&self) -> Format {
        Format(self.format.format())
    }

    /// The view's target (0 = the resource's own target).
    pub fn target(&self) -> TextureTarget {
        TextureTarget(u32::from(self.format.target()))
    }
}

/// SAMPLER_STATE object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SamplerState {
    /// Object handle.
    pub handle: u32,
    /// Wraps, filters and compare.
    pub flags: SamplerFlags,
    /// LOD bias.
    pub lod_bias: F32Bits,
    /// Minimum LOD.
    pub min_lod: F32Bits,
    /// Maximum LOD.
    pub max_lod: F32Bits,
    /// Border colour bits (f32/u32/i32 by view format).
    pub border_color: [u32; 4],
}

/// SURFACE object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Surface {
    /// Object handle.
    pub handle: u32,
    /// Resource rendered to.
    pub res: u32,
    /// Format (may differ from the resource's, e.g. sRGB views).
    pub format: Format,
    /// Textures: mip level; buffers: first element.
    pub range0: u32,
    /// Textures: `first_layer | last_layer << 16`; buffers: last element.
    pub range1: u32,
}

/// QUERY object.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Query {
    /// Object handle.
    pub handle: u32,
    /// Type and index.
    pub kind: QueryKind,
    /// Byte offset of the result in `res`.
    pub offset: u32,
    /// Buffer receiving `virgl_host_query_state`.
    pub res: u32,
}

/// SET_VIEWPORT_STATE record: `window = ndc × scale + translate`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
pub struct Viewport {
    /// x, y, z scale (f32 bits).
    pub scale: [Le32; 3],
    /// x, y, z translate (f32 bits).
    pub translate: [Le32; 3],
}

impl Viewport {
    /// The scale as floats.
    pub fn scale(&self) -> [f32; 3] {
        self.scale.map(|v| f32::from_bits(v.get()))
    }

    /// The translation as floats.
    pub fn translate(&self) -> [f32; 3] {
        self.translate.map(|v| f32::from_bits(v.get()))
    }
}

/// SET_SCISSOR_STATE record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
pub struct Scissor {
    /// `minx | miny << 16`.
    pub min: Le32,
    /// `maxx | maxy << 16`.
    pub max: Le32,
}

impl Scissor {
    /// `(minx, miny, maxx, maxy)`.
    pub fn rect(&self) -> (u16, u16, u16, u16) {
        let (min, max) = (
            U16Pair::from_bits(self.min.get()),
            U16Pair::from_bits(self.max.get()),
        );
        (min.lo(), min.hi(), max.lo(), max.hi())
    }
}

/// SET_VERTEX_BUFFERS record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
pub struct VertexBuffer {
    /// Bytes between vertices (0 = every vertex reads the same element).
    pub stride: Le32,
    /// Byte offset of vertex 0.
    pub offset: Le32,
    /// Buffer resource (0 = unbound slot).
    pub res: Le32,
}

/// SET_SHADER_BUFFERS / SET_ATOMIC_BUFFERS record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
pub struct BufferBinding {
    /// Byte offset.
    pub offset: Le32,
    /// Byte length.
    pub length: Le32,
    /// Buffer resource (0 = unbound).
    pub res: Le32,
}

/// SET_SHADER_IMAGES record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
pub struct ImageBinding {
    /// View format.
    pub format: Le32,
    /// `PIPE_IMAGE_ACCESS_*`.
    pub access: Le32,
    /// Textures: layer offset; buffers: byte offset.
    pub layer_offset: Le32,
    /// Textures: level and size; buffers: byte size.
    pub level_size: Le32,
    /// Resource (0 = unbound).
    pub res: Le32,
}

/// PIPE_RESOURCE_SET_TYPE plane record.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
pub struct PlaneLayout {
    /// Row stride in bytes.
    pub stride: Le32,
    /// Byte offset of the plane.
    pub offset: Le32,
}

/// SET_SAMPLER_VIEWS / BIND_SAMPLER_STATES: handles for consecutive slots of a stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StageSlots<'a> {
    /// Stage.
    pub stage: ShaderStage,
    /// First slot written.
    pub start_slot: u32,
    /// Handles (0 = unbind).
    pub handles: &'a [Le32],
}

/// CLEAR.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Clear {
    /// `PIPE_CLEAR_*` bits.
    pub buffers: u32,
    /// Colour bits, interpreted by the surface format.
    pub color: [u32; 4],
    /// Depth value (an f64, low dword first on the wire).
    pub depth: F64Bits,
    /// Stencil value.
    pub stencil: u32,
}

/// DRAW_VBO (12, 14 or 20 dwords).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrawVbo {
    /// First vertex, or first index when indexed.
    pub start: u32,
    /// Vertex or index count.
    pub count: u32,
    /// Primitive mode.
    pub mode: PrimMode,
    /// Indexed draw.
    pub indexed: bool,
    /// Instances (≥ 1).
    pub instance_count: u32,
    /// Base vertex added to each index.
    pub index_bias: i32,
    /// First instance.
    pub start_instance: u32,
    /// Primitive restart enabled.
    pub primitive_restart: bool,
    /// Restart index.
    pub restart_index: u32,
    /// Smallest index (0 if unknown).
    pub min_index: u32,
    /// Largest index (`u32::MAX` if unknown).
    pub max_index: u32,
    /// Non-zero: draw-auto from a stream-output target.
    pub count_from_so: u32,
    /// Tessellation fields (14- and 20-dword forms).
    pub tess: Option<DrawTess>,
    /// Indirect fields (20-dword form).
    pub indirect: Option<DrawIndirect>,
}

/// DRAW_VBO dwords 13..14.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrawTess {
    /// Vertices per patch.
    pub vertices_per_patch: u32,
    /// `gl_DrawID`.
    pub drawid: u32,
}

/// DRAW_VBO dwords 15..20.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DrawIndirect {
    /// Buffer holding draw arguments.
    pub handle: u32,
    /// Byte offset of the first argument set.
    pub offset: u32,
    /// Bytes between argument sets.
    pub stride: u32,
    /// Number of draws.
    pub draw_count: u32,
    /// Byte offset of the draw count in `draw_count_handle`.
    pub draw_count_offset: u32,
    /// Buffer holding the draw count (0 = use `draw_count`).
    pub draw_count_handle: u32,
}

/// SET_INDEX_BUFFER.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct IndexBuffer {
    /// Buffer resource (0 = unbind).
    pub res: u32,
    /// `(index_size, offset)`; `None` for the 1-dword (unbind) form.
    pub layout: Option<(u32, u32)>,
}

/// A 3-D box: origin and size (signed, so BLIT can express flips).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Box3 {
    /// Origin x.
    pub x: i32,
    /// Origin y.
    pub y: i32,
    /// Origin z (slice or layer).
    pub z: i32,
    /// Width.
    pub w: i32,
    /// Height.
    pub h: i32,
    /// Depth (or layer count).
    pub d: i32,
}

/// RESOURCE_INLINE_WRITE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct InlineWrite<'a> {
    /// Destination resource.
    pub res: u32,
    /// Mip level.
    pub level: u32,
    /// `PIPE_MAP_*` (informational).
    pub usage: u32,
    /// Bytes per row of `data` (0 = inferred).
    pub stride: u32,
    /// Bytes per layer of `data` (0 = inferred).
    pub layer_stride: u32,
    /// Destination region.
    pub region: Box3,
    /// The bytes, zero-padded to whole dwords.
    pub data: Dwords<'a>,
}

/// TRANSFER3D.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Transfer3d {
    /// Resource.
    pub res: u32,
    /// Mip level.
    pub level: u32,
    /// `PIPE_MAP_*` (informational).
    pub usage: u32,
    /// Backing row pitch (0 = the level's natural pitch).
    pub stride: u32,
    /// Backing layer pitch (0 = inferred).
    pub layer_stride: u32,
    /// Region of the resource.
    pub region: Box3,
    /// Byte offset in the backing of the region's first texel.
    pub offset: u32,
    /// To or from the host.
    pub direction: TransferDirection,
}

/// COPY_TRANSFER3D.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct CopyTransfer3d {
    /// Destination resource.
    pub res: u32,
    /// Mip level.
    pub level: u32,
    /// `PIPE_MAP_*` (informational).
    pub usage: u32,
    /// Row pitch of the staging data.
    pub stride: u32,
    /// Layer pitch of the staging data.
    pub layer_stride: u32,
    /// Destination region.
    pub region: Box3,
    /// Staging buffer.
    pub src_res: u32,
    /// Byte offset in the staging buffer.
    pub src_offset: u32,
    /// Flags.
    pub flags: CopyTransferFlags,
}

/// One side of a BLIT.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct BlitSurface {
    /// Resource.
    pub res: u32,
    /// Mip level.
    pub level: u32,
    /// Format to interpret the texels as.
    pub format: Format,
    /// Region (negative sizes flip).
    pub region: Box3,
}

/// BLIT: scaled, format-converting copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Blit {
    /// Mask, filter and switches.
    pub flags: BlitFlags,
    /// Scissor `minx | miny << 16`.
    pub scissor_min: U16Pair,
    /// Scissor `maxx | maxy << 16`.
    pub scissor_max: U16Pair,
    /// Destination.
    pub dst: BlitSurface,
    /// Source.
    pub src: BlitSurface,
}

/// RESOURCE_COPY_REGION: unscaled raw copy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct CopyRegion {
    /// Destination resource.
    pub dst_res: u32,
    /// Destination level.
    pub dst_level: u32,
    /// Destination x, y, z.
    pub dst: [u32; 3],
    /// Source resource.
    pub src_res: u32,
    /// Source level.
    pub src_level: u32,
    /// Source region (buffers: x and w in bytes).
    pub src: Box3,
}

/// LAUNCH_GRID.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct LaunchGrid {
    /// Work-group size.
    pub block: [u32; 3],
    /// Grid size.
    pub grid: [u32; 3],
    /// Indirect buffer (0 = direct).
    pub indirect_res: u32,
    /// Byte offset in the indirect buffer.
    pub indirect_offset: u32,
}

/// GET_QUERY_RESULT_QBO.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct QueryResultQbo {
    /// Query handle.
    pub handle: u32,
    /// Buffer receiving the result.
    pub qbo: u32,
    /// Wait for the result.
    pub wait: u32,
    /// `PIPE_QUERY_TYPE_*` of the stored value.
    pub result_type: u32,
    /// Byte offset in `qbo`.
    pub offset: u32,
    /// Result index (-1 = availability).
    pub index: i32,
}

/// PIPE_RESOURCE_CREATE.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct PipeResourceCreate {
    /// Target.
    pub target: TextureTarget,
    /// Format.
    pub format: Format,
    /// `VIRGL_BIND_*`.
    pub bind: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// Depth.
    pub depth: u32,
    /// Array layers.
    pub array_size: u32,
    /// Last mip level.
    pub last_level: u32,
    /// Samples.
    pub nr_samples: u32,
    /// Flags.
    pub flags: u32,
    /// Blob id.
    pub blob_id: u32,
}

/// PIPE_RESOURCE_SET_TYPE fixed part.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SetTypeInfo {
    /// Resource.
    pub res: u32,
    /// Format.
    pub format: Format,
    /// `VIRGL_BIND_*`.
    pub bind: u32,
    /// Width.
    pub width: u32,
    /// Height.
    pub height: u32,
    /// Usage.
    pub usage: u32,
    /// DRM format modifier.
    pub modifier: u64,
}
