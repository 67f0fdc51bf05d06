//! Contexts, sub-contexts and their object tables (virgl-protocol.md §1.2, §3, §4).
//!
//! Every sub-context has its own object table (handles from Mesa's global
//! counter) and its own bound state. Bound objects are held by value or `Arc`,
//! so destroying a bound object keeps it alive until it is unbound, as Gallium
//! expects.

use crate::core::base::error::CommandError;
use crate::core::base::ids::{CtxId, ResId};
use crate::core::record::pipeline::ShaderMemo;
use guest_protocol::virgl::enums::ShaderStage;
use guest_protocol::virgl::shader::ShaderAssembler;
use guest_protocol::virgl::{
    Blend, Dsa, Query, Rasterizer, SamplerState, SamplerView, VertexBuffer, VertexElement, Viewport,
};
use std::collections::{HashMap, HashSet};
use std::sync::Arc;

/// Stages with per-stage state (VS, FS, GS, TCS, TES, CS).
pub const STAGES: usize = ShaderStage::COUNT as usize;
/// Sampler units tracked per stage.
pub const MAX_SAMPLER_UNITS: usize = 32;
/// Errors kept per context (older ones are counted, not kept).
pub const MAX_KEPT_ERRORS: usize = 64;
/// Sub-contexts per context.
pub const MAX_SUB_CONTEXTS: usize = 256;
/// Objects per sub-context.
pub const MAX_OBJECTS: usize = 1 << 16;

/// A shader object: its complete TGSI text.
#[derive(Debug)]
pub struct ShaderObj {
    /// Stage it was created for.
    pub stage: ShaderStage,
    /// The text (without its NUL).
    pub text: Arc<str>,
    /// What it last compiled to.
    pub compiled: ShaderMemo,
}

/// A surface (render target view).
#[derive(Debug)]
pub struct SurfaceObj {
    /// The decoded object.
    pub desc: guest_protocol::virgl::Surface,
    /// Resource rendered to.
    pub res: ResId,
    /// Mip level.
    pub level: u32,
    /// Array layer (or 3D slice).
    pub layer: u32,
    /// The wgpu view (one level, one layer).
    pub view: wgpu::TextureView,
    /// Host format of the view.
    pub host_format: wgpu::TextureFormat,
    /// The guest format has no alpha channel (blend DST_ALPHA reads as 1).
    pub alpha_is_one: bool,
    /// The guest channel each host channel stores
    /// ([`FormatDesc::render_swizzle`](crate::core::base::format::FormatDesc::render_swizzle)).
    pub render_swizzle: [u8; 4],
    /// Size of the level.
    pub size: (u32, u32),
    /// Samples per pixel of the resource.
    pub samples: u32,
}

/// A sampler view.
#[derive(Debug)]
pub struct SamplerViewObj {
    /// The decoded object.
    pub desc: SamplerView,
    /// Resource viewed.
    pub res: ResId,
    /// The wgpu view.
    pub view: wgpu::TextureView,
    /// Its dimension.
    pub dimension: wgpu::TextureViewDimension,
    /// Format swizzle composed with the view swizzle ([`crate::core::base::format::swz`] values).
    pub swizzle: [u8; 4],
    /// Depth format (sampled as depth).
    pub is_depth: bool,
}

/// A sampler state.
#[derive(Debug)]
pub struct SamplerStateObj {
    /// The decoded object.
    pub desc: SamplerState,
    /// The wgpu sampler.
    pub sampler: wgpu::Sampler,
}

/// Query object state.
#[derive(Debug)]
pub struct QueryObj {
    /// The decoded object.
    pub desc: Query,
    /// Result written on END_QUERY (occlusion: samples passed).
    pub result: u64,
    /// Between BEGIN and END.
    pub active: bool,
    /// Query-set slots holding this query's partial results.
    pub slots: Vec<u32>,
}

/// An object in a sub-context's table.
#[derive(Debug, Clone)]
pub enum Object {
    /// BLEND.
    Blend(Blend),
    /// RASTERIZER.
    Rasterizer(Rasterizer),
    /// DSA.
    Dsa(Dsa),
    /// SHADER.
    Shader(Arc<ShaderObj>),
    /// VERTEX_ELEMENTS.
    VertexElements(Arc<[VertexElement]>),
    /// SAMPLER_VIEW.
    SamplerView(Arc<SamplerViewObj>),
    /// SAMPLER_STATE.
    SamplerState(Arc<SamplerStateObj>),
    /// SURFACE.
    Surface(Arc<SurfaceObj>),
    /// QUERY.
    Query(Arc<parking_lot::Mutex<QueryObj>>),
    /// STREAMOUT_TARGET (accepted; stream output is not implemented).
    StreamoutTarget,
}

impl Object {
    /// Name for error messages.
    pub fn kind(&self) -> &'static str {
        match self {
            Self::Blend(_) => "blend",
            Self::Rasterizer(_) => "rasterizer",
            Self::Dsa(_) => "dsa",
            Self::Shader(_) => "shader",
            Self::VertexElements(_) => "vertex elements",
            Self::SamplerView(_) => "sampler view",
            Self::SamplerState(_) => "sampler state",
            Self::Surface(_) => "surface",
            Self::Query(_) => "query",
            Self::StreamoutTarget => "streamout target",
        }
    }
}

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

/// One stage's bound resources.
#[derive(Debug, Clone, Default)]
pub struct StageState {
    /// Bound shader.
    pub shader: Option<Arc<ShaderObj>>,
    /// Constant buffer 0 (SET_CONSTANT_BUFFER), little-endian bytes.
    pub constants: Vec<u8>,
    /// Sampler views by unit.
    pub views: Vec<Option<Arc<SamplerViewObj>>>,
    /// Sampler states by unit.
    pub samplers: Vec<Option<Arc<SamplerStateObj>>>,
}

/// One sub-context: an object table and bound state.
#[derive(Debug, Default)]
pub struct SubContext {
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
    /// Polygon stipple pattern (`SET_POLYGON_STIPPLE`), 32 rows.
    pub polygon_stipple: [u32; 32],
    /// The occlusion query counting draws, if any.
    pub active_occlusion: Option<Arc<parking_lot::Mutex<QueryObj>>>,
}

impl SubContext {
    /// A fresh sub-context with Gallium's defaults.
    pub fn new() -> Self {
        Self {
            sample_mask: !0,
            polygon_stipple: [u32::MAX; 32],
            ..Self::default()
        }
    }

    /// Same as [`SubContext::new`] (for `entry().or_insert_with`).
    pub fn new_default() -> Self {
        Self::new()
    }

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

/// An error recorded against a context.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextErrorRecord {
    /// Submit number (from 1) in which it happened.
    pub submit: u64,
    /// Byte offset of the command in that buffer.
    pub offset: usize,
    /// The opcode's name.
    pub opcode: &'static str,
    /// What went wrong.
    pub error: CommandError,
}

/// A renderer context.
#[derive(Debug)]
pub struct Context {
    /// Its id.
    pub id: CtxId,
    /// Debug name from the transport.
    pub name: String,
    /// Sub-contexts by id; 0 always exists.
    pub subs: HashMap<u32, SubContext>,
    /// Current sub-context.
    pub current: u32,
    /// Resources attached to this context.
    pub resources: HashSet<ResId>,
    /// Recent errors.
    pub errors: Vec<ContextErrorRecord>,
    /// All errors ever recorded.
    pub error_count: u64,
    /// Submits executed.
    pub submits: u64,
    /// Objects it may hold, all sub-contexts together (`Quotas`).
    pub max_objects: usize,
}

impl Context {
    /// A context with sub-context 0.
    pub fn new(id: CtxId, name: &str) -> Self {
        let mut subs = HashMap::new();
        subs.insert(0, SubContext::new());
        Self {
            id,
            name: name.to_owned(),
            subs,
            current: 0,
            resources: HashSet::new(),
            errors: Vec::new(),
            error_count: 0,
            submits: 0,
            max_objects: crate::core::base::quota::Quotas::DEFAULT.objects_per_context,
        }
    }

    /// Objects of all its sub-contexts.
    pub fn object_count(&self) -> usize {
        self.subs.values().map(|s| s.objects.len()).sum()
    }

    /// Records an error.
    pub fn record(&mut self, offset: usize, opcode: &'static str, error: CommandError) {
        tracing::debug!(ctx = self.id.0, offset, opcode, "command failed: {error}");
        self.error_count += 1;
        if self.errors.len() < MAX_KEPT_ERRORS {
            self.errors.push(ContextErrorRecord {
                submit: self.submits,
                offset,
                opcode,
                error,
            });
        }
    }
}

/// Composes a sampler view's swizzle with its format's: result channel `i`
/// reads `format_swizzle[view_swizzle[i]]` (constants pass through).
pub fn compose_swizzle(format_swizzle: [u8; 4], view: [u8; 4], view_has_alpha: bool) -> [u8; 4] {
    view.map(|s| match s {
        0..=2 => format_swizzle.get(usize::from(s)).copied().unwrap_or(4),
        3 if !view_has_alpha => crate::core::base::format::swz::ONE,
        3 => format_swizzle.get(3).copied().unwrap_or(5),
        4 => crate::core::base::format::swz::ZERO,
        _ => crate::core::base::format::swz::ONE,
    })
}
