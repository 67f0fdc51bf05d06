//! Texture views (ARB_texture_view, OES_texture_view) through the renderer:
//! sampler views with a target, layers and a format of their own that
//! reinterpret the texture's texels, surfaces that render through a view
//! in another format, and the zeros a new texture holds.

mod draw_setup;

use draw_setup::*;
use guest_protocol::virgl::bits::{ViewFormat, ViewSwizzle};
use guest_protocol::virgl::enums::{ShaderStage, TextureTarget};
use guest_protocol::virgl::{Box3, Command, CreateObject, Encoder, Format, SamplerView};
use host_renderer::{CtxId, Renderer, ResId, TransferBox, VecBacking};

const CTX: CtxId = CtxId(1);
/// The viewed texture.
const TEX: u32 = 5;

/// Level 0, layer `layer` of a W×W texture of 4-byte texels.
fn layer_box(layer: u32) -> TransferBox {
    TransferBox {
        level: 0,
        region: Box3 {
            x: 0,
            y: 0,
            z: layer as i32,
            w: W as i32,
            h: W as i32,
            d: 1,
        },
        stride: W * 4,
        layer_stride: W * W * 4,
        offset: 0,
    }
}

/// A renderer with the render target and vertex buffer of `draw_setup`,
/// and texture [`TEX`]: `layers` layers of W×W `format` (a 2D array when
/// more than one), layer `i` filled with the texel `texels[i]`.
fn with_texture(format: Format, texels: &[[u8; 4]]) -> Renderer {
    let mut r = Renderer::new(gpu());
    setup(&mut r, CTX, &TRIANGLE);
    let target = if texels.len() > 1 {
        TextureTarget::TEXTURE_2D_ARRAY
    } else {
        TextureTarget::TEXTURE_2D
    };
    let mut i = info(target, format, W, W);
    i.array_size = texels.len() as u32;
    r.create_resource(ResId(TEX), &i, None).unwrap();
    r.attach_resource(CTX, ResId(TEX)).unwrap();
    for (layer, texel) in texels.iter().enumerate() {
        let bytes = texel.repeat((W * W) as usize);
        r.write_from(
            ResId(TEX),
            &layer_box(layer as u32),
            VecBacking::from_vec(bytes).as_ref(),
        )
        .unwrap();
    }
    r
}

/// Draws the whole target with a fragment shader writing the texel (0, 0)
/// that `TXF` reads through sampler view 41 (`target`, layer `layer`, in
/// `format`) of [`TEX`]; returns pixel (8, 8) (BGRA).
fn fetch_through_view(
    r: &mut Renderer,
    format: Format,
    target: TextureTarget,
    layer: u32,
) -> [u8; 4] {
    let stream = draw_stream(&DrawSetup::default());
    let stats = r.submit(CTX, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    let mut e = Encoder::new();
    e.push(&Command::CreateObject(CreateObject::SamplerView(
        SamplerView {
            handle: 41,
            res: TEX,
            format: ViewFormat::new()
                .with_format(format.0)
                .with_target(target.0 as u8),
            range0: layer | (layer << 16),
            range1: 0,
            swizzle: ViewSwizzle::from_bits(0o3210),
        },
    )))
    .unwrap();
    bind_fragment_view(&mut e, 41);
    let text = "FRAG\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], 2D, FLOAT\nDCL TEMP[0]\n\
                IMM[0] INT32 {0, 0, 0, 0}\n\
                TXF TEMP[0], IMM[0], SAMP[0], 2D\nMOV OUT[0], TEMP[0]\nEND\n";
    shader(&mut e, 16, ShaderStage::FRAGMENT, text);
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    pixel(r, 8, 8)
}

/// 1.0 as an R32_FLOAT texel.
const ONE_F32: [u8; 4] = [0x00, 0x00, 0x80, 0x3f];

#[test]
fn a_2d_view_of_one_layer_reads_its_texels_in_the_views_format() {
    // Layer 1 of an RGBA8 array holds 1.0f's bytes; a 2D R32_FLOAT view of
    // that layer reads 1.0 in red (R001). Read as RGBA8 the same bytes
    // would be (0, 0, 0.5, 0.25).
    let mut r = with_texture(Format::R8G8B8A8_UNORM, &[[0; 4], ONE_F32, [9; 4]]);
    let px = fetch_through_view(&mut r, Format::R32_FLOAT, TextureTarget::TEXTURE_2D, 1);
    assert_eq!(px, [0, 0, 255, 255]);
    // Layer 0 through the same kind of view: 0.0.
    let px = fetch_through_view(&mut r, Format::R32_FLOAT, TextureTarget::TEXTURE_2D, 0);
    assert_eq!(px, [0, 0, 0, 255]);
    // The texture's own format still reads the bytes as RGBA8.
    let px = fetch_through_view(&mut r, Format::R8G8B8A8_UNORM, TextureTarget::TEXTURE_2D, 1);
    assert_eq!(px, [128, 0, 0, 63]);
}

#[test]
fn signed_and_integer_views_of_an_unorm_texture() {
    // 0xff as SNORM is -1/127 → clamped to 0 when written to UNORM; 0x7f is
    // 1.0. The R8G8B8A8_SNORM view reads (1, -1/127, 0, 1).
    let mut r = with_texture(Format::R8G8B8A8_UNORM, &[[0x7f, 0xff, 0x00, 0x7f]]);
    let px = fetch_through_view(&mut r, Format::R8G8B8A8_SNORM, TextureTarget::TEXTURE_2D, 0);
    assert_eq!(px, [0, 0, 255, 255]);
}

#[test]
fn a_surface_in_another_format_of_the_class_writes_its_bits() {
    // Clearing an R32_UINT surface of an RGBA8 texture stores the integer's
    // bytes, little-endian, in the texture.
    let mut r = with_texture(Format::R8G8B8A8_UNORM, &[[1, 2, 3, 4]]);
    let mut e = Encoder::new();
    e.push(&Command::CreateSubCtx(1)).unwrap();
    e.push(&Command::SetSubCtx(1)).unwrap();
    clear_target(&mut e, TEX, Format::R32_UINT, 0, [0x1122_3344, 0, 0, 0]);
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    let img = r.read_resource(ResId(TEX), 0, 0).unwrap();
    assert_eq!(&img.data[..4], &[0x44, 0x33, 0x22, 0x11]);
    assert!(img.data.chunks(4).all(|t| t == [0x44, 0x33, 0x22, 0x11]));
}

#[test]
fn new_reinterpretable_textures_hold_zeros() {
    // Created through wgpu-hal, which clears nothing: every level and layer
    // is zeroed before the guest can read it.
    let mut r = Renderer::new(gpu());
    r.create_context(CTX, "test").unwrap();
    let mut i = info(
        TextureTarget::TEXTURE_2D_ARRAY,
        Format::R8G8B8A8_UNORM,
        64,
        64,
    );
    i.array_size = 3;
    i.last_level = 6;
    r.create_resource(ResId(TEX), &i, None).unwrap();
    for (level, layer) in [(0, 0), (0, 2), (3, 1), (6, 2)] {
        assert_zeros(&mut r, TEX, level, layer);
    }
    // Larger than one band of zeros (16 MiB a layer), and a 3D texture's
    // slices.
    let mut big = info(
        TextureTarget::TEXTURE_2D_ARRAY,
        Format::R8G8B8A8_UNORM,
        2048,
        2048,
    );
    big.array_size = 2;
    r.create_resource(ResId(6), &big, None).unwrap();
    assert_eq!(assert_zeros(&mut r, 6, 0, 1), 2048 * 2048 * 4);
    let mut volume = info(TextureTarget::TEXTURE_3D, Format::R32_FLOAT, 64, 64);
    volume.depth = 8;
    r.create_resource(ResId(7), &volume, None).unwrap();
    assert_zeros(&mut r, 7, 0, 7);
}

/// Asserts that `level`, `layer` of resource `id` reads as zeros; returns
/// its byte count.
fn assert_zeros(r: &mut Renderer, id: u32, level: u32, layer: u32) -> usize {
    let img = r.read_resource(ResId(id), level, layer).unwrap();
    assert!(!img.data.is_empty());
    assert!(
        img.data.iter().all(|&b| b == 0),
        "resource {id} level {level} layer {layer}"
    );
    img.data.len()
}

#[test]
fn views_outside_the_class_read_the_textures_own_format() {
    // A 16-bit R8G8 view of a 32-bit texture is no texture view GL allows:
    // the view reads the texture's own format, and nothing fails.
    let mut r = with_texture(Format::R8G8B8A8_UNORM, &[[255, 0, 0, 255]]);
    let px = fetch_through_view(&mut r, Format::R8G8_UNORM, TextureTarget::TEXTURE_2D, 0);
    assert_eq!(px, [0, 0, 255, 255]);
    // A depth format never reinterprets a colour texture either.
    let px = fetch_through_view(&mut r, Format::Z32_FLOAT, TextureTarget::TEXTURE_2D, 0);
    assert_eq!(px, [0, 0, 255, 255]);
}
