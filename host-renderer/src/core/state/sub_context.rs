//! A sub-context: its object table and the state bound through it.

use super::objects::{Object, QueryObj, SamplerStateObj, SamplerViewObj, ShaderObj, SurfaceObj};
use super::stream_out::{StreamOutInfo, StreamoutTargetObj};
use crate::core::base::error::CommandError;
use guest_protocol::virgl::enums::ShaderStage;
use guest_protocol::virgl::shader::ShaderAssembler;
use guest_protocol::virgl::{Blend, Dsa, Rasterizer, VertexBuffer, VertexElement, Viewport};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

/// Stages with per-stage state (VS, FS, GS, TCS, TES, CS).
pub const STAGES: usize = ShaderStage::COUNT as usize;
/// Sampler units tracked per stage.
pub const MAX_SAMPLER_UNITS: usize = 32;
/// Objects per sub-context.
pub const MAX_OBJECTS: usize = 1 << 16;

/// The bound framebuffer.
#[derive(Debug, Clone, Default)]
pub struct Framebuffer {
    /// Colour buffers (slots may be empty).
    pub cbufs: Vec<Option<Arc<SurfaceObj>>>,
    /// Depth/stencil buffer.
    pub zsurf: Option<Arc<SurfaceObj>>,
    /// SET_FRAMEBUFFER_STATE_NO_ATTACH size.
    pub no_attach: (u32, u32),
}

impl Framebuffer {
    /// Its size: the smallest attachment's, else the NO_ATTACH size.
    pub fn size(&self) -> (u32, u32) {
        let sizes = self
            .cbufs
            .iter()
            .flatten()
            .chain(self.zsurf.iter())
            .map(|s| s.size);
        sizes
            .reduce(|a, b| (a.0.min(b.0), a.1.min(b.1)))
            .unwrap_or(self.no_attach)
    }
}

/// SET_INDEX_BUFFER state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct IndexBinding {
    /// Buffer resource.
    pub res: u32,
    /// 1, 2 or 4.
    pub index_size: u32,
    /// Byte offset.
    pub offset: u32,
}

/// A byte range of a buffer resource: a constant buffer bound by
/// SET_UNIFORM_BUFFER, a storage buffer by SET_SHADER_BUFFERS.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BufferRange {
    /// Buffer resource.
    pub res: u32,
    /// Byte offset.
    pub offset: u32,
    /// Byte length.
    pub length: u32,
}

/// One stage's bound resources.
#[derive(Debug, Clone, Default)]
pub struct StageState {
    /// Bound shader.
    pub shader: Option<Arc<ShaderObj>>,
    /// Constant buffer 0 (SET_CONSTANT_BUFFER), little-endian bytes.
    pub constants: Vec<u8>,
    /// Constant buffers bound from buffer resources (SET_UNIFORM_BUFFER) by
    /// index; one bound at 0 replaces [`StageState::constants`].
    pub uniform_buffers: Vec<Option<BufferRange>>,
    /// Sampler views by unit.
    pub views: Vec<Option<Arc<SamplerViewObj>>>,
    /// Sampler states by unit.
    pub samplers: Vec<Option<Arc<SamplerStateObj>>>,
    /// Shader storage buffers by slot (SET_SHADER_BUFFERS).
    pub shader_buffers: Vec<Option<BufferRange>>,
    /// Shader images by slot (SET_SHADER_IMAGES).
    pub images: Vec<Option<ImageBinding>>,
}

/// SET_SHADER_IMAGES state of one slot: a level and layers of a texture
/// resource, viewed in a format.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ImageBinding {
    /// Texture resource.
    pub res: u32,
    /// View format (virgl).
    pub format: guest_protocol::virgl::Format,
    /// Mip level.
    pub level: u32,
    /// First and last layer (or 3D slice).
    pub layers: (u32, u32),
}

/// Which version of a sub-context's bound state a draw saw: every command
/// that may change what a draw reads gives its sub-context a new number
/// (`Exec::run`), so a draw whose numbers equal the previous draw's may
/// reuse what that draw prepared. Numbers come from one process-wide
/// counter, so no two sub-contexts (of any renderer) ever share one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Generation {
    /// Everything a draw reads except constant buffer 0 and the bound
    /// blend, rasterizer and depth/stencil/alpha states (bound by value:
    /// whoever reuses a draw's preparation compares those itself).
    pub state: u64,
    /// Constant buffer 0 of every stage (SET_CONSTANT_BUFFER).
    pub constants: u64,
}

/// The process-wide source of [`Generation`] numbers.
static NEXT_GENERATION: AtomicU64 = AtomicU64::new(1);

fn next_generation() -> u64 {
    NEXT_GENERATION.fetch_add(1, Ordering::Relaxed)
}

impl Generation {
    /// Fresh numbers, shared with no other sub-context.
    pub fn fresh() -> Self {
        Self {
            state: next_generation(),
            constants: next_generation(),
        }
    }

    /// Bound state other than the constants may have changed.
    pub fn state_changed(&mut self) {
        self.state = next_generation();
    }

    /// A constant buffer may have changed.
    pub fn constants_changed(&mut self) {
        self.constants = next_generation();
    }
}

/// One sub-context: an object table and bound state.
#[derive(Debug)]
pub struct SubContext {
    /// The version of its bound state (see [`Generation`]).
    pub generation: Generation,
    /// Objects by handle.
    pub objects: HashMap<u32, Object>,
    /// Shader text reassembly.
    pub assembler: ShaderAssembler,
    /// Bound blend state.
    pub blend: Option<Blend>,
    /// Bound rasterizer state.
    pub rasterizer: Option<Rasterizer>,
    /// Bound depth/stencil/alpha state.
    pub dsa: Option<Dsa>,
    /// Bound vertex elements.
    pub vertex_elements: Option<Arc<[VertexElement]>>,
    /// Per-stage state.
    pub stages: [StageState; STAGES],
    /// Framebuffer.
    pub fb: Framebuffer,
    /// Viewport 0.
    pub viewport: Option<Viewport>,
    /// Scissor 0 `(minx, miny, maxx, maxy)`.
    pub scissor: Option<(u32, u32, u32, u32)>,
    /// Vertex buffers by slot.
    pub vertex_buffers: Vec<VertexBuffer>,
    /// Index buffer.
    pub index_buffer: Option<IndexBinding>,
    /// Blend colour.
    pub blend_color: [f32; 4],
    /// Stencil reference (front, back).
    pub stencil_ref: (u8, u8),
    /// Sample mask.
    pub sample_mask: u32,
    /// Samples each fragment shades at least (`SET_MIN_SAMPLES`): above
    /// 1 on a multisampled framebuffer, every sample is shaded.
    pub min_samples: u32,
    /// Default tessellation levels (`SET_TESS_STATE`: outer, inner), for
    /// draws with an evaluation shader and no control shader.
    pub tess_levels: ([f32; 4], [f32; 2]),
    /// Polygon stipple pattern (`SET_POLYGON_STIPPLE`), 32 rows.
    pub polygon_stipple: [u32; 32],
    /// User clip planes (`SET_CLIP_STATE`), as the guest sent them.
    pub clip_planes: [[f32; 4]; 8],
    /// The occlusion query counting draws, if any.
    pub active_occlusion: Option<Arc<parking_lot::Mutex<QueryObj>>>,
    /// SET_RENDER_CONDITION's query result says not to render: draws,
    /// clears and blits that honour the condition are skipped.
    pub render_condition_fails: bool,
    /// Active stream-output queries (primitives generated, emitted,
    /// overflow), counted by the draws.
    pub counted_queries: Vec<Arc<parking_lot::Mutex<QueryObj>>>,
    /// Bound stream-output targets by buffer slot (SET_STREAMOUT_TARGETS).
    pub so_targets: Vec<Option<Arc<StreamoutTargetObj>>>,
    /// The targets of the last SET_STREAMOUT_TARGETS that bound any: draws
    /// that take their count from a target name one of them.
    pub so_last: Vec<Arc<StreamoutTargetObj>>,
    /// The stream-output layout of the vertex shader whose text is still
    /// arriving in chunks (continuations carry none): its handle and layout.
    pub so_pending: Option<(u32, Option<Arc<StreamOutInfo>>)>,
}

impl Default for SubContext {
    /// A fresh sub-context with Gallium's defaults (every sample, no
    /// polygon stipple, nothing bound).
    fn default() -> Self {
        Self {
            generation: Generation::fresh(),
            objects: HashMap::new(),
            assembler: ShaderAssembler::default(),
            blend: None,
            rasterizer: None,
            dsa: None,
            vertex_elements: None,
            stages: Default::default(),
            fb: Framebuffer::default(),
            viewport: None,
            scissor: None,
            vertex_buffers: Vec::new(),
            index_buffer: None,
            blend_color: [0.0; 4],
            stencil_ref: (0, 0),
            sample_mask: !0,
            min_samples: 1,
            // GL's defaults.
            tess_levels: ([1.0; 4], [1.0; 2]),
            polygon_stipple: [u32::MAX; 32],
            clip_planes: [[0.0; 4]; 8],
            active_occlusion: None,
            render_condition_fails: false,
            counted_queries: Vec::new(),
            so_targets: Vec::new(),
            so_last: Vec::new(),
            so_pending: None,
        }
    }
}

impl SubContext {
    /// Adds or replaces an object.
    pub fn insert(&mut self, handle: u32, obj: Object) -> Result<(), CommandError> {
        if handle == 0 {
            return Err(CommandError::ZeroHandle);
        }
        if self.objects.len() >= MAX_OBJECTS && !self.objects.contains_key(&handle) {
            return Err(CommandError::OutOfRange {
                what: "object count",
                value: self.objects.len() as u64,
            });
        }
        self.objects.insert(handle, obj);
        Ok(())
    }

    /// Looks up an object, checking its kind with `pick`.
    pub fn get<T>(
        &self,
        handle: u32,
        what: &'static str,
        pick: impl FnOnce(&Object) -> Option<T>,
    ) -> Result<T, CommandError> {
        self.objects
            .get(&handle)
            .and_then(pick)
            .ok_or(CommandError::NoObject { what, handle })
    }
}
