//! Multisampling on the real device: resources of 4 samples (2 and 3 made
//! 4), blits into, between and out of them (averaged resolves, sample
//! copies, depth), texel fetches of single samples, alpha to coverage and
//! the sample mask, and the inputs that must be refused without a panic.

mod draw_setup;

use draw_setup::*;
use guest_protocol::le::Le32;
use guest_protocol::virgl::bits::{
    BlendFlags, BlitFlags, RasterizerFlags, RasterizerStipple, RtBlend,
};
use guest_protocol::virgl::caps::{bset, cap};
use guest_protocol::virgl::enums::{clear_bits, ShaderStage, TextureTarget};
use guest_protocol::virgl::{
    Blend, Blit, BlitSurface, Box3, Clear, Command, CopyRegion, CreateObject, Encoder, Format,
    ObjectType, Rasterizer, Surface, VertexBuffer,
};
use guest_protocol::wire::F32Bits;
use host_renderer::{CtxId, Renderer, ResId, TransferBox, VecBacking};

const CTX: CtxId = CtxId(1);
const BGRA: Format = Format::B8G8R8A8_UNORM;

fn whole(w: u32, h: u32) -> Box3 {
    Box3 {
        x: 0,
        y: 0,
        z: 0,
        w: w as i32,
        h: h as i32,
        d: 1,
    }
}

/// A 16×16 2D resource of `format` with `samples` samples, attached.
/// Level 0 of a W×W resource of 4-byte texels, rows packed.
fn whole_level() -> TransferBox {
    TransferBox {
        level: 0,
        region: whole(W, W),
        stride: W * 4,
        layer_stride: 0,
        offset: 0,
    }
}

fn target(r: &mut Renderer, id: u32, format: Format, samples: u32) {
    let mut i = info(TextureTarget::TEXTURE_2D, format, W, W);
    i.nr_samples = samples;
    r.create_resource(ResId(id), &i, None).unwrap();
    r.attach_resource(CTX, ResId(id)).unwrap();
}

fn blit(
    src: u32,
    dst: u32,
    format: Format,
    mask: u8,
    src_box: Box3,
    dst_box: Box3,
) -> Command<'static> {
    Command::Blit(Blit {
        flags: BlitFlags::new().with_mask(mask),
        scissor_min: Default::default(),
        scissor_max: Default::default(),
        dst: BlitSurface {
            res: dst,
            level: 0,
            format,
            region: dst_box,
        },
        src: BlitSurface {
            res: src,
            level: 0,
            format,
            region: src_box,
        },
    })
}

/// Runs `commands` as one submit; returns the number of context errors.
fn run(r: &mut Renderer, commands: &[Command<'_>]) -> u64 {
    let mut e = Encoder::new();
    for c in commands {
        e.push(c).unwrap();
    }
    r.submit(CTX, &e.finish()).unwrap().errors
}

/// The context's last error, as it is logged.
fn last_error(r: &Renderer) -> String {
    let (errors, _) = r.context_errors(CTX).unwrap();
    errors.last().map(ToString::to_string).unwrap_or_default()
}

fn submit_ok(r: &mut Renderer, stream: &[u8]) {
    let stats = r.submit(CTX, stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
}

/// Context, resource 1 and a vertex buffer of the blue triangle over the
/// bottom-left half (through pixel centres of the diagonal).
fn setup_half(r: &mut Renderer) {
    let mut tri = TRIANGLE;
    tri[8] = 1.0;
    tri[17] = 1.0;
    setup(r, CTX, &tri);
    // Resource 9: the full-target triangle, for the fetches.
    let bytes = TRIANGLE.iter().flat_map(|v| v.to_le_bytes()).collect();
    buffer_with(r, CTX, ResId(9), bytes);
}

/// Draws [`setup_half`]'s triangle into resource `target_res`.
fn half_triangle(r: &mut Renderer, target_res: u32) {
    let draw = draw_stream(&DrawSetup {
        target: target_res,
        ..DrawSetup::default()
    });
    submit_ok(r, &draw);
}

#[test]
fn sample_counts_round_up_to_four_and_others_are_refused() {
    let mut r = Renderer::new(gpu());
    // 3 samples are made 4: the diagonal's pixels are partly covered.
    setup_half(&mut r);
    target(&mut r, 3, BGRA, 3);
    half_triangle(&mut r, 3);
    assert_eq!(
        run(&mut r, &[blit(3, 1, BGRA, 0xf, whole(W, W), whole(W, W))]),
        0
    );
    assert_eq!(pixel(&mut r, 1, 14), [255, 0, 0, 255]);
    for i in 0..W {
        let b = pixel(&mut r, i, i)[0];
        assert!(b > 0 && b < 255, "pixel {i},{i} is partly covered: {b}");
    }
    for (id, n) in [(10, 0), (11, 1), (12, 2), (13, 4)] {
        let mut i = info(TextureTarget::TEXTURE_2D, BGRA, W, W);
        i.nr_samples = n;
        assert!(
            r.create_resource(ResId(id), &i, None).is_ok(),
            "{n} samples"
        );
    }
    for (id, n) in [(20, 5), (21, 8), (22, 99), (23, u32::MAX)] {
        let mut i = info(TextureTarget::TEXTURE_2D, BGRA, W, W);
        i.nr_samples = n;
        assert!(
            r.create_resource(ResId(id), &i, None).is_err(),
            "{n} samples"
        );
    }
    // Multisampled 3D, cube, buffer, depth array and mipmapped resources
    // (colour arrays are made where the device has multisampled arrays).
    let mut bad = Vec::new();
    for target in [
        TextureTarget::TEXTURE_3D,
        TextureTarget::CUBE,
        TextureTarget::BUFFER,
        TextureTarget::TEXTURE_1D,
    ] {
        let mut i = info(target, BGRA, W, W);
        if target == TextureTarget::CUBE {
            i.array_size = 6;
        }
        bad.push(i);
    }
    let mut array = info(TextureTarget::TEXTURE_2D_ARRAY, BGRA, W, W);
    array.array_size = 2;
    let arrays = gpu().features.contains(wgpu::Features::MULTISAMPLE_ARRAY);
    if !arrays {
        bad.push(array);
    }
    let mut depth_array = info(
        TextureTarget::TEXTURE_2D_ARRAY,
        Format::Z24_UNORM_S8_UINT,
        W,
        W,
    );
    depth_array.array_size = 2;
    bad.push(depth_array);
    let mut array_levels = array;
    array_levels.last_level = 1;
    bad.push(array_levels);
    let mut levels = info(TextureTarget::TEXTURE_2D, BGRA, W, W);
    levels.last_level = 1;
    bad.push(levels);
    for (n, mut i) in (30..).zip(bad) {
        i.nr_samples = 4;
        assert!(r.create_resource(ResId(n), &i, None).is_err(), "{i:?}");
    }
}

#[test]
fn blits_into_multisampled_resources_fill_every_sample() {
    let mut r = Renderer::new(gpu());
    setup(&mut r, CTX, &TRIANGLE);
    // A pattern in a single-sampled resource, blitted into a multisampled
    // one and resolved back (what the guest does to write one).
    target(&mut r, 3, BGRA, 0);
    target(&mut r, 4, BGRA, 2);
    let pattern: Vec<u8> = (0..W * W)
        .flat_map(|i| [(i * 3) as u8, (i * 7) as u8, 255 - i as u8, 255])
        .collect();
    let t = whole_level();
    r.write_from(ResId(3), &t, VecBacking::from_vec(pattern.clone()).as_ref())
        .unwrap();
    let cmds = [
        blit(3, 4, BGRA, 0xf, whole(W, W), whole(W, W)),
        blit(4, 1, BGRA, 0xf, whole(W, W), whole(W, W)),
    ];
    assert_eq!(run(&mut r, &cmds), 0, "{:?}", r.context_errors(CTX));
    for (x, y) in [(0, 0), (5, 9), (15, 15), (12, 3)] {
        let at = ((y * W + x) * 4) as usize;
        assert_eq!(pixel(&mut r, x, y), pattern[at..at + 4], "pixel {x},{y}");
    }
}

/// Fetches sample `sample` of multisampled resource `src` into resource 1
/// with TXF on a `2D_MSAA` view, and reads the diagonal pixel `(i, i)`,
/// (1, 14) (covered) and (14, 1) (not covered).
fn fetch_sample(r: &mut Renderer, src: u32, sample: u32) -> Vec<[u8; 4]> {
    let fs = format!(
        "FRAG\nDCL IN[0], POSITION, LINEAR\nDCL OUT[0], COLOR\nDCL SAMP[0]\n\
         DCL SVIEW[0], 2D_MSAA, FLOAT\nDCL TEMP[0..1]\nIMM[0] INT32 {{0, 0, 0, {sample}}}\n\
         0: F2I TEMP[0], IN[0]\n1: MOV TEMP[0].zw, IMM[0]\n\
         2: TXF TEMP[1], TEMP[0], SAMP[0], 2D_MSAA\n3: MOV OUT[0], TEMP[1]\n4: END\n"
    );
    draw_with_view(r, src, 42 + sample, &fs)
}

/// Draws the full target (resource 1) with fragment shader `fs` (handle
/// `handle`) reading a view of `src` from unit 0 (its first layer);
/// reads the pixels [`fetch_sample`] describes.
fn draw_with_view(r: &mut Renderer, src: u32, handle: u32, fs: &str) -> Vec<[u8; 4]> {
    draw_with_layers(r, (src, 0), handle, fs)
}

/// [`draw_with_view`] with a view of layers `0..=last` of `src`.
fn draw_with_layers(
    r: &mut Renderer,
    (src, last): (u32, u32),
    handle: u32,
    fs: &str,
) -> Vec<[u8; 4]> {
    let mut e = Encoder::new();
    e.push(&Command::CreateObject(CreateObject::Surface(Surface {
        handle: 40,
        res: 1,
        format: BGRA,
        range0: 0,
        range1: 0,
    })))
    .unwrap();
    e.push(&Command::SetFramebufferState {
        zsurf: 0,
        cbufs: &[Le32::new(40)],
    })
    .unwrap();
    sampler_view(&mut e, 41, src, BGRA, (last << 16, 0));
    bind_fragment_view(&mut e, 41);
    shader(&mut e, handle, ShaderStage::FRAGMENT, fs);
    let vbs = [VertexBuffer {
        stride: Le32::new(32),
        offset: Le32::new(0),
        res: Le32::new(9),
    }];
    e.push(&Command::SetVertexBuffers(&vbs)).unwrap();
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    submit_ok(r, &e.finish());
    let mut out: Vec<[u8; 4]> = (0..W).map(|i| pixel(r, i, i)).collect();
    out.push(pixel(r, 1, 14));
    out.push(pixel(r, 14, 1));
    out
}

#[test]
fn texel_fetches_and_sample_counts_of_multisampled_views() {
    let mut r = Renderer::new(gpu());
    setup_half(&mut r);
    target(&mut r, 3, BGRA, 4);
    target(&mut r, 4, BGRA, 4);
    half_triangle(&mut r, 3);
    // A multisampled-to-multisampled blit keeps each sample.
    assert_eq!(
        run(&mut r, &[blit(3, 4, BGRA, 0xf, whole(W, W), whole(W, W))]),
        0
    );
    let blue = [255, 0, 0, 255];
    let black = [0, 0, 0, 255];
    // Standard 4× positions: sample 0 at (0.375, 0.125) lies above the
    // diagonal, sample 2 at (0.125, 0.625) below it.
    let s0 = fetch_sample(&mut r, 4, 0);
    let s2 = fetch_sample(&mut r, 4, 2);
    for i in 0..W as usize {
        assert_eq!(s0[i], black, "sample 0 of diagonal pixel {i}");
        assert_eq!(s2[i], blue, "sample 2 of diagonal pixel {i}");
    }
    for s in [&s0, &s2] {
        assert_eq!(s[W as usize], blue);
        assert_eq!(s[W as usize + 1], black);
    }
    // The source's samples read the same.
    assert_eq!(fetch_sample(&mut r, 3, 0), s0);
    assert_eq!(fetch_sample(&mut r, 3, 2), s2);
    // TXQS: 4 samples, as red 4 × 0.25.
    let fs = "FRAG\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], 2D_MSAA, FLOAT\n\
              DCL TEMP[0]\nIMM[0] FLT32 {0.25, 1.0, 0.0, 0.0}\n\
              0: TXQS TEMP[0], SAMP[0], 2D_MSAA\n1: U2F TEMP[0].x, TEMP[0].xxxx\n\
              2: MUL OUT[0].x, TEMP[0].xxxx, IMM[0].xxxx\n3: MOV OUT[0].yzw, IMM[0].zzzy\n\
              4: END\n";
    for px in draw_with_view(&mut r, 4, 50, fs) {
        assert_eq!(px, [0, 0, 255, 255]);
    }
    // An integer sampler over the same (unorm) view: GL leaves its lookups
    // undefined, but the sample count still answers (draw_with_view
    // checks the draw raised no error).
    let fs = fs.replace("2D_MSAA, FLOAT", "2D_MSAA, SINT");
    for px in draw_with_view(&mut r, 4, 51, &fs) {
        assert_eq!(px, [0, 0, 255, 255]);
    }
}

/// Fetches sample `sample` of layer `layer` of multisampled array `src`
/// (layers `0..=last`) with TXF on a `2D_ARRAY_MSAA` view, reading the
/// pixels [`fetch_sample`] describes.
fn fetch_array_sample(
    r: &mut Renderer,
    (src, last): (u32, u32),
    layer: u32,
    sample: u32,
) -> Vec<[u8; 4]> {
    let fs = format!(
        "FRAG\nDCL IN[0], POSITION, LINEAR\nDCL OUT[0], COLOR\nDCL SAMP[0]\n\
         DCL SVIEW[0], 2D_ARRAY_MSAA, FLOAT\nDCL TEMP[0..1]\nIMM[0] INT32 {{0, 0, {layer}, {sample}}}\n\
         0: F2I TEMP[0], IN[0]\n1: MOV TEMP[0].zw, IMM[0]\n\
         2: TXF TEMP[1], TEMP[0], SAMP[0], 2D_ARRAY_MSAA\n3: MOV OUT[0], TEMP[1]\n4: END\n"
    );
    draw_with_layers(r, (src, last), 60 + layer * 4 + sample, &fs)
}

/// Multisampled 2D arrays (ARB_texture_multisample): each layer rendered
/// to and cleared as a surface of its own, read back sample by sample by
/// texel fetches (WebGPU binds no multisampled arrays: the renderer copies
/// the samples into a single-sampled array first, again after each
/// write), their layer and sample counts queried, and each layer resolved
/// by a blit.
#[test]
fn multisampled_arrays_render_per_layer_and_fetch_every_sample() {
    let mut r = Renderer::new(gpu());
    if !gpu().features.contains(wgpu::Features::MULTISAMPLE_ARRAY) {
        return;
    }
    setup_half(&mut r);
    // The draw state the fetches use.
    half_triangle(&mut r, 1);
    let mut array = info(TextureTarget::TEXTURE_2D_ARRAY, BGRA, W, W);
    array.array_size = 3;
    array.nr_samples = 4;
    r.create_resource(ResId(5), &array, None).unwrap();
    r.attach_resource(CTX, ResId(5)).unwrap();
    // Layer k cleared to colour k (BGRA bytes): red, green, blue.
    let colours = [[0, 0, 255, 255], [0, 255, 0, 255], [255, 0, 0, 255]];
    let clear_layer = |r: &mut Renderer, layer: u32, rgba: [f32; 4]| {
        let mut e = Encoder::new();
        e.push(&Command::CreateObject(CreateObject::Surface(Surface {
            handle: 70 + layer,
            res: 5,
            format: BGRA,
            range0: 0,
            range1: layer | layer << 16,
        })))
        .unwrap();
        e.push(&Command::SetFramebufferState {
            zsurf: 0,
            cbufs: &[Le32::new(70 + layer)],
        })
        .unwrap();
        e.push(&Command::Clear(Clear {
            buffers: clear_bits::color(0),
            color: rgba.map(f32::to_bits),
            depth: guest_protocol::wire::F64Bits(1.0f64.to_bits()),
            stencil: 0,
        }))
        .unwrap();
        submit_ok(r, &e.finish());
    };
    let rgba = [
        [1.0, 0.0, 0.0, 1.0],
        [0.0, 1.0, 0.0, 1.0],
        [0.0, 0.0, 1.0, 1.0],
    ];
    for (layer, c) in (0..3).zip(rgba) {
        clear_layer(&mut r, layer, c);
    }
    for layer in 0..3 {
        for sample in [0, 3] {
            let px = fetch_array_sample(&mut r, (5, 2), layer, sample);
            assert!(
                px.iter().all(|&p| p == colours[layer as usize]),
                "layer {layer} sample {sample}: {:?}",
                px[0]
            );
        }
    }
    // A write after the first fetches is seen by the next: layer 1
    // cleared to blue.
    clear_layer(&mut r, 1, rgba[2]);
    let px = fetch_array_sample(&mut r, (5, 2), 1, 2);
    assert!(
        px.iter().all(|&p| p == colours[2]),
        "layer 1 after its clear: {:?}",
        px[0]
    );
    // TXQ: 3 layers (blue 3 × 0.25); TXQS: 4 samples (red 4 × 0.25).
    let fs = "FRAG\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], 2D_ARRAY_MSAA, FLOAT\n\
              DCL TEMP[0..1]\nIMM[0] FLT32 {0.25, 1.0, 0.0, 0.0}\nIMM[1] INT32 {0, 0, 0, 0}\n\
              0: TXQS TEMP[0], SAMP[0], 2D_ARRAY_MSAA\n1: TXQ TEMP[1], IMM[1].xxxx, SAMP[0], 2D_ARRAY_MSAA\n\
              2: U2F TEMP[0].x, TEMP[0].xxxx\n3: U2F TEMP[1].z, TEMP[1].zzzz\n\
              4: MUL OUT[0].x, TEMP[0].xxxx, IMM[0].xxxx\n5: MUL OUT[0].z, TEMP[1].zzzz, IMM[0].xxxx\n\
              6: MOV OUT[0].yw, IMM[0].zzzy\n7: END\n";
    for px in draw_with_layers(&mut r, (5, 2), 90, fs) {
        // BGRA: blue 0.75 (191), red 1.0.
        assert_eq!(px, [191, 0, 255, 255]);
    }
    // Each layer resolves by a blit (resource 4: single-sampled).
    target(&mut r, 4, BGRA, 1);
    for layer in 0..3u32 {
        let mut src = whole(W, W);
        src.z = layer as i32;
        assert_eq!(
            run(&mut r, &[blit(5, 4, BGRA, 0xf, src, whole(W, W))]),
            0,
            "{}",
            last_error(&r)
        );
        let img = r.read_resource(ResId(4), 0, 0).unwrap();
        let want = [colours[0], colours[2], colours[2]][layer as usize];
        assert_eq!(img.data[..4], want, "layer {layer} resolved");
    }
    // An array whose layers × samples exceed the device's array layers
    // (its unfolded copy could not be made) is refused at creation.
    let mut deep = info(TextureTarget::TEXTURE_2D_ARRAY, BGRA, W, W);
    deep.array_size = 1024;
    deep.nr_samples = 4;
    assert!(r.create_resource(ResId(6), &deep, None).is_err());
    // Its memory counts twice: the samples and their unfolded copy.
    let used = r.memory_used();
    deep.array_size = 2;
    r.create_resource(ResId(6), &deep, None).unwrap();
    assert_eq!(r.memory_used() - used, 2 * u64::from(W * W * 4 * 4 * 2));
    assert!(gpu().take_uncaptured().is_empty());
}

fn depth_surface_clear(
    res: u32,
    format: Format,
    depth: f64,
    stencil: u32,
) -> Vec<Command<'static>> {
    vec![
        Command::CreateSubCtx(1),
        Command::SetSubCtx(1),
        Command::CreateObject(CreateObject::Surface(Surface {
            handle: 50 + res,
            res,
            format,
            range0: 0,
            range1: 0,
        })),
        Command::SetFramebufferState {
            zsurf: 50 + res,
            cbufs: &[],
        },
        Command::Clear(Clear {
            buffers: clear_bits::DEPTH | clear_bits::STENCIL,
            color: [0; 4],
            depth: guest_protocol::wire::F64Bits(depth.to_bits()),
            stencil,
        }),
    ]
}

#[test]
fn multisampled_depth_and_stencil_resolve_to_one_sample() {
    let mut r = Renderer::new(gpu());
    r.create_context(CTX, "test").unwrap();
    target(&mut r, 3, Format::Z32_FLOAT, 4);
    target(&mut r, 4, Format::Z32_FLOAT, 0);
    let mut cmds = depth_surface_clear(3, Format::Z32_FLOAT, 0.25, 0);
    cmds.push(blit(
        3,
        4,
        Format::Z32_FLOAT,
        0x10,
        whole(W, W),
        whole(W, W),
    ));
    assert_eq!(run(&mut r, &cmds), 0, "{:?}", r.context_errors(CTX));
    let t = whole_level();
    let out = VecBacking::from_vec(vec![0; (W * W * 4) as usize]);
    r.read_into(ResId(4), &t, out.as_ref()).unwrap();
    let bytes = out.snapshot();
    for px in bytes.chunks_exact(4) {
        assert_eq!(f32::from_le_bytes(px.try_into().unwrap()), 0.25);
    }
    // Depth and stencil of a packed format: stencil is written bit by bit,
    // over a previous 0xff (the bits that must become 0 do).
    target(&mut r, 5, Format::Z24_UNORM_S8_UINT, 4);
    target(&mut r, 6, Format::Z24_UNORM_S8_UINT, 0);
    for (depth, stencil) in [(1.0, 0xff), (0.5, 0xa5)] {
        let mut cmds = depth_surface_clear(5, Format::Z24_UNORM_S8_UINT, depth, stencil);
        cmds.push(blit(
            5,
            6,
            Format::Z24_UNORM_S8_UINT,
            0x30,
            whole(W, W),
            whole(W, W),
        ));
        assert_eq!(run(&mut r, &cmds), 0, "{:?}", r.context_errors(CTX));
    }
    // Back into a new multisampled resource (each sample the texel) and
    // out again.
    target(&mut r, 7, Format::Z24_UNORM_S8_UINT, 4);
    target(&mut r, 8, Format::Z24_UNORM_S8_UINT, 0);
    let cmds = [
        blit(
            6,
            7,
            Format::Z24_UNORM_S8_UINT,
            0x30,
            whole(W, W),
            whole(W, W),
        ),
        blit(
            7,
            8,
            Format::Z24_UNORM_S8_UINT,
            0x30,
            whole(W, W),
            whole(W, W),
        ),
    ];
    assert_eq!(run(&mut r, &cmds), 0, "{:?}", r.context_errors(CTX));
    for res in [6, 8] {
        let out = VecBacking::from_vec(vec![0; (W * W * 4) as usize]);
        r.read_into(ResId(res), &t, out.as_ref()).unwrap();
        for px in out.snapshot().chunks_exact(4) {
            let v = u32::from_le_bytes(px.try_into().unwrap());
            assert_eq!(v >> 24, 0xa5, "stencil of {v:#x} in {res}");
            assert!((v & 0xff_ffff).abs_diff(0x80_0000) <= 1, "depth of {v:#x}");
        }
    }
}

#[test]
fn integer_texels_blit_into_and_out_of_multisampled_resources() {
    let mut r = Renderer::new(gpu());
    r.create_context(CTX, "test").unwrap();
    let uint = Format::R8G8B8A8_UINT;
    target(&mut r, 3, uint, 0);
    target(&mut r, 4, uint, 4);
    target(&mut r, 5, uint, 0);
    let pattern: Vec<u8> = (0..W * W * 4).map(|i| (i * 7 % 251) as u8).collect();
    let t = whole_level();
    r.write_from(ResId(3), &t, VecBacking::from_vec(pattern.clone()).as_ref())
        .unwrap();
    let cmds = [
        blit(3, 4, uint, 0xf, whole(W, W), whole(W, W)),
        blit(4, 5, uint, 0xf, whole(W, W), whole(W, W)),
    ];
    assert_eq!(run(&mut r, &cmds), 0, "{:?}", r.context_errors(CTX));
    let out = VecBacking::from_vec(vec![0; (W * W * 4) as usize]);
    r.read_into(ResId(5), &t, out.as_ref()).unwrap();
    assert_eq!(out.snapshot(), pattern);
}

/// The resolved pixel (BGRA) of a full-target draw of half-transparent
/// blue over transparent black into a multisampled target, with alpha to
/// coverage `a2c`, alpha to one `a2one` and sample mask `mask`.
/// The pixel a 4-sample target resolves to after a draw of blue with alpha
/// 0.5 with alpha to coverage, alpha to one, sample `mask` and multisampling
/// on or off.
fn coverage(a2c: bool, a2one: bool, mask: u32, multisample: bool) -> [u8; 4] {
    let mut r = Renderer::new(gpu());
    let mut tri = TRIANGLE;
    for v in 0..3 {
        tri[v * 8 + 4..v * 8 + 8].copy_from_slice(&[0.0, 0.0, 1.0, 0.5]);
    }
    setup(&mut r, CTX, &tri);
    target(&mut r, 3, BGRA, 4);
    let mut stream = draw_stream(&DrawSetup {
        target: 3,
        ..DrawSetup::default()
    });
    let mut rt = [RtBlend::new(); 8];
    rt[0] = rt[0].with_colormask(0xf);
    let cmds = [
        Command::Clear(Clear {
            buffers: clear_bits::color(0),
            color: [0; 4],
            depth: guest_protocol::wire::F64Bits(1.0f64.to_bits()),
            stencil: 0,
        }),
        Command::CreateObject(CreateObject::Blend(Blend {
            handle: 60,
            flags: BlendFlags::new()
                .with_alpha_to_coverage(a2c)
                .with_alpha_to_one(a2one),
            logicop: Default::default(),
            rt,
        })),
        Command::BindObject {
            object_type: ObjectType::BLEND,
            handle: 60,
        },
        Command::CreateObject(CreateObject::Rasterizer(Rasterizer {
            handle: 64,
            flags: RasterizerFlags::new()
                .with_multisample(multisample)
                .with_depth_clip(true)
                .with_half_pixel_center(true),
            point_size: F32Bits::new(1.0),
            sprite_coord_enable: 0,
            stipple: RasterizerStipple::new(),
            line_width: F32Bits::new(1.0),
            offset_units: F32Bits::new(0.0),
            offset_scale: F32Bits::new(0.0),
            offset_clamp: F32Bits::new(0.0),
        })),
        Command::BindObject {
            object_type: ObjectType::RASTERIZER,
            handle: 64,
        },
        Command::SetSampleMask(mask),
        Command::DrawVbo(full_draw()),
        blit(3, 1, BGRA, 0xf, whole(W, W), whole(W, W)),
    ];
    let mut e = Encoder::new();
    for c in &cmds {
        e.push(c).unwrap();
    }
    stream.extend_from_slice(&e.finish());
    submit_ok(&mut r, &stream);
    pixel(&mut r, 7, 7)
}

fn near(v: u8, want: u8) -> bool {
    v.abs_diff(want) <= 2
}

#[test]
fn alpha_to_coverage_alpha_to_one_and_the_sample_mask() {
    // Written unblended: blue 1.0 and alpha 0.5 in every sample.
    let [b, .., a] = coverage(false, false, !0, true);
    assert!(b == 255 && near(a, 128), "{b} {a}");
    // Alpha 0.5 covers half the samples.
    let [b, .., a] = coverage(true, false, !0, true);
    assert!(near(b, 128) && near(a, 64), "alpha to coverage: {b} {a}");
    // One sample in four.
    let [b, .., a] = coverage(false, false, 1, true);
    assert!(near(b, 64) && near(a, 32), "sample mask 1: {b} {a}");
    // Alpha made one in the samples written, after alpha to coverage.
    let [b, .., a] = coverage(false, true, !0, true);
    assert!(b == 255 && a == 255, "alpha to one: {b} {a}");
    let [b, .., a] = coverage(true, true, !0, true);
    assert!(near(b, 128) && near(a, 128), "both: {b} {a}");
}

/// With multisampling off (GL_MULTISAMPLE disabled) GL ignores alpha to
/// coverage, alpha to one and the sample mask: every sample of a covered
/// pixel is written, unchanged.
#[test]
fn multisampling_off_writes_every_sample() {
    for (a2c, a2one, mask) in [(false, false, !0), (true, true, 1), (true, false, 0)] {
        let [b, .., a] = coverage(a2c, a2one, mask, false);
        assert!(
            b == 255 && near(a, 128),
            "a2c {a2c} a2one {a2one} mask {mask}: {b} {a}"
        );
    }
}

#[test]
fn bad_multisample_input_is_refused_without_harm() {
    let mut r = Renderer::new(gpu());
    setup(&mut r, CTX, &TRIANGLE);
    target(&mut r, 3, BGRA, 4);
    target(&mut r, 4, BGRA, 4);
    target(&mut r, 5, BGRA, 0);
    // Transfers of multisampled resources (the guest blits them first).
    let t = whole_level();
    let mem = VecBacking::from_vec(vec![0; (W * W * 4) as usize]);
    assert!(r.write_from(ResId(3), &t, mem.as_ref()).is_err());
    assert!(r.read_into(ResId(3), &t, mem.as_ref()).is_err());
    let half = Box3 {
        w: 8,
        ..whole(W, W)
    };
    let flipped = Box3 {
        x: 16,
        w: -16,
        ..whole(W, W)
    };
    let copy = |src, dst| {
        Command::ResourceCopyRegion(CopyRegion {
            dst_res: dst,
            dst_level: 0,
            dst: [0, 0, 0],
            src_res: src,
            src_level: 0,
            src: half,
        })
    };
    for c in [
        // Scaled and flipped between multisampled resources.
        blit(3, 4, BGRA, 0xf, whole(W, W), half),
        blit(3, 4, BGRA, 0xf, whole(W, W), flipped),
        // Copies between sample counts.
        copy(3, 5),
        copy(5, 3),
    ] {
        assert_eq!(run(&mut r, &[c]), 1, "{c:?}");
    }
    // A part of a multisampled resource copied into another works.
    assert_eq!(run(&mut r, &[copy(3, 4)]), 0, "{:?}", r.context_errors(CTX));
    // Drawing into a multisampled target works; a multisampled view where
    // the shader samples a 2D texture is refused.
    let draw = draw_stream(&DrawSetup {
        target: 3,
        ..DrawSetup::default()
    });
    submit_ok(&mut r, &draw);
    let fs = "FRAG\nDCL IN[0], POSITION, LINEAR\nDCL OUT[0], COLOR\nDCL SAMP[0]\n\
              DCL SVIEW[0], 2D, FLOAT\n0: TEX OUT[0], IN[0], SAMP[0], 2D\n1: END\n";
    let mut e = Encoder::new();
    sampler_view(&mut e, 62, 4, BGRA, (0, 0));
    bind_fragment_view(&mut e, 62);
    shader(&mut e, 63, ShaderStage::FRAGMENT, fs);
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    assert_eq!(r.submit(CTX, &e.finish()).unwrap().errors, 1);
    assert!(
        last_error(&r).contains("sample count"),
        "{}",
        last_error(&r)
    );
    // A shader fetching from a multisampled array with a multisampled 2D
    // view bound: the view's dimension is wrong.
    let fs = "FRAG\nDCL IN[0], POSITION, LINEAR\nDCL OUT[0], COLOR\nDCL SAMP[0]\n\
              DCL SVIEW[0], 2D_ARRAY_MSAA, FLOAT\nDCL TEMP[0]\n0: F2I TEMP[0], IN[0]\n\
              1: TXF OUT[0], TEMP[0], SAMP[0], 2D_ARRAY_MSAA\n2: END\n";
    let mut e = Encoder::new();
    shader(&mut e, 65, ShaderStage::FRAGMENT, fs);
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    assert_eq!(r.submit(CTX, &e.finish()).unwrap().errors, 1);
    let e = last_error(&r);
    assert!(e.contains("wrong dimension"), "{e}");
    // The renderer still draws.
    submit_ok(&mut r, &triangle_stream(true, true, Default::default()));
    assert_eq!(pixel(&mut r, 1, 1), [255, 0, 0, 255]);
}

#[test]
fn caps_advertise_four_samples_and_multisample_textures() {
    let caps = Renderer::new(gpu()).caps_v2();
    assert_eq!(caps.v1.max_samples.get(), 4);
    let bits = caps.v1.bset.get();
    assert_ne!(bits & bset::TEXTURE_MULTISAMPLE, 0);
    // textureSamples (ARB_shader_texture_image_samples): TXQS above.
    assert_ne!(caps.capability_bits.get() & cap::TXQS, 0);
    // Sample shading (below), with glMinSampleShading's samples sent and
    // Vulkan's standard positions (x high nibble, y low, in sixteenths).
    assert_ne!(bits & bset::HAS_SAMPLE_SHADING, 0);
    assert_ne!(caps.capability_bits.get() & cap::SET_MIN_SAMPLES, 0);
    assert_eq!(caps.sample_locations[1].get(), 0xae2a_e662);
    // Below 9 Mesa does not read `supported_multisample_formats`.
    assert!(caps.host_feature_check_version.get() < 9);
}

/// Sample shading: `gl_SamplePosition` shades each sample at its own
/// position, Vulkan's standard 4× positions (y turned round: the draw's
/// window framebuffer runs its rows down), fetched back sample by sample.
#[test]
fn sample_positions_are_shaded_per_sample() {
    let mut r = Renderer::new(gpu());
    setup_half(&mut r);
    target(&mut r, 3, BGRA, 4);
    let draw = draw_stream(&DrawSetup {
        target: 3,
        fs: "FRAG\nDCL SV[0], SAMPLEPOS\nDCL OUT[0], COLOR\nIMM[0] FLT32 {0.0, 1.0, 0.0, 0.0}\n\
             0: MOV OUT[0].xy, SV[0].xyxx\n1: MOV OUT[0].zw, IMM[0].xxxy\n2: END\n",
        ..DrawSetup::default()
    });
    submit_ok(&mut r, &draw);
    let positions = [(6, 2), (14, 6), (2, 10), (10, 14)];
    for (sample, (x, y)) in (0u32..).zip(positions) {
        // Pixel (1, 14) is covered; BGRA: red at byte 2, green at 1.
        let [_, g, red, _] = fetch_sample(&mut r, 3, sample)[W as usize];
        let want = |sixteenths: u32| (sixteenths as f32 / 16.0 * 255.0).round() as i32;
        assert!(
            (i32::from(red) - want(x)).abs() <= 1,
            "sample {sample}: x {red}"
        );
        assert!(
            (i32::from(g) - want(16 - y)).abs() <= 1,
            "sample {sample}: y {g}"
        );
    }
}

#[test]
fn blits_partly_outside_the_source_leave_those_pixels_alone() {
    let mut r = Renderer::new(gpu());
    setup(&mut r, CTX, &TRIANGLE);
    submit_ok(&mut r, &triangle_stream(true, true, Default::default()));
    target(&mut r, 3, BGRA, 4);
    target(&mut r, 4, BGRA, 0);
    // Resource 4: red in the left 8 columns, black in the others.
    let pattern: Vec<u8> = (0..W * W)
        .flat_map(|i| {
            if i % W < 8 {
                [0, 0, 255, 255]
            } else {
                [0, 0, 0, 255]
            }
        })
        .collect();
    let t = whole_level();
    r.write_from(ResId(4), &t, VecBacking::from_vec(pattern).as_ref())
        .unwrap();
    // Into the multisampled resource whole, then back out from 8 columns
    // left of its edge (Mesa leaves multisampled blits unclipped): the
    // first 8 destination columns keep the triangle's blue, the next 8 get
    // the source's red columns.
    let outside = Box3 {
        x: -8,
        ..whole(W, W)
    };
    let cmds = [
        blit(4, 3, BGRA, 0xf, whole(W, W), whole(W, W)),
        blit(3, 1, BGRA, 0xf, outside, whole(W, W)),
    ];
    assert_eq!(run(&mut r, &cmds), 0, "{:?}", r.context_errors(CTX));
    let (blue, red) = ([255, 0, 0, 255], [0, 0, 255, 255]);
    for x in 0..W {
        let want = if x < 8 { blue } else { red };
        assert_eq!(pixel(&mut r, x, 3), want, "column {x}");
    }
    // Scaled by 2 from 4 columns left of the edge: columns 0..8 untouched,
    // 8..16 read source columns 0..4 (red).
    let cmds = [
        Command::Clear(Clear {
            buffers: clear_bits::color(0),
            color: [0.0f32, 1.0, 0.0, 1.0].map(f32::to_bits),
            depth: guest_protocol::wire::F64Bits(1.0f64.to_bits()),
            stencil: 0,
        }),
        blit(
            4,
            1,
            BGRA,
            0xf,
            Box3 {
                x: -4,
                w: 8,
                ..whole(W, W)
            },
            whole(W, W),
        ),
    ];
    assert_eq!(run(&mut r, &cmds), 0, "{:?}", r.context_errors(CTX));
    for x in 0..W {
        let want = if x < 8 { [0, 255, 0, 255] } else { red };
        assert_eq!(pixel(&mut r, x, 3), want, "column {x}");
    }
}
