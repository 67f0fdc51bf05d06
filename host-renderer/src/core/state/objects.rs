//! The objects of a sub-context's table (virgl-protocol.md §3, §4): state
//! blocks by value, shaders, surfaces, views, samplers and queries behind
//! `Arc`s, so a destroyed object that is still bound stays alive until it is
//! unbound, as Gallium expects.

use crate::core::base::error::{CommandError, DrawError};
use crate::core::base::ids::ResId;
use crate::core::resources::table::Unfolded;
use crate::core::state::stream_out::{StreamOutInfo, StreamoutTargetObj};
use guest_protocol::virgl::enums::ShaderStage;
use guest_protocol::virgl::{Blend, Dsa, Query, Rasterizer, SamplerState, VertexElement};
use shader_translate::{Interface, Options};
use std::ops::Range;
use std::sync::Arc;

/// A translated, compiled shader.
pub struct CompiledShader {
    /// Unique id (part of pipeline keys).
    pub id: u64,
    /// The wgpu module (none for geometry shaders, which only the raw
    /// Vulkan path draws, and for image atomics on a device without SPIR-V
    /// passthrough).
    pub module: Option<wgpu::ShaderModule>,
    /// The naga module it was made from (the raw Vulkan path writes SPIR-V).
    pub naga: Arc<naga::Module>,
    /// What it expects.
    pub interface: Interface,
}

impl CompiledShader {
    /// The wgpu module, or why there is none.
    pub fn wgpu_module(&self) -> Result<&wgpu::ShaderModule, CommandError> {
        self.module.as_ref().ok_or(if self.interface.image_atomics {
            CommandError::Unsupported("image atomics on a device without SPIR-V passthrough")
        } else {
            CommandError::Draw(DrawError::NoPipeline)
        })
    }
}

/// The shader a shader object last compiled to, with the options used: draws
/// that keep using it skip hashing its text.
#[derive(Default)]
pub struct ShaderMemo(parking_lot::Mutex<Option<(Options, Arc<CompiledShader>)>>);

impl ShaderMemo {
    /// The remembered shader, if it was compiled under `options`.
    pub fn get(&self, options: &Options) -> Option<Arc<CompiledShader>> {
        match &*self.0.lock() {
            Some((o, hit)) if o == options => Some(Arc::clone(hit)),
            _ => None,
        }
    }

    /// Remembers `compiled`, made under `options`.
    pub fn set(&self, options: &Options, compiled: &Arc<CompiledShader>) {
        *self.0.lock() = Some((options.clone(), Arc::clone(compiled)));
    }
}

impl std::fmt::Debug for ShaderMemo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("ShaderMemo")
    }
}

/// A shader object: its complete TGSI text.
#[derive(Debug)]
pub struct ShaderObj {
    /// Its handle (for error messages).
    pub handle: u32,
    /// Stage it was created for.
    pub stage: ShaderStage,
    /// The text (without its NUL).
    pub text: Arc<str>,
    /// What it last compiled to.
    pub compiled: ShaderMemo,
    /// Its stream-output layout, if it captures anything.
    pub stream_output: Option<Arc<StreamOutInfo>>,
    /// CS: bytes of workgroup-shared memory asked for (`REQ_LOCAL_MEM`,
    /// sent with every chunk).
    pub local_mem: u32,
    /// It declares storage buffers or images (atomic counters are storage
    /// buffers), which it may write: a vertex or geometry shader's draws
    /// then run even when the rasterizer discards everything.
    pub stores_memory: bool,
}

impl ShaderObj {
    /// Whether TGSI `text` declares storage buffers or images.
    pub fn declares_memory(text: &str) -> bool {
        text.contains("DCL BUFFER") || text.contains("DCL IMAGE")
    }
}

/// A surface (render target view).
#[derive(Debug)]
pub struct SurfaceObj {
    /// Resource rendered to.
    pub res: ResId,
    /// Mip level.
    pub level: u32,
    /// Array layer (or 3D slice).
    pub layer: u32,
    /// The wgpu view (one level, one layer; the whole level of a 3D
    /// texture).
    pub view: wgpu::TextureView,
    /// The texture viewed (copied from and to when the surface is drawn
    /// through a stand-in, `record::mixed_sizes`).
    pub texture: wgpu::Texture,
    /// The slice rendered to when the view is 3D.
    pub depth_slice: Option<u32>,
    /// A layered surface's layers after `layer`, in order (empty when it is
    /// not layered): draws render to `layer`, CLEAR clears them all.
    pub other_layers: Vec<LayerTarget>,
    /// A layered surface's layers as one array view (not of 3D levels):
    /// what geometry shaders writing `LAYER` render to.
    pub layers_view: Option<wgpu::TextureView>,
    /// Its other layers have been through a wgpu pass, so wgpu counts them
    /// as written (it zero-fills layers it thinks unwritten when it next
    /// uses them, which would lose what the raw path drew there).
    pub layers_written: std::sync::atomic::AtomicBool,
    /// Polygon offset unit of a fixed-point guest depth format (the
    /// offset is then applied in the fragment shader), `None` otherwise
    /// ([`FormatDesc::polygon_offset_unit`](crate::core::base::format::FormatDesc::polygon_offset_unit)).
    pub polygon_offset_unit: Option<f32>,
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
    /// The host can render to the resource's format; a surface of another
    /// is refused when bound to the framebuffer.
    pub renderable: bool,
    /// The device blends the view's format (`FormatSupport::blend`); a
    /// draw that would blend into a surface that it does not is refused.
    pub blendable: bool,
    /// The scratch attachment of a framebuffer without attachments
    /// (`record::no_attach`): drawn to with an empty colour mask, no
    /// resource behind it.
    pub scratch: bool,
}

/// One layer (or 3D slice) of a surface, as a render pass attaches it.
#[derive(Debug, Clone)]
pub struct LayerTarget {
    /// A view of the layer (the whole level of a 3D texture).
    pub view: wgpu::TextureView,
    /// The slice when the view is 3D.
    pub depth_slice: Option<u32>,
}

/// A sampler view: of a texture, or of a buffer's texels.
#[derive(Debug)]
pub enum SamplerViewObj {
    /// A view of a texture.
    Texture(TextureViewObj),
    /// A texture buffer: a range of a buffer's texels.
    Buffer(TexelBufferViewObj),
}

/// A texture buffer view: `count` texels of `format` from byte `offset`
/// of a buffer (inside it).
#[derive(Debug)]
pub struct TexelBufferViewObj {
    /// Buffer viewed.
    pub res: ResId,
    /// Byte offset of the first texel.
    pub offset: u64,
    /// Texels in the view.
    pub count: u32,
    /// How its texels are stored.
    pub format: shader_translate::TexelFormat,
}

/// A sampler view of a texture.
#[derive(Debug)]
pub struct TextureViewObj {
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
    /// The view's format (a depth/stencil texture's aspect format).
    pub format: wgpu::TextureFormat,
    /// A multisampled array view: `view` is of its unfolded copy, which
    /// draws refresh (`record::unfold`).
    pub unfold: Option<Arc<Unfolded>>,
    /// The levels and array layers of the resource's texture that `view`
    /// covers (a 3D view: its whole levels, layer 0); none for a view of
    /// a copy (`unfold`).
    pub covers: Option<(Range<u32>, Range<u32>)>,
}

impl TextureViewObj {
    /// Whether the view covers a level and layer that surface `s` renders
    /// to.
    pub fn overlaps(&self, s: &SurfaceObj) -> bool {
        let Some((levels, layers)) = &self.covers else {
            return false;
        };
        if s.res != self.res || !levels.contains(&s.level) {
            return false;
        }
        // The slices of a 3D level are all of its one layer.
        let others = u32::try_from(s.other_layers.len()).unwrap_or(u32::MAX);
        let rendered = s.layer..s.layer.saturating_add(others).saturating_add(1);
        s.depth_slice.is_some() || (rendered.start < layers.end && layers.start < rendered.end)
    }
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
    /// STREAMOUT_TARGET.
    StreamoutTarget(Arc<StreamoutTargetObj>),
}
