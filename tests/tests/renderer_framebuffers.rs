//! Framebuffers WebGPU has no pass for, on hand-built command streams:
//! without any attachment (GL's default width, height and samples,
//! `ARB_framebuffer_no_attachments`), counted by occlusion queries, and
//! with attachments of different sizes (GL draws into their intersection),
//! read back.

mod draw_setup;

use draw_setup::*;
use guest_protocol::le::Le32;
use guest_protocol::virgl::bits::{BlitFlags, QueryKind, U16Pair};
use guest_protocol::virgl::caps::cap;
use guest_protocol::virgl::enums::{
    bind, clear_bits, CullFace, QueryType, ShaderStage, TextureTarget,
};
use guest_protocol::virgl::{
    Blit, BlitSurface, Box3, Clear, Command, CreateObject, Encoder, Format, Query, Surface,
};
use guest_protocol::wire::F64Bits;
use host_renderer::{CtxId, Renderer, ResId, TransferBox, VecBacking};

const CTX: CtxId = CtxId(1);

/// A renderer with the full-target triangle drawn once into resource 1
/// (sub-context 1 keeps its state) and a query buffer, resource 3.
fn renderer() -> Renderer {
    let mut r = Renderer::new(gpu());
    setup(&mut r, CTX, &TRIANGLE);
    r.create_resource(
        ResId(3),
        &info(TextureTarget::BUFFER, Format::R8_UNORM, 16, 1),
        None,
    )
    .unwrap();
    r.attach_resource(CTX, ResId(3)).unwrap();
    let stats = r
        .submit(CTX, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    r
}

/// The samples an occlusion query counts for the full-target triangle
/// drawn after `state` (commands of sub-context 1), with the context's
/// errors.
fn samples_passed(r: &mut Renderer, state: &Encoder) -> (u64, u64) {
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    let mut bytes = e.finish();
    bytes.extend_from_slice(state.as_bytes());
    let mut e = Encoder::new();
    e.push(&Command::CreateObject(CreateObject::Query(Query {
        handle: 40,
        kind: QueryKind::new().with_query_type(QueryType::OCCLUSION_COUNTER),
        offset: 0,
        res: 3,
    })))
    .unwrap();
    e.push(&Command::BeginQuery { handle: 40 }).unwrap();
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    e.push(&Command::EndQuery { handle: 40 }).unwrap();
    e.push(&Command::GetQueryResult {
        handle: 40,
        wait: 1,
    })
    .unwrap();
    bytes.extend_from_slice(e.as_bytes());
    let errors = r.submit(CTX, &bytes).unwrap().errors;
    let out = VecBacking::zeroed(16);
    let t = TransferBox {
        level: 0,
        region: Box3 {
            x: 0,
            y: 0,
            z: 0,
            w: 16,
            h: 1,
            d: 1,
        },
        stride: 0,
        layer_stride: 0,
        offset: 0,
    };
    r.read_into(ResId(3), &t, out.as_ref()).unwrap();
    let b = out.snapshot();
    (u64::from_le_bytes(b[8..16].try_into().unwrap()), errors)
}

/// SET_FRAMEBUFFER_STATE without attachments, then the default `w`×`h`
/// of `samples`, as Mesa sends them.
fn no_attachments(w: u16, h: u16, samples: u16) -> Encoder {
    let mut e = Encoder::new();
    e.push(&Command::SetFramebufferState {
        zsurf: 0,
        cbufs: &[],
    })
    .unwrap();
    e.push(&Command::SetFramebufferStateNoAttach {
        size: U16Pair::new().with_lo(w).with_hi(h),
        layers_samples: U16Pair::new().with_lo(1).with_hi(samples),
    })
    .unwrap();
    e
}

/// A framebuffer without attachments rasterizes at its default size and
/// samples: the triangle covering the 16×16 viewport counts the pixels
/// of the 16×8 default size, four samples each where it has 4 (2 made 4),
/// writes no resource; a default size of 0 draws nothing (skipped), nor
/// does one larger than the device's textures (refused).
#[test]
fn framebuffers_without_attachments_rasterize_their_default_size() {
    let mut r = renderer();
    let before = r.read_resource(ResId(1), 0, 0).unwrap().data;
    assert_eq!(samples_passed(&mut r, &no_attachments(16, 8, 0)), (128, 0));
    assert_eq!(samples_passed(&mut r, &no_attachments(16, 8, 4)), (512, 0));
    assert_eq!(samples_passed(&mut r, &no_attachments(4, 4, 2)), (64, 0));
    assert_eq!(samples_passed(&mut r, &no_attachments(16, 8, 0)), (128, 0));
    assert_eq!(r.read_resource(ResId(1), 0, 0).unwrap().data, before);
    let (_, errors) = samples_passed(&mut r, &no_attachments(0, 0, 0));
    assert_eq!(errors, 1, "a draw with neither attachments nor size");
    // Larger than a texture may be: refused, and the draw skipped.
    let (_, errors) = samples_passed(&mut r, &no_attachments(u16::MAX, u16::MAX, 0));
    assert_eq!(errors, 2);
    let caps = r.caps_v2();
    assert_ne!(caps.capability_bits.get() & cap::FB_NO_ATTACH, 0);
    assert!(r.gpu().take_uncaptured().is_empty());
}

/// The BGRA texel at (`x`, `y`) of resource `id`.
fn texel(r: &mut Renderer, id: u32, x: u32, y: u32) -> [u8; 4] {
    let img = r.read_resource(ResId(id), 0, 0).unwrap();
    let at = (y * img.stride + x * 4) as usize;
    [0, 1, 2, 3].map(|i| img.data[at + i])
}

/// CLEAR of `buffers` to grey.
fn clear(buffers: u32) -> Command<'static> {
    Command::Clear(Clear {
        buffers,
        color: [0.5f32; 4].map(f32::to_bits),
        depth: F64Bits(1.0f64.to_bits()),
        stencil: 0,
    })
}

/// GL draws into the intersection of its attachments' sizes: with the
/// 16×16 resource 1 (blue), an 8×8 colour buffer and a 32×32 depth/stencil
/// buffer, clears and draws (red, colour 0 broadcast) change the 8×8
/// intersection only; the texels outside it keep their values.
#[test]
fn attachments_of_different_sizes_draw_into_their_intersection() {
    let mut r = renderer();
    let small = info(TextureTarget::TEXTURE_2D, Format::B8G8R8A8_UNORM, 8, 8);
    let depth = info(TextureTarget::TEXTURE_2D, Format::Z24_UNORM_S8_UINT, 32, 32);
    for (id, i) in [(5, small), (6, depth)] {
        r.create_resource(ResId(id), &i, None).unwrap();
        r.attach_resource(CTX, ResId(id)).unwrap();
    }
    let (blue, grey, red) = ([255, 0, 0, 255], [128; 4], [0, 0, 255, 255]);
    assert_eq!(texel(&mut r, 1, 4, 4), blue);
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    for (handle, res, format) in [
        (30, 5, Format::B8G8R8A8_UNORM),
        (31, 6, Format::Z24_UNORM_S8_UINT),
    ] {
        e.push(&Command::CreateObject(CreateObject::Surface(Surface {
            handle,
            res,
            format,
            range0: 0,
            range1: 0,
        })))
        .unwrap();
    }
    e.push(&Command::SetFramebufferState {
        zsurf: 31,
        cbufs: &[Le32::new(10), Le32::new(30)],
    })
    .unwrap();
    e.push(&clear(clear_bits::color(0) | clear_bits::color(1)))
        .unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    assert_eq!(texel(&mut r, 1, 7, 7), grey);
    assert_eq!(texel(&mut r, 1, 8, 4), blue);
    assert_eq!(texel(&mut r, 1, 4, 8), blue);
    assert_eq!(texel(&mut r, 5, 7, 7), grey);

    // Colour 1 to 0, depth to 1 and stencil to 0x5a (Z24 in the low bits,
    // S8 in the high).
    let z = |r: &mut Renderer, x: u32, y: u32| {
        let img = r.read_resource(ResId(6), 0, 0).unwrap();
        let at = (y * img.stride + x * 4) as usize;
        u32::from_le_bytes(img.data[at..at + 4].try_into().unwrap())
    };
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    e.push(&Command::Clear(Clear {
        buffers: clear_bits::color(1) | clear_bits::DEPTH | clear_bits::STENCIL,
        color: [0; 4],
        depth: F64Bits(1.0f64.to_bits()),
        stencil: 0x5a,
    }))
    .unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    assert_eq!(z(&mut r, 0, 0), 0x5aff_ffff);
    assert_eq!(z(&mut r, 7, 7), 0x5aff_ffff);
    assert_eq!(z(&mut r, 8, 7), 0);
    assert_eq!(z(&mut r, 31, 31), 0);
    assert_eq!(texel(&mut r, 5, 7, 7), [0; 4]);
    assert_eq!(texel(&mut r, 1, 7, 7), grey);

    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    shader(
        &mut e,
        32,
        ShaderStage::FRAGMENT,
        "FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\nDCL OUT[0], COLOR\nIMM[0] FLT32 {1.0, 0.0, 0.0, 1.0}\n  0: MOV OUT[0], IMM[0]\n  1: END\n",
    );
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    for (x, y, want) in [
        (0, 0, red),
        (7, 7, red),
        (8, 7, blue),
        (7, 8, blue),
        (15, 15, blue),
    ] {
        assert_eq!(texel(&mut r, 1, x, y), want, "({x}, {y})");
    }
    assert_eq!(texel(&mut r, 5, 0, 0), red);
    assert_eq!(texel(&mut r, 5, 7, 7), red);
    assert!(r.gpu().take_uncaptured().is_empty());
}

/// Sub-context 1's framebuffer of colour surfaces `cbufs` (handle, resource,
/// last layer: the surfaces span layers 0 to it), cleared to grey.
fn clear_surfaces(cbufs: &[(u32, u32, u32)]) -> Encoder {
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    for &(handle, res, last) in cbufs {
        e.push(&Command::CreateObject(CreateObject::Surface(Surface {
            handle,
            res,
            format: Format::B8G8R8A8_UNORM,
            range0: 0,
            range1: last << 16,
        })))
        .unwrap();
    }
    let handles: Vec<Le32> = cbufs.iter().map(|c| Le32::new(c.0)).collect();
    e.push(&Command::SetFramebufferState {
        zsurf: 0,
        cbufs: &handles,
    })
    .unwrap();
    e.push(&clear(clear_bits::color(0) | clear_bits::color(1)))
        .unwrap();
    e
}

/// Clearing a layered colour buffer next to one of another size is refused
/// (GL clears the intersection of every layer; a pass per layer would
/// clear the whole of the other layers), as a context error of its own:
/// the submit's earlier work stands and no layer changes. The same buffers
/// unlayered clear their intersection.
#[test]
fn layered_clears_of_attachments_of_other_sizes_are_refused() {
    let mut r = renderer();
    let array = host_renderer::ResourceInfo {
        array_size: 3,
        ..info(
            TextureTarget::TEXTURE_2D_ARRAY,
            Format::B8G8R8A8_UNORM,
            16,
            16,
        )
    };
    let small = info(TextureTarget::TEXTURE_2D, Format::B8G8R8A8_UNORM, 8, 8);
    for (id, i) in [(5, array), (6, small)] {
        r.create_resource(ResId(id), &i, None).unwrap();
        r.attach_resource(CTX, ResId(id)).unwrap();
    }
    // The small buffer alone (cleared), then with the layered one.
    let first = clear_surfaces(&[(30, 6, 0)]);
    let layered = clear_surfaces(&[(31, 5, 2), (32, 6, 0)]);
    let stream = [first.as_bytes(), layered.as_bytes()].concat();
    let stats = r.submit(CTX, &stream).unwrap();
    assert_eq!(stats.errors, 1, "{:?}", r.context_errors(CTX));
    for layer in 0..3 {
        let img = r.read_resource(ResId(5), 0, layer).unwrap();
        assert!(img.data.iter().all(|&b| b == 0), "layer {layer}");
    }
    assert_eq!(texel(&mut r, 6, 4, 4), [128; 4]);
    let flat = clear_surfaces(&[(33, 5, 0), (34, 6, 0)]);
    let stats = r.submit(CTX, flat.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    assert_eq!(texel(&mut r, 5, 7, 7), [128; 4]);
    assert_eq!(texel(&mut r, 5, 8, 8), [0; 4]);
    assert_eq!(texel(&mut r, 6, 7, 7), [128; 4]);
    assert!(r.gpu().take_uncaptured().is_empty());
}

/// A `W`×`W` (or `W/2`) depth resource `id` of `format`, attached, with a
/// backing of `data` (its level 0 in the guest's layout).
fn depth_resource(
    r: &mut Renderer,
    id: u32,
    format: Format,
    side: u32,
    data: Vec<u8>,
) -> std::sync::Arc<VecBacking> {
    let mut i = info(TextureTarget::TEXTURE_2D, format, side, side);
    i.bind = bind::DEPTH_STENCIL | bind::SAMPLER_VIEW;
    let backing = VecBacking::from_vec(data);
    r.create_resource(ResId(id), &i, Some(backing.clone()))
        .unwrap();
    r.attach_resource(CTX, ResId(id)).unwrap();
    backing
}

/// A `side`×`side` box from the origin.
fn square(side: u32) -> Box3 {
    Box3 {
        x: 0,
        y: 0,
        z: 0,
        w: side as i32,
        h: side as i32,
        d: 1,
    }
}

/// The transfer of a whole `side`×`side` level 0.
fn whole_level(side: u32) -> TransferBox {
    TransferBox {
        level: 0,
        region: square(side),
        stride: 0,
        layer_stride: 0,
        offset: 0,
    }
}

/// A nearest depth blit of `src_box` of resource `src` to `dst_box` of `dst`.
fn depth_blit(
    src: u32,
    src_format: Format,
    src_box: Box3,
    dst: u32,
    dst_format: Format,
    dst_box: Box3,
) -> Vec<u8> {
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    let side = |res, format, region| BlitSurface {
        res,
        level: 0,
        format,
        region,
    };
    e.push(&Command::Blit(Blit {
        flags: BlitFlags::new().with_mask(0x10),
        scissor_min: Default::default(),
        scissor_max: Default::default(),
        dst: side(dst, dst_format, dst_box),
        src: side(src, src_format, src_box),
    }))
    .unwrap();
    e.finish()
}

/// Depth blits that are no texel copies are drawn: scaled into another
/// depth format (glGenerateMipmap, glCopyTexImage from a depth buffer),
/// and a same-format copy of part of a level (WebGPU copies depth by whole
/// levels only).
#[test]
fn depth_blits_scale_convert_and_copy_part_of_a_level() {
    let mut r = renderer();
    // Source: Z32_FLOAT, 0.25 left of x = 8, 0.75 right of it.
    let src: Vec<u8> = (0..W * W)
        .flat_map(|k| if k % W < W / 2 { 0.25f32 } else { 0.75 }.to_le_bytes())
        .collect();
    depth_resource(&mut r, 40, Format::Z32_FLOAT, W, src);
    r.transfer_in(ResId(40), &whole_level(W)).unwrap();
    let half = W / 2;
    let small = depth_resource(
        &mut r,
        41,
        Format::Z16_UNORM,
        half,
        vec![0; (half * half * 2) as usize],
    );
    let (full, halved) = (square(W), square(half));
    let stream = depth_blit(40, Format::Z32_FLOAT, full, 41, Format::Z16_UNORM, halved);
    let stats = r.submit(CTX, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    r.transfer_out(ResId(41), &whole_level(half)).unwrap();
    let texels = small.snapshot();
    for (k, t) in texels.chunks_exact(2).enumerate() {
        let z = u16::from_le_bytes([t[0], t[1]]);
        let want: u16 = if (k as u32) % half < half / 2 {
            16384
        } else {
            49151
        };
        assert!(z.abs_diff(want) <= 1, "texel {k}: {z} (want {want})");
    }
    // Part of a level, same format: the right half's 0.75 into the left
    // half of a cleared (1.0) Z32_FLOAT level.
    let ones: Vec<u8> = (0..W * W).flat_map(|_| 1.0f32.to_le_bytes()).collect();
    let dst = depth_resource(&mut r, 42, Format::Z32_FLOAT, W, ones);
    r.transfer_in(ResId(42), &whole_level(W)).unwrap();
    let right = Box3 {
        x: half as i32,
        y: 0,
        z: 0,
        w: half as i32,
        h: W as i32,
        d: 1,
    };
    let left = Box3 { x: 0, ..right };
    let stream = depth_blit(40, Format::Z32_FLOAT, right, 42, Format::Z32_FLOAT, left);
    let stats = r.submit(CTX, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    r.transfer_out(ResId(42), &whole_level(W)).unwrap();
    let texels = dst.snapshot();
    for (k, t) in texels.chunks_exact(4).enumerate() {
        let z = f32::from_le_bytes(t.try_into().unwrap());
        let want = if (k as u32) % W < half { 0.75 } else { 1.0 };
        assert_eq!(z, want, "texel {k}");
    }
}
