//! Renderer features piglit's GL levels need, each on hand-built command
//! streams with the pixels read back: slices of 3D textures as render
//! targets (draws and blits), constant buffers beyond 64 KiB, uniform
//! buffers (ranges of buffer resources as constant buffers 1 and up),
//! polygon offset on fixed-point depth, independent blend and write masks
//! per colour buffer, signed normalized render targets.

mod draw_setup;

use draw_setup::*;
use guest_protocol::virgl::bits::{
    BlendFlags, BlendLogicOp, BlitFlags, DepthAlpha, RasterizerFlags, RasterizerStipple, RtBlend,
    StencilFace,
};
use guest_protocol::virgl::caps::{bset, cap};
use guest_protocol::virgl::enums::{
    clear_bits, BlendFactor, BlendFunc, CompareFunc, CullFace, ShaderStage, TextureTarget,
};
use guest_protocol::virgl::{
    Blend, Blit, BlitSurface, Box3, Clear, Command, CreateObject, Dsa, Encoder, Format, ObjectType,
    Rasterizer, Surface, Viewport,
};
use guest_protocol::wire::{Dwords, F32Bits, F64Bits};
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

/// A full-target triangle whose NDC depth is `x / 4 − 1/4`: its window
/// depth grows by 1/64 a pixel along x (16 pixels) and not along y.
const SLOPED: [f32; 24] = [
    -1.0, -1.0, -0.5, 1.0, 1.0, 0.0, 0.0, 1.0, //
    3.0, -1.0, 0.5, 1.0, 0.0, 1.0, 0.0, 1.0, //
    -1.0, 3.0, -0.5, 1.0, 0.0, 0.0, 1.0, 1.0,
];

/// The `Z24X8` depth at pixel (8, 8) after drawing [`SLOPED`] into a
/// cleared depth buffer with polygon offset `(factor, units, clamp)` on
/// filled polygons (all zero: offset off).
fn offset_depth(factor: f32, units: f32, clamp: f32) -> u32 {
    sloped_depth(factor, units, clamp, [0.5, 0.5])
}

/// [`offset_depth`] with the viewport's depth `[scale, translate]`
/// (`glDepthRange(n, f)`: `[(f − n) / 2, (n + f) / 2]`).
fn sloped_depth(factor: f32, units: f32, clamp: f32, viewport_z: [f32; 2]) -> u32 {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &SLOPED);
    let depth = info(TextureTarget::TEXTURE_2D, Format::Z24X8_UNORM, W, W);
    r.create_resource(ResId(3), &depth, None).unwrap();
    r.attach_resource(ctx, ResId(3)).unwrap();
    let mut stream = draw_stream(&DrawSetup::default());
    let mut e = Encoder::new();
    e.push(&Command::CreateObject(CreateObject::Surface(Surface {
        handle: 20,
        res: 3,
        format: Format::Z24X8_UNORM,
        range0: 0,
        range1: 0,
    })))
    .unwrap();
    e.push(&Command::SetFramebufferState {
        zsurf: 20,
        cbufs: &[guest_protocol::le::Le32::new(10)],
    })
    .unwrap();
    e.push(&Command::Clear(Clear {
        buffers: clear_bits::DEPTH,
        color: [0; 4],
        depth: F64Bits(1.0f64.to_bits()),
        stencil: 0,
    }))
    .unwrap();
    e.push(&Command::CreateObject(CreateObject::Dsa(Dsa {
        handle: 21,
        depth_alpha: DepthAlpha::new()
            .with_depth_enabled(true)
            .with_depth_writemask(true)
            .with_depth_func(CompareFunc::LESS),
        front: StencilFace::new(),
        back: StencilFace::new(),
        alpha_ref: F32Bits::new(0.0),
    })))
    .unwrap();
    e.push(&Command::BindObject {
        object_type: ObjectType::DSA,
        handle: 21,
    })
    .unwrap();
    let on = factor != 0.0 || units != 0.0;
    e.push(&Command::CreateObject(CreateObject::Rasterizer(
        Rasterizer {
            handle: 22,
            flags: RasterizerFlags::new()
                .with_depth_clip(true)
                .with_front_ccw(true)
                .with_half_pixel_center(true)
                .with_bottom_edge_rule(true)
                .with_offset_tri(on),
            point_size: F32Bits::new(1.0),
            sprite_coord_enable: 0,
            stipple: RasterizerStipple::new(),
            line_width: F32Bits::new(1.0),
            offset_units: F32Bits::new(units),
            offset_scale: F32Bits::new(factor),
            offset_clamp: F32Bits::new(clamp),
        },
    )))
    .unwrap();
    e.push(&Command::BindObject {
        object_type: ObjectType::RASTERIZER,
        handle: 22,
    })
    .unwrap();
    let h = W as f32 / 2.0;
    let [scale_z, translate_z] = viewport_z.map(f);
    e.push(&Command::SetViewportState {
        start_slot: 0,
        viewports: &[Viewport {
            scale: [f(h), f(-h), scale_z],
            translate: [f(h), f(h), translate_z],
        }],
    })
    .unwrap();
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    stream.extend_from_slice(e.as_bytes());
    let stats = r.submit(ctx, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let img = r.read_resource(ResId(3), 0, 0).unwrap();
    let at = (8 * img.stride + 8 * 4) as usize;
    u32::from_le_bytes(img.data[at..at + 4].try_into().unwrap()) & 0xff_ffff
}

/// GL's polygon offset on a 24-bit depth buffer (stored as a float one):
/// one unit moves depth by two steps of the 24-bit format (llvmpipe's unit,
/// the reference host's), fractions of a unit and slopes included, and the
/// clamp limits it. Vulkan's bias on the float buffer moved it by next to
/// nothing near 0 and rounded units to integers.
#[test]
fn polygon_offset_moves_fixed_point_depth_by_units_and_slope() {
    let bits = Renderer::new(gpu()).caps_v2().v1.bset.get();
    assert_ne!(bits & bset::POLYGON_OFFSET_CLAMP, 0);
    let base = offset_depth(0.0, 0.0, 0.0);
    // Pixel centre 8.5: NDC x 1/16, NDC z −15/64, window depth 49/128.
    let expected = (49.0 / 128.0 * f64::from(0xff_ffffu32)).round() as u32;
    assert!(base.abs_diff(expected) <= 1, "{base} vs {expected}");
    assert_eq!(offset_depth(0.0, -1.0, 0.0), base - 2);
    assert_eq!(offset_depth(0.0, 1.0, 0.0), base + 2);
    assert_eq!(offset_depth(0.0, 0.5, 0.0), base + 1);
    // The slope: 1/64 of the depth range a pixel.
    let step = f64::from(0xff_ffffu32) / 64.0;
    let sloped = offset_depth(1.0, 0.0, 0.0);
    assert!(
        (f64::from(sloped - base) - step).abs() <= 2.0,
        "{sloped} − {base}"
    );
    let both = offset_depth(-2.0, -1.0, 0.0);
    assert!(
        (f64::from(base - both) - 2.0 * step - 2.0).abs() <= 2.0,
        "{both}"
    );
    // A positive clamp limits the offset from above.
    let clamped = offset_depth(1.0, 0.0, 1.0 / 256.0);
    let quarter = f64::from(0xff_ffffu32) / 256.0;
    assert!(
        (f64::from(clamped - base) - quarter).abs() <= 2.0,
        "{clamped}"
    );
}

/// A depth range from far to near (`glDepthRange(1, 0)`, which WebGPU
/// viewports cannot hold) reverses depth: NDC z −15/64 lands at 79/128,
/// not 49/128. The same range halved (`glDepthRange(0.75, 0.25)`) lands
/// in the middle of it.
#[test]
fn reversed_depth_ranges_run_from_far_to_near() {
    // ARB_clip_control's depth mode comes with them (clip_halfz, shader_exec).
    let caps = Renderer::new(gpu()).caps_v2();
    assert_ne!(caps.capability_bits.get() & cap::CLIP_HALFZ, 0);
    let unit = f64::from(0xff_ffffu32);
    for (viewport_z, want) in [
        ([0.5, 0.5], 49.0 / 128.0),
        ([-0.5, 0.5], 79.0 / 128.0),
        ([-0.25, 0.5], 0.5 + 15.0 / 256.0),
    ] {
        let got = sloped_depth(0.0, 0.0, 0.0, viewport_z);
        let expected = (want * unit).round() as u32;
        assert!(
            got.abs_diff(expected) <= 2,
            "{viewport_z:?}: {got} vs {expected}"
        );
    }
}

/// Draws the full-target triangle with a fragment shader writing
/// `CONST[1][1]` (uniform buffer 1, second register) after `bind` is
/// submitted; the pixel at (8, 8).
fn uniform_buffer_pixel(bind: impl FnOnce(&mut Encoder)) -> ([u8; 4], u64) {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    // Buffer 3: 16 bytes of padding, then registers 0 and 1.
    let floats = [
        9.0f32, 9.0, 9.0, 9.0, 0.5, 0.5, 0.5, 0.5, 0.2, 0.4, 0.6, 0.8,
    ];
    let bytes = floats.iter().flat_map(|v| v.to_le_bytes()).collect();
    buffer_with(&mut r, ctx, ResId(3), bytes);
    let mut stream = triangle_stream(true, true, CullFace::NONE);
    let mut e = Encoder::new();
    shader(
        &mut e,
        16,
        ShaderStage::FRAGMENT,
        "FRAG\nDCL OUT[0], COLOR\nDCL CONST[1][0..1]\n  0: MOV OUT[0], CONST[1][1]\n  1: END\n",
    );
    bind(&mut e);
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    stream.extend_from_slice(e.as_bytes());
    let stats = r.submit(ctx, &stream).unwrap();
    (pixel(&mut r, 8, 8), stats.errors)
}

fn bind_uniform_buffer(e: &mut Encoder, offset: u32, length: u32, res: u32) {
    e.push(&Command::SetUniformBuffer {
        stage: ShaderStage::FRAGMENT,
        index: 1,
        offset,
        length,
        res,
    })
    .unwrap();
}

#[test]
fn uniform_buffers_read_their_range_of_a_buffer() {
    // Bound from byte 16: register 1 is (0.2, 0.4, 0.6, 0.8) (BGRA back).
    let (px, errors) = uniform_buffer_pixel(|e| bind_uniform_buffer(e, 16, 32, 3));
    assert_eq!((px, errors), ([153, 102, 51, 204], 0));
    // A range ending before register 1 reads zeros there.
    let (px, errors) = uniform_buffer_pixel(|e| bind_uniform_buffer(e, 16, 16, 3));
    assert_eq!((px, errors), ([0, 0, 0, 0], 0));
    // A range starting past the buffer's end, or as long as u32 allows,
    // reads zeros past the end (the guest's range is clamped, not trusted).
    let (px, errors) = uniform_buffer_pixel(|e| bind_uniform_buffer(e, u32::MAX, u32::MAX, 3));
    assert_eq!((px, errors), ([0, 0, 0, 0], 0));
    let (px, errors) = uniform_buffer_pixel(|e| bind_uniform_buffer(e, 16, u32::MAX, 3));
    assert_eq!((px, errors), ([153, 102, 51, 204], 0));
    // Unbound: zeros.
    let (px, errors) = uniform_buffer_pixel(|e| bind_uniform_buffer(e, 0, 0, 0));
    assert_eq!((px, errors), ([0, 0, 0, 0], 0));
    // A texture, or a resource the context does not have, is refused.
    let (_, errors) = uniform_buffer_pixel(|e| bind_uniform_buffer(e, 0, 16, 1));
    assert!(errors > 0);
    let (_, errors) = uniform_buffer_pixel(|e| bind_uniform_buffer(e, 0, 16, 99));
    assert!(errors > 0);
}

#[test]
fn caps_advertise_the_uniform_blocks_bound() {
    let r = Renderer::new(gpu());
    let blocks = r.caps_v2().v1.max_uniform_blocks.get();
    // Mesa exposes ARB_uniform_buffer_object from 13 (buffer 0 included);
    // lavapipe's 15 uniform bindings a stage leave room for 14.
    assert!((13..=16).contains(&blocks), "{blocks}");
}

/// Two colour buffers cleared to grey, then the flat blue triangle drawn
/// to both (colour 0 broadcast) under a blend state whose buffer 0 writes
/// red only and whose buffer 1 adds: both buffers' pixel at (8, 8), BGRA.
fn independent_blend_pixels(independent: bool) -> [[u8; 4]; 2] {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    let second = info(TextureTarget::TEXTURE_2D, Format::B8G8R8A8_UNORM, W, W);
    r.create_resource(ResId(4), &second, None).unwrap();
    r.attach_resource(ctx, ResId(4)).unwrap();
    let mut stream = triangle_stream(true, true, CullFace::NONE);
    let mut e = Encoder::new();
    e.push(&Command::CreateObject(CreateObject::Surface(Surface {
        handle: 30,
        res: 4,
        format: Format::B8G8R8A8_UNORM,
        range0: 0,
        range1: 0,
    })))
    .unwrap();
    let cbufs = [10, 30].map(guest_protocol::le::Le32::new);
    e.push(&Command::SetFramebufferState {
        zsurf: 0,
        cbufs: &cbufs,
    })
    .unwrap();
    e.push(&Command::Clear(Clear {
        buffers: clear_bits::color(0) | clear_bits::color(1),
        color: [0.5f32; 4].map(f32::to_bits),
        depth: F64Bits(1.0f64.to_bits()),
        stencil: 0,
    }))
    .unwrap();
    let mut rt = [RtBlend::new().with_colormask(0xf); 8];
    rt[0] = RtBlend::new().with_colormask(0x1);
    rt[1] = RtBlend::new()
        .with_blend_enable(true)
        .with_rgb_func(BlendFunc::ADD)
        .with_rgb_src_factor(BlendFactor::ONE)
        .with_rgb_dst_factor(BlendFactor::ONE)
        .with_alpha_func(BlendFunc::ADD)
        .with_alpha_src_factor(BlendFactor::ONE)
        .with_alpha_dst_factor(BlendFactor::ONE)
        .with_colormask(0xf);
    e.push(&Command::CreateObject(CreateObject::Blend(Blend {
        handle: 31,
        flags: BlendFlags::new().with_independent_blend_enable(independent),
        logicop: BlendLogicOp::new(),
        rt,
    })))
    .unwrap();
    e.push(&Command::BindObject {
        object_type: ObjectType::BLEND,
        handle: 31,
    })
    .unwrap();
    shader(
        &mut e,
        32,
        ShaderStage::FRAGMENT,
        "FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\nDCL IN[0], COLOR, COLOR\nDCL OUT[0], COLOR\n  0: MOV OUT[0], IN[0]\n  1: END\n",
    );
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    stream.extend_from_slice(e.as_bytes());
    let stats = r.submit(ctx, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let second = r.read_resource(ResId(4), 0, 0).unwrap();
    let at = (8 * second.stride + 8 * 4) as usize;
    let px = [0, 1, 2, 3].map(|i| second.data[at + i]);
    [pixel(&mut r, 8, 8), px]
}

/// EXT_draw_buffers2 / ARB_draw_buffers_blend: each colour buffer its own
/// blend and write mask when the guest's blend state is independent, and
/// both advertised.
#[test]
fn colour_buffers_blend_and_mask_independently() {
    // Buffer 0: red (0) written, the rest kept grey. Buffer 1: blue plus grey.
    assert_eq!(
        independent_blend_pixels(true),
        [[128, 128, 0, 128], [255, 128, 128, 255]]
    );
    // Not independent: buffer 0's state for both.
    assert_eq!(
        independent_blend_pixels(false),
        [[128, 128, 0, 128], [128, 128, 0, 128]]
    );
    let caps = Renderer::new(gpu()).caps_v2();
    let both = bset::INDEP_BLEND_ENABLE | bset::INDEP_BLEND_FUNC;
    assert_eq!(caps.v1.bset.get() & both, both);
}

/// An integer colour target (resource 5) of `format`: cleared to the
/// integers `words`, read back (first texel's `bytes` bytes), then drawn to
/// under an additive blend (ignored: GL does not blend integer buffers) by
/// a fragment shader writing the integer immediate `imm`, read back again.
fn integer_target(format: Format, words: [u32; 4], imm: &str, bytes: usize) -> [Vec<u8>; 2] {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    r.create_resource(
        ResId(5),
        &info(TextureTarget::TEXTURE_2D, format, W, W),
        None,
    )
    .unwrap();
    r.attach_resource(ctx, ResId(5)).unwrap();
    let add = RtBlend::new()
        .with_blend_enable(true)
        .with_rgb_func(BlendFunc::ADD)
        .with_rgb_src_factor(BlendFactor::ONE)
        .with_rgb_dst_factor(BlendFactor::ONE)
        .with_alpha_func(BlendFunc::ADD)
        .with_alpha_src_factor(BlendFactor::ONE)
        .with_alpha_dst_factor(BlendFactor::ONE);
    let setup_stream = draw_stream(&DrawSetup {
        target: 5,
        format,
        blend: add,
        clear: [0.0; 4],
        ..DrawSetup::default()
    });
    let stats = r.submit(ctx, &setup_stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let read = |r: &mut Renderer| r.read_resource(ResId(5), 0, 0).unwrap().data[..bytes].to_vec();
    let mut e = Encoder::new();
    e.push(&Command::Clear(Clear {
        buffers: clear_bits::color(0),
        color: words,
        depth: F64Bits(1.0f64.to_bits()),
        stencil: 0,
    }))
    .unwrap();
    let stats = r.submit(ctx, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let cleared = read(&mut r);
    let mut e = Encoder::new();
    let fs = format!("FRAG\nDCL OUT[0], COLOR\n{imm}\n  0: MOV OUT[0], IMM[0]\n  1: END\n");
    shader(&mut e, 40, ShaderStage::FRAGMENT, &fs);
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    let stats = r.submit(ctx, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    [cleared, read(&mut r)]
}

/// EXT_texture_integer render targets: clears take integer words, the
/// fragment shader's register bits are written as integers, blending is
/// off; both kinds advertised as render targets and sampler views.
#[test]
fn integer_targets_clear_and_draw_integers() {
    let [cleared, drawn] = integer_target(
        Format::R8G8B8A8_UINT,
        [9, 8, 7, 6],
        "IMM[0] UINT32 {7, 200, 3, 255}",
        4,
    );
    assert_eq!((cleared, drawn), (vec![9, 8, 7, 6], vec![7, 200, 3, 255]));
    let [cleared, drawn] = integer_target(
        Format::R32_SINT,
        [(-3i32) as u32, 0, 0, 0],
        "IMM[0] INT32 {-5, 0, 0, 0}",
        4,
    );
    assert_eq!(cleared, (-3i32).to_le_bytes());
    assert_eq!(drawn, (-5i32).to_le_bytes());
    let caps = Renderer::new(gpu()).caps_v2();
    for f in [
        Format::R8G8B8A8_UINT,
        Format::R32G32B32A32_SINT,
        Format::R16_UINT,
    ] {
        assert!(caps.v1.render.contains(f.0), "{f:?} renderable");
        assert!(caps.v1.sampler.contains(f.0), "{f:?} sampleable");
    }
}

/// The first texel of an sRGB render target (BGRA) after clearing it to
/// linear 0.5 grey and drawing the blue triangle over its left half through
/// a surface of `view` (its sRGB format or the linear twin: Mesa picks the
/// one GL_FRAMEBUFFER_SRGB asks for), read at the cleared and drawn pixels.
fn srgb_target(view: Format) -> [[u8; 4]; 2] {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    let mut tri = TRIANGLE;
    // Left of the diagonal from the bottom-left to the top-right corner.
    tri[8] = 1.0;
    tri[17] = 1.0;
    setup(&mut r, ctx, &tri);
    let target = info(TextureTarget::TEXTURE_2D, Format::B8G8R8A8_SRGB, W, W);
    r.create_resource(ResId(6), &target, None).unwrap();
    r.attach_resource(ctx, ResId(6)).unwrap();
    let stream = draw_stream(&DrawSetup {
        target: 6,
        format: view,
        clear: [0.5, 0.5, 0.5, 1.0],
        ..DrawSetup::default()
    });
    let stats = r.submit(ctx, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let img = r.read_resource(ResId(6), 0, 0).unwrap();
    let at = |x: u32, y: u32| {
        let i = (y * img.stride + x * 4) as usize;
        [0, 1, 2, 3].map(|c| img.data[i + c])
    };
    [at(14, 1), at(1, 14)]
}

/// GL_FRAMEBUFFER_SRGB through the surface format (VIRGL_CAP_SRGB_WRITE_CONTROL):
/// an sRGB surface encodes what is cleared and drawn, its linear twin on the
/// same storage writes the values as they are.
#[test]
fn srgb_targets_encode_only_through_srgb_surfaces() {
    // Linear 0.5 is sRGB 188; blue stays 255.
    assert_eq!(
        srgb_target(Format::B8G8R8A8_SRGB),
        [[188, 188, 188, 255], [255, 0, 0, 255]]
    );
    assert_eq!(
        srgb_target(Format::B8G8R8A8_UNORM),
        [[128, 128, 128, 255], [255, 0, 0, 255]]
    );
    let caps = Renderer::new(gpu()).caps_v2();
    assert_ne!(caps.capability_bits.get() & cap::SRGB_WRITE_CONTROL, 0);
}

/// Surfaces of one sRGB texture in its sRGB and its linear format are
/// different attachments: a draw through the second after one through the
/// first (GL_FRAMEBUFFER_SRGB toggled, same submit) begins a pass of its own.
#[test]
fn switching_a_targets_srgb_view_begins_a_new_pass() {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    let target = info(TextureTarget::TEXTURE_2D, Format::B8G8R8A8_SRGB, W, W);
    r.create_resource(ResId(6), &target, None).unwrap();
    r.attach_resource(ctx, ResId(6)).unwrap();
    let mut stream = draw_stream(&DrawSetup {
        target: 6,
        format: Format::B8G8R8A8_SRGB,
        ..DrawSetup::default()
    });
    let mut e = Encoder::new();
    e.push(&Command::CreateObject(CreateObject::Surface(Surface {
        handle: 50,
        res: 6,
        format: Format::B8G8R8A8_UNORM,
        range0: 0,
        range1: 0,
    })))
    .unwrap();
    e.push(&Command::SetFramebufferState {
        zsurf: 0,
        cbufs: &[guest_protocol::le::Le32::new(50)],
    })
    .unwrap();
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    stream.extend_from_slice(e.as_bytes());
    let stats = r.submit(ctx, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let img = r.read_resource(ResId(6), 0, 0).unwrap();
    let at = (8 * img.stride + 8 * 4) as usize;
    assert_eq!(img.data[at..at + 4], [255, 0, 0, 255]);
}

/// EXT_packed_float: an R11G11B10_FLOAT target drawn to (the flat blue
/// triangle) and cleared to (1.5, 0.25, 4) holds GL's packed encoding
/// (5-bit exponents, 6/6/5-bit mantissas).
#[test]
fn packed_float_targets_clear_and_draw() {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    let format = Format::R11G11B10_FLOAT;
    r.create_resource(
        ResId(7),
        &info(TextureTarget::TEXTURE_2D, format, W, W),
        None,
    )
    .unwrap();
    r.attach_resource(ctx, ResId(7)).unwrap();
    let stream = draw_stream(&DrawSetup {
        target: 7,
        format,
        clear: [1.5, 0.25, 4.0, 1.0],
        ..DrawSetup::default()
    });
    let stats = r.submit(ctx, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let texel = |r: &mut Renderer, x: u32| {
        let img = r.read_resource(ResId(7), 0, 0).unwrap();
        let at = (8 * img.stride + x * 4) as usize;
        u32::from_le_bytes(img.data[at..at + 4].try_into().unwrap())
    };
    // The flat-shaded triangle is blue (0, 0, 1): only B's exponent (15).
    assert_eq!(texel(&mut r, 8), 15 << 27);
    let mut e = Encoder::new();
    e.push(&Command::Clear(Clear {
        buffers: clear_bits::color(0),
        color: [1.5f32, 0.25, 4.0, 1.0].map(f32::to_bits),
        depth: F64Bits(1.0f64.to_bits()),
        stencil: 0,
    }))
    .unwrap();
    let stats = r.submit(ctx, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    // 1.5: exponent 15, mantissa 32; 0.25: exponent 13; 4: exponent 17.
    let packed = (15 << 6 | 32) | (13 << 6) << 11 | (17 << 5) << 22;
    assert_eq!(texel(&mut r, 8), packed);
    let caps = Renderer::new(gpu()).caps_v2();
    assert!(caps.v1.render.contains(format.0));
}

/// The colour the full-target triangle gets from one integer attribute
/// (one instance, divisor 1) of `format` holding `bytes`, converted by the
/// VS with `convert` (`I2F`/`U2F`) and scaled by 1/255 (BGRA read back).
fn integer_attribute_color(format: Format, bytes: &[u8], stride: u32, convert: &str) -> [u8; 4] {
    use guest_protocol::le::Le32;
    use guest_protocol::virgl::{DrawVbo, VertexBuffer, VertexElement};
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    buffer_with(&mut r, ctx, ResId(3), bytes.to_vec());
    let mut stream = triangle_stream(true, true, CullFace::NONE);
    let mut e = Encoder::new();
    shader(
        &mut e,
        30,
        ShaderStage::VERTEX,
        &format!(
            "VERT\nDCL IN[0]\nDCL IN[1]\nDCL OUT[0], POSITION\nDCL OUT[1], COLOR\nDCL TEMP[0]\n\
             IMM[0] FLT32 {{0.003921569, 0.0, 0.0, 0.0}}\n  0: MOV OUT[0], IN[0]\n\
             1: {convert} TEMP[0], IN[1]\n  2: MUL OUT[1], TEMP[0], IMM[0].xxxx\n  3: END\n"
        ),
    );
    let element = |divisor: u32, buffer: u32, format: Format| VertexElement {
        src_offset: Le32::new(0),
        instance_divisor: Le32::new(divisor),
        vertex_buffer_index: Le32::new(buffer),
        src_format: Le32::new(format.0),
    };
    let elements = [
        element(0, 0, Format::R32G32B32A32_FLOAT),
        element(1, 1, format),
    ];
    e.push(&Command::CreateObject(CreateObject::VertexElements {
        handle: 20,
        elements: &elements,
    }))
    .unwrap();
    e.push(&Command::BindObject {
        object_type: ObjectType::VERTEX_ELEMENTS,
        handle: 20,
    })
    .unwrap();
    let vbs = [
        VertexBuffer {
            stride: Le32::new(32),
            offset: Le32::new(0),
            res: Le32::new(2),
        },
        VertexBuffer {
            stride: Le32::new(stride),
            offset: Le32::new(0),
            res: Le32::new(3),
        },
    ];
    e.push(&Command::SetVertexBuffers(&vbs)).unwrap();
    e.push(&Command::DrawVbo(DrawVbo {
        instance_count: 1,
        ..full_draw()
    }))
    .unwrap();
    stream.extend_from_slice(e.as_bytes());
    let stats = r.submit(ctx, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    pixel(&mut r, 8, 8)
}

/// Integer vertex attributes (`*_SINT`/`*_UINT` elements, GL's
/// `glVertexAttribIPointer`) reach the shader as integers, fetched by wgpu
/// or decoded on the CPU (3-component 16-bit), missing lanes (0, 0, 0, 1).
#[test]
fn integer_vertex_attributes_keep_their_values() {
    let words = |v: [i32; 4]| v.iter().flat_map(|x| x.to_le_bytes()).collect::<Vec<u8>>();
    // R, G, B, A = 51, 102, 255, 255 → BGRA (255, 102, 51, 255).
    let want = [255, 102, 51, 255];
    let got = integer_attribute_color(
        Format::R32G32B32A32_SINT,
        &words([51, 102, 255, 255]),
        16,
        "I2F",
    );
    assert_eq!(got, want, "R32G32B32A32_SINT");
    let got = integer_attribute_color(Format::R8G8B8A8_UINT, &[51, 102, 255, 255], 4, "U2F");
    assert_eq!(got, want, "R8G8B8A8_UINT");
    // Negative red clamps to 0; alpha is the integer 1 (1/255).
    let halves: Vec<u8> = [-51i16, 102, 255, 0]
        .iter()
        .flat_map(|x| x.to_le_bytes())
        .collect();
    let got = integer_attribute_color(Format::R16G16B16_SINT, &halves, 8, "I2F");
    assert_eq!(got, [255, 102, 0, 1], "R16G16B16_SINT (CPU decoded)");
}

/// Clears a surface of `res` (BGRA) over `layers` to red; the framebuffer
/// has that surface alone.
fn clear_layers(r: &mut Renderer, ctx: CtxId, res: u32, layers: std::ops::RangeInclusive<u32>) {
    let mut e = Encoder::new();
    e.push(&Command::CreateObject(CreateObject::Surface(Surface {
        handle: 40,
        res,
        format: Format::B8G8R8A8_UNORM,
        range0: 0,
        range1: layers.start() | layers.end() << 16,
    })))
    .unwrap();
    e.push(&Command::SetFramebufferState {
        zsurf: 0,
        cbufs: &[guest_protocol::le::Le32::new(40)],
    })
    .unwrap();
    e.push(&Command::Clear(Clear {
        buffers: clear_bits::color(0),
        color: [1.0f32, 0.0, 0.0, 1.0].map(f32::to_bits),
        depth: F64Bits(1.0f64.to_bits()),
        stencil: 0,
    }))
    .unwrap();
    let stats = r.submit(ctx, &e.finish()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
}

#[test]
fn clears_of_layered_surfaces_clear_every_layer() {
    let red = [0, 0, 255, 255];
    // Layers 1 to 3 of a five-layer array: GL clears all of a layered
    // attachment, Gallium's surface names them in range1.
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    r.create_context(ctx, "layers").unwrap();
    let array = ResourceInfo {
        array_size: 5,
        ..info(
            TextureTarget::TEXTURE_2D_ARRAY,
            Format::B8G8R8A8_UNORM,
            W,
            W,
        )
    };
    r.create_resource(ResId(1), &array, None).unwrap();
    r.attach_resource(ctx, ResId(1)).unwrap();
    clear_layers(&mut r, ctx, 1, 1..=3);
    for layer in 0..5 {
        let texels = slice(&mut r, ResId(1), layer, W, W);
        let cleared = (1..=3).contains(&layer);
        let expected = if cleared { red } else { [0; 4] };
        assert!(
            texels.chunks(4).all(|p| p == expected),
            "layer {layer}: {:?}",
            &texels[..4]
        );
    }
    // Every slice of a 3D level, the same way.
    let mut r = Renderer::new(gpu());
    setup_3d(&mut r, ctx);
    clear_layers(&mut r, ctx, 1, 0..=3);
    for z in 0..4 {
        let texels = slice(&mut r, ResId(1), z, W, W);
        assert!(texels.chunks(4).all(|p| p == red), "slice {z}");
    }
}

/// Clearing a signed normalized target to (-1, 1, 0, 1).
const SNORM_CLEAR: [f32; 4] = [-1.0, 1.0, 0.0, 1.0];

/// A fragment shader writing (-1, 0, 2, -1).
const SNORM_FS: &str =
    "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 {-1.0, 0.0, 2.0, -1.0}\n  0: MOV OUT[0], IMM[0]\n  1: END\n";

/// A signed normalized colour target (resource 8, `format`) cleared to
/// [`SNORM_CLEAR`] and drawn to by fragment shader `fs` under `blend` (its
/// colour mask set) with blend colour `constant`, then cleared again: the
/// draw's context errors and the first four bytes after the draw and after
/// the second clear.
fn snorm_target(
    format: Format,
    fs: &'static str,
    blend: RtBlend,
    constant: [f32; 4],
) -> (u64, [[u8; 4]; 2]) {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    r.create_resource(
        ResId(8),
        &info(TextureTarget::TEXTURE_2D, format, W, W),
        None,
    )
    .unwrap();
    r.attach_resource(ctx, ResId(8)).unwrap();
    let texel = |r: &mut Renderer| {
        let img = r.read_resource(ResId(8), 0, 0).unwrap();
        [0, 1, 2, 3].map(|i| img.data[i])
    };
    let stream = draw_stream(&DrawSetup {
        target: 8,
        format,
        clear: SNORM_CLEAR,
        fs,
        blend,
        blend_color: constant,
        ..DrawSetup::default()
    });
    let errors = r.submit(ctx, &stream).unwrap().errors;
    let drawn = texel(&mut r);
    let mut e = Encoder::new();
    e.push(&Command::Clear(Clear {
        buffers: clear_bits::color(0),
        color: SNORM_CLEAR.map(f32::to_bits),
        depth: F64Bits(1.0f64.to_bits()),
        stencil: 0,
    }))
    .unwrap();
    let stats = r.submit(ctx, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    (errors, [drawn, texel(&mut r)])
}

/// A fragment shader writing (2, 0, 2, -1): red beyond the target's range.
const SNORM_FS_BEYOND: &str =
    "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 {2.0, 0.0, 2.0, -1.0}\n  0: MOV OUT[0], IMM[0]\n  1: END\n";

/// A blend of `rgb_src * source + rgb_dst * destination` for the colour,
/// `alpha_src * source + alpha_dst * destination` for alpha.
fn blend_add(
    [rgb_src, rgb_dst]: [BlendFactor; 2],
    [alpha_src, alpha_dst]: [BlendFactor; 2],
) -> RtBlend {
    RtBlend::new()
        .with_blend_enable(true)
        .with_rgb_func(BlendFunc::ADD)
        .with_rgb_src_factor(rgb_src)
        .with_rgb_dst_factor(rgb_dst)
        .with_alpha_func(BlendFunc::ADD)
        .with_alpha_src_factor(alpha_src)
        .with_alpha_dst_factor(alpha_dst)
}

/// EXT_texture_snorm render targets: the signed normalized formats are
/// colour-renderable (cleared and drawn to, values clamped to [-1, 1] as
/// GL's conversion does) and blend as GL says, also where the device
/// cannot blend them (lavapipe blends no SNORM format: they blend through
/// a float stand-in): source, destination and blend constant clamped to
/// [-1, 1] before blending, the result when stored.
#[test]
fn snorm_targets_clear_draw_and_blend() {
    use BlendFactor as F;
    const RGBA8_SNORM: Format = Format::R8G8B8A8_SNORM;
    // -1 is -127 (0x81), 1 is 127; the draw's 2 is clamped. (Lavapipe
    // writes -128 for values below -1, which reads back as -1 too: hence
    // `snorm`.)
    let none = [0.0; 4];
    let (errors, [drawn, cleared]) = snorm_target(RGBA8_SNORM, SNORM_FS, RtBlend::new(), none);
    assert_eq!(errors, 0);
    assert_eq!(snorm(drawn), [-1.0, 0.0, 1.0, -1.0]);
    assert_eq!(snorm(cleared), SNORM_CLEAR);
    let gpu = gpu();
    let caps = Renderer::new(gpu.clone()).caps_v2();
    for f in [
        Format::R8_SNORM,
        Format::R8G8_SNORM,
        Format::R8G8B8A8_SNORM,
        Format::R16_SNORM,
        Format::R16G16_SNORM,
        Format::R16G16B16A16_SNORM,
    ] {
        assert!(caps.v1.render.contains(f.0), "{f:?} renderable");
    }
    let replace = blend_add([F::ONE, F::ZERO], [F::ONE, F::ZERO]);
    let (errors, [drawn, _]) = snorm_target(RGBA8_SNORM, SNORM_FS, replace, none);
    assert_eq!(
        (errors, snorm(drawn)),
        (0, [-1.0, 0.0, 1.0, -1.0]),
        "ONE, ZERO"
    );
    // The cleared (-1, 1, 0, 1) plus the source: (-1 - 1, 1 + 0, 0 + 1,
    // 1 - 1), clamped.
    let add = blend_add([F::ONE, F::ONE], [F::ONE, F::ONE]);
    let (errors, [drawn, cleared]) = snorm_target(RGBA8_SNORM, SNORM_FS, add, none);
    assert_eq!(
        (errors, snorm(drawn)),
        (0, [-1.0, 1.0, 1.0, 0.0]),
        "ONE, ONE"
    );
    assert_eq!(snorm(cleared), SNORM_CLEAR, "cleared after the blend");
    // A source beyond the range is clamped before it is added: red
    // 1 - 1 = 0, not 2 - 1.
    let (errors, [drawn, _]) = snorm_target(RGBA8_SNORM, SNORM_FS_BEYOND, add, none);
    assert_eq!(
        (errors, snorm(drawn)),
        (0, [0.0, 1.0, 1.0, 0.0]),
        "source clamped"
    );
    // So is the constant: red (-1) · (-1) + (-1) = 0, not (-1) · (-2) - 1.
    let constant = blend_add([F::CONST_COLOR, F::ONE], [F::ONE, F::ZERO]);
    let (errors, [drawn, _]) = snorm_target(RGBA8_SNORM, SNORM_FS, constant, [-2.0, 0.0, 0.0, 0.0]);
    assert_eq!(
        (errors, snorm(drawn)),
        (0, [0.0, 1.0, 0.0, -1.0]),
        "constant clamped"
    );
    assert!(gpu.take_uncaptured().is_empty());
}

/// A fragment shader writing (1, 0, 0, -1).
const SNORM_FS_RED_UP_ALPHA_DOWN: &str =
    "FRAG\nDCL OUT[0], COLOR\nIMM[0] FLT32 {1.0, 0.0, 0.0, -1.0}\n  0: MOV OUT[0], IMM[0]\n  1: END\n";

/// Luminance, alpha and intensity SNORM formats are colour-renderable too
/// (stored in one channel: luminance and intensity take red, alpha takes
/// alpha) and blend the same way.
#[test]
fn single_channel_snorm_targets_draw_and_blend() {
    use BlendFactor as F;
    let add = blend_add([F::ONE, F::ONE], [F::ONE, F::ONE]);
    // Cleared to (-1, 1, 0, 1): luminance and intensity -1, alpha 1.
    for (format, cleared, drawn) in [
        (Format::L8_SNORM, -1.0, 1.0),
        (Format::I8_SNORM, -1.0, 1.0),
        (Format::A8_SNORM, 1.0, -1.0),
    ] {
        let fs = SNORM_FS_RED_UP_ALPHA_DOWN;
        let (errors, [plain, after]) = snorm_target(format, fs, RtBlend::new(), [0.0; 4]);
        assert_eq!(errors, 0, "{format:?}");
        assert_eq!(snorm(plain)[0], drawn, "{format:?} drawn");
        assert_eq!(snorm(after)[0], cleared, "{format:?} cleared");
        // The draw adds its value to the cleared one: 0 either way.
        let (errors, [blended, _]) = snorm_target(format, fs, add, [0.0; 4]);
        assert_eq!((errors, snorm(blended)[0]), (0, 0.0), "{format:?} blended");
    }
}

/// The values of four 8-bit SNORM channels (GL's conversion: -128 is -1).
fn snorm(texel: [u8; 4]) -> [f32; 4] {
    texel.map(|b| (f32::from(b as i8) / 127.0).max(-1.0))
}

/// Draws the full target sampling unit 0, a view in `view` of a 16×16
/// Z24_UNORM_S8_UINT texture whose every texel holds depth 1.0 and
/// stencil 0x80, with the fragment shader `body` (TEMP[0..1], IMM[0] =
/// ints 0, IMM[1] = 1/255); returns pixel (4, 4) (BGRA) and the errors.
fn depth_stencil_view_pixel(view: Format, sview: &str, body: &str) -> ([u8; 4], u64) {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    let tex = info(TextureTarget::TEXTURE_2D, Format::Z24_UNORM_S8_UINT, W, W);
    r.create_resource(ResId(3), &tex, None).unwrap();
    r.attach_resource(ctx, ResId(3)).unwrap();
    let texel = 0x80ff_ffffu32.to_le_bytes();
    let t = TransferBox {
        level: 0,
        region: region(0, W, W),
        stride: 0,
        layer_stride: 0,
        offset: 0,
    };
    let bytes = texel.repeat((W * W) as usize);
    r.write_from(ResId(3), &t, VecBacking::from_vec(bytes).as_ref())
        .unwrap();
    assert_eq!(
        r.submit(ctx, &draw_stream(&DrawSetup::default()))
            .unwrap()
            .errors,
        0
    );
    let mut e = Encoder::new();
    sampler_view(&mut e, 41, 3, view, (0, 0));
    bind_fragment_view(&mut e, 41);
    let text = format!(
        "FRAG\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], 2D, {sview}\nDCL TEMP[0..1]\n\
         IMM[0] INT32 {{0, 0, 0, 0}}\nIMM[1] FLT32 {{0.00392157, 0.00392157, 0.00392157, 1.0}}\n\
         {body}\nEND\n"
    );
    shader(&mut e, 16, ShaderStage::FRAGMENT, &text);
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    let errors = r.submit(ctx, e.as_bytes()).unwrap().errors;
    (pixel(&mut r, 4, 4), errors)
}

#[test]
fn depth_stencil_textures_sample_their_stencil_or_their_depth() {
    // ARB_stencil_texturing: a stencil-only view reads the stencil as an
    // unsigned integer.
    let (stencil, errors) = depth_stencil_view_pixel(
        Format::X24S8_UINT,
        "UINT",
        "TXF TEMP[0], IMM[0], SAMP[0], 2D\nU2F TEMP[1], TEMP[0].xxxx\n\
         MUL OUT[0], TEMP[1], IMM[1]",
    );
    assert_eq!(errors, 0);
    // Alpha: the view's ONE (integer 1) times IMM[1].w = 1.0.
    assert_eq!(stencil, [0x80, 0x80, 0x80, 0xff]);
    // The resource's own format reads the depth.
    let (depth, errors) = depth_stencil_view_pixel(
        Format::Z24_UNORM_S8_UINT,
        "FLOAT",
        "TXF TEMP[0], IMM[0], SAMP[0], 2D\nMOV OUT[0], TEMP[0].xxxx",
    );
    assert_eq!(errors, 0);
    assert_eq!(depth, [255, 255, 255, 255]);
}

#[test]
fn caps_offer_stencil_views_of_depth_stencil_textures() {
    let caps = Renderer::new(gpu()).caps_v2();
    for f in [
        Format::X24S8_UINT,
        Format::S8X24_UINT,
        Format::X32_S8X24_UINT,
    ] {
        assert!(caps.v1.sampler.contains(f.0), "{f:?}");
    }
}
