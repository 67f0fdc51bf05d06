//! What one raw draw is made of: its pipeline key and extra state, bindings,
//! buffers and the call, every value already checked by the draw code
//! exactly as for the wgpu path.

use super::xfb_spirv::XfbOutput;
use crate::core::record::pipeline::PipelineKey;
use crate::core::record::uniforms::UniformSlice;
use guest_protocol::virgl::SamplerState;
use std::ops::Range;

/// One resource bound to a shader binding of a raw draw.
pub enum Binding<'a> {
    /// Constant buffer range (uniform or read-only storage, as the layout
    /// declares its binding).
    Buffer(&'a UniformSlice),
    /// Sampled texture view.
    View(&'a wgpu::TextureView),
    /// Sampler: the guest's state (None: default) and whether border
    /// addressing is available.
    Sampler(Option<SamplerState>, bool),
}

/// The vertices a raw draw reads.
pub enum Call {
    /// Non-indexed.
    Plain {
        /// Vertex range.
        vertices: Range<u32>,
        /// Instance range.
        instances: Range<u32>,
    },
    /// Indexed from the bound index buffer.
    Indexed {
        /// Index range.
        indices: Range<u32>,
        /// Added to each index.
        base_vertex: i32,
        /// Instance range.
        instances: Range<u32>,
    },
}

/// Everything one raw draw needs; every value already checked by the draw
/// code exactly as for the wgpu path.
pub struct RawDraw<'a> {
    /// The wgpu pipeline key this pipeline mirrors.
    pub key: &'a PipelineKey,
    /// `PIPE_LOGICOP_*`, or none (the key's blending).
    pub logic_op: Option<u8>,
    /// Line width in whole pixels (1: GL's default lines).
    pub line_width: u32,
    /// GL line stipple: factor (1–256) and pattern.
    pub line_stipple: Option<(u32, u16)>,
    /// Alpha to one.
    pub alpha_to_one: bool,
    /// Shader id and module of the vertex and fragment stage.
    pub shaders: [(u64, &'a naga::Module); 2],
    /// The geometry stage, if the draw has one.
    pub geometry: Option<RawGeometry<'a>>,
    /// The tessellation stages, if the draw has them (the key's
    /// `patch_vertices` is then the patch size).
    pub tessellation: Option<[RawTessellation<'a>; 2]>,
    /// Bindings of the vertex, fragment, geometry, tessellation control
    /// and evaluation stage (their own numbers), as many as the key has
    /// layouts.
    pub bindings: Vec<Vec<(u32, Binding<'a>)>>,
    /// Vertex buffers and offsets, one per key vertex entry.
    pub vertex: &'a [(wgpu::Buffer, u64)],
    /// Index buffer, offset and format.
    pub index: Option<(&'a wgpu::Buffer, u64, wgpu::IndexFormat)>,
    /// What to draw.
    pub call: Call,
    /// x, y, width, height, near, far.
    pub viewport: [f32; 6],
    /// x, y, width, height (inside the attachments).
    pub scissor: [u32; 4],
    /// Stencil reference.
    pub stencil_ref: u32,
    /// Blend constant.
    pub blend_constant: [f32; 4],
    /// Colour attachments per slot.
    pub colors: Vec<Option<&'a wgpu::TextureView>>,
    /// Depth/stencil attachment.
    pub depth: Option<&'a wgpu::TextureView>,
    /// Attachment size.
    pub size: (u32, u32),
    /// Layers rendered (more than 1: the attachments are array views a
    /// geometry shader picks a layer of).
    pub layers: u32,
    /// Stream output, if the draw captures.
    pub capture: Option<RawCapture<'a>>,
    /// GL's rasterizer discard: primitives are captured, never rasterized.
    pub rasterizer_discard: bool,
    /// Flat shading takes each primitive's last vertex (the device has
    /// `provokingVertexLast`; set where GL's last vertex cannot be had by
    /// rotating indices: geometry-shader and capturing draws).
    pub last_vertex: bool,
}

/// A raw draw's geometry shader.
pub struct RawGeometry<'a> {
    /// Shader id.
    pub id: u64,
    /// The framebuffer is layered: `LAYER` picks the layer (else GL
    /// ignores it).
    pub layered: bool,
    /// Its module (a compute entry point, see
    /// [`shader_translate::interface::Geometry`]).
    pub module: &'a naga::Module,
    /// What makes it a geometry stage.
    pub stage: &'a shader_translate::interface::Geometry,
}

/// A raw draw's tessellation control or evaluation shader.
pub struct RawTessellation<'a> {
    /// Shader id.
    pub id: u64,
    /// Its module (a compute entry point, see
    /// [`shader_translate::interface::Tessellation`]).
    pub module: &'a naga::Module,
    /// What makes it a tessellation stage.
    pub stage: &'a shader_translate::interface::Tessellation,
}

/// Where a raw draw's stream output goes.
pub struct RawCapture<'a> {
    /// The vertex shader's captured outputs.
    pub outputs: &'a [XfbOutput],
    /// The capture buffer (see [`super::capture`]); `None` when no
    /// primitive fits the targets.
    pub buffer: Option<&'a wgpu::Buffer>,
    /// Transform-feedback buffer slot, byte offset and size in `buffer` of
    /// each bound slot: exactly the primitives the draw may write.
    pub regions: &'a [(u32, u64, u64)],
    /// Where in `buffer` the draw leaves each slot's transform-feedback
    /// counter (4 bytes per slot from there), when it is counted on the GPU.
    pub counters: Option<u64>,
}
