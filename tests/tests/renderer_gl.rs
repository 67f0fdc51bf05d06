//! Renderer features piglit's GL levels need, each on hand-built command
//! streams with the pixels read back: slices of 3D textures as render
//! targets (draws and blits), constant buffers beyond 64 KiB.

mod draw_setup;

use draw_setup::*;
use guest_protocol::virgl::bits::BlitFlags;
use guest_protocol::virgl::enums::{CullFace, ShaderStage, TextureTarget};
use guest_protocol::virgl::{Blit, BlitSurface, Box3, Command, Encoder, Format};
use guest_protocol::wire::Dwords;
use host_renderer::{CtxId, Renderer, ResId, ResourceInfo, TransferBox, VecBacking};

/// A `w`×`h` box at slice `z`.
fn region(z: i32, w: u32, h: u32) -> Box3 {
    Box3 {
        x: 0,
        y: 0,
        z,
        w: w as i32,
        h: h as i32,
        d: 1,
    }
}

/// Slice `z` of level 0 of `id` (4 bytes a texel, `w`×`h`), read back.
fn slice(r: &mut Renderer, id: ResId, z: u32, w: u32, h: u32) -> Vec<u8> {
    let t = TransferBox {
        level: 0,
        region: region(z as i32, w, h),
        stride: w * 4,
        layer_stride: 0,
        offset: 0,
    };
    let out = VecBacking::zeroed((w * h * 4) as usize);
    r.read_into(id, &t, out.as_ref()).unwrap();
    out.snapshot()
}

/// A 16×16×4 BGRA 3D texture as resource 1 and the triangle's vertex
/// buffer as resource 2.
fn setup_3d(r: &mut Renderer, ctx: CtxId) {
    r.create_context(ctx, "3d").unwrap();
    let info = ResourceInfo {
        depth: 4,
        ..info(TextureTarget::TEXTURE_3D, Format::B8G8R8A8_UNORM, W, W)
    };
    r.create_resource(ResId(1), &info, None).unwrap();
    r.attach_resource(ctx, ResId(1)).unwrap();
    let bytes = TRIANGLE.iter().flat_map(|v| v.to_le_bytes()).collect();
    buffer_with(r, ctx, ResId(2), bytes);
}

#[test]
fn slices_of_3d_textures_are_render_targets() {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup_3d(&mut r, ctx);
    let draw = draw_stream(&DrawSetup {
        layer: 2,
        ..DrawSetup::default()
    });
    let stats = r.submit(ctx, &draw).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    // Slice 2 holds the flat-shaded (last vertex: blue) triangle over its
    // clear; the other slices keep their zeros.
    let drawn = slice(&mut r, ResId(1), 2, W, W);
    assert!(drawn.chunks(4).all(|p| p == [255, 0, 0, 255]), "{drawn:?}");
    for z in [0, 1, 3] {
        assert!(
            slice(&mut r, ResId(1), z, W, W).iter().all(|&b| b == 0),
            "slice {z}"
        );
    }
    // A slice past the depth is refused.
    let past = draw_stream(&DrawSetup {
        layer: 4,
        ..DrawSetup::default()
    });
    let stats = r.submit(ctx, &past).unwrap();
    assert!(stats.errors > 0);
}

#[test]
fn scaled_blits_write_one_3d_slice() {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup_3d(&mut r, ctx);
    // An 8×8 source of one colour (BGRA bytes 10, 20, 30, 255).
    let src = info(TextureTarget::TEXTURE_2D, Format::B8G8R8A8_UNORM, 8, 8);
    r.create_resource(ResId(3), &src, None).unwrap();
    r.attach_resource(ctx, ResId(3)).unwrap();
    let texels = [10u8, 20, 30, 255].repeat(64);
    let t = TransferBox {
        level: 0,
        region: region(0, 8, 8),
        stride: 32,
        layer_stride: 0,
        offset: 0,
    };
    r.write_from(ResId(3), &t, VecBacking::from_vec(texels).as_ref())
        .unwrap();
    let mut e = Encoder::new();
    e.push(&Command::Blit(Blit {
        flags: BlitFlags::new().with_mask(0xf).with_filter(1),
        scissor_min: Default::default(),
        scissor_max: Default::default(),
        dst: BlitSurface {
            res: 1,
            level: 0,
            format: Format::B8G8R8A8_UNORM,
            region: region(3, W, W),
        },
        src: BlitSurface {
            res: 3,
            level: 0,
            format: Format::B8G8R8A8_UNORM,
            region: region(0, 8, 8),
        },
    }))
    .unwrap();
    let stats = r.submit(ctx, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let blitted = slice(&mut r, ResId(1), 3, W, W);
    assert!(
        blitted.chunks(4).all(|p| p == [10, 20, 30, 255]),
        "{blitted:?}"
    );
    for z in 0..3 {
        assert!(
            slice(&mut r, ResId(1), z, W, W).iter().all(|&b| b == 0),
            "slice {z}"
        );
    }
}

/// A fragment shader reading the first and the last register of a
/// 4097-register constant buffer (Mesa's `glsl-uniform-interstage-limits`
/// declares as many), one more than a 64 KiB uniform binding holds.
#[test]
fn constant_buffers_beyond_64_kib_are_read() {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    let draw = triangle_stream(true, true, CullFace::NONE);
    let stats = r.submit(ctx, &draw).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let mut constants = vec![0f32; 4097 * 4];
    constants[..4].copy_from_slice(&[0.9, 0.9, 0.6, 1.0]);
    constants[4096 * 4..].copy_from_slice(&[0.2, 0.4, 0.9, 0.9]);
    let bytes: Vec<u8> = constants.iter().flat_map(|v| v.to_le_bytes()).collect();
    let mut e = Encoder::new();
    shader(
        &mut e,
        16,
        ShaderStage::FRAGMENT,
        "FRAG\nDCL OUT[0], COLOR\nDCL CONST[0..4096]\n  0: MOV OUT[0].xy, CONST[4096]\n  1: MOV OUT[0].zw, CONST[0]\n  2: END\n",
    );
    e.push(&Command::SetConstantBuffer {
        stage: ShaderStage::FRAGMENT,
        index: 0,
        data: Dwords::new(&bytes).unwrap(),
    })
    .unwrap();
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    let stats = r.submit(ctx, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    // BGRA: red 0.2, green 0.4 from the last register, blue 0.6, alpha 1
    // from the first.
    assert_eq!(pixel(&mut r, 8, 8), [153, 102, 51, 255]);
}
