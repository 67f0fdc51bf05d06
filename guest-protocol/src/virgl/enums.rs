//! Enumerations carried inside virgl command payloads (virgl-protocol.md §10).

use crate::macros::wire_enum;

wire_enum! {
    /// Shader stage (`shader_type` fields), legacy `PIPE_SHADER_*` order.
    pub struct ShaderStage(u32) {
        VERTEX = 0,
        FRAGMENT = 1,
        GEOMETRY = 2,
        TESS_CTRL = 3,
        TESS_EVAL = 4,
        COMPUTE = 5,
    }
}

impl ShaderStage {
    /// Number of stages; `shader_type` values at or above it are rejected.
    pub const COUNT: u32 = 6;

    /// The stage as an index `0..COUNT` for per-stage tables.
    pub fn index(self) -> Option<usize> {
        (self.0 < Self::COUNT).then_some(self.0 as usize)
    }
}

wire_enum! {
    /// `PIPE_TEXTURE_*`: resource and view targets.
    pub struct TextureTarget(u32) {
        BUFFER = 0,
        TEXTURE_1D = 1,
        TEXTURE_2D = 2,
        TEXTURE_3D = 3,
        CUBE = 4,
        RECT = 5,
        TEXTURE_1D_ARRAY = 6,
        TEXTURE_2D_ARRAY = 7,
        CUBE_ARRAY = 8,
    }
}

wire_enum! {
    /// `PIPE_PRIM_*`: primitive modes of DRAW_VBO and bits of the caps `prim_mask`.
    pub struct PrimMode(u32) {
        POINTS = 0,
        LINES = 1,
        LINE_LOOP = 2,
        LINE_STRIP = 3,
        TRIANGLES = 4,
        TRIANGLE_STRIP = 5,
        TRIANGLE_FAN = 6,
        QUADS = 7,
        QUAD_STRIP = 8,
        POLYGON = 9,
        LINES_ADJACENCY = 10,
        LINE_STRIP_ADJACENCY = 11,
        TRIANGLES_ADJACENCY = 12,
        TRIANGLE_STRIP_ADJACENCY = 13,
        PATCHES = 14,
    }
}

wire_enum! {
    /// `PIPE_BLENDFACTOR_*` (5 bits). 0 is not a valid factor; Mesa writes it for disabled targets.
    pub struct BlendFactor(u8) {
        ONE = 1,
        SRC_COLOR = 2,
        SRC_ALPHA = 3,
        DST_ALPHA = 4,
        DST_COLOR = 5,
        SRC_ALPHA_SATURATE = 6,
        CONST_COLOR = 7,
        CONST_ALPHA = 8,
        SRC1_COLOR = 9,
        SRC1_ALPHA = 10,
        ZERO = 0x11,
        INV_SRC_COLOR = 0x12,
        INV_SRC_ALPHA = 0x13,
        INV_DST_ALPHA = 0x14,
        INV_DST_COLOR = 0x15,
        INV_CONST_COLOR = 0x17,
        INV_CONST_ALPHA = 0x18,
        INV_SRC1_COLOR = 0x19,
        INV_SRC1_ALPHA = 0x1a,
    }
}

wire_enum! {
    /// `PIPE_BLEND_*` (3 bits).
    pub struct BlendFunc(u8) {
        ADD = 0,
        SUBTRACT = 1,
        REVERSE_SUBTRACT = 2,
        MIN = 3,
        MAX = 4,
    }
}

wire_enum! {
    /// `PIPE_LOGICOP_*` (4 bits).
    pub struct LogicOp(u8) {
        CLEAR = 0,
        NOR = 1,
        AND_INVERTED = 2,
        COPY_INVERTED = 3,
        AND_REVERSE = 4,
        INVERT = 5,
        XOR = 6,
        NAND = 7,
        AND = 8,
        EQUIV = 9,
        NOOP = 10,
        OR_INVERTED = 11,
        COPY = 12,
        OR_REVERSE = 13,
        OR = 14,
        SET = 15,
    }
}

wire_enum! {
    /// `PIPE_FUNC_*` (3 bits): depth, stencil, alpha and shadow compare functions.
    pub struct CompareFunc(u8) {
        NEVER = 0,
        LESS = 1,
        EQUAL = 2,
        LEQUAL = 3,
        GREATER = 4,
        NOTEQUAL = 5,
        GEQUAL = 6,
        ALWAYS = 7,
    }
}

wire_enum! {
    /// `PIPE_STENCIL_OP_*` (3 bits).
    pub struct StencilOp(u8) {
        KEEP = 0,
        ZERO = 1,
        REPLACE = 2,
        INCR = 3,
        DECR = 4,
        INCR_WRAP = 5,
        DECR_WRAP = 6,
        INVERT = 7,
    }
}

wire_enum! {
    /// `PIPE_TEX_WRAP_*` (3 bits).
    pub struct TexWrap(u8) {
        REPEAT = 0,
        CLAMP = 1,
        CLAMP_TO_EDGE = 2,
        CLAMP_TO_BORDER = 3,
        MIRROR_REPEAT = 4,
        MIRROR_CLAMP = 5,
        MIRROR_CLAMP_TO_EDGE = 6,
        MIRROR_CLAMP_TO_BORDER = 7,
    }
}

wire_enum! {
    /// `PIPE_TEX_FILTER_*` for min/mag image filters.
    pub struct TexFilter(u8) {
        NEAREST = 0,
        LINEAR = 1,
    }
}

wire_enum! {
    /// `PIPE_TEX_MIPFILTER_*`; values above 2 are rejected.
    pub struct MipFilter(u8) {
        NEAREST = 0,
        LINEAR = 1,
        NONE = 2,
    }
}

wire_enum! {
    /// `PIPE_SWIZZLE_*` (3 bits) of sampler views.
    pub struct Swizzle(u8) {
        X = 0,
        Y = 1,
        Z = 2,
        W = 3,
        ZERO = 4,
        ONE = 5,
    }
}

wire_enum! {
    /// `PIPE_FACE_*`: cull face.
    pub struct CullFace(u8) {
        NONE = 0,
        FRONT = 1,
        BACK = 2,
        FRONT_AND_BACK = 3,
    }
}

wire_enum! {
    /// `PIPE_POLYGON_MODE_*`: fill mode.
    pub struct PolygonMode(u8) {
        FILL = 0,
        LINE = 1,
        POINT = 2,
    }
}

wire_enum! {
    /// Query types in **virgl** numbering (differs from Gallium's).
    pub struct QueryType(u16) {
        OCCLUSION_COUNTER = 0,
        OCCLUSION_PREDICATE = 1,
        TIMESTAMP = 2,
        TIMESTAMP_DISJOINT = 3,
        TIME_ELAPSED = 4,
        PRIMITIVES_GENERATED = 5,
        PRIMITIVES_EMITTED = 6,
        SO_STATISTICS = 7,
        SO_OVERFLOW_PREDICATE = 8,
        GPU_FINISHED = 9,
        PIPELINE_STATISTICS = 10,
        OCCLUSION_PREDICATE_CONSERVATIVE = 11,
        SO_OVERFLOW_ANY_PREDICATE = 12,
    }
}

wire_enum! {
    /// `PIPE_RENDER_COND_*`.
    pub struct RenderCondMode(u32) {
        WAIT = 0,
        NO_WAIT = 1,
        BY_REGION_WAIT = 2,
        BY_REGION_NO_WAIT = 3,
    }
}

wire_enum! {
    /// Direction of an encoded transfer (TRANSFER3D).
    pub struct TransferDirection(u32) {
        TO_HOST = 1,
        FROM_HOST = 2,
    }
}

/// `PIPE_CLEAR_*` bits of CLEAR.
pub mod clear_bits {
    /// Clear the depth buffer.
    pub const DEPTH: u32 = 1;
    /// Clear the stencil buffer.
    pub const STENCIL: u32 = 2;
    /// Clear colour buffer `i` (0..8).
    pub const fn color(i: u32) -> u32 {
        4 << i
    }
}

/// `VIRGL_BIND_*`: resource bind flags (placement hints).
pub mod bind {
    /// Depth/stencil attachment.
    pub const DEPTH_STENCIL: u32 = 1 << 0;
    /// Colour attachment.
    pub const RENDER_TARGET: u32 = 1 << 1;
    /// Sampled texture.
    pub const SAMPLER_VIEW: u32 = 1 << 3;
    /// Vertex buffer.
    pub const VERTEX_BUFFER: u32 = 1 << 4;
    /// Index buffer.
    pub const INDEX_BUFFER: u32 = 1 << 5;
    /// Constant (uniform) buffer.
    pub const CONSTANT_BUFFER: u32 = 1 << 6;
    /// Window-system display target.
    pub const DISPLAY_TARGET: u32 = 1 << 7;
    /// Indirect draw arguments.
    pub const COMMAND_ARGS: u32 = 1 << 8;
    /// Transform-feedback output.
    pub const STREAM_OUTPUT: u32 = 1 << 11;
    /// Shader storage buffer.
    pub const SHADER_BUFFER: u32 = 1 << 14;
    /// Query result buffer.
    pub const QUERY_BUFFER: u32 = 1 << 15;
    /// Cursor image.
    pub const CURSOR: u32 = 1 << 16;
    /// Mesa's query/fence/meminfo buffers.
    pub const CUSTOM: u32 = 1 << 17;
    /// Scanout.
    pub const SCANOUT: u32 = 1 << 18;
    /// Guest-backed staging buffer (host reads only).
    pub const STAGING: u32 = 1 << 19;
    /// Shared with another process.
    pub const SHARED: u32 = 1 << 20;
    /// Prefer emulated BGRA.
    pub const PREFER_EMULATED_BGRA: u32 = 1 << 21;
    /// Linear layout.
    pub const LINEAR: u32 = 1 << 22;
}
