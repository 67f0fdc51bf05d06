//! Transfers on the real device (lavapipe in CI): every format the host
//! advertises round-trips byte for byte through the guest layout, for 2D,
//! mipmapped, array, cube, 3D and 1D-array resources, with sub-boxes and
//! explicit strides; buffers round-trip at unaligned offsets; hostile boxes
//! are rejected without touching wgpu.

use guest_protocol::virgl::enums::TextureTarget;
use guest_protocol::virgl::{Box3, Format};
use host_renderer::internals::format::{self, Conversion};
use host_renderer::internals::layout::{guest_level, guest_size};
use host_renderer::{Gpu, Renderer, ResId, ResourceInfo, TransferBox, VecBacking};
use std::sync::Arc;

fn gpu() -> Arc<Gpu> {
    Gpu::new().expect("a Vulkan adapter (lavapipe) is needed for GPU tests")
}

fn pattern(len: usize, seed: u32) -> Vec<u8> {
    let mut x = seed.wrapping_mul(2_654_435_761).wrapping_add(1);
    (0..len)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 17;
            x ^= x << 5;
            (x >> 8) as u8
        })
        .collect()
}

fn info(
    target: TextureTarget,
    format: Format,
    w: u32,
    h: u32,
    d: u32,
    layers: u32,
    last_level: u32,
) -> ResourceInfo {
    ResourceInfo {
        target,
        format,
        bind: 0,
        width: w,
        height: h,
        depth: d,
        array_size: layers,
        last_level,
        nr_samples: 0,
    }
}

/// Fills the whole backing, uploads every level, clears the backing, downloads
/// every level and compares.
fn round_trip(r: &mut Renderer, id: u32, info: &ResourceInfo) -> Result<(), String> {
    let desc = format::lookup(info.format).unwrap();
    let size = guest_size(info, desc) as usize;
    let mut data = pattern(size, id);
    if let Conversion::Pad3 { .. } = desc.conv {
        // nothing to mask: the fourth component is not part of the guest layout
    }
    if desc.host == wgpu::TextureFormat::Depth16Unorm || desc.host == wgpu::TextureFormat::Stencil8
    {
        // any bit pattern is a valid value
    }
    let backing = VecBacking::from_vec(data.clone());
    r.create_resource(ResId(id), info, Some(backing.clone()))
        .map_err(|e| e.to_string())?;
    for level in 0..=info.last_level {
        let (w, h, _) = info.level_extent(level);
        let slices = info.slices(level);
        let (box_h, box_d) = if info.target == TextureTarget::TEXTURE_1D_ARRAY {
            (slices, 1)
        } else {
            (h, slices)
        };
        let t = TransferBox {
            level,
            region: Box3 {
                x: 0,
                y: 0,
                z: 0,
                w: w as i32,
                h: box_h as i32,
                d: box_d as i32,
            },
            stride: 0,
            layer_stride: 0,
            offset: guest_level(info, desc, level).offset,
        };
        r.transfer_in(ResId(id), &t)
            .map_err(|e| format!("in level {level}: {e}"))?;
    }
    backing.with(|b| b.fill(0));
    for level in 0..=info.last_level {
        let (w, h, _) = info.level_extent(level);
        let slices = info.slices(level);
        let (box_h, box_d) = if info.target == TextureTarget::TEXTURE_1D_ARRAY {
            (slices, 1)
        } else {
            (h, slices)
        };
        let t = TransferBox {
            level,
            region: Box3 {
                x: 0,
                y: 0,
                z: 0,
                w: w as i32,
                h: box_h as i32,
                d: box_d as i32,
            },
            stride: 0,
            layer_stride: 0,
            offset: guest_level(info, desc, level).offset,
        };
        r.transfer_out(ResId(id), &t)
            .map_err(|e| format!("out level {level}: {e}"))?;
    }
    let back = backing.snapshot();
    data.truncate(back.len());
    if back != data {
        let first = back.iter().zip(&data).position(|(a, b)| a != b).unwrap();
        return Err(format!(
            "mismatch at byte {first}: got {:02x?} want {:02x?}",
            &back[first..(first + 8).min(back.len())],
            &data[first..(first + 8).min(data.len())]
        ));
    }
    r.unref_resource(ResId(id)).unwrap();
    Ok(())
}

#[test]
fn every_advertised_format_round_trips() {
    let gpu = gpu();
    let mut r = Renderer::new(gpu.clone());
    let mut tested = 0;
    let mut failures = Vec::new();
    for (i, desc) in format::TABLE.iter().enumerate() {
        let s = gpu.format_support(desc.virgl);
        if !(s.sample || s.render || s.depth) {
            continue;
        }
        let exact = matches!(desc.conv, Conversion::Same | Conversion::Pad3 { .. })
            && (!desc.is_depth_stencil()
                || matches!(
                    desc.host,
                    wgpu::TextureFormat::Depth16Unorm | wgpu::TextureFormat::Stencil8
                ));
        if !exact {
            continue;
        }
        let (bw, _) = desc.block_dims();
        let shapes = [
            info(
                TextureTarget::TEXTURE_2D,
                desc.virgl,
                8 * bw,
                4 * bw,
                1,
                1,
                2,
            ),
            info(
                TextureTarget::TEXTURE_2D_ARRAY,
                desc.virgl,
                4 * bw,
                4 * bw,
                1,
                3,
                0,
            ),
        ];
        for (j, shape) in shapes.iter().enumerate() {
            if desc.is_depth_stencil() && j > 0 {
                continue;
            }
            let id = (i * 10 + j + 1) as u32;
            if let Err(e) = round_trip(&mut r, id, shape) {
                failures.push(format!("{:?} {:?}: {e}", desc.virgl, shape.target));
            }
            tested += 1;
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(tested > 40, "only {tested} formats tested");
}

#[test]
fn targets_round_trip() {
    let mut r = Renderer::new(gpu());
    let f = Format::R8G8B8A8_UNORM;
    let shapes = [
        info(TextureTarget::TEXTURE_1D, f, 16, 1, 1, 1, 4),
        info(TextureTarget::TEXTURE_1D_ARRAY, f, 16, 1, 1, 5, 1),
        info(TextureTarget::RECT, f, 7, 5, 1, 1, 0),
        info(TextureTarget::CUBE, f, 8, 8, 1, 6, 3),
        info(TextureTarget::TEXTURE_3D, f, 8, 4, 4, 1, 2),
        info(
            TextureTarget::TEXTURE_2D,
            Format::R8G8B8_UNORM,
            5,
            3,
            1,
            1,
            1,
        ),
        info(
            TextureTarget::TEXTURE_2D,
            Format::B8G8R8X8_UNORM,
            300,
            300,
            1,
            1,
            0,
        ),
    ];
    for (i, s) in shapes.iter().enumerate() {
        round_trip(&mut r, 100 + i as u32, s).unwrap_or_else(|e| panic!("{:?}: {e}", s.target));
    }
}

#[test]
fn sub_box_with_stride_lands_in_place() {
    let mut r = Renderer::new(gpu());
    let i = info(
        TextureTarget::TEXTURE_2D,
        Format::B8G8R8A8_UNORM,
        16,
        8,
        1,
        1,
        0,
    );
    let backing = VecBacking::zeroed(16 * 8 * 4);
    r.create_resource(ResId(1), &i, Some(backing.clone()))
        .unwrap();
    // Upload a 3x2 box at (5, 4) from a separate memory with stride 20.
    let src: Vec<u8> = (0..40u8).collect();
    let t = TransferBox {
        level: 0,
        region: Box3 {
            x: 5,
            y: 4,
            z: 0,
            w: 3,
            h: 2,
            d: 1,
        },
        stride: 20,
        layer_stride: 0,
        offset: 0,
    };
    r.write_from(ResId(1), &t, VecBacking::from_vec(src.clone()).as_ref())
        .unwrap();
    let img = r.read_resource(ResId(1), 0, 0).unwrap();
    assert_eq!(img.stride, 64);
    for row in 0..2usize {
        let at = (4 + row) * 64 + 5 * 4;
        assert_eq!(&img.data[at..at + 12], &src[row * 20..row * 20 + 12]);
    }
    assert!(img.data[..4 * 64].iter().all(|&b| b == 0));
}

#[test]
fn buffers_round_trip_unaligned() {
    let mut r = Renderer::new(gpu());
    let i = info(TextureTarget::BUFFER, Format::R8_UNORM, 1001, 1, 1, 1, 0);
    let backing = VecBacking::zeroed(1001);
    r.create_resource(ResId(7), &i, Some(backing.clone()))
        .unwrap();
    let data = pattern(1001, 3);
    backing.with(|b| b.copy_from_slice(&data));
    let t = TransferBox {
        level: 0,
        region: Box3 {
            x: 3,
            y: 0,
            z: 0,
            w: 998,
            h: 1,
            d: 1,
        },
        stride: 0,
        layer_stride: 0,
        offset: 3,
    };
    r.transfer_in(ResId(7), &t).unwrap();
    backing.with(|b| b.fill(0));
    r.transfer_out(ResId(7), &t).unwrap();
    let back = backing.snapshot();
    assert_eq!(&back[3..], &data[3..]);
    assert_eq!(&back[..3], &[0, 0, 0]);
}

#[test]
fn hostile_transfers_are_rejected() {
    let mut r = Renderer::new(gpu());
    let i = info(
        TextureTarget::TEXTURE_2D,
        Format::R8G8B8A8_UNORM,
        16,
        16,
        1,
        1,
        1,
    );
    let backing = VecBacking::zeroed(100);
    r.create_resource(ResId(1), &i, Some(backing)).unwrap();
    let ok = Box3 {
        x: 0,
        y: 0,
        z: 0,
        w: 4,
        h: 4,
        d: 1,
    };
    let cases = [
        (0, Box3 { x: 15, w: 2, ..ok }, 0, 0u64),
        (
            0,
            Box3 {
                x: i32::MAX,
                w: i32::MAX,
                ..ok
            },
            0,
            0,
        ),
        (0, Box3 { h: -1, ..ok }, 0, 0),
        (5, ok, 0, 0),
        (0, ok, 0, 90), // runs past the 100-byte backing
        (0, ok, 0, u64::MAX),
        (0, ok, 3, 0), // stride smaller than a row
    ];
    for (level, region, stride, offset) in cases {
        let t = TransferBox {
            level,
            region,
            stride,
            layer_stride: 0,
            offset,
        };
        assert!(r.transfer_in(ResId(1), &t).is_err(), "{t:?}");
        assert!(r.transfer_out(ResId(1), &t).is_err(), "{t:?}");
    }
    assert!(r
        .transfer_in(
            ResId(2),
            &TransferBox {
                level: 0,
                region: ok,
                stride: 0,
                layer_stride: 0,
                offset: 0
            }
        )
        .is_err());
    // Bad creates.
    let bad = [
        info(TextureTarget::TEXTURE_2D, Format(73), 4, 4, 1, 1, 0),
        info(
            TextureTarget::TEXTURE_2D,
            Format::R8G8B8A8_UNORM,
            0,
            4,
            1,
            1,
            0,
        ),
        info(
            TextureTarget::TEXTURE_2D,
            Format::R8G8B8A8_UNORM,
            4,
            4,
            1,
            1,
            7,
        ),
        info(TextureTarget(42), Format::R8G8B8A8_UNORM, 4, 4, 1, 1, 0),
        info(
            TextureTarget::TEXTURE_2D,
            Format::R8G8B8A8_UNORM,
            1 << 30,
            4,
            1,
            1,
            0,
        ),
        info(
            TextureTarget::BUFFER,
            Format::R8_UNORM,
            u32::MAX,
            1,
            1,
            1,
            0,
        ),
    ];
    for (k, b) in bad.iter().enumerate() {
        assert!(
            r.create_resource(ResId(50 + k as u32), b, None).is_err(),
            "{b:?}"
        );
    }
    assert!(r.gpu().take_uncaptured().is_empty());
}

/// Depth data goes up through the shader path and comes back packed: exact
/// for float and 24-bit depth, within f32 precision for Z32_UNORM.
#[test]
fn depth_formats_round_trip() {
    let gpu = gpu();
    let mut r = Renderer::new(gpu.clone());
    let cases = [
        (Format::Z32_FLOAT, 0u64),
        (Format::Z24X8_UNORM, 0),
        (Format::Z24_UNORM_S8_UINT, 0),
        (Format::S8_UINT_Z24_UNORM, 0),
        (Format::Z32_FLOAT_S8X24_UINT, 0),
        (Format::Z16_UNORM, 0),
        (Format::Z32_UNORM, 256),
    ];
    for (n, (f, tolerance)) in cases.into_iter().enumerate() {
        if !gpu.format_support(f).depth {
            continue;
        }
        let desc = format::lookup(f).unwrap();
        let i = info(TextureTarget::TEXTURE_2D, f, 8, 4, 1, 1, 1);
        let size = guest_size(&i, desc) as usize;
        let mut data = pattern(size, n as u32 + 7);
        // Valid values only: floats in [0, 1], X bits zero.
        let bs = desc.guest_block_bytes() as usize;
        for t in data.chunks_exact_mut(bs) {
            match f {
                Format::Z32_FLOAT | Format::Z32_FLOAT_S8X24_UINT => {
                    let v = u32::from_le_bytes(t[..4].try_into().unwrap()) as f32 / u32::MAX as f32;
                    t[..4].copy_from_slice(&v.to_le_bytes());
                    if bs == 8 {
                        t[5..].fill(0);
                    }
                }
                Format::Z24X8_UNORM => t[3] = 0,
                _ => {}
            }
        }
        let id = ResId(300 + n as u32);
        let backing = VecBacking::from_vec(data.clone());
        r.create_resource(id, &i, Some(backing.clone())).unwrap();
        for level in 0..=1 {
            let (w, h, _) = i.level_extent(level);
            let t = TransferBox {
                level,
                region: Box3 {
                    x: 0,
                    y: 0,
                    z: 0,
                    w: w as i32,
                    h: h as i32,
                    d: 1,
                },
                stride: 0,
                layer_stride: 0,
                offset: guest_level(&i, desc, level).offset,
            };
            r.transfer_in(id, &t)
                .unwrap_or_else(|e| panic!("{f:?} in: {e}"));
        }
        backing.with(|b| b.fill(0));
        for level in 0..=1 {
            let (w, h, _) = i.level_extent(level);
            let t = TransferBox {
                level,
                region: Box3 {
                    x: 0,
                    y: 0,
                    z: 0,
                    w: w as i32,
                    h: h as i32,
                    d: 1,
                },
                stride: 0,
                layer_stride: 0,
                offset: guest_level(&i, desc, level).offset,
            };
            r.transfer_out(id, &t)
                .unwrap_or_else(|e| panic!("{f:?} out: {e}"));
        }
        let back = backing.snapshot();
        for (k, (a, b)) in back.chunks_exact(4).zip(data.chunks_exact(4)).enumerate() {
            let (a, b) = (
                u32::from_le_bytes(a.try_into().unwrap()),
                u32::from_le_bytes(b.try_into().unwrap()),
            );
            assert!(
                u64::from(a.abs_diff(b)) <= tolerance,
                "{f:?} dword {k}: {a:#x} vs {b:#x}"
            );
        }
    }
    assert!(r.gpu().take_uncaptured().is_empty());
}

#[test]
fn memory_quota_is_enforced() {
    let mut r = Renderer::new(gpu());
    r.set_memory_quota(1 << 20);
    let big = info(
        TextureTarget::TEXTURE_2D,
        Format::R8G8B8A8_UNORM,
        1024,
        1024,
        1,
        1,
        0,
    );
    assert!(r.create_resource(ResId(1), &big, None).is_err());
    let small = info(
        TextureTarget::TEXTURE_2D,
        Format::R8G8B8A8_UNORM,
        512,
        512,
        1,
        1,
        0,
    );
    r.create_resource(ResId(2), &small, None).unwrap();
    assert_eq!(r.memory_used(), 512 * 512 * 4);
    assert!(
        r.create_resource(ResId(3), &small, None).is_err(),
        "quota full"
    );
    r.unref_resource(ResId(2)).unwrap();
    assert_eq!(r.memory_used(), 0);
    r.create_resource(ResId(3), &small, None).unwrap();
}
