//! What a translated module expects from the renderer: the fixed binding
//! scheme, varying locations, and an [`Interface`] listing what one module
//! actually uses.
//!
//! # Binding scheme
//!
//! One bind group per stage, so each stage's virgl state (constant buffers,
//! sampler views and states are all per shader type) maps to one group:
//!
//! | group | stage |
//! | --- | --- |
//! | [`VERTEX_GROUP`] = 0 | vertex shader |
//! | [`FRAGMENT_GROUP`] = 1 | fragment shader |
//! | [`GEOMETRY_GROUP`] = 2 | geometry shader |
//! | [`TESS_CTRL_GROUP`] = 3 | tessellation control shader |
//! | [`TESS_EVAL_GROUP`] = 4 | tessellation evaluation shader |
//! | [`COMPUTE_GROUP`] = 0 | compute shader (compute pipelines have a layout of their own) |
//!
//! Inside a group:
//!
//! | binding | resource |
//! | --- | --- |
//! | `b` (0–15) | `CONST[b]`: uniform buffer `array<vec4<f32>, n>` (a read-only storage buffer when `n` > [`MAX_UNIFORM_CONSTANTS`](crate::limits::MAX_UNIFORM_CONSTANTS), see [`ConstantBuffer::storage`]); `b` = 0 is the inline `SET_CONSTANT_BUFFER` data |
//! | 16 ([`DRIVER_UNIFORMS_BINDING`]) | [`DriverUniforms`] (608 bytes) |
//! | 32 + 2·i ([`texture_binding`]) | texture of unit `i` (`SVIEW[i]`/`SAMP[i]`), or for a `BUFFER` view its texels: a read-only storage buffer `array<u32>` starting at the view's first element (see [`TexelBufferBinding`]) |
//! | 33 + 2·i ([`sampler_binding`]) | sampler of unit `i` |
//! | 64 + i ([`storage_buffer_binding`]) | shader storage buffer `BUFFER[i]`: `array<u32>` (`array<atomic<u32>>` when the shader uses atomics on it), runtime-sized, the guest's bound range (see [`StorageBuffer`]) |
//! | 96 + i ([`image_binding`]) | shader image `IMAGE[i]`: a storage texture of the declared format (see [`StorageImage`]) |
//!
//! # Vertex inputs and varyings
//!
//! VS `IN[i]` is `@location(i)`: vertex element `i`, read as `vec4<f32>`,
//! or `vec4<i32>`/`vec4<u32>` for integer elements
//! ([`Options::input_kinds`](crate::Options::input_kinds)), missing
//! components filled with (0, 0, 0, 1) by the vertex fetch.
//! Varyings (VS outputs, FS inputs) are `vec4<f32>`. A fragment shader's
//! varyings take the locations [`fragment_varying_locations`] gives: the
//! fixed table of [`varying_location`], the same in every shader, when each
//! of them has a place there (so a VS and an FS translated separately link),
//! else consecutive locations in declaration order (Mesa numbers user
//! varyings `GENERIC[9]` upwards, beyond the table's 16 generics, when a
//! program uses many). A vertex shader translated with
//! [`Options::next_stage_inputs`](crate::Options::next_stage_inputs) writes
//! each output where the fragment shader reads it. Table locations go up to
//! [`VARYING_LOCATIONS`] − 1: create the device with
//! `max_inter_stage_shader_variables` ≥ [`VARYING_LOCATIONS`] (Vulkan drivers,
//! lavapipe included, offer 31).

use crate::ast::{Primitive, ReturnType, Semantic, SemanticId, Stage, TextureTarget};
use core::fmt;
use naga::{BuiltIn, ImageDimension, ResourceBinding};

/// Bind group of the vertex shader's resources.
pub const VERTEX_GROUP: u32 = 0;
/// Bind group of the fragment shader's resources.
pub const FRAGMENT_GROUP: u32 = 1;
/// Bind group of the geometry shader's resources.
pub const GEOMETRY_GROUP: u32 = 2;
/// Bind group of the tessellation control shader's resources.
pub const TESS_CTRL_GROUP: u32 = 3;
/// Bind group of the tessellation evaluation shader's resources.
pub const TESS_EVAL_GROUP: u32 = 4;
/// Bind group of the compute shader's resources: compute pipelines have a
/// layout of their own, so it shares its number with the vertex stage's.
pub const COMPUTE_GROUP: u32 = 0;
/// Binding of the [`DriverUniforms`] buffer in each stage's group.
pub const DRIVER_UNIFORMS_BINDING: u32 = 16;
/// Number of varying locations the fixed scheme uses (see [`varying_location`]).
pub const VARYING_LOCATIONS: u32 = 29;

/// The bind group of a stage's resources (`None` for stages not translated).
pub const fn bind_group(stage: Stage) -> Option<u32> {
    match stage {
        Stage::Vertex => Some(VERTEX_GROUP),
        Stage::Fragment => Some(FRAGMENT_GROUP),
        Stage::Geometry => Some(GEOMETRY_GROUP),
        Stage::TessCtrl => Some(TESS_CTRL_GROUP),
        Stage::TessEval => Some(TESS_EVAL_GROUP),
        Stage::Compute => Some(COMPUTE_GROUP),
    }
}

/// Binding of constant buffer `index` (`CONST[index][…]`).
pub const fn constant_buffer_binding(index: u32) -> u32 {
    index
}

/// Binding of the texture of sampler unit `unit`.
pub const fn texture_binding(unit: u32) -> u32 {
    32 + 2 * unit
}

/// Binding of the sampler of sampler unit `unit`.
pub const fn sampler_binding(unit: u32) -> u32 {
    33 + 2 * unit
}

/// Binding of shader storage buffer `index` (`BUFFER[index]`).
pub const fn storage_buffer_binding(index: u32) -> u32 {
    64 + index
}

/// Binding of shader image `index` (`IMAGE[index]`).
pub const fn image_binding(index: u32) -> u32 {
    96 + index
}

/// The location of a varying, by semantic: `COLOR[0..2]` → 0–1,
/// `GENERIC[0..16]` → 2–17, `TEXCOORD[0..8]` → 18–25, `FOG[0]` → 26,
/// `BCOLOR[0..2]` → 27–28. `None` for other semantics and higher indices.
///
/// Common shaders (colours and a few generics) stay below WebGPU's default
/// limit of 16.
pub const fn varying_location(id: SemanticId) -> Option<u32> {
    let (base, count) = match id.name {
        Semantic::Color => (0, 2),
        Semantic::Generic => (2, 16),
        Semantic::TexCoord => (18, 8),
        Semantic::Fog => (26, 1),
        Semantic::BColor => (27, 2),
        _ => return None,
    };
    if id.index < count {
        Some(base + id.index)
    } else {
        None
    }
}

/// Whether a semantic names a varying a vertex shader passes to a fragment
/// shader through a location (rather than a built-in). Declared `PATCH`
/// registers are `GENERIC` ones past 31 (see the translator's declarations).
pub const fn is_varying(name: Semantic) -> bool {
    matches!(
        name,
        Semantic::Color | Semantic::BColor | Semantic::Generic | Semantic::TexCoord | Semantic::Fog
    )
}

/// The locations of a fragment shader's varyings, given in declaration
/// order: [`varying_location`] of each when all have one, else `0, 1, 2, …`.
pub fn fragment_varying_locations(varyings: &[SemanticId]) -> Vec<u32> {
    let table: Option<Vec<u32>> = varyings.iter().map(|&id| varying_location(id)).collect();
    table.unwrap_or_else(|| (0u32..).take(varyings.len()).collect())
}

/// Per-draw values the translated shaders read from
/// [`DRIVER_UNIFORMS_BINDING`] (a [`DriverUniforms::SIZE`]-byte uniform
/// buffer, same layout in both stages). See `docs/gl-conventions.md`.
///
/// The fields are in the buffer's order with no padding (`repr(C)`), so the
/// buffer is the struct's bytes ([`DriverUniforms::to_bytes`]).
#[derive(Clone, Copy, Debug, PartialEq, bytemuck::Pod, bytemuck::Zeroable)]
#[repr(C)]
pub struct DriverUniforms {
    /// VS: clip-space y is multiplied by this. +1 when the viewport's y scale
    /// is negative (window framebuffers), −1 when positive (FBOs).
    pub flip_y: f32,
    /// FS: framebuffer height in pixels, for `FS_COORD_ORIGIN LOWER_LEFT`.
    pub fb_height: f32,
    /// FS: alpha-test reference value.
    pub alpha_ref: f32,
    /// VS: the rasterizer's point size, read under
    /// [`Options::point_size`](crate::Options::point_size).
    pub point_size: f32,
    /// FS: the polygon stipple pattern (`SET_POLYGON_STIPPLE`), row `y` in
    /// Gallium's row order, bit `31 − x` for column `x`.
    pub polygon_stipple: [u32; 32],
    /// VS: the user clip planes (`SET_CLIP_STATE`), read for the planes
    /// [`Options::clip_planes`](crate::Options::clip_planes) enables.
    pub clip_planes: [[f32; 4]; 8],
    /// FS: GL's polygon offset, read under
    /// [`Options::polygon_offset`](crate::Options::polygon_offset): the
    /// constant part in window depth (`units · r`), the slope factor, the
    /// clamp (0: none), and an unused lane.
    pub polygon_offset: [f32; 4],
    /// Per sampler unit of the stage: the sampler state's LOD bias,
    /// minimum and maximum LOD, and its `PIPE_TEX_MIPFILTER_*` (0 nearest,
    /// 1 linear, 2 none) as a float (WebGPU samplers have no bias, and
    /// shaders that pick levels themselves or query the LOD need the rest).
    /// Uniforms rather than translation options, so sampler states do not
    /// multiply shader variants.
    pub sampler_lod: [[f32; 4]; crate::limits::MAX_SAMPLERS as usize],
    /// Per sampler unit of the stage: the element count of its texture
    /// buffer view (`TXQ`; fetches at or past it read 0).
    pub texel_buffer_sizes: [u32; crate::limits::MAX_SAMPLERS as usize],
}

impl DriverUniforms {
    /// Size of the uniform buffer in bytes.
    pub const SIZE: u64 = 608;

    /// The buffer contents: little-endian f32s `flip_y`, `fb_height`,
    /// `alpha_ref`, `point_size`, then the 32 stipple rows as
    /// little-endian u32s (`array<vec4<u32>, 8>`), then the 8 clip planes
    /// as little-endian f32s (`array<vec4<f32>, 8>`), then the polygon
    /// offset (`vec4<f32>`), then the 16 units' LOD state
    /// (`array<vec4<f32>, 16>`), then the 16 texel buffer sizes as
    /// little-endian u32s (`array<vec4<u32>, 4>`): the struct's own bytes
    /// on the little-endian hosts pv3d builds for (one copy per draw and
    /// stage).
    pub fn to_bytes(&self) -> [u8; 608] {
        let mut out = [0u8; 608];
        out.copy_from_slice(bytemuck::bytes_of(self));
        out
    }
}

// The buffer is little-endian; `to_bytes` copies the struct as it lies.
const _: () = assert!(cfg!(target_endian = "little"));
const _: () = assert!(std::mem::size_of::<DriverUniforms>() as u64 == DriverUniforms::SIZE);

impl Default for DriverUniforms {
    fn default() -> Self {
        Self {
            flip_y: 1.0,
            fb_height: 0.0,
            alpha_ref: 0.0,
            point_size: 1.0,
            polygon_stipple: [u32::MAX; 32],
            clip_planes: [[0.0; 4]; 8],
            polygon_offset: [0.0; 4],
            sampler_lod: [[0.0, -1000.0, 1000.0, 2.0]; crate::limits::MAX_SAMPLERS as usize],
            texel_buffer_sizes: [0; crate::limits::MAX_SAMPLERS as usize],
        }
    }
}

/// How an input or output register appears in the module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Usage {
    /// A user location.
    Location {
        /// The location.
        location: u32,
        /// Interpolation (`None` for vertex attributes and FS outputs).
        interpolation: Option<naga::Interpolation>,
        /// Sampling (`None` where interpolation is `None` or flat).
        sampling: Option<naga::Sampling>,
    },
    /// A built-in (position, depth, front-facing…).
    BuiltIn(BuiltIn),
    /// Accepted and ignored: `PSIZE` (unless [`Options::point_size`](crate::Options::point_size)
    /// reads it), `EDGEFLAG` outputs (see `docs/gl-conventions.md`),
    /// `CLIPVERTEX` and `CLIPDIST` (read only for the clip distances of
    /// [`Options::clip_planes`](crate::Options::clip_planes)),
    /// and VS varyings the linked fragment shader
    /// does not read (or, unlinked, outside the fixed table).
    Dropped,
    /// A geometry shader's `LAYER` output: the layer of a layered
    /// framebuffer its primitives go to (SPIR-V `Layer`; see
    /// [`Geometry::variables`]).
    Layer,
}

/// An input or output of the module.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Varying {
    /// The TGSI register (`IN[register]` / `OUT[register]`).
    pub register: u32,
    /// Its semantic (`None` for VS inputs, which have none).
    pub semantic: Option<SemanticId>,
    /// How it appears in the module.
    pub usage: Usage,
}

/// A constant buffer the module reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ConstantBuffer {
    /// `CONST[index][…]` (0 for plain `CONST[…]`).
    pub index: u32,
    /// Where to bind it.
    pub binding: ResourceBinding,
    /// Bytes the shader may read (16 per declared register); bind at least
    /// this much.
    pub size: u64,
    /// Declared as a read-only storage buffer (`var<storage, read>`), not a
    /// uniform buffer: it holds more than
    /// [`MAX_UNIFORM_CONSTANTS`](crate::limits::MAX_UNIFORM_CONSTANTS)
    /// registers, beyond what a uniform binding is sure to hold.
    pub storage: bool,
}

/// What kind of texture a unit's binding must be.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TextureClass {
    /// Sampled as float (`texture_*<f32>`).
    Float,
    /// A depth texture sampled with comparison (`texture_depth_*`).
    Depth,
    /// Loaded as signed integers (`texture_*<i32>`).
    Sint,
    /// Loaded as unsigned integers (`texture_*<u32>`).
    Uint,
}

/// A sampler unit the module uses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TextureBinding {
    /// The unit (`SAMP[unit]`, `SVIEW[unit]`).
    pub unit: u32,
    /// Where to bind the texture view.
    pub texture: ResourceBinding,
    /// Where to bind the sampler (`None` when the unit is only `TXF`/`TXQ`'d).
    pub sampler: Option<ResourceBinding>,
    /// The TGSI target of the instructions using it.
    pub target: TextureTarget,
    /// The `SVIEW` declaration's return type (`FLOAT` when undeclared).
    pub return_type: ReturnType,
    /// View dimension to create (1D targets use 2D views, see
    /// `docs/gl-conventions.md`).
    pub dimension: ImageDimension,
    /// Whether the view is an array view.
    pub arrayed: bool,
    /// Whether the texture is multisampled.
    pub multisampled: bool,
    /// Sample type of the binding.
    pub class: TextureClass,
    /// Whether the sampler is a comparison sampler (shadow targets).
    pub comparison: bool,
}

/// A texture buffer unit the module reads (`SVIEW[unit], BUFFER`): bind
/// the view's bytes, from its first element, as a read-only storage
/// buffer (at least 4 bytes, a multiple of 4), and its element count in
/// [`DriverUniforms::texel_buffer_sizes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TexelBufferBinding {
    /// The unit (`SAMP[unit]`, `SVIEW[unit]`).
    pub unit: u32,
    /// Where to bind the texels.
    pub binding: ResourceBinding,
}

/// A shader storage buffer the module uses (`BUFFER[index]`): bind the
/// guest's range (`SET_SHADER_BUFFERS` offset and length) as a storage
/// buffer; the module addresses it in bytes, 4-byte words, and wgpu's
/// bounds checks keep its accesses inside the bound length.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StorageBuffer {
    /// `BUFFER[index]`, the slot of `SET_SHADER_BUFFERS`.
    pub index: u32,
    /// Where to bind it.
    pub binding: ResourceBinding,
    /// The module writes it (`STORE` or atomics). The binding is
    /// `read_write` either way (bind it so).
    pub writable: bool,
}

/// A shader image the module declares (`IMAGE[index]`): bind a storage
/// texture view of `format` (`SET_SHADER_IMAGES`' level and layers) with
/// `dimension` and `arrayed`. 1D images are 2D views (of `height = 1`
/// textures, as for sampling), RECT images 2D views, and cube and cube-array
/// images **2D-array views** of their six faces per cube (WebGPU has no cube
/// storage textures), so `dimension` is `D2` and `arrayed` true for them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct StorageImage {
    /// `IMAGE[index]`, the slot of `SET_SHADER_IMAGES`.
    pub index: u32,
    /// Where to bind it.
    pub binding: ResourceBinding,
    /// View dimension.
    pub dimension: ImageDimension,
    /// Whether the view is an array view.
    pub arrayed: bool,
    /// The declared format, the view's format.
    pub format: naga::StorageFormat,
    /// How the module accesses it: `LOAD` when it reads texels, `STORE`
    /// when it writes them (both: a read-write binding; always so for an
    /// image with atomics). An image it only
    /// queries or never uses is write-only when declared `WR`, else
    /// read-only.
    pub access: naga::StorageAccess,
}

/// What makes a module a compute stage.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Compute {
    /// `CS_FIXED_BLOCK_WIDTH`, `_HEIGHT`, `_DEPTH` (1 where absent).
    pub workgroup_size: [u32; 3],
    /// Bytes of workgroup-shared memory (`MEMORY[…], SHARED`) the module
    /// declares.
    pub shared_bytes: u32,
}

/// A system value the module reads.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct SystemValue {
    /// `SV[register]` (or the `IN` register for `FACE`/`POSITION` inputs).
    pub register: u32,
    /// Which value.
    pub semantic: Semantic,
    /// The built-in it reads (`WorkGroupSize` for a compute shader's
    /// `BLOCK_SIZE`, which the module reads as a constant).
    pub builtin: BuiltIn,
}

/// Everything a module expects from the renderer.
#[derive(Clone, Debug, PartialEq)]
pub struct Interface {
    /// The stage.
    pub stage: Stage,
    /// Inputs: vertex attributes (VS) or varyings and built-ins (FS).
    /// GS, TCS, TES: the per-vertex inputs at their locations (translate
    /// the previous stage with these as its
    /// [`Options::next_stage_inputs`](crate::Options::next_stage_inputs));
    /// a TES's `PATCH[k]` inputs too, with semantic `PATCH[k]`, at
    /// per-patch locations 0, 1, 2, … (a location space of their own).
    /// Tessellation
    /// levels and other built-ins are in [`Tessellation::variables`].
    pub inputs: Vec<Varying>,
    /// Outputs: varyings and position (VS, GS, TES), colours and depth
    /// (FS). TCS: per-vertex and `PATCH[k]` outputs at the locations the
    /// next stage's inputs give them, or past those where it does not
    /// read them (other invocations may); the tessellation levels are in
    /// [`Tessellation::variables`].
    pub outputs: Vec<Varying>,
    /// Constant buffers read.
    pub constant_buffers: Vec<ConstantBuffer>,
    /// The driver-uniform buffer, if read.
    pub driver_uniforms: Option<ResourceBinding>,
    /// Sampler units used.
    pub textures: Vec<TextureBinding>,
    /// Texture buffer units used.
    pub texel_buffers: Vec<TexelBufferBinding>,
    /// Shader storage buffers used.
    pub storage_buffers: Vec<StorageBuffer>,
    /// Shader images used.
    pub images: Vec<StorageImage>,
    /// The module's image atomics are marker calls: build it from
    /// [`image_atomic_spirv`](crate::image_atomic_spirv)'s SPIR-V, not the
    /// naga module.
    pub image_atomics: bool,
    /// System values read.
    pub system_values: Vec<SystemValue>,
    /// `FS_COLOR0_WRITES_ALL_CBUFS`: colour 0 goes to every colour buffer.
    pub color0_writes_all: bool,
    /// VS: the location of each [`Options::captures`](crate::Options::captures)
    /// range's extra output, in order.
    pub captures: Vec<u32>,
    /// GS: what makes the module a geometry stage
    /// ([`crate::geometry_spirv`]).
    pub geometry: Option<Geometry>,
    /// TCS, TES: what makes the module a tessellation stage
    /// ([`crate::tessellation_spirv`]).
    pub tessellation: Option<Tessellation>,
    /// CS: the workgroup size and shared memory.
    pub compute: Option<Compute>,
}

/// A geometry shader's stage: WebGPU has none, so its module is written
/// with a compute entry point (workgroup size 1) whose stage inputs and
/// outputs are private variables and whose `EMIT`/`ENDPRIM` are calls to
/// two empty functions; [`crate::geometry_spirv`] turns naga's SPIR-V of
/// it into a geometry stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Geometry {
    /// `GS_INPUT_PRIMITIVE`: points, lines, triangles or their adjacency
    /// forms. The draw's primitives must be of this kind.
    pub input: Primitive,
    /// `GS_OUTPUT_PRIMITIVE`: points, line strips or triangle strips.
    pub output: Primitive,
    /// `GS_MAX_OUTPUT_VERTICES`.
    pub max_vertices: u32,
    /// The private variables that are stage inputs and outputs.
    pub variables: Vec<StageVariable>,
}

impl Geometry {
    /// Vertices of each input primitive.
    pub const fn vertices_in(&self) -> u32 {
        vertices_in(self.input)
    }

    /// Whether the shader writes `LAYER` ([`Usage::Layer`]).
    pub fn writes_layer(&self) -> bool {
        self.variables
            .iter()
            .any(|v| v.link == StageLink::BuiltIn(spirv_builtin::LAYER))
    }

    /// The shader for a framebuffer that is not layered, where GL ignores
    /// `LAYER`: that output stays a private variable.
    pub fn without_layer(&self) -> Self {
        Self {
            variables: self
                .variables
                .iter()
                .filter(|v| v.link != StageLink::BuiltIn(spirv_builtin::LAYER))
                .cloned()
                .collect(),
            ..self.clone()
        }
    }
}

/// A tessellation stage: WebGPU has none, so (as for a [`Geometry`]
/// shader) its module is written with a compute entry point (workgroup
/// size 1) whose stage inputs and outputs are private variables;
/// [`crate::tessellation_spirv`] turns naga's SPIR-V of it into a
/// tessellation control or evaluation stage.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Tessellation {
    /// Which stage, with its execution modes.
    pub kind: TessellationKind,
    /// The private variables that are stage inputs and outputs.
    pub variables: Vec<StageVariable>,
}

/// A tessellation stage and its execution modes.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TessellationKind {
    /// TCS: `TCS_VERTICES_OUT`, the vertices of each output patch.
    Control {
        /// Vertices per output patch (1 to 32).
        vertices_out: u32,
    },
    /// TES: how the primitive generator subdivides the patch.
    Evaluation {
        /// `TES_PRIM_MODE`.
        domain: TessDomain,
        /// `TES_SPACING`.
        spacing: TessSpacing,
        /// `TES_VERTEX_ORDER_CW`: triangles are wound clockwise (in GL's
        /// lower-left domain origin).
        clockwise: bool,
        /// `TES_POINT_MODE`: the generator emits points.
        point_mode: bool,
    },
}

impl TessellationKind {
    /// Whether the primitive generator makes triangles (rather than lines
    /// or points) of an evaluation shader's patches; `false` for a control
    /// shader.
    pub const fn rasterizes_triangles(&self) -> bool {
        match self {
            Self::Control { .. } => false,
            Self::Evaluation {
                domain, point_mode, ..
            } => !*point_mode && !matches!(domain, TessDomain::Isolines),
        }
    }
}

/// The domain a TES subdivides.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TessDomain {
    /// Triangles (`PIPE_PRIM_TRIANGLES`).
    Triangles,
    /// Quads (`PIPE_PRIM_QUADS`).
    Quads,
    /// Isolines (`PIPE_PRIM_LINES`).
    Isolines,
}

/// The spacing of a TES's subdivisions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TessSpacing {
    /// `PIPE_TESS_SPACING_EQUAL`.
    Equal,
    /// `PIPE_TESS_SPACING_FRACTIONAL_EVEN`.
    FractionalEven,
    /// `PIPE_TESS_SPACING_FRACTIONAL_ODD`.
    FractionalOdd,
}

/// SPIR-V `BuiltIn` values of the built-ins geometry and tessellation
/// shaders use.
pub(crate) mod spirv_builtin {
    pub const POSITION: u32 = 0;
    pub const POINT_SIZE: u32 = 1;
    pub const CLIP_DISTANCE: u32 = 3;
    pub const PRIMITIVE_ID: u32 = 7;
    pub const INVOCATION_ID: u32 = 8;
    pub const LAYER: u32 = 9;
    pub const TESS_LEVEL_OUTER: u32 = 11;
    pub const TESS_LEVEL_INNER: u32 = 12;
    pub const TESS_COORD: u32 = 13;
    pub const PATCH_VERTICES: u32 = 14;
}

/// Vertices of each primitive of a geometry shader's input kind (0 for
/// kinds a geometry shader cannot take).
pub const fn vertices_in(input: Primitive) -> u32 {
    match input {
        Primitive::Points => 1,
        Primitive::Lines => 2,
        Primitive::Triangles => 3,
        Primitive::LinesAdjacency => 4,
        Primitive::TrianglesAdjacency => 6,
        _ => 0,
    }
}

/// A private variable of a geometry shader's module that is a stage input
/// or output.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StageVariable {
    /// The variable's name in the module.
    pub name: String,
    /// An output (else an input).
    pub output: bool,
    /// Where it links.
    pub link: StageLink,
}

/// How a stage input or output links.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StageLink {
    /// A user location.
    Location(u32),
    /// A SPIR-V built-in (`BuiltIn` operand value).
    BuiltIn(u32),
    /// A per-patch user location (`Location` and `Patch`): tessellation
    /// control outputs and evaluation inputs.
    PatchLocation(u32),
}

impl Interface {
    /// An empty interface for `stage`.
    pub(crate) const fn new(stage: Stage) -> Self {
        Self {
            stage,
            inputs: Vec::new(),
            outputs: Vec::new(),
            constant_buffers: Vec::new(),
            texel_buffers: Vec::new(),
            driver_uniforms: None,
            textures: Vec::new(),
            storage_buffers: Vec::new(),
            images: Vec::new(),
            image_atomics: false,
            system_values: Vec::new(),
            color0_writes_all: false,
            captures: Vec::new(),
            geometry: None,
            tessellation: None,
            compute: None,
        }
    }
}

/// The WGSL name of a built-in.
pub(crate) const fn builtin_name(builtin: BuiltIn) -> &'static str {
    match builtin {
        BuiltIn::Position { invariant: true } => "position) @invariant",
        BuiltIn::Position { invariant: false } => "position",
        BuiltIn::FragDepth => "frag_depth",
        BuiltIn::FrontFacing => "front_facing",
        BuiltIn::SampleIndex => "sample_index",
        BuiltIn::SampleMask => "sample_mask",
        BuiltIn::VertexIndex => "vertex_index",
        BuiltIn::InstanceIndex => "instance_index",
        BuiltIn::ClipDistances => "clip_distances",
        BuiltIn::PointSize => "point_size",
        BuiltIn::PointCoord => "point_coord",
        BuiltIn::LocalInvocationId => "local_invocation_id",
        BuiltIn::WorkGroupId => "workgroup_id",
        BuiltIn::NumWorkGroups => "num_workgroups",
        BuiltIn::WorkGroupSize => "workgroup_size",
        _ => "other",
    }
}

fn binding(f: &mut fmt::Formatter<'_>, b: ResourceBinding) -> fmt::Result {
    write!(f, "@group({}) @binding({})", b.group, b.binding)
}

impl fmt::Display for Usage {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Location {
                location,
                interpolation,
                sampling,
            } => {
                write!(f, "@location({location})")?;
                if let Some(i) = interpolation {
                    write!(f, " {i:?}")?;
                }
                if let Some(s) = sampling {
                    write!(f, " {s:?}")?;
                }
                Ok(())
            }
            Self::BuiltIn(b) => write!(f, "@builtin({})", builtin_name(b)),
            Self::Dropped => f.write_str("dropped"),
            Self::Layer => f.write_str("layer"),
        }
    }
}

impl fmt::Display for Varying {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.semantic {
            Some(s) => write!(
                f,
                "[{}] {}[{}] -> {}",
                self.register, s.name, s.index, self.usage
            ),
            None => write!(f, "[{}] -> {}", self.register, self.usage),
        }
    }
}

impl fmt::Display for Interface {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match bind_group(self.stage) {
            Some(g) => writeln!(f, "stage {} (bind group {g})", self.stage)?,
            None => writeln!(f, "stage {}", self.stage)?,
        }
        for v in &self.inputs {
            writeln!(f, "input IN{v}")?;
        }
        for v in &self.outputs {
            writeln!(f, "output OUT{v}")?;
        }
        if self.color0_writes_all {
            writeln!(f, "colour 0 writes all colour buffers")?;
        }
        for sv in &self.system_values {
            writeln!(
                f,
                "system value [{}] {} -> @builtin({})",
                sv.register,
                sv.semantic,
                builtin_name(sv.builtin)
            )?;
        }
        for cb in &self.constant_buffers {
            write!(f, "constant buffer CONST[{}] -> ", cb.index)?;
            binding(f, cb.binding)?;
            let storage = if cb.storage {
                " (read-only storage)"
            } else {
                ""
            };
            writeln!(f, ", {} bytes{storage}", cb.size)?;
        }
        if let Some(b) = self.driver_uniforms {
            f.write_str("driver uniforms -> ")?;
            binding(f, b)?;
            writeln!(f)?;
        }
        for t in &self.textures {
            write!(
                f,
                "texture unit {} {} {} -> {:?}{}{} {:?}{} ",
                t.unit,
                t.target,
                t.return_type,
                t.dimension,
                if t.arrayed { " array" } else { "" },
                if t.multisampled { " multisampled" } else { "" },
                t.class,
                if t.comparison { " comparison" } else { "" },
            )?;
            binding(f, t.texture)?;
            if let Some(s) = t.sampler {
                f.write_str(", sampler ")?;
                binding(f, s)?;
            }
            writeln!(f)?;
        }
        for t in &self.texel_buffers {
            write!(f, "texture buffer unit {} -> ", t.unit)?;
            binding(f, t.binding)?;
            writeln!(f)?;
        }
        for b in &self.storage_buffers {
            write!(f, "storage buffer BUFFER[{}] -> ", b.index)?;
            binding(f, b.binding)?;
            writeln!(f, ", {}", if b.writable { "written" } else { "read only" })?;
        }
        for i in &self.images {
            write!(f, "image IMAGE[{}] -> ", i.index)?;
            binding(f, i.binding)?;
            let access = match (
                i.access.contains(naga::StorageAccess::LOAD),
                i.access.contains(naga::StorageAccess::STORE),
            ) {
                (true, true) => "read_write",
                (false, true) => "write",
                _ => "read",
            };
            writeln!(
                f,
                ", {:?}{} {:?}, {access}",
                i.dimension,
                if i.arrayed { " array" } else { "" },
                i.format
            )?;
        }
        if self.image_atomics {
            writeln!(f, "image atomics: marker calls (image_atomic_spirv)")?;
        }
        if let Some(t) = &self.tessellation {
            writeln!(f, "tessellation {:?}", t.kind)?;
            for v in &t.variables {
                let dir = if v.output { "output" } else { "input" };
                writeln!(f, "stage {dir} {} -> {:?}", v.name, v.link)?;
            }
        }
        if let Some(c) = self.compute {
            let [x, y, z] = c.workgroup_size;
            writeln!(
                f,
                "workgroup size {x}x{y}x{z}, {} bytes shared",
                c.shared_bytes
            )?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn driver_uniform_bytes_follow_the_wgsl_layout() {
        let d = DriverUniforms {
            flip_y: -1.0,
            fb_height: 480.0,
            polygon_stipple: [7; 32],
            clip_planes: [[2.0, 0.0, 0.0, 0.0]; 8],
            polygon_offset: [0.5, 0.0, 0.0, 0.0],
            texel_buffer_sizes: [9; 16],
            ..DriverUniforms::default()
        };
        let b = d.to_bytes();
        let word = |at: usize| u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]]);
        assert_eq!(word(0), (-1.0f32).to_bits());
        assert_eq!(word(4), 480.0f32.to_bits());
        assert_eq!(word(12), 1.0f32.to_bits());
        assert_eq!((word(16), word(140)), (7, 7));
        assert_eq!((word(144), word(256)), (2.0f32.to_bits(), 2.0f32.to_bits()));
        assert_eq!(word(272), 0.5f32.to_bits());
        // Unit 0's LOD state: no bias, clamps -1000 and 1000.
        assert_eq!(word(292), (-1000.0f32).to_bits());
        assert_eq!((word(544), word(604)), (9, 9));
    }

    #[test]
    fn locations_are_distinct_and_below_the_limit() {
        let mut seen = std::collections::HashSet::new();
        for &name in Semantic::ALL {
            for index in 0..40 {
                if let Some(l) = varying_location(SemanticId { name, index }) {
                    assert!(l < VARYING_LOCATIONS);
                    assert!(seen.insert(l), "{name}[{index}] reuses location {l}");
                }
            }
        }
        assert_eq!(seen.len() as u32, VARYING_LOCATIONS);
    }

    #[test]
    fn fragment_varyings_keep_the_table_unless_one_is_outside_it() {
        let id = |name, index| SemanticId { name, index };
        let in_table = [id(Semantic::Color, 0), id(Semantic::Generic, 9)];
        assert_eq!(fragment_varying_locations(&in_table), vec![0, 11]);
        let beyond = [
            id(Semantic::Generic, 9),
            id(Semantic::Generic, 24),
            id(Semantic::Color, 1),
        ];
        assert_eq!(fragment_varying_locations(&beyond), vec![0, 1, 2]);
        assert!(fragment_varying_locations(&[]).is_empty());
    }

    #[test]
    fn driver_uniforms_are_little_endian_f32s() {
        let bytes = DriverUniforms {
            flip_y: -1.0,
            fb_height: 240.0,
            alpha_ref: 0.5,
            point_size: 6.0,
            polygon_stipple: std::array::from_fn(|i| i as u32 * 3),
            clip_planes: std::array::from_fn(|i| [i as f32, 0.0, 0.0, -2.5]),
            polygon_offset: [1.5, 2.0, -0.25, 0.0],
            sampler_lod: std::array::from_fn(|i| [i as f32, -1.0, 9.0, 0.0]),
            texel_buffer_sizes: std::array::from_fn(|i| i as u32 + 100),
        }
        .to_bytes();
        assert_eq!(bytes.get(544..548), Some(&100u32.to_le_bytes()[..]));
        assert_eq!(bytes.get(604..608), Some(&115u32.to_le_bytes()[..]));
        assert_eq!(bytes.get(288..292), Some(&0.0f32.to_le_bytes()[..]));
        assert_eq!(bytes.get(528..532), Some(&15.0f32.to_le_bytes()[..]));
        assert_eq!(bytes.get(536..540), Some(&9.0f32.to_le_bytes()[..]));
        assert_eq!(bytes.get(..4), Some(&(-1.0f32).to_le_bytes()[..]));
        assert_eq!(bytes.get(4..8), Some(&240.0f32.to_le_bytes()[..]));
        assert_eq!(bytes.get(8..12), Some(&0.5f32.to_le_bytes()[..]));
        assert_eq!(bytes.get(12..16), Some(&6.0f32.to_le_bytes()[..]));
        assert_eq!(bytes.get(16..20), Some(&0u32.to_le_bytes()[..]));
        assert_eq!(bytes.get(140..144), Some(&93u32.to_le_bytes()[..]));
        assert_eq!(bytes.get(144..148), Some(&0.0f32.to_le_bytes()[..]));
        assert_eq!(bytes.get(256..260), Some(&7.0f32.to_le_bytes()[..]));
        assert_eq!(bytes.get(268..272), Some(&(-2.5f32).to_le_bytes()[..]));
        assert_eq!(bytes.get(272..276), Some(&1.5f32.to_le_bytes()[..]));
        assert_eq!(bytes.get(280..284), Some(&(-0.25f32).to_le_bytes()[..]));
    }
}
