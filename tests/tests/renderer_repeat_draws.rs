//! Draws repeated with unchanged sub-context state reuse the previous
//! draw's preparation (pipelines, bind groups); what is not sub-context
//! state must still be read afresh: the vertex buffer a slot names by id,
//! its contents, state changed between two draws of one submit, and each
//! of the blend states a guest switches between.

mod draw_setup;

use draw_setup::*;
use guest_protocol::le::Le32;
use guest_protocol::virgl::bits::{BlendFlags, BlendLogicOp, RtBlend};
use guest_protocol::virgl::enums::{clear_bits, CullFace, TextureTarget};
use guest_protocol::virgl::{
    Blend, Box3, Clear, Command, CreateObject, Encoder, Format, ObjectType, VertexBuffer,
};
use guest_protocol::wire::F64Bits;
use host_renderer::{CtxId, Renderer, ResId, TransferBox, VecBacking};

/// A full-target triangle of one colour (RGBA).
fn solid(rgba: [f32; 4]) -> Vec<u8> {
    let corners = [[-1.0, -1.0], [3.0, -1.0], [-1.0, 3.0]];
    corners
        .iter()
        .flat_map(|[x, y]| [*x, *y, 0.0, 1.0].into_iter().chain(rgba))
        .flat_map(f32::to_le_bytes)
        .collect()
}

/// A command buffer of `n` full-target draws and nothing else.
fn draws(n: usize) -> Vec<u8> {
    let mut e = Encoder::new();
    for _ in 0..n {
        e.push(&Command::DrawVbo(full_draw())).unwrap();
    }
    e.finish()
}

const RED: [f32; 4] = [1.0, 0.0, 0.0, 1.0];
const GREEN: [f32; 4] = [0.0, 1.0, 0.0, 1.0];
const BLUE: [f32; 4] = [0.0, 0.0, 1.0, 1.0];

/// A renderer that drew the red triangle once (smooth shading: no CPU
/// work, so the draw is kept for the next).
fn drawn_red(ctx: CtxId) -> Renderer {
    let mut r = Renderer::new(gpu());
    r.create_context(ctx, "test").unwrap();
    r.create_resource(
        ResId(1),
        &info(TextureTarget::TEXTURE_2D, Format::B8G8R8A8_UNORM, W, W),
        None,
    )
    .unwrap();
    r.attach_resource(ctx, ResId(1)).unwrap();
    buffer_with(&mut r, ctx, ResId(2), solid(RED));
    let stats = r
        .submit(ctx, &triangle_stream(false, true, CullFace::NONE))
        .unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    assert_eq!(pixel(&mut r, 8, 8), [0, 0, 255, 255]);
    r
}

#[test]
fn a_vertex_buffer_replaced_under_its_id_is_read() {
    let ctx = CtxId(1);
    let mut r = drawn_red(ctx);
    r.unref_resource(ResId(2)).unwrap();
    buffer_with(&mut r, ctx, ResId(2), solid(GREEN));
    let stats = r.submit(ctx, &draws(2)).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    assert_eq!(pixel(&mut r, 8, 8), [0, 255, 0, 255]);
}

#[test]
fn vertex_data_uploaded_between_draws_is_drawn() {
    let ctx = CtxId(1);
    let mut r = drawn_red(ctx);
    let bytes = solid(BLUE);
    let whole = TransferBox {
        level: 0,
        region: Box3 {
            x: 0,
            y: 0,
            z: 0,
            w: bytes.len() as i32,
            h: 1,
            d: 1,
        },
        stride: 0,
        layer_stride: 0,
        offset: 0,
    };
    r.write_from(ResId(2), &whole, VecBacking::from_vec(bytes).as_ref())
        .unwrap();
    let stats = r.submit(ctx, &draws(1)).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    assert_eq!(pixel(&mut r, 8, 8), [255, 0, 0, 255]);
}

#[test]
fn state_changed_between_two_draws_of_one_submit_applies() {
    let ctx = CtxId(1);
    let mut r = drawn_red(ctx);
    buffer_with(&mut r, ctx, ResId(3), solid(GREEN));
    let mut e = Encoder::new();
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    let vbs = [VertexBuffer {
        stride: Le32::new(32),
        offset: Le32::new(0),
        res: Le32::new(3),
    }];
    e.push(&Command::SetVertexBuffers(&vbs)).unwrap();
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    let stats = r.submit(ctx, &e.finish()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    assert_eq!(pixel(&mut r, 8, 8), [0, 255, 0, 255]);
}

/// A clear to black, then blend `blend` bound, then the triangle drawn.
fn clear_bind_draw(blend: u32) -> Vec<u8> {
    let mut e = Encoder::new();
    e.push(&Command::Clear(Clear {
        buffers: clear_bits::color(0),
        color: [0.0f32, 0.0, 0.0, 1.0].map(f32::to_bits),
        depth: F64Bits(1.0f64.to_bits()),
        stencil: 0,
    }))
    .unwrap();
    e.push(&Command::BindObject {
        object_type: ObjectType::BLEND,
        handle: blend,
    })
    .unwrap();
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    e.finish()
}

#[test]
fn switching_between_blend_states_applies_each() {
    let ctx = CtxId(1);
    let mut r = drawn_red(ctx);
    // Blend 21 writes no channel; blend 11 (draw_stream's) writes all.
    let mut e = Encoder::new();
    e.push(&Command::CreateObject(CreateObject::Blend(Blend {
        handle: 21,
        flags: BlendFlags::new(),
        logicop: BlendLogicOp::new(),
        rt: [RtBlend::new().with_colormask(0); 8],
    })))
    .unwrap();
    r.submit(ctx, &e.finish()).unwrap();
    for (blend, expected) in [
        (21, [0, 0, 0, 255]),
        (11, [0, 0, 255, 255]),
        (21, [0, 0, 0, 255]),
        (11, [0, 0, 255, 255]),
    ] {
        let stats = r.submit(ctx, &clear_bind_draw(blend)).unwrap();
        assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
        assert_eq!(pixel(&mut r, 8, 8), expected, "blend {blend}");
    }
}

/// A command buffer that clears colour buffer 0 to `rgba`.
fn clear_to(rgba: [f32; 4]) -> Vec<u8> {
    let mut e = Encoder::new();
    e.push(&Command::Clear(Clear {
        buffers: clear_bits::color(0),
        color: rgba.map(f32::to_bits),
        depth: F64Bits(1.0f64.to_bits()),
        stencil: 0,
    }))
    .unwrap();
    e.finish()
}

/// A context's render pass goes on over its submits (nothing is read back
/// between them), and another context's submit in between ends it first:
/// every submit's work lands, in submit order.
#[test]
fn work_over_several_submits_and_contexts_lands_in_order() {
    let ctx = CtxId(1);
    let mut r = drawn_red(ctx);
    let other = CtxId(2);
    r.create_context(other, "other").unwrap();
    r.attach_resource(other, ResId(1)).unwrap();
    let mut e = Encoder::new();
    e.push(&Command::CreateSubCtx(1)).unwrap();
    e.push(&Command::SetSubCtx(1)).unwrap();
    let green = [0.0f32, 1.0, 0.0, 1.0].map(f32::to_bits);
    clear_target(&mut e, 1, Format::B8G8R8A8_UNORM, 0, green);
    let other_clears_green = e.finish();

    // Three submits of one context, read back only at the end.
    for stream in [clear_to([0.0, 0.0, 0.0, 1.0]), draws(1), clear_to(BLUE)] {
        let stats = r.submit(ctx, &stream).unwrap();
        assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    }
    assert_eq!(pixel(&mut r, 8, 8), [255, 0, 0, 255]);

    // The other context clears between two of them, then after both.
    for (who, stream, expected) in [
        (ctx, clear_to([0.0, 0.0, 0.0, 1.0]), None),
        (other, other_clears_green.clone(), None),
        (ctx, draws(1), Some([0, 0, 255, 255])),
        (ctx, draws(1), None),
        (other, other_clears_green.clone(), Some([0, 255, 0, 255])),
    ] {
        let stats = r.submit(who, &stream).unwrap();
        assert_eq!(stats.errors, 0, "{:?}", r.context_errors(who));
        if let Some(expected) = expected {
            assert_eq!(pixel(&mut r, 8, 8), expected);
        }
    }
}
