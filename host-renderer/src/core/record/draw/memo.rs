//! The previous draws, kept for the next ones: a draw whose sub-context
//! state has not changed since one of them (same
//! [`Generation`](crate::core::state::sub_context::Generation), same blend,
//! rasterizer and depth/stencil/alpha states) and that draws the same kind
//! of primitives reuses its shaders, pipelines, fixed-function state and
//! viewport without building or comparing a key, and within the same
//! submission and constants also its bind groups and uniform slices. Only
//! the per-draw work is redone: the index and vertex buffers (looked up
//! again by id, synced, marked) and the recording itself.
//!
//! Draws with work on the CPU (assembled primitives, decoded vertices) or
//! on the raw Vulkan path are not kept.

use super::bindings::Bindings;
use super::fixed::Fixed;
use super::pipelines::Pipelines;
use super::primitive::Primitive;
use super::shaders::Shaders;
use super::vertices::Inputs;
use super::viewport::Viewport;
use crate::core::state::sub_context::SubContext;
use guest_protocol::virgl::enums::PrimMode;
use guest_protocol::virgl::{Blend, DrawVbo, Dsa, Rasterizer};

/// Prepared draws kept (the most recently prepared ones).
const KEPT: usize = 4;

/// What of a draw, besides its sub-context's state version, its
/// preparation reads: the draw's kind, and the blend, rasterizer and
/// depth/stencil/alpha states, which are bound by value and compared here
/// (binding them does not change the version), so that draws switching
/// between a few such states each find their own preparation.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Shape {
    /// The sub-context's state version (first: compared first).
    pub state: u64,
    /// Primitive mode.
    pub mode: PrimMode,
    /// Indexed draw.
    pub indexed: bool,
    /// Primitive restart and its index.
    pub restart: Option<u32>,
    /// Bound blend state.
    pub blend: Option<Blend>,
    /// Bound rasterizer state.
    pub rasterizer: Option<Rasterizer>,
    /// Bound depth/stencil/alpha state.
    pub dsa: Option<Dsa>,
}

impl Shape {
    /// The shape of `d` drawn with `sub`'s state.
    pub(super) fn of(sub: &SubContext, d: &DrawVbo) -> Self {
        Self {
            state: sub.generation.state,
            mode: d.mode,
            indexed: d.indexed,
            restart: d.primitive_restart.then_some(d.restart_index),
            blend: sub.blend,
            rasterizer: sub.rasterizer,
            dsa: sub.dsa,
        }
    }
}

/// A prepared draw, as kept for the next.
pub(super) struct Kept {
    /// Whose preparation this is.
    pub shape: Shape,
    /// Shaders.
    pub shaders: Shaders,
    /// Primitives, before the index setup.
    pub prim: Primitive,
    /// Strip index format after the index setup (part of the pipelines).
    pub strip_index: Option<wgpu::IndexFormat>,
    /// Vertex inputs.
    pub inputs: Inputs,
    /// Fixed-function state.
    pub fixed: Fixed,
    /// Pipelines and bind group layouts.
    pub pipelines: Pipelines,
    /// Viewport.
    pub viewport: Viewport,
    /// Bind groups are made for each draw (storage, unfolded arrays).
    pub bind_each_draw: bool,
    /// Bind groups, valid for `(submission, constants)`.
    pub bindings: Option<((u64, u64), Bindings)>,
}

/// The kept draws of one renderer.
#[derive(Default)]
pub struct DrawMemo {
    /// Newest first.
    kept: Vec<Kept>,
    /// Draws that reused a kept preparation.
    pub hits: u64,
    /// Draws prepared afresh.
    pub misses: u64,
}

impl DrawMemo {
    /// Logs how many draws reused a kept preparation (tracing, info level).
    pub fn log_stats(&self) {
        tracing::info!(
            hits = self.hits,
            misses = self.misses,
            "draws reusing a kept preparation"
        );
    }

    /// The kept draw with `shape`, if any.
    pub(super) fn hit(&mut self, shape: &Shape) -> Option<&mut Kept> {
        self.kept.iter_mut().find(|k| &k.shape == shape)
    }

    /// Keeps `kept` for the next draws, in place of one of the same shape
    /// or else of the oldest.
    pub(super) fn keep(&mut self, kept: Kept) {
        self.kept.retain(|k| k.shape != kept.shape);
        self.kept.truncate(KEPT - 1);
        self.kept.insert(0, kept);
    }
}
