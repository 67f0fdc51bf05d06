//! Every size limit the translator enforces, in one place.
//!
//! Each limit is checked before anything is allocated from a count the text
//! asks for; exceeding one is [`ErrorKind::TooLarge`](crate::ErrorKind::TooLarge).
//! The values leave ample room for what Mesa 22.3 sends (the largest captured
//! shader is about 24 KB of text and a few hundred instructions) while keeping a
//! hostile guest's shader small enough to translate in milliseconds.

/// Longest accepted TGSI text, in bytes (after any NUL terminator is cut off).
pub const MAX_TEXT_BYTES: usize = 256 * 1024;
/// Most instructions in one shader.
pub const MAX_INSTRUCTIONS: usize = 16 * 1024;
/// Most `DCL` lines in one shader.
pub const MAX_DECLARATIONS: usize = 4 * 1024;
/// Most `IMM` lines in one shader.
pub const MAX_IMMEDIATES: usize = 4 * 1024;
/// Most `PROPERTY` lines in one shader.
pub const MAX_PROPERTIES: usize = 64;
/// Most `TEMP` registers (the highest declared index + 1).
pub const MAX_TEMPS: u32 = 4 * 1024;
/// Most `ADDR` registers.
pub const MAX_ADDRESS_REGS: u32 = 4;
/// Most vec4 registers in one constant buffer (1 MiB).
pub const MAX_CONSTANTS: u32 = 64 * 1024;
/// Most vec4 registers of a constant buffer declared as a uniform buffer
/// (64 KiB, WebGPU's `maxUniformBufferBindingSize` default); larger ones are
/// read-only storage buffers.
pub const MAX_UNIFORM_CONSTANTS: u32 = 4 * 1024;
/// Most constant buffers (`CONST[b][…]` with `b` below this).
pub const MAX_CONSTANT_BUFFERS: u32 = 16;
/// Most sampler / sampler-view units (`SAMP[i]`, `SVIEW[i]`).
pub const MAX_SAMPLERS: u32 = 16;
/// Most `IN` or `OUT` registers: GLSL 1.50's 32 varyings and the
/// built-ins beside them (position, point size, clip distances, …), and
/// in tessellation stages the 30 per-patch varyings and the levels after
/// them.
pub const MAX_IO_REGS: u32 = 80;
/// Locations of a stage's inputs or outputs, and of a tessellation stage's
/// per-patch ones (Vulkan's 128-component minimum between tessellation
/// stages, in vec4s; Mesa's drivers have 32 slots of each kind and index
/// past them).
pub const MAX_LOCATIONS: u32 = 32;
/// Most vertex shader inputs (WebGPU's `maxVertexAttributes` default).
pub const MAX_VERTEX_ATTRIBUTES: u32 = 16;
/// Most `SV` registers.
pub const MAX_SYSTEM_VALUES: u32 = 16;
/// Most colour buffers a fragment shader writes (`COLOR[n]`, n below this).
pub const MAX_COLOR_BUFFERS: u32 = 8;
/// Deepest nesting of `IF`/`UIF`/`BGNLOOP` blocks.
pub const MAX_NESTING: usize = 64;
/// Largest absolute value of an immediate index offset (`ADDR[0].x+9`).
pub const MAX_INDEX_OFFSET: i64 = 1 << 20;
/// Stream-output capture ranges of a vertex shader (Gallium's
/// `PIPE_MAX_SO_OUTPUTS`).
pub const MAX_CAPTURES: usize = 64;

/// Most vertices a geometry shader may emit per invocation
/// (`GS_MAX_OUTPUT_VERTICES`): GL's minimum maximum, which every Vulkan
/// device with geometry shaders offers.
pub const MAX_GEOMETRY_VERTICES: u32 = 256;

/// Most vertices of a tessellation patch (`TCS_VERTICES_OUT`, and the
/// length of the per-vertex input arrays of tessellation shaders): GL's
/// `gl_MaxPatchVertices`, which every Vulkan device with tessellation
/// offers.
pub const MAX_PATCH_VERTICES: u32 = 32;

/// Most shader storage buffers (`BUFFER[i]`, i below this).
pub const MAX_SHADER_BUFFERS: u32 = 16;
/// Most shader images (`IMAGE[i]`, i below this).
pub const MAX_SHADER_IMAGES: u32 = 16;
/// Most bytes of workgroup-shared memory a compute shader may ask for
/// (GL's minimum `MAX_COMPUTE_SHARED_MEMORY_SIZE`; the renderer
/// advertises less where the device offers less).
pub const MAX_SHARED_BYTES: u32 = 32 * 1024;
/// Most invocations in one workgroup (`CS_FIXED_BLOCK_*` multiplied),
/// GL's minimum `MAX_COMPUTE_WORK_GROUP_INVOCATIONS`.
pub const MAX_WORKGROUP_INVOCATIONS: u32 = 1024;
