//! Structural limits of the protocol (Gallium's `PIPE_MAX_*`), checked while decoding.
//!
//! These bound what a command can address; a renderer applies its own,
//! usually smaller, limits from the caps it advertised.

/// Colour buffers in SET_FRAMEBUFFER_STATE.
pub const MAX_COLOR_BUFS: u32 = 8;
/// Viewports and scissors.
pub const MAX_VIEWPORTS: u32 = 16;
/// Vertex buffer slots (and `vertex_buffer_index` bound).
pub const MAX_VERTEX_BUFFERS: u32 = 32;
/// Vertex elements in one VERTEX_ELEMENTS object.
pub const MAX_VERTEX_ELEMENTS: u32 = 32;
/// Sampler-view slots per stage.
pub const MAX_SAMPLER_VIEWS: u32 = 128;
/// Sampler-state slots per stage.
pub const MAX_SAMPLERS: u32 = 32;
/// Constant/uniform buffer slots per stage.
pub const MAX_CONSTANT_BUFFERS: u32 = 32;
/// Shader storage buffer slots per stage.
pub const MAX_SHADER_BUFFERS: u32 = 32;
/// Shader image slots per stage.
pub const MAX_SHADER_IMAGES: u32 = 32;
/// Atomic counter buffer slots.
pub const MAX_ATOMIC_BUFFERS: u32 = 32;
/// Stream-output targets in SET_STREAMOUT_TARGETS.
pub const MAX_SO_TARGETS: u32 = 16;
/// Stream-output outputs of one shader.
pub const MAX_SO_OUTPUTS: u32 = 64;
/// Planes of PIPE_RESOURCE_SET_TYPE.
pub const MAX_PLANES: u32 = 4;
/// Largest command buffer Mesa builds (`VIRGL_MAX_CMDBUF_DWORDS`).
pub const MAX_CMDBUF_DWORDS: u32 = 65536 + 1024;
