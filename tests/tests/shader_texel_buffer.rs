//! Texture buffers (`SVIEW[0], BUFFER`) executed on the real Vulkan device:
//! `TXF` decodes each texel format GL's texture buffer table needs from
//! the bound bytes, reads 0 outside the view, and `TXQ` returns the
//! element count from the driver uniforms. Expected values are written
//! out by hand from the bytes bound.
//!
//! GPU tests (named `gpu_*`): they need a Vulkan adapter (lavapipe).

mod shader_gpu;

use shader_gpu::{tr, Draw, V};
use shader_translate::{Options, TexelFormat, TexelKind};

const PASS_VS: &str = "VERT\nDCL IN[0]\nDCL OUT[0], POSITION\n  0: MOV OUT[0], IN[0]\n  1: END\n";

/// Runs `op` (writing `TEMP[3]` from `TEMP[0]`) once per pixel, pixel `k`
/// reading `coords[k]` into `TEMP[0]`, with unit 0 a `BUFFER` view of
/// `bytes` holding `count` texels of `format`; returns each pixel's lanes.
fn fetch(
    op: &str,
    ret: &str,
    format: TexelFormat,
    bytes: &[u8],
    count: u32,
    coords: &[i32],
) -> Vec<V> {
    let vs = tr(PASS_VS, &Options::default());
    let text = format!(
        "FRAG\nDCL IN[0], POSITION, LINEAR\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], BUFFER, {ret}\n\
         DCL CONST[0..7]\nDCL TEMP[0..3]\nDCL ADDR[0]\nARL ADDR[0].x, IN[0].xxxx\n\
         MOV TEMP[0], CONST[ADDR[0].x]\n{op}\nMOV OUT[0], TEMP[3]\nEND\n"
    );
    let mut options = Options::default();
    options.samplers[0].buffer = Some(format);
    let fs = tr(&text, &options);
    assert_eq!(fs.interface.texel_buffers.len(), 1);
    assert!(fs.interface.textures.is_empty());
    let mut draw = Draw::new(&vs, &fs, coords.len() as u32, 1);
    let constants = coords.iter().map(|&c| [c as u32, 0, 0, 0]).collect();
    draw.fs_res.constants.insert(0, constants);
    draw.fs_res.texel_buffers.insert(0, bytes.to_vec());
    draw.fs_res.driver.texel_buffer_sizes[0] = count;
    draw.run().remove(0)
}

fn txf(ret: &str, format: TexelFormat, bytes: &[u8], count: u32, coords: &[i32]) -> Vec<V> {
    fetch(
        "TXF TEMP[3], TEMP[0], SAMP[0], BUFFER",
        ret,
        format,
        bytes,
        count,
        coords,
    )
}

const fn fmt(channels: u8, bits: u8, kind: TexelKind) -> TexelFormat {
    TexelFormat {
        channels,
        bits,
        kind,
    }
}

fn floats(got: &[V]) -> Vec<[f32; 4]> {
    got.iter().map(|v| v.map(f32::from_bits)).collect()
}

fn close(got: &[V], want: &[[f32; 4]], what: &str) {
    let got = floats(got);
    assert_eq!(got.len(), want.len(), "{what}");
    for (k, (g, w)) in got.iter().zip(want).enumerate() {
        assert!(
            g.iter().zip(w).all(|(a, b)| (a - b).abs() < 1e-4),
            "{what} texel {k}: got {g:?}, want {w:?}"
        );
    }
}

fn ints(v: &[[i32; 4]]) -> Vec<V> {
    v.iter().map(|t| t.map(|x| x as u32)).collect()
}

#[test]
fn gpu_texel_buffer_normalized_formats() {
    // R8 UNORM: 4 texels, fetched at 1, 3, 0, past the end and below 0.
    let got = txf(
        "FLOAT",
        fmt(1, 8, TexelKind::Unorm),
        &[0, 51, 255, 102],
        4,
        &[1, 3, 0, 4, -1],
    );
    close(
        &got,
        &[
            [0.2, 0.0, 0.0, 1.0],
            [0.4, 0.0, 0.0, 1.0],
            [0.0, 0.0, 0.0, 1.0],
            [0.0; 4],
            [0.0; 4],
        ],
        "R8_UNORM",
    );
    // RG8 SNORM: -128 clamps to -1; 3 texels of 2 bytes (the third word half used).
    let got = txf(
        "FLOAT",
        fmt(2, 8, TexelKind::Snorm),
        &[127, 0x81, 0x80, 0, 0x40, 0xc0],
        3,
        &[0, 1, 2],
    );
    close(
        &got,
        &[
            [1.0, -1.0, 0.0, 1.0],
            [-1.0, 0.0, 0.0, 1.0],
            [64.0 / 127.0, -64.0 / 127.0, 0.0, 1.0],
        ],
        "RG8_SNORM",
    );
    // RGBA8 UNORM.
    let got = txf(
        "FLOAT",
        fmt(4, 8, TexelKind::Unorm),
        &[255, 0, 51, 102, 0, 255, 255, 0],
        2,
        &[1, 0],
    );
    close(
        &got,
        &[[0.0, 1.0, 1.0, 0.0], [1.0, 0.0, 0.2, 0.4]],
        "RGBA8_UNORM",
    );
    // RGBA16 UNORM and R16 SNORM: texel 1 starts mid-word for R16.
    let got = txf(
        "FLOAT",
        fmt(4, 16, TexelKind::Unorm),
        &[0xff, 0xff, 0, 0, 0x33, 0x33, 0x66, 0x66],
        1,
        &[0],
    );
    close(&got, &[[1.0, 0.0, 0.2, 0.4]], "RGBA16_UNORM");
    let got = txf(
        "FLOAT",
        fmt(1, 16, TexelKind::Snorm),
        &[0xff, 0x7f, 0x01, 0x80, 0, 0],
        3,
        &[0, 1, 2],
    );
    close(
        &got,
        &[
            [1.0, 0.0, 0.0, 1.0],
            [-1.0, 0.0, 0.0, 1.0],
            [0.0, 0.0, 0.0, 1.0],
        ],
        "R16_SNORM",
    );
}

#[test]
fn gpu_texel_buffer_float_formats() {
    // RG16 FLOAT: 1.0 = 0x3c00, -2.0 = 0xc000, 0.5 = 0x3800, 65504 = 0x7bff.
    let got = txf(
        "FLOAT",
        fmt(2, 16, TexelKind::Float),
        &[0x00, 0x3c, 0x00, 0xc0, 0x00, 0x38, 0xff, 0x7b],
        2,
        &[1, 0, 2],
    );
    close(
        &got,
        &[[0.5, 65504.0, 0.0, 1.0], [1.0, -2.0, 0.0, 1.0], [0.0; 4]],
        "RG16_FLOAT",
    );
    // RGB32 FLOAT (12-byte texels) and R32 FLOAT.
    let values = [1.5f32, -2.0, 3.25, 4.0, 5.5, -6.75];
    let bytes: Vec<u8> = values.iter().flat_map(|v| v.to_le_bytes()).collect();
    let got = txf("FLOAT", fmt(3, 32, TexelKind::Float), &bytes, 2, &[1, 0, 2]);
    close(
        &got,
        &[[4.0, 5.5, -6.75, 1.0], [1.5, -2.0, 3.25, 1.0], [0.0; 4]],
        "RGB32_FLOAT",
    );
    let got = txf("FLOAT", fmt(1, 32, TexelKind::Float), &bytes, 6, &[5, 2]);
    close(
        &got,
        &[[-6.75, 0.0, 0.0, 1.0], [3.25, 0.0, 0.0, 1.0]],
        "R32_FLOAT",
    );
    // RGBA32 FLOAT, the format of a unit with no format given.
    let got = txf("FLOAT", TexelFormat::RGBA32_FLOAT, &bytes[..16], 1, &[0, 1]);
    close(&got, &[[1.5, -2.0, 3.25, 4.0], [0.0; 4]], "RGBA32_FLOAT");
}

#[test]
fn gpu_texel_buffer_integer_formats() {
    // RGBA8 UINT, 1 filled into alpha of smaller formats.
    let got = txf(
        "UINT",
        fmt(4, 8, TexelKind::Uint),
        &[1, 2, 3, 250, 9, 8, 7, 6],
        2,
        &[1, 0, 2],
    );
    assert_eq!(got, vec![[9, 8, 7, 6], [1, 2, 3, 250], [0; 4]]);
    // R8 SINT: sign extended.
    let got = txf(
        "SINT",
        fmt(1, 8, TexelKind::Sint),
        &[0xff, 0x80, 5],
        3,
        &[0, 1, 2],
    );
    assert_eq!(got, ints(&[[-1, 0, 0, 1], [-128, 0, 0, 1], [5, 0, 0, 1]]));
    // RG16 SINT and R16 UINT.
    let got = txf(
        "SINT",
        fmt(2, 16, TexelKind::Sint),
        &[0x00, 0x80, 0xff, 0x7f],
        1,
        &[0],
    );
    assert_eq!(got, ints(&[[-32768, 32767, 0, 1]]));
    let got = txf(
        "UINT",
        fmt(1, 16, TexelKind::Uint),
        &[0x34, 0x12, 0xff, 0xff],
        2,
        &[1, 0],
    );
    assert_eq!(got, vec![[0xffff, 0, 0, 1], [0x1234, 0, 0, 1]]);
    // RGB32 UINT and RGBA32 SINT.
    let words = [7u32, 0xffff_fffe, 3, 4, 5, 6, 7, 8];
    let bytes: Vec<u8> = words.iter().flat_map(|v| v.to_le_bytes()).collect();
    let got = txf("UINT", fmt(3, 32, TexelKind::Uint), &bytes, 2, &[0, 1]);
    assert_eq!(got, vec![[7, 0xffff_fffe, 3, 1], [4, 5, 6, 1]]);
    let got = txf("SINT", fmt(4, 32, TexelKind::Sint), &bytes, 2, &[0, -5, 2]);
    assert_eq!(got, vec![[7, 0xffff_fffe, 3, 4], [0; 4], [0; 4]]);
}

#[test]
fn gpu_texel_buffer_size_query() {
    let got = fetch(
        "TXQ TEMP[3], TEMP[0], SAMP[0], BUFFER",
        "FLOAT",
        fmt(1, 8, TexelKind::Unorm),
        &[0; 8],
        7,
        &[0],
    );
    assert_eq!(got, vec![[7, 0, 0, 0]]);
}

#[test]
fn texel_buffer_units_cannot_be_textures_too() {
    let text = "FRAG\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], BUFFER, FLOAT\nDCL TEMP[0]\n\
                IMM[0] INT32 {0, 0, 0, 0}\nTXF TEMP[0], IMM[0], SAMP[0], BUFFER\n\
                TEX TEMP[0], TEMP[0], SAMP[0], 2D\nMOV OUT[0], TEMP[0]\nEND\n";
    let err = shader_translate::translate(text, &Options::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("both"), "{err}");
    let sample = "FRAG\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], BUFFER, FLOAT\nDCL TEMP[0]\n\
                  IMM[0] FLT32 {0.0, 0.0, 0.0, 0.0}\nTEX TEMP[0], IMM[0], SAMP[0], BUFFER\n\
                  MOV OUT[0], TEMP[0]\nEND\n";
    let err = shader_translate::translate(sample, &Options::default())
        .err()
        .map(|e| e.to_string())
        .unwrap_or_default();
    assert!(err.contains("BUFFER"), "{err}");
}
