//! Errors of a command stream: one per command ([`CommandError`], recorded
//! against the context), with the draw's, shader's, quota's and raw Vulkan
//! path's own enums as causes, and the submit's ([`SubmitError`]).

use super::cause::{Remote, Shared, WgpuError};
use super::resource::TransferError;
use guest_protocol::virgl::enums::ShaderStage;
use guest_protocol::virgl::shader::ShaderChunkError;
use guest_protocol::virgl::DecodeError;
use std::fmt;

/// A command of a submitted buffer failed (recorded against the context;
/// decoding continues with the next command).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CommandError {
    /// A handle names no object of the needed type.
    #[error("no {what} object with handle {handle}")]
    NoObject {
        /// Object type.
        what: &'static str,
        /// Handle.
        handle: u32,
    },
    /// Object handle 0 on create.
    #[error("object handle 0 is reserved")]
    ZeroHandle,
    /// A resource is unknown or not attached to the context.
    #[error("no resource {0} in this context")]
    NoResource(u32),
    /// A resource is of the wrong kind for this use.
    #[error("resource {res} cannot be used as {what}")]
    WrongResource {
        /// Resource.
        res: u32,
        /// Use.
        what: &'static str,
    },
    /// A value is out of range.
    #[error("{what}: {value} out of range")]
    OutOfRange {
        /// Field.
        what: &'static str,
        /// Value.
        value: u64,
    },
    /// A transfer inside the stream failed.
    #[error(transparent)]
    Transfer(#[from] TransferError),
    /// A shader failed to assemble or translate.
    #[error("{stage:?} shader {handle}")]
    Shader {
        /// Its handle.
        handle: u32,
        /// Its stage.
        stage: ShaderStage,
        /// Why.
        #[source]
        source: ShaderError,
    },
    /// Something is not implemented yet.
    #[error("{0} is not supported")]
    Unsupported(&'static str),
    /// A quota of the context or renderer (see `core::quota`) refused it.
    #[error("quota: {0}")]
    Quota(QuotaError),
    /// The draw cannot be performed with the bound state.
    #[error("draw skipped: {0}")]
    Draw(DrawError),
    /// The grid cannot be launched with the bound state.
    #[error("grid not launched: {0}")]
    Compute(ComputeError),
    /// wgpu reported an error for this command.
    #[error(transparent)]
    Wgpu(#[from] WgpuError),
    /// The raw Vulkan path (logic ops, wide or stippled lines) failed.
    #[error(transparent)]
    Vulkan(#[from] RawError),
    /// Reported by a renderer in another process, as text.
    #[error(transparent)]
    Remote(#[from] Remote),
}

/// Why a shader object could not be used.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShaderError {
    /// Its text chunks did not assemble.
    #[error("assembling its text")]
    Assemble(#[source] ShaderChunkError),
    /// Its TGSI did not translate (the error keeps its place in the text).
    #[error("translating its TGSI{}", Place(.0.get()))]
    Translate(#[source] Shared<shader_translate::Error>),
}

/// ` at bytes a..b` for a translation error with a place in the text.
struct Place<'a>(&'a shader_translate::Error);

impl fmt::Display for Place<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.0.span().to_range() {
            Some(r) => write!(f, " (bytes {}..{})", r.start, r.end),
            None => Ok(()),
        }
    }
}

/// A quota that refused a command.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum QuotaError {
    /// The context holds as many objects as it may.
    #[error("{max} objects per context")]
    ObjectsPerContext {
        /// The quota.
        max: usize,
    },
    /// The command buffer is larger than a context may submit.
    #[error("command buffer of {bytes} bytes exceeds the quota of {max}")]
    CommandBuffer {
        /// Its size.
        bytes: usize,
        /// The quota.
        max: usize,
    },
}

/// Why a draw was skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum DrawError {
    /// No rasterizer state is bound.
    #[error("no rasterizer bound")]
    NoRasterizer,
    /// No vertex shader is bound.
    #[error("no vertex shader bound")]
    NoVertexShader,
    /// No fragment shader is bound.
    #[error("no fragment shader bound")]
    NoFragmentShader,
    /// The framebuffer has no attachment.
    #[error("no framebuffer attachment")]
    NoAttachment,
    /// The attachments differ in sample count.
    #[error("framebuffer attachments differ in sample count")]
    SampleCounts,
    /// An indexed draw with no index buffer bound.
    #[error("indexed draw without index buffer")]
    NoIndexBuffer,
    /// A vertex element reads a buffer slot with nothing bound.
    #[error("vertex buffer {0} unbound")]
    VertexBufferUnbound(usize),
    /// A vertex shader input no vertex element feeds.
    #[error("vertex input {0} has no element")]
    InputWithoutElement(u32),
    /// A sampler view of another dimension (or sample count: one or
    /// several) than the shader samples.
    #[error("sampler view {0} has the wrong dimension or sample count")]
    ViewDimension(usize),
    /// A sampler view of a level and layer the draw also renders to (a GL
    /// feedback loop: GL leaves its results undefined, a render pass may
    /// not both sample and render a texture's level).
    #[error("sampler view {0} views a level the draw renders to")]
    FeedbackLoop(usize),
    /// A sampler whose compare mode is not the shader's.
    #[error("sampler {0} compare mode mismatch")]
    CompareMode(usize),
    /// The uniform arena could not place the draw's uniforms.
    #[error("uniform arena")]
    UniformArena,
    /// A uniform offset past what a dynamic offset holds.
    #[error("uniform offset")]
    UniformOffset,
    /// No render pass is open on the framebuffer.
    #[error("render pass")]
    RenderPass,
    /// A raw draw with no pipeline variant.
    #[error("no pipeline")]
    NoPipeline,
    /// The draw's primitives are not the bound geometry shader's input kind.
    #[error("draw mode {0} is not the geometry shader's input primitive")]
    GeometryInput(u8),
    /// A draw of patches without a tessellation evaluation shader, or
    /// one of other primitives with one bound.
    #[error("patches need a tessellation evaluation shader and it needs patches (mode {0})")]
    TessellationMode(u8),
    /// The vertices of each patch (DRAW_VBO's `vertices_per_patch`) are
    /// outside 1 to 32.
    #[error("{0} vertices per patch (1 to 32)")]
    PatchVertices(u32),
}

/// Why a LAUNCH_GRID was skipped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ComputeError {
    /// No compute shader is bound.
    #[error("no compute shader bound")]
    NoShader,
    /// The grid's block size is not the shader's fixed workgroup size.
    #[error("block size {block:?} is not the shader's workgroup size {shader:?}")]
    BlockSize {
        /// The LAUNCH_GRID block.
        block: [u32; 3],
        /// `CS_FIXED_BLOCK_*`.
        shader: [u32; 3],
    },
    /// More workgroups in a dimension than the device dispatches.
    #[error("grid {0:?} exceeds the device's workgroups per dimension")]
    GridSize([u32; 3]),
    /// An indirect grid's arguments lie past its buffer.
    #[error("indirect grid arguments past the buffer")]
    IndirectRange,
    /// A storage buffer's offset is not a multiple of the advertised
    /// alignment.
    #[error("storage buffer offset {offset} is not a multiple of {align}")]
    BufferAlignment {
        /// The offset.
        offset: u32,
        /// The alignment.
        align: u32,
    },
    /// An image binding names a level or layers the texture lacks, or a
    /// format other than the texture's.
    #[error("image slot {0} does not fit its texture")]
    ImageView(usize),
}

/// Why the raw Vulkan path refused or failed a draw.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RawError {
    /// A device feature the draw needs is not enabled.
    #[error("{0} is not enabled")]
    NotEnabled(&'static str),
    /// The line is wider than the device draws.
    #[error("line wider than the device draws")]
    LineTooWide,
    /// A vertex or instance fetched lies past its buffer.
    #[error("vertex or instance range past its buffer")]
    VertexRange,
    /// An index read lies past the index buffer.
    #[error("index range past the index buffer")]
    IndexRange,
    /// A value the raw pipeline or draw cannot hold.
    #[error("{0} out of range")]
    OutOfRange(&'static str),
    /// A wgpu object had no Vulkan handle.
    #[error("no Vulkan handle for a {0}")]
    NoHandle(&'static str),
    /// The command encoder was not recording.
    #[error("command encoder not recording")]
    NotRecording,
    /// Something the draw needs is missing (an entry point, a pipeline).
    #[error("no {0}")]
    Missing(&'static str),
    /// naga rejected the module it was to write as SPIR-V (the error keeps
    /// its spans).
    #[error("validating the shader for SPIR-V")]
    Validation(#[source] Shared<naga::WithSpan<naga::valid::ValidationError>>),
    /// naga could not write SPIR-V.
    #[error("writing SPIR-V")]
    Spirv(#[source] Shared<naga::back::spv::Error>),
    /// A geometry shader's SPIR-V could not be made a geometry stage.
    #[error("making the geometry stage")]
    Geometry(#[source] Shared<shader_translate::Error>),
    /// A Vulkan call failed.
    #[error("Vulkan {what}")]
    Vulkan {
        /// The call.
        what: &'static str,
        /// Its result.
        #[source]
        result: ash::vk::Result,
    },
}

/// SUBMIT_CMD failed.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SubmitError {
    /// No such context.
    #[error("no context {0}")]
    NoContext(crate::core::base::ids::CtxId),
    /// The buffer is larger than the context's quota; nothing was executed.
    #[error("command buffer of {bytes} bytes exceeds the quota of {max}")]
    TooLarge {
        /// Its size.
        bytes: usize,
        /// The quota.
        max: usize,
    },
    /// The buffer did not decode; commands before the error were executed.
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// Reported by a renderer in another process, as text.
    #[error(transparent)]
    Remote(#[from] Remote),
}
