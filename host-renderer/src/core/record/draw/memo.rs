//! The previous draw, kept for the next one: a draw whose sub-context state
//! has not changed since (same [`Generation`]) and that draws the same kind
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
use crate::core::state::sub_context::Generation;
use guest_protocol::virgl::enums::PrimMode;
use guest_protocol::virgl::DrawVbo;

/// What of a draw, besides its sub-context's state, its preparation reads.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) struct Shape {
    /// The sub-context's state version.
    pub state: u64,
    /// Primitive mode.
    pub mode: PrimMode,
    /// Indexed draw.
    pub indexed: bool,
    /// Primitive restart and its index.
    pub restart: Option<u32>,
}

impl Shape {
    /// The shape of `d` drawn with state `generation`.
    pub(super) fn of(generation: Generation, d: &DrawVbo) -> Self {
        Self {
            state: generation.state,
            mode: d.mode,
            indexed: d.indexed,
            restart: d.primitive_restart.then_some(d.restart_index),
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
    /// Bind groups, valid for `(submission, constants)`.
    pub bindings: Option<((u64, u64), Bindings)>,
}

/// The kept draw of one renderer.
#[derive(Default)]
pub struct DrawMemo {
    kept: Option<Kept>,
    /// Draws that reused the kept preparation.
    pub hits: u64,
    /// Draws prepared afresh.
    pub misses: u64,
}

impl DrawMemo {
    /// Logs how many draws reused the previous one's preparation (tracing,
    /// info level).
    pub fn log_stats(&self) {
        tracing::info!(
            hits = self.hits,
            misses = self.misses,
            "draws reusing the previous draw's preparation"
        );
    }
}

impl DrawMemo {
    /// The kept draw if it has `shape`.
    pub(super) fn hit(&mut self, shape: &Shape) -> Option<&mut Kept> {
        self.kept.as_mut().filter(|k| &k.shape == shape)
    }

    /// Keeps `kept` for the next draw (replacing any).
    pub(super) fn keep(&mut self, kept: Kept) {
        self.kept = Some(kept);
    }

    /// Forgets the kept draw.
    pub(super) fn forget(&mut self) {
        self.kept = None;
    }
}
