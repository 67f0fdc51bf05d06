//! Command opcodes and object types of the virgl command header.

use crate::macros::wire_enum;

wire_enum! {
    /// `VIRGL_CCMD_*`: bits 0..7 of a command header.
    pub struct Opcode(u8) {
        NOP = 0,
        CREATE_OBJECT = 1,
        BIND_OBJECT = 2,
        DESTROY_OBJECT = 3,
        SET_VIEWPORT_STATE = 4,
        SET_FRAMEBUFFER_STATE = 5,
        SET_VERTEX_BUFFERS = 6,
        CLEAR = 7,
        DRAW_VBO = 8,
        RESOURCE_INLINE_WRITE = 9,
        SET_SAMPLER_VIEWS = 10,
        SET_INDEX_BUFFER = 11,
        SET_CONSTANT_BUFFER = 12,
        SET_STENCIL_REF = 13,
        SET_BLEND_COLOR = 14,
        SET_SCISSOR_STATE = 15,
        BLIT = 16,
        RESOURCE_COPY_REGION = 17,
        BIND_SAMPLER_STATES = 18,
        BEGIN_QUERY = 19,
        END_QUERY = 20,
        GET_QUERY_RESULT = 21,
        SET_POLYGON_STIPPLE = 22,
        SET_CLIP_STATE = 23,
        SET_SAMPLE_MASK = 24,
        SET_STREAMOUT_TARGETS = 25,
        SET_RENDER_CONDITION = 26,
        SET_UNIFORM_BUFFER = 27,
        SET_SUB_CTX = 28,
        CREATE_SUB_CTX = 29,
        DESTROY_SUB_CTX = 30,
        BIND_SHADER = 31,
        SET_TESS_STATE = 32,
        SET_MIN_SAMPLES = 33,
        SET_SHADER_BUFFERS = 34,
        SET_SHADER_IMAGES = 35,
        MEMORY_BARRIER = 36,
        LAUNCH_GRID = 37,
        SET_FRAMEBUFFER_STATE_NO_ATTACH = 38,
        TEXTURE_BARRIER = 39,
        SET_ATOMIC_BUFFERS = 40,
        SET_DEBUG_FLAGS = 41,
        GET_QUERY_RESULT_QBO = 42,
        TRANSFER3D = 43,
        END_TRANSFERS = 44,
        COPY_TRANSFER3D = 45,
        SET_TWEAKS = 46,
        CLEAR_TEXTURE = 47,
        PIPE_RESOURCE_CREATE = 48,
        PIPE_RESOURCE_SET_TYPE = 49,
        GET_MEMORY_INFO = 50,
        SEND_STRING_MARKER = 51,
        LINK_SHADER = 52,
        CREATE_VIDEO_CODEC = 53,
        DESTROY_VIDEO_CODEC = 54,
        CREATE_VIDEO_BUFFER = 55,
        DESTROY_VIDEO_BUFFER = 56,
        BEGIN_FRAME = 57,
        DECODE_MACROBLOCK = 58,
        DECODE_BITSTREAM = 59,
        ENCODE_BITSTREAM = 60,
        END_FRAME = 61,
    }
}

impl Opcode {
    /// The number of opcodes virglrenderer 0.10.4 knows; higher ones are rejected.
    pub const COUNT: u8 = 62;
}

wire_enum! {
    /// `VIRGL_OBJECT_*`: bits 8..15 of a CREATE/BIND/DESTROY_OBJECT header.
    pub struct ObjectType(u8) {
        NULL = 0,
        BLEND = 1,
        RASTERIZER = 2,
        DSA = 3,
        SHADER = 4,
        VERTEX_ELEMENTS = 5,
        SAMPLER_VIEW = 6,
        SAMPLER_STATE = 7,
        SURFACE = 8,
        QUERY = 9,
        STREAMOUT_TARGET = 10,
        MSAA_SURFACE = 11,
    }
}

/// The name of an opcode for logs: `"DRAW_VBO"`, or `"UNKNOWN"`.
pub fn opcode_name(opcode: u32) -> &'static str {
    u8::try_from(opcode)
        .ok()
        .and_then(|op| Opcode(op).name())
        .unwrap_or("UNKNOWN")
}
