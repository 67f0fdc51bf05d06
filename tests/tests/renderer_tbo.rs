//! Texture buffers through the renderer: sampler views of buffer
//! resources (a range of elements of a texture buffer format) read by
//! `TXF`/`TXQ` on the `BUFFER` target, and the views that must be refused
//! (past the buffer, bad formats, reversed ranges) without a panic.

mod draw_setup;

use draw_setup::*;
use guest_protocol::virgl::enums::ShaderStage;
use guest_protocol::virgl::{Command, Encoder, Format};
use host_renderer::{CtxId, Renderer, ResId};

/// Buffer 3: one word of padding, then three RGBA8 texels.
const TEXELS: [u8; 16] = [
    9, 9, 9, 9, //
    51, 102, 153, 204, //
    255, 0, 0, 255, //
    0, 255, 0, 255,
];

/// Draws the full target with the fragment shader body `body` (TEMP[0..1]
/// free, `IMM[0]` = ints (0, 1, 2, 0), `IMM[1]` = floats 0.4) reading unit
/// 0, a view of buffer 3 in `format` with elements `range0..=range1`.
/// Returns pixel (8, 8) (BGRA) and the errors of the view's creation and
/// of the draw.
fn tbo_pixel(format: Format, range0: u32, range1: u32, body: &str) -> ([u8; 4], u64, u64) {
    tbo_pixel_with(None, &TEXELS, (format, range0, range1), body)
}

/// [`tbo_pixel`] with buffer 3 holding `bytes`, drawn under the logic op
/// `logic_op` when given (the raw Vulkan path, whose descriptors bind the
/// texels too).
fn tbo_pixel_with(
    logic_op: Option<u8>,
    bytes: &[u8],
    (format, range0, range1): (Format, u32, u32),
    body: &str,
) -> ([u8; 4], u64, u64) {
    let mut r = Renderer::new(gpu());
    let ctx = CtxId(1);
    setup(&mut r, ctx, &TRIANGLE);
    buffer_with(&mut r, ctx, ResId(3), bytes.to_vec());
    let stream = draw_stream(&DrawSetup {
        logic_op,
        ..DrawSetup::default()
    });
    let stats = r.submit(ctx, &stream).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(ctx));
    let mut e = Encoder::new();
    sampler_view(&mut e, 41, 3, format, (range0, range1));
    let view_errors = r.submit(ctx, e.as_bytes()).unwrap().errors;
    let mut e = Encoder::new();
    bind_fragment_view(&mut e, 41);
    let text = format!(
        "FRAG\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], BUFFER, FLOAT\nDCL TEMP[0..1]\n\
         IMM[0] INT32 {{0, 1, 2, 0}}\nIMM[1] FLT32 {{0.4, 0.4, 0.4, 0.4}}\n{body}\nEND\n"
    );
    shader(&mut e, 16, ShaderStage::FRAGMENT, &text);
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    let draw_errors = r.submit(ctx, e.as_bytes()).unwrap().errors;
    (pixel(&mut r, 8, 8), view_errors, draw_errors)
}

const FETCH_0: &str = "TXF TEMP[0], IMM[0].xxxx, SAMP[0], BUFFER\nMOV OUT[0], TEMP[0]";
const FETCH_1: &str = "TXF TEMP[0], IMM[0].yyyy, SAMP[0], BUFFER\nMOV OUT[0], TEMP[0]";
const FETCH_2: &str = "TXF TEMP[0], IMM[0].zzzz, SAMP[0], BUFFER\nMOV OUT[0], TEMP[0]";

#[test]
fn texture_buffers_fetch_their_range_of_a_buffer() {
    // Elements 1..=2 of RGBA8: element 0 of the view is the buffer's texel 1.
    let rgba = Format::R8G8B8A8_UNORM;
    assert_eq!(tbo_pixel(rgba, 1, 2, FETCH_0), ([153, 102, 51, 204], 0, 0));
    assert_eq!(tbo_pixel(rgba, 1, 2, FETCH_1), ([0, 0, 255, 255], 0, 0));
    // Past the view's last element (inside the buffer): zeros.
    assert_eq!(tbo_pixel(rgba, 1, 2, FETCH_2), ([0, 0, 0, 0], 0, 0));
    // The whole buffer: element 3 is green.
    let last = "TXF TEMP[0], IMM[0].yyyy, SAMP[0], BUFFER\nADD TEMP[1], TEMP[0], TEMP[0]\nMOV OUT[0], TEMP[0]";
    assert_eq!(tbo_pixel(rgba, 2, 3, last), ([0, 255, 0, 255], 0, 0));
    // R8: byte 5 of the buffer (element 1 of a view from byte 4).
    assert_eq!(
        tbo_pixel(Format::R8_UNORM, 4, 15, FETCH_1),
        ([0, 0, 102, 255], 0, 0)
    );
}

#[test]
fn texture_buffers_bind_on_the_raw_path() {
    // PIPE_LOGICOP_OR over the set-up draw's opaque blue: drawn through
    // the raw Vulkan path, the texels OR blue (BGRA).
    const OR: Option<u8> = Some(14);
    let rgba = Format::R8G8B8A8_UNORM;
    assert_eq!(
        tbo_pixel_with(OR, &TEXELS, (rgba, 1, 2), FETCH_0),
        ([255, 102, 51, 255], 0, 0)
    );
    assert_eq!(
        tbo_pixel_with(OR, &TEXELS, (rgba, 1, 2), FETCH_1),
        ([255, 0, 255, 255], 0, 0)
    );
}

#[test]
fn texture_buffer_size_is_the_views_element_count() {
    // TXQ = 2 elements, times 0.4: 0.8 in red (204).
    let size = "TXQ TEMP[0], IMM[0].xxxx, SAMP[0], BUFFER\nU2F TEMP[1], TEMP[0]\n\
                MUL OUT[0], TEMP[1], IMM[1]";
    assert_eq!(
        tbo_pixel(Format::R8G8B8A8_UNORM, 1, 2, size),
        ([0, 0, 204, 0], 0, 0)
    );
    // A view longer than max_tbo_size (65536) holds that many (GL clamps):
    // R8 views of 65537, 65536 and 65535 texels: (size − 65535) / 4 in
    // red; the first clamped to 65536 (64, not 128).
    let big = "IMM[2] FLT32 {-65535.0, 0.0, 0.0, 1.0}\nIMM[3] FLT32 {0.25, 0.0, 0.0, 1.0}\n\
               TXQ TEMP[0], IMM[0].xxxx, SAMP[0], BUFFER\nU2F TEMP[1], TEMP[0]\n\
               ADD TEMP[1], TEMP[1], IMM[2]\nMUL OUT[0], TEMP[1], IMM[3]";
    let bytes = vec![0u8; 65540];
    for (last, red) in [(65536, 64), (65535, 64), (65534, 0)] {
        assert_eq!(
            tbo_pixel_with(None, &bytes, (Format::R8_UNORM, 0, last), big),
            ([0, 0, red, 255], 0, 0),
            "{last}"
        );
    }
    // An empty view (last element just before the first) holds none.
    assert_eq!(
        tbo_pixel(Format::R8G8B8A8_UNORM, 1, 0, size),
        ([0, 0, 0, 0], 0, 0)
    );
}

#[test]
fn bad_texture_buffer_views_are_refused() {
    let rgba = Format::R8G8B8A8_UNORM;
    // Past the buffer's end (4 texels of 4 bytes: elements 0..=3).
    let (_, view, draw) = tbo_pixel(rgba, 1, 4, FETCH_0);
    assert!(view > 0 && draw > 0, "{view} {draw}");
    let (_, view, _) = tbo_pixel(rgba, u32::MAX, u32::MAX, FETCH_0);
    assert!(view > 0);
    // Reversed ranges.
    let (_, view, _) = tbo_pixel(rgba, 3, 1, FETCH_0);
    assert!(view > 0);
    // Formats outside the texture buffer table.
    for format in [
        Format::B8G8R8A8_UNORM,
        Format::Z24_UNORM_S8_UINT,
        Format::R10G10B10A2_UNORM,
    ] {
        let (_, view, _) = tbo_pixel(format, 0, 0, FETCH_0);
        assert!(view > 0, "{format:?}");
    }
    // Mesa's view of an empty buffer (last element −1) is empty, not
    // refused: it fetches zeros.
    assert_eq!(tbo_pixel(rgba, 0, u32::MAX, FETCH_0), ([0, 0, 0, 0], 0, 0));
}

#[test]
fn texture_units_and_texture_buffer_units_do_not_mix() {
    // A 2D lookup of a unit holding a buffer view is a draw error.
    let tex = "DCL SVIEW[1], 2D, FLOAT\nIMM[2] FLT32 {0.5, 0.5, 0.0, 0.0}\n\
               TEX TEMP[0], IMM[2], SAMP[0], 2D\nMOV OUT[0], TEMP[0]";
    let (_, view, draw) = tbo_pixel(Format::R8G8B8A8_UNORM, 0, 3, tex);
    assert_eq!(view, 0);
    assert!(draw > 0);
}
