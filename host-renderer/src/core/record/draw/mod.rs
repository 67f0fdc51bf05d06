//! DRAW_VBO: translate the bound shaders for the bound state, build (or find)
//! the pipeline, bind everything in shader-translate's binding scheme, and
//! draw into the open render pass of the framebuffer.
//!
//! GL conventions handled here: the viewport (negative y scale for window
//! framebuffers, flip through the driver uniforms otherwise), depth range,
//! front face, flat shading with GL's *last* provoking vertex (emulated by
//! rotating each primitive's indices so the last vertex comes first, which
//! keeps the winding), 8-bit indices (widened), restart indices other than
//! all-ones (rewritten), per-vertex-element buffers (no offset/stride limits).
//!
//! One draw goes through these phases, each in its own module, in order:
//!
//! 0. `indirect`: an indirect draw becomes the direct draws its arguments
//!    say (each then goes through the phases below);
//! 1. `validate::draw`: the draw's counts, then the bound state it needs
//!    ([`BoundDraw`](crate::core::validate::draw::BoundDraw), borrowed from
//!    the sub-context);
//! 2. `shaders`: translation options and the compiled shaders;
//! 3. `primitive`: topology, and whether indices are made on the CPU;
//! 4. `vertices` (inputs), `indices`, then `vertices` (buffers);
//! 5. `fixed`: fixed-function state, and whether the raw path draws it;
//! 6. `pipelines`: bind group layouts and pipelines;
//! 7. `viewport` and `bindings`: driver uniforms and bind groups;
//! 8. `encode`: the draw in the render pass, or the raw Vulkan draw.
//!
//! Every phase may refuse the draw with a context error, or find that it
//! draws nothing; checks run in the order the guest's errors are reported.
//!
//! A draw whose sub-context state did not change since a recent draw's
//! skips phases 2, 3, 5, 6 and the viewport, and within one submission
//! and unchanged constants also the bind groups (`memo`).

mod assemble;
mod bindings;
pub(crate) mod capture;
mod encode;
mod fixed;
mod indices;
mod indirect;
pub(crate) mod memo;
mod pipelines;
mod primitive;
mod shaders;
mod vertex_convert;
mod vertices;
mod viewport;

pub(crate) use bindings::{sampler_lod, stage_group, texel_buffer_sizes};
pub(crate) use pipelines::stage_entries;
pub(crate) use shaders::{compiled, sampler_options};

use crate::core::base::error::CommandError;
use crate::core::record::query;
use crate::core::record::recorder::Recorder;
use crate::core::record::unfold::binds_unfolded;
use crate::core::state::sub_context::SubContext;
use crate::core::validate::draw::{bound_draw, count_from_so, draw_counts, BoundDraw};
use guest_protocol::virgl::DrawVbo;
use memo::{DrawMemo, Kept, Shape};

/// Executes DRAW_VBO with the sub-context's state; `memo` holds recent
/// draws' preparations (reused when the state is unchanged).
pub(crate) fn draw(
    rec: &mut Recorder<'_>,
    sub: &SubContext,
    d: &DrawVbo,
    memo: &mut DrawMemo,
) -> Result<(), CommandError> {
    match &d.indirect {
        Some(args) => {
            for (direct, first_index) in indirect::direct_draws(rec, d, args)? {
                draw_direct(rec, sub, &direct, first_index, memo)?;
            }
            Ok(())
        }
        None => draw_direct(rec, sub, d, 0, memo),
    }
}

/// Executes a direct draw, `first_index` indices past the bound index
/// buffer's offset.
fn draw_direct(
    rec: &mut Recorder<'_>,
    sub: &SubContext,
    d: &DrawVbo,
    first_index: u32,
    memo: &mut DrawMemo,
) -> Result<(), CommandError> {
    let auto;
    let d = if d.count_from_so != 0 {
        auto = count_from_so(sub, d)?;
        &auto
    } else {
        d
    };
    if !draw_counts(d)? {
        return Ok(());
    }
    if rec.work.uniforms.is_full() {
        if let Some(e) = rec.work.flush_writes(rec.gpu) {
            return Err(CommandError::Wgpu(e));
        }
    }
    let Some(mut bound) = bound_draw(sub, d)? else {
        // Discarded and not captured: the primitives still count.
        let generated = capture::gl_primitives(d.mode, d.count);
        let generated = generated.saturating_mul(u64::from(d.instance_count));
        query::count_primitives(sub, generated, None);
        return Ok(());
    };
    bound.first_index = first_index;
    let shape = Shape::of(sub, d);
    // Capturing draws take the raw path, which the memo never keeps.
    if let Some(kept) = memo.hit(&shape).filter(|_| bound.stream_output.is_none()) {
        if redraw(rec, &bound, d, kept)? {
            memo.hits += 1;
            return Ok(());
        }
    }
    memo.misses += 1;
    prepare_and_draw(rec, &bound, d, shape, memo)
}

/// Draws `d` with the kept preparation; `false` (nothing recorded) when
/// its indices need another pipeline than the kept one.
fn redraw(
    rec: &mut Recorder<'_>,
    bound: &BoundDraw<'_>,
    d: &DrawVbo,
    kept: &mut Kept,
) -> Result<bool, CommandError> {
    let mut prim = kept.prim.clone();
    let Some(index) = indices::setup(rec, bound, d, &mut prim, false)? else {
        return Ok(true);
    };
    if prim.strip_index != kept.strip_index {
        return Ok(false);
    }
    let vertex = vertices::setup(rec, bound, d, &kept.inputs, &index)?;
    // Bind groups hold uniform slices of this submission; some draws bind
    // anew each time (`bind_each_draw`).
    let valid_for = (rec.work.submissions, bound.sub.generation.constants);
    let bindings = match &mut kept.bindings {
        Some((v, b)) if *v == valid_for && !kept.bind_each_draw => &*b,
        slot => {
            let b = bindings::bind(
                rec,
                bound,
                &kept.shaders,
                &kept.pipelines.layouts,
                kept.viewport.flip_y,
            )?;
            &slot.insert((valid_for, b)).1
        }
    };
    encode::record(
        rec,
        &encode::Prepared {
            bound,
            d,
            shaders: &kept.shaders,
            index: &index,
            vertex: &vertex,
            fixed: &kept.fixed,
            pipelines: &kept.pipelines,
            bindings,
            viewport: &kept.viewport,
            rotate: prim.rotate,
        },
    )?;
    Ok(true)
}

/// Prepares and draws `d` through every phase, keeping the preparation in
/// `memo` when the draw does no work on the CPU or the raw path.
fn prepare_and_draw(
    rec: &mut Recorder<'_>,
    bound: &BoundDraw<'_>,
    d: &DrawVbo,
    shape: Shape,
    memo: &mut DrawMemo,
) -> Result<(), CommandError> {
    let shaders = shaders::compile(rec, bound)?;
    shaders::check_geometry_input(&shaders, d.mode)?;
    let Some(mut prim) = primitive::Primitive::new(bound, d, &shaders) else {
        return Ok(());
    };
    let inputs = vertices::Inputs::new(bound, &shaders.vs);
    prim.cpu |= inputs.cpu;
    let before_index = prim.clone();
    let Some(index) = indices::setup(rec, bound, d, &mut prim, inputs.cpu)? else {
        return Ok(());
    };
    let vertex = vertices::setup(rec, bound, d, &inputs, &index)?;
    let fixed = fixed::Fixed::new(rec.gpu, bound, d, &prim, &shaders)?;
    let pipelines = pipelines::pipelines(rec, bound, &shaders, &prim, &vertex, &fixed)?;
    let viewport = viewport::Viewport::new(bound);
    let bindings = bindings::bind(rec, bound, &shaders, &pipelines.layouts, viewport.flip_y)?;
    let valid_for = (rec.work.submissions, bound.sub.generation.constants);
    encode::record(
        rec,
        &encode::Prepared {
            bound,
            d,
            shaders: &shaders,
            index: &index,
            vertex: &vertex,
            fixed: &fixed,
            pipelines: &pipelines,
            bindings: &bindings,
            viewport: &viewport,
            rotate: prim.rotate,
        },
    )?;
    if !prim.cpu && !fixed.raw_needed {
        let bind_each_draw = bind_each_draw(bound, &shaders);
        memo.keep(Kept {
            shape,
            shaders,
            prim: before_index,
            strip_index: prim.strip_index,
            inputs,
            fixed,
            pipelines,
            viewport,
            bind_each_draw,
            bindings: Some((valid_for, bindings)),
        });
    }
    Ok(())
}

/// Whether a draw of `bound` with `shaders` binds anew each time: storage
/// buffers and images (their shadows' dirty bytes go to the GPU, and what
/// the shader writes is noted) and unfolded multisampled arrays (refreshed
/// after writes, `unfold`). The sub-context state a kept draw matches
/// binds the same views, so this holds for every draw that reuses it.
fn bind_each_draw(bound: &BoundDraw<'_>, shaders: &shaders::Shaders) -> bool {
    let storage = shaders
        .stages()
        .into_iter()
        .flatten()
        .any(|s| !s.interface.storage_buffers.is_empty() || !s.interface.images.is_empty());
    let unfolds = bound
        .stage_states()
        .into_iter()
        .flatten()
        .any(binds_unfolded);
    storage || unfolds
}
