//! The raw Vulkan path: GL rules WebGPU has no switch for (logic ops, wide
//! lines, transform feedback), done with the real Vulkan feature underneath
//! wgpu through its hal interop.
//!
//! This module and `gpu::raw` are the only places that touch Vulkan directly. The seam:
//! - [`crate::core::gpu::raw::open`] creates the wgpu device with the extra
//!   Vulkan features (`logicOp`, Bresenham `wideLines`, `transformFeedback`,
//!   dynamic rendering, push descriptors) where the adapter has them;
//!   [`crate::core::gpu::raw::RawDevice`] says what was enabled (caps and
//!   draws ask it).
//! - [`record::record`] records one draw that needs a logic op, a wide line
//!   or stream output (into a [`capture`] buffer, with the shader's
//!   [`xfb_spirv`] decorations) into a
//!   command encoder of its own (wgpu does not let raw and wgpu commands share
//!   one), submitted in order between wgpu's command buffers.
//!
//! Resource states: right before a raw draw, the draw code binds the same bind
//! groups, vertex and index buffers in a wgpu render pass on the same
//! attachments (with no draw) and ends that encoder. wgpu then has every
//! attachment in `COLOR_ATTACHMENT_OPTIMAL` / `DEPTH_STENCIL_ATTACHMENT_OPTIMAL`,
//! every sampled texture in `SHADER_READ_ONLY_OPTIMAL`, every buffer made
//! visible, and keeps them all alive until that submission completes. The raw
//! commands leave every layout exactly as they found it, so wgpu's tracking
//! stays true; global memory barriers before and after order the raw draw
//! against wgpu's work on either side.

pub mod cache;
pub mod capture;
pub mod draw;
pub mod pipeline;
pub mod record;
mod sampler;
pub mod xfb_spirv;
