//! Layer 5, recording: turning checked commands into GPU work.
//!
//! Inside the layer, lowest first (a module uses only those before it):
//!
//! 1. pending work: [`work`] (encoder, open pass, used resources) and
//!    [`uniforms`] (the per-draw uniform arena);
//! 2. what is kept between commands: [`pipeline`] keys and cache,
//!    [`shaders`], [`bind_groups`], the renderer's own passes
//!    ([`shader_pass`], [`blitter`], [`sample_copy`], [`depth`],
//!    [`depth_clear`]), [`query_pools`], the raw Vulkan path's objects
//!    ([`raw`]), the scratch attachment of framebuffers without
//!    attachments ([`no_attach`]) and the stand-ins of colour buffers of
//!    other sizes ([`mixed_sizes`]), all gathered in [`caches`];
//! 3. [`recorder`]: the parts one command records with;
//! 4. the operations: [`transfer`], [`storage`] (storage buffers and
//!    images, and the shadows shaders make stale), [`pass`] and [`clear`],
//!    [`copy`], [`blit_ms`] and [`blit`], [`query`], [`draw`] and
//!    [`compute`].
//!
//! Uses `base`, `gpu`, `resources`, `state` and `validate`.

pub mod bind_groups;
pub mod blend_stand_in;
pub mod blit;
pub mod blit_ms;
pub mod blitter;
pub mod caches;
pub mod clear;
pub mod compute;
pub mod copy;
pub mod depth;
pub mod depth_blit;
pub mod depth_clear;
pub mod draw;
pub mod mixed_sizes;
pub mod no_attach;
pub mod pass;
pub mod pass_state;
pub mod pipeline;
pub mod query;
pub mod query_pools;
pub mod raw;
pub mod readback;
pub mod recorder;
pub mod sample_copy;
pub mod shader_pass;
pub mod shaders;
pub mod storage;
pub mod transfer;
pub mod unfold;
pub mod uniforms;
pub mod work;
