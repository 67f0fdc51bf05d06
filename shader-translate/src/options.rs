//! [`Options`]: the renderer state a translation depends on. Equal options
//! give identical modules, so `(text hash, Options)` is a pipeline cache key.

use crate::interface::Varying;
use crate::limits::{MAX_COLOR_BUFFERS, MAX_SAMPLERS, MAX_SHADER_IMAGES, MAX_VERTEX_ATTRIBUTES};

/// Renderer state baked into a translated module.
///
/// State that changes from draw to draw without changing the pipeline (the
/// Y flip, the framebuffer height, the alpha reference) is not here: it comes
/// from the driver uniforms ([`DriverUniforms`](crate::interface::DriverUniforms)).
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Options {
    /// Rasterizer `flatshade`: `COLOR`-interpolated inputs (and the VS's
    /// `COLOR`/`BCOLOR` outputs) are flat.
    pub flatshade: bool,
    /// Rasterizer `clip_halfz`: the guest's clip-space z is already in
    /// [0, w], so the VS leaves it alone. When false the VS maps GL's [-w, w]
    /// to WebGPU's [0, w] (`z' = (z + w) / 2`).
    pub clip_halfz: bool,
    /// The last stage before the rasterizer, the viewport's depth range
    /// runs from far to near (`glDepthRange(n, f)` with `f < n`), which
    /// WebGPU viewports cannot: the host gives the viewport the range
    /// ascending and the shader mirrors z within it (`z' = w − z`, after
    /// the `clip_halfz` mapping).
    pub depth_range_reversed: bool,
    /// FS (and the stages it links to): every sample of a multisampled
    /// framebuffer is shaded (`SET_MIN_SAMPLES` above 1, GL's sample
    /// shading): varyings are interpolated at each sample, which makes
    /// each sample an invocation of its own.
    pub per_sample_shading: bool,
    /// FS only, rasterizer `light_twoside`: each `COLOR[i]` input reads
    /// `BCOLOR[i]` (the VS's back colour, an extra input) on back-facing
    /// primitives.
    pub two_sided_color: bool,
    /// Rasterizer `clamp_vertex_color`: the VS clamps `COLOR`/`BCOLOR`
    /// outputs to [0, 1].
    pub clamp_vertex_color: bool,
    /// Rasterizer `clamp_fragment_color`: the FS clamps `COLOR` outputs to
    /// [0, 1].
    pub clamp_fragment_color: bool,
    /// DSA alpha test: the FS discards fragments whose colour-0 alpha fails
    /// `alpha <func> alpha_ref` (`alpha_ref` from the driver uniforms). `None`:
    /// no alpha test.
    pub alpha_test: Option<CompareFunction>,
    /// FS only, rasterizer `poly_stipple_enable` on filled polygons: the FS
    /// discards fragments whose bit in the driver uniforms' 32×32 stipple
    /// pattern (window position modulo 32) is 0.
    pub polygon_stipple: bool,
    /// FS only, GL's polygon offset on a fixed-point depth buffer: a
    /// fragment shader that does not write depth writes its fragment's
    /// depth plus `units · r + factor · max(|∂z/∂x|, |∂z/∂y|)` (clamped by
    /// the offset clamp, then to [0, 1]), from the driver uniforms'
    /// `polygon_offset`.
    pub polygon_offset: bool,
    /// VS only, rasterizer `clip_plane_enable`: bit `i` enables user clip
    /// plane `i`. When any is set the VS writes eight clip distances, plane
    /// `i`'s being `dot(v, clip_planes[i])` (driver uniforms) for the
    /// `CLIPVERTEX` output `v`, else the `POSITION` output, as the guest
    /// wrote it (before the GL → WebGPU clip-space conversion); disabled
    /// planes get 1 (never clipped). A VS that writes `CLIPDIST` registers
    /// gives its own distances for the enabled planes instead.
    pub clip_planes: u8,
    /// Number of bound colour buffers (at least 1): with
    /// `FS_COLOR0_WRITES_ALL_CBUFS`, colour 0 is written to locations
    /// `0..color_buffers`.
    pub color_buffers: u32,
    /// Per sampler unit: swizzle applied to texture results in the shader
    /// (WebGPU views have no swizzle).
    pub samplers: [SamplerOptions; MAX_SAMPLERS as usize],
    /// FS only, per colour buffer (output location): channel `c` of the
    /// value written to location `i` is channel `output_swizzles[i][c]` of
    /// the shader's colour, after the alpha test and clamping. For render
    /// targets stored in another channel layout than the guest's format
    /// (`A8` stored as `R8`: `[A, G, B, A]`, so GL's alpha lands in red);
    /// [`Channel::RGBA`] (the default) leaves the colour as it is.
    pub output_swizzles: [[Channel; 4]; MAX_COLOR_BUFFERS as usize],
    /// FS only, per colour buffer (output location): the render target's
    /// channel type. Integer targets get the output register's bits as
    /// `vec4<i32>`/`vec4<u32>` (what Mesa writes there for integer
    /// colours), never clamped; with an integer colour buffer 0 the alpha
    /// test is skipped (GL).
    pub color_kinds: [ColorKind; MAX_COLOR_BUFFERS as usize],
    /// FS only: bit `i` set when colour buffer `i` is signed normalized.
    /// Its float output is clamped to [−1, 1] before it is written, as
    /// such a target stores it, so that a float stand-in the host blends
    /// in for the target holds what the target would.
    pub signed_color_buffers: u8,
    /// VS only: the inputs of the fragment shader it will be linked with
    /// (`fs.interface.inputs`). Each VS output matched by semantic takes the
    /// FS input's location, interpolation and sampling (WebGPU requires them
    /// equal), outputs the FS does not read are dropped, and FS inputs the VS
    /// does not write are added as zero outputs. Empty: VS outputs are at
    /// their fixed-table location ([`varying_location`](crate::interface::varying_location);
    /// dropped outside it), perspective/centre (flat for colours under
    /// `flatshade`), which links with any FS whose varyings all have a table
    /// location, are `PERSPECTIVE` or `COLOR` and are written by the VS.
    pub next_stage_inputs: Vec<Varying>,
    /// FS only: which inputs read the point sprite coordinate when the
    /// draw rasterizes points.
    pub sprite_coords: SpriteCoords,
    /// VS only: where the size of the points the draw rasterizes comes
    /// from.
    pub point_size: PointSize,
    /// FS only, dual-source blending (colour buffer 0's blend reads the
    /// second source): `COLOR[0]` and `COLOR[1]` are the two sources of
    /// location 0 (`@blend_src(0)`, `@blend_src(1)`; an unwritten one reads
    /// zero), and no other colour is written (GL allows one colour buffer
    /// then).
    pub dual_source_blend: bool,
    /// VS only, for stream output (transform feedback): one extra output
    /// per range holding exactly the range's components of the output
    /// register as the shader wrote them (before the GL → WebGPU
    /// clip-space conversion; clamped like the register's own output under
    /// `clamp_vertex_color`), at locations above every other output. Their
    /// locations are [`Interface::captures`](crate::Interface::captures).
    /// Empty: no extra outputs.
    pub captures: Vec<Capture>,
    /// VS only, per vertex attribute (`IN[i]`): the channel type the
    /// vertex element's format fetches. Integer attributes (GL's
    /// `glVertexAttribIPointer`: `*_SINT`/`*_UINT` elements) are declared
    /// `vec4<i32>`/`vec4<u32>` (WebGPU requires the shader type to match the
    /// vertex format) and their bits reach the register unchanged.
    pub input_kinds: [ColorKind; MAX_VERTEX_ATTRIBUTES as usize],
    /// CS: bytes of workgroup-shared memory the guest asked for when it
    /// created the shader (`REQ_LOCAL_MEM`), the size of `MEMORY[…], SHARED`
    /// (at most [`MAX_SHARED_BYTES`](crate::limits::MAX_SHARED_BYTES)).
    pub shared_memory_bytes: u32,
    /// Per image slot: the format of the bound image, for images the
    /// shader declares without one (`PIPE_FORMAT_NONE`: GLSL's
    /// `writeonly` images without a format qualifier).
    pub image_formats: [Option<crate::ast::ImageFormat>; MAX_SHADER_IMAGES as usize],
}

/// The size a vertex shader gives the points it feeds (Vulkan reads it
/// from the shader only; the device clamps it to its range, which is the
/// range the caps advertise).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum PointSize {
    /// Not written: the draw rasterizes no points (or only 1-pixel ones).
    #[default]
    Unwritten,
    /// The rasterizer's `point_size`, from the driver uniforms.
    Fixed,
    /// The `PSIZE` output's x (the rasterizer's `point_size_per_vertex`);
    /// the driver uniforms' size when the shader has no `PSIZE` output.
    PerVertex,
}

/// Point sprite coordinates (GL's `GL_COORD_REPLACE`), for draws that
/// rasterize points as squares (the rasterizer's
/// `point_quad_rasterization`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct SpriteCoords {
    /// Bit `i` replaces the `GENERIC[i]` and `TEXCOORD[i]` inputs with the
    /// point's coordinate `(s, t, 0, 1)` (the rasterizer's
    /// `sprite_coord_enable`). `PCOORD` inputs read it whatever the mask.
    pub enable: u32,
    /// `t` grows upwards, from the point's last row (the rasterizer's
    /// `sprite_coord_mode` LOWER_LEFT); otherwise downwards from its first
    /// row in memory (UPPER_LEFT: Gallium's row order, see
    /// `docs/gl-conventions.md` §1).
    pub lower_left: bool,
}

impl SpriteCoords {
    /// Whether input `id` reads the sprite coordinate.
    pub fn replaces(&self, id: crate::ast::SemanticId) -> bool {
        use crate::ast::Semantic;
        match id.name {
            Semantic::PCoord => true,
            Semantic::Generic | Semantic::TexCoord => {
                id.index < 32 && self.enable & (1 << id.index) != 0
            }
            _ => false,
        }
    }
}

/// A stream-output range of a vertex shader output register.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct Capture {
    /// `OUT[register]`.
    pub register: u32,
    /// First component (0–3).
    pub first: u8,
    /// Components (1–4, `first + count` ≤ 4).
    pub count: u8,
}

impl Default for Options {
    fn default() -> Self {
        Self {
            flatshade: false,
            clip_halfz: false,
            depth_range_reversed: false,
            per_sample_shading: false,
            two_sided_color: false,
            clamp_vertex_color: false,
            clamp_fragment_color: false,
            alpha_test: None,
            polygon_stipple: false,
            polygon_offset: false,
            clip_planes: 0,
            color_buffers: 1,
            samplers: [SamplerOptions::default(); MAX_SAMPLERS as usize],
            output_swizzles: [Channel::RGBA; MAX_COLOR_BUFFERS as usize],
            color_kinds: [ColorKind::Float; MAX_COLOR_BUFFERS as usize],
            signed_color_buffers: 0,
            next_stage_inputs: Vec::new(),
            sprite_coords: SpriteCoords::default(),
            point_size: PointSize::Unwritten,
            dual_source_blend: false,
            captures: Vec::new(),
            input_kinds: [ColorKind::Float; MAX_VERTEX_ATTRIBUTES as usize],
            shared_memory_bytes: 0,
            image_formats: [None; MAX_SHADER_IMAGES as usize],
        }
    }
}

/// The channel type of a colour render target or vertex attribute.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum ColorKind {
    /// Float, normalised or sRGB channels.
    #[default]
    Float,
    /// Signed integer channels.
    Sint,
    /// Unsigned integer channels.
    Uint,
}

/// A comparison function (`PIPE_FUNC_*` order).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum CompareFunction {
    /// Never passes.
    Never,
    /// `a < b`.
    Less,
    /// `a == b`.
    Equal,
    /// `a <= b`.
    LessEqual,
    /// `a > b`.
    Greater,
    /// `a != b`.
    NotEqual,
    /// `a >= b`.
    GreaterEqual,
    /// Always passes.
    Always,
}

impl CompareFunction {
    /// The function for a `PIPE_FUNC_*` value (0 = NEVER … 7 = ALWAYS).
    pub const fn from_pipe(value: u32) -> Option<Self> {
        Some(match value {
            0 => Self::Never,
            1 => Self::Less,
            2 => Self::Equal,
            3 => Self::LessEqual,
            4 => Self::Greater,
            5 => Self::NotEqual,
            6 => Self::GreaterEqual,
            7 => Self::Always,
            _ => return None,
        })
    }
}

/// Where one channel of a swizzled texture result comes from.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Channel {
    /// The red (first) channel.
    R,
    /// The green channel.
    G,
    /// The blue channel.
    B,
    /// The alpha channel.
    A,
    /// Constant 0.
    Zero,
    /// Constant 1.
    One,
}

impl Channel {
    /// The identity swizzle.
    pub const RGBA: [Self; 4] = [Self::R, Self::G, Self::B, Self::A];

    /// The channel for a `PIPE_SWIZZLE_*` value (0 = X/R … 5 = ONE), as in a
    /// sampler view's swizzle bits.
    pub const fn from_pipe(value: u32) -> Option<Self> {
        Some(match value {
            0 => Self::R,
            1 => Self::G,
            2 => Self::B,
            3 => Self::A,
            4 => Self::Zero,
            5 => Self::One,
            _ => return None,
        })
    }
}

/// Per-sampler-unit options.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct SamplerOptions {
    /// Channel `i` of the result is `swizzle[i]` of the texel (after
    /// `alpha_one`).
    pub swizzle: [Channel; 4],
    /// The view's format has no alpha (`B8G8R8X8`, `R8G8B8X8`, …) but is
    /// stored with one: alpha reads as 1.
    pub alpha_one: bool,
    /// The view is of a depth format: a `FLOAT` view sampled without
    /// comparison is bound as a depth texture (WebGPU cannot bind depth as
    /// filterable float) and reads (depth, 0, 0, 1), before `swizzle`.
    pub depth: bool,
    /// The bound view's channel type, which decides how the texture is
    /// bound and read where it differs from the `SVIEW` declaration: GL
    /// leaves lookups through a sampler of the other type undefined, but
    /// size and sample-count queries still answer. `None` follows the
    /// declaration.
    pub view_kind: Option<ColorKind>,
    /// The bound sampler state selects neither a mip level nor a filter by
    /// LOD: its mip filter is `NONE` and its minification and magnification
    /// filters are equal. Every LOD then reads the view's first level with
    /// the same filter, so a biased, explicit-LOD or gradient lookup
    /// (`TXB`, `TXL`, `TXD`) equals the level-0 lookup; the translation
    /// uses that for depth textures, which WebGPU samples (and compares)
    /// only with implicit or zero LOD.
    pub fixed_level: bool,
    /// How lookups on an integer view address its texels (see
    /// [`IntegerSampling`]), and shadow lookups under `nearest_compare`;
    /// ignored for other views.
    pub integer: IntegerSampling,
    /// The unit's sampler compares with this function and filters nearest
    /// (minification, magnification, and the mip filter nearest or none):
    /// shadow lookups on non-cube targets then load the texel that
    /// nearest filtering picks (as for integer views, `integer` giving the
    /// wraps, border and mip filter) and compare it with the
    /// reference in the shader, exactly, at any LOD (WebGPU compares only
    /// at implicit or zero LOD).
    pub nearest_compare: Option<CompareFunction>,
    /// The unit's sampler has a LOD bias (its value is
    /// [`DriverUniforms::sampler_lod`](crate::interface::DriverUniforms::sampler_lod)`[i].x`):
    /// float views' lookups add it (WebGPU samplers have none). Without
    /// it they are left as they are, reading no uniform.
    pub lod_bias: bool,
    /// The unit's view is a texture buffer (`SVIEW[i], BUFFER`) whose
    /// texels are stored this way; `None` reads `RGBA32` floats (the
    /// element count of an empty unit is 0, so nothing is read).
    pub buffer: Option<TexelFormat>,
    /// A multisampled array view (`2D_ARRAY_MSAA`) bound unfolded, with
    /// this many samples: a single-sampled 2D array holding sample `s` of
    /// layer `l` in layer `l · samples + s` (WebGPU binds no multisampled
    /// arrays). Fetches, size and sample-count queries read it as the
    /// multisampled array. 0: bound as it is.
    pub unfolded_samples: u8,
}

/// How a texture buffer's texels are stored: 1–4 channels of 8, 16 or 32
/// bits each, packed little-endian, read as [`TexelKind`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct TexelFormat {
    /// Channels per texel (1–4; missing ones read as 0, 0, 1).
    pub channels: u8,
    /// Bits per channel: 8, 16 or 32.
    pub bits: u8,
    /// How a channel's bits are read.
    pub kind: TexelKind,
}

/// How a texture buffer channel's bits are read.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum TexelKind {
    /// Unsigned normalized (0 → 0.0, all ones → 1.0).
    Unorm,
    /// Signed normalized (clamped to −1.0).
    Snorm,
    /// Unsigned integer.
    Uint,
    /// Signed integer.
    Sint,
    /// IEEE float (16 or 32 bits).
    Float,
}

impl TexelFormat {
    /// The format of a unit with no format given: four 32-bit floats.
    pub const RGBA32_FLOAT: Self = Self {
        channels: 4,
        bits: 32,
        kind: TexelKind::Float,
    };

    /// Bytes per texel.
    pub const fn bytes(self) -> u32 {
        self.channels as u32 * self.bits as u32 / 8
    }
}

/// The sampler state an integer view is read with. WebGPU cannot sample
/// integer textures, so `TEX`, `TXP`, `TXB`, `TXL`, `TXD` and `TEX_LZ`
/// load the texel GL's nearest filtering selects (GL makes an integer
/// texture with another filter incomplete): the coordinates wrapped per
/// axis, the level chosen by `NEAREST_MIPMAP_NEAREST` when `mipmap`, else
/// the view's first level.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct IntegerSampling {
    /// Wrap modes of s, t and r.
    pub wrap: [Wrap; 3],
    /// The border colour's bits (read where a `ClampToBorder` axis is out
    /// of range).
    pub border: [u32; 4],
    /// The min filter picks the nearest mip level (else level 0 only),
    /// under the sampler's LOD bias and clamps
    /// ([`DriverUniforms::sampler_lod`](crate::interface::DriverUniforms::sampler_lod)).
    pub mipmap: bool,
}

/// A texture wrap mode, as nearest filtering applies it.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub enum Wrap {
    /// The coordinate's fraction.
    #[default]
    Repeat,
    /// Clamped to the edge texels (`CLAMP` too, under nearest filtering).
    ClampToEdge,
    /// Outside [0, 1] reads the border colour.
    ClampToBorder,
    /// Mirrored every other repetition.
    MirrorRepeat,
    /// `|s|` clamped to the edge (`MIRROR_CLAMP` too).
    MirrorClampToEdge,
    /// `|s|`, the border colour past 1.
    MirrorClampToBorder,
}

impl Wrap {
    /// The mode for a `PIPE_TEX_WRAP_*` value (0 = REPEAT … 7 =
    /// MIRROR_CLAMP_TO_BORDER).
    pub const fn from_pipe(value: u32) -> Option<Self> {
        Some(match value {
            0 => Self::Repeat,
            1 | 2 => Self::ClampToEdge,
            3 => Self::ClampToBorder,
            4 => Self::MirrorRepeat,
            5 | 6 => Self::MirrorClampToEdge,
            7 => Self::MirrorClampToBorder,
            _ => return None,
        })
    }
}

impl SamplerOptions {
    /// The identity swizzle, alpha as stored, a colour view.
    pub const IDENTITY: Self = Self {
        swizzle: Channel::RGBA,
        alpha_one: false,
        depth: false,
        view_kind: None,
        fixed_level: false,
        integer: IntegerSampling {
            wrap: [Wrap::Repeat; 3],
            border: [0; 4],
            mipmap: false,
        },
        nearest_compare: None,
        lod_bias: false,
        buffer: None,
        unfolded_samples: 0,
    };

    /// Whether texture results pass through unchanged (no swizzle, alpha
    /// as stored).
    pub fn is_identity(&self) -> bool {
        self.swizzle == Channel::RGBA && !self.alpha_one
    }
}

impl Default for SamplerOptions {
    fn default() -> Self {
        Self::IDENTITY
    }
}
