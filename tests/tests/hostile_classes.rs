//! One regression test per class of bug the reference host renderer
//! (virglrenderer) has had CVEs for, each a crafted command stream or
//! renderer request on the real device. Each asserts the specific error the
//! renderer reports (or that it renders safely), that no wgpu error escaped
//! to the uncaptured handler, and that the context still renders afterwards.

mod draw_setup;

use draw_setup::*;
use guest_protocol::le::Le32;
use guest_protocol::virgl::bits::{QueryKind, ViewFormat, ViewSwizzle};
use guest_protocol::virgl::enums::{
    bind, clear_bits, CullFace, QueryType, ShaderStage, TextureTarget, TransferDirection,
};
use guest_protocol::virgl::{
    Box3, Clear, Command, CreateObject, DrawVbo, Encoder, Format, IndexBuffer, InlineWrite,
    ObjectType, Query, SamplerView, StageSlots, Surface, Transfer3d,
};
use guest_protocol::wire::{Dwords, F64Bits};
use host_renderer::error::{CommandError, CreateResourceError, DrawError, TransferError};
use host_renderer::{CtxId, Renderer, ResId, ResourceInfo, TransferBox, VecBacking};

const CTX: CtxId = CtxId(1);
/// A 16×16 target only [`Guest::still_renders`] uses.
const CANARY: ResId = ResId(9);

/// A renderer with one context holding the draw_setup resources (target 1,
/// vertex buffer 2) and a canary target.
struct Guest {
    r: Renderer,
}

impl Guest {
    fn new() -> Self {
        let mut r = Renderer::new(gpu());
        setup(&mut r, CTX, &TRIANGLE);
        r.create_resource(CANARY, &target_info(), None).unwrap();
        r.attach_resource(CTX, CANARY).unwrap();
        Self { r }
    }

    /// Submits `e`; returns the errors its commands recorded, in order.
    fn run(&mut self, e: &Encoder) -> Vec<CommandError> {
        let before = self.r.context_errors(CTX).unwrap().0.len();
        self.r
            .submit(CTX, e.as_bytes())
            .expect("the stream decodes");
        let (list, _) = self.r.context_errors(CTX).unwrap();
        list.iter().skip(before).map(|e| e.error.clone()).collect()
    }

    /// Runs one command; returns its error, if any.
    fn one(&mut self, cmd: &Command<'_>) -> Option<CommandError> {
        let mut e = Encoder::new();
        e.push(cmd).unwrap();
        let mut errors = self.run(&e);
        assert!(errors.len() <= 1, "{errors:?}");
        errors.pop()
    }

    /// The context still clears and reads back a target exactly, and no wgpu
    /// error escaped.
    fn still_renders(&mut self) {
        let mut e = Encoder::new();
        e.push(&Command::CreateSubCtx(7)).unwrap();
        e.push(&Command::SetSubCtx(7)).unwrap();
        e.push(&surface(0xcafe, CANARY.0)).unwrap();
        e.push(&Command::SetFramebufferState {
            zsurf: 0,
            cbufs: &[Le32::new(0xcafe)],
        })
        .unwrap();
        e.push(&clear([0.0, 1.0, 0.0, 1.0])).unwrap();
        e.push(&Command::SetSubCtx(0)).unwrap();
        e.push(&Command::DestroySubCtx(7)).unwrap();
        let errors = self.run(&e);
        assert!(errors.is_empty(), "{errors:?}");
        let img = self.r.read_resource(CANARY, 0, 0).unwrap();
        assert!(
            img.data.chunks_exact(4).all(|px| px == [0, 255, 0, 255]),
            "canary not green"
        );
        let uncaptured = self.r.gpu().take_uncaptured();
        assert!(uncaptured.is_empty(), "{uncaptured:?}");
    }
}

fn target_info() -> ResourceInfo {
    ResourceInfo {
        bind: bind::RENDER_TARGET | bind::SAMPLER_VIEW,
        ..info(TextureTarget::TEXTURE_2D, Format::B8G8R8A8_UNORM, W, W)
    }
}

fn surface(handle: u32, res: u32) -> Command<'static> {
    Command::CreateObject(CreateObject::Surface(Surface {
        handle,
        res,
        format: Format::B8G8R8A8_UNORM,
        range0: 0,
        range1: 0,
    }))
}

fn clear(rgba: [f32; 4]) -> Command<'static> {
    Command::Clear(Clear {
        buffers: clear_bits::color(0),
        color: rgba.map(f32::to_bits),
        depth: F64Bits(1.0f64.to_bits()),
        stencil: 0,
    })
}

fn region(x: i32, y: i32, z: i32, w: i32, h: i32, d: i32) -> Box3 {
    Box3 { x, y, z, w, h, d }
}

fn tbox(level: u32, region: Box3, stride: u32, offset: u64) -> TransferBox {
    TransferBox {
        level,
        region,
        stride,
        layer_stride: 0,
        offset,
    }
}

fn create_err(r: &mut Renderer, id: u32, info: &ResourceInfo) -> CreateResourceError {
    let before = r.memory_used();
    let Err(e) = r.create_resource(ResId(id), info, None) else {
        panic!("{info:?} was accepted");
    };
    assert_eq!(r.memory_used(), before, "nothing allocated for {info:?}");
    assert!(r.resource_info(ResId(id)).is_none());
    e
}

fn is_bad_box(e: &TransferError) -> bool {
    matches!(e, TransferError::BadBox { .. })
}

/// CVE class: out-of-bounds read/write in transfers (transfer boxes,
/// strides and offsets past the resource or the guest memory).
#[test]
fn transfer_boxes_and_strides_past_the_resource() {
    let mut g = Guest::new();
    let mem = VecBacking::zeroed((W * W * 4) as usize);
    let full = region(0, 0, 0, W as i32, W as i32, 1);
    // The box leaves the level, by origin, size or i32 wrap-around.
    for b in [
        region(1, 0, 0, W as i32, 1, 1),
        region(0, W as i32, 0, 1, 1, 1),
        region(-1, 0, 0, 2, 1, 1),
        region(i32::MAX, 0, 0, i32::MAX, 1, 1),
        region(0, 0, 0, -4, 1, 1),
        region(0, 0, 1, 1, 1, 1),
        region(0, 0, 0, 1, 1, i32::MAX),
    ] {
        let e =
            g.r.write_from(ResId(1), &tbox(0, b, 0, 0), &*mem)
                .unwrap_err();
        assert!(is_bad_box(&e), "{b:?}: {e}");
        let e =
            g.r.read_into(ResId(1), &tbox(0, b, 0, 0), &*mem)
                .unwrap_err();
        assert!(is_bad_box(&e), "{b:?}: {e}");
    }
    // A stride below a row, and strides/offsets that leave the guest memory.
    let e =
        g.r.read_into(ResId(1), &tbox(0, full, 4, 0), &*mem)
            .unwrap_err();
    assert!(
        matches!(e, TransferError::BadStride { stride: 4, row: 64 }),
        "{e}"
    );
    for (stride, offset) in [(u32::MAX, 0), (64, 1), (64, u64::MAX), (1 << 20, 0)] {
        let e =
            g.r.read_into(ResId(1), &tbox(0, full, stride, offset), &*mem)
                .unwrap_err();
        assert!(
            matches!(e, TransferError::Backing(_)),
            "{stride} {offset}: {e}"
        );
    }
    // Past the end of a buffer resource (96 bytes).
    let e =
        g.r.write_from(ResId(2), &tbox(0, region(64, 0, 0, 64, 1, 1), 0, 0), &*mem)
            .unwrap_err();
    assert!(is_bad_box(&e), "{e}");
    // The same inside a command stream: TRANSFER3D and an inline write whose
    // box is bigger than its data.
    let e = g.one(&Command::Transfer3d(Transfer3d {
        res: 1,
        level: 0,
        usage: 0,
        stride: 0,
        layer_stride: 0,
        region: region(8, 8, 0, 9, 9, 1),
        offset: 0,
        direction: TransferDirection::FROM_HOST,
    }));
    assert!(
        matches!(
            e,
            Some(CommandError::Transfer(TransferError::BadBox { .. }))
        ) || matches!(e, Some(CommandError::Transfer(TransferError::NoBacking(_)))),
        "{e:?}"
    );
    let data = [0u8; 16];
    let e = g.one(&Command::ResourceInlineWrite(InlineWrite {
        res: 1,
        level: 0,
        usage: 0,
        stride: 0,
        layer_stride: 0,
        region: region(0, 0, 0, W as i32, W as i32, 1),
        data: Dwords::new(&data).unwrap(),
    }));
    assert!(
        matches!(e, Some(CommandError::Transfer(TransferError::Backing(_)))),
        "{e:?}"
    );
    g.still_renders();
}

/// CVE class: integer overflow in resource sizes (width×height×depth×bpp
/// that overflows, or asks for more memory than exists).
#[test]
fn overflowing_sizes_allocate_nothing() {
    let mut g = Guest::new();
    let huge = |target, format, w, h, d, layers| ResourceInfo {
        depth: d,
        array_size: layers,
        ..info(target, format, w, h)
    };
    for (i, ri) in [
        huge(
            TextureTarget::TEXTURE_3D,
            Format::R32G32B32A32_FLOAT,
            1 << 16,
            1 << 16,
            1 << 16,
            1,
        ),
        huge(
            TextureTarget::TEXTURE_3D,
            Format::B8G8R8A8_UNORM,
            2048,
            2048,
            2048,
            1,
        ),
        huge(
            TextureTarget::TEXTURE_2D_ARRAY,
            Format::R32G32B32A32_FLOAT,
            8192,
            8192,
            1,
            2048,
        ),
        huge(
            TextureTarget::TEXTURE_2D,
            Format::B8G8R8A8_UNORM,
            u32::MAX,
            u32::MAX,
            1,
            1,
        ),
        huge(TextureTarget::BUFFER, Format::R8_UNORM, u32::MAX, 1, 1, 1),
    ]
    .iter()
    .enumerate()
    {
        let e = create_err(&mut g.r, 100 + i as u32, ri);
        assert!(
            matches!(
                e,
                CreateResourceError::BadSize { .. } | CreateResourceError::Quota { .. }
            ),
            "{ri:?}: {e}"
        );
    }
    // A quota smaller than one resource refuses it before allocating.
    g.r.set_memory_quota(g.r.memory_used() + 1023);
    let e = create_err(&mut g.r, 110, &target_info());
    assert!(
        matches!(e, CreateResourceError::Quota { bytes: 1024, .. }),
        "{e}"
    );
    g.r.set_memory_quota(u64::MAX);
    g.still_renders();
}

/// CVE class: zero and absurd resource sizes (division by zero, huge
/// allocations).
#[test]
fn zero_and_absurd_sizes_are_refused() {
    let mut g = Guest::new();
    let base = target_info();
    for (what, ri) in [
        ("width", ResourceInfo { width: 0, ..base }),
        ("height", ResourceInfo { height: 0, ..base }),
        (
            "width",
            ResourceInfo {
                width: 1 << 20,
                ..base
            },
        ),
        (
            "depth",
            ResourceInfo {
                target: TextureTarget::TEXTURE_3D,
                depth: 0,
                ..base
            },
        ),
        (
            "array size",
            ResourceInfo {
                target: TextureTarget::TEXTURE_2D_ARRAY,
                array_size: 1 << 20,
                ..base
            },
        ),
    ] {
        match create_err(&mut g.r, 100, &ri) {
            CreateResourceError::BadSize { what: w, .. } => assert_eq!(w, what, "{ri:?}"),
            e => panic!("{ri:?}: {e}"),
        }
    }
    let e = create_err(
        &mut g.r,
        100,
        &ResourceInfo {
            nr_samples: 1 << 30,
            ..base
        },
    );
    assert!(matches!(e, CreateResourceError::Multisample(_)), "{e}");
    let e = create_err(&mut g.r, 0, &base);
    assert_eq!(e, CreateResourceError::ZeroId);
    let before = g.r.memory_used();
    let e = g.r.create_resource(ResId(1), &base, None).unwrap_err();
    assert_eq!(e, CreateResourceError::Exists(ResId(1)));
    assert_eq!(g.r.memory_used(), before);
    // A zero-sized box moves nothing and is refused.
    let mem = VecBacking::zeroed(64);
    let e =
        g.r.read_into(ResId(1), &tbox(0, region(0, 0, 0, 0, 1, 1), 0, 0), &*mem)
            .unwrap_err();
    assert!(is_bad_box(&e), "{e}");
    g.still_renders();
}

/// CVE class: out-of-bounds level/layer indices (negative or huge mip
/// levels and array layers in resources, transfers, surfaces, views).
#[test]
fn huge_levels_and_layers_are_refused() {
    let mut g = Guest::new();
    for last_level in [5, 31, u32::MAX] {
        let ri = ResourceInfo {
            last_level,
            ..target_info()
        };
        match create_err(&mut g.r, 100, &ri) {
            CreateResourceError::BadSize { what, .. } => assert_eq!(what, "mip levels"),
            e => panic!("{last_level}: {e}"),
        }
    }
    let mem = VecBacking::zeroed(64);
    for level in [1, u32::MAX] {
        let e =
            g.r.read_into(
                ResId(1),
                &tbox(level, region(0, 0, 0, 1, 1, 1), 0, 0),
                &*mem,
            )
            .unwrap_err();
        assert!(matches!(e, TransferError::BadLevel { last: 0, .. }), "{e}");
    }
    let e =
        g.r.read_into(ResId(1), &tbox(0, region(0, 0, -1, 1, 1, 1), 0, 0), &*mem)
            .unwrap_err();
    assert!(is_bad_box(&e), "{e}");
    // A surface of level 99 / layers 7..9 of a one-layer texture, a sampler
    // view of levels past the last.
    for (range0, range1) in [(99, 0), (0, 7 | 9 << 16), (0, u32::MAX)] {
        let e = g.one(&Command::CreateObject(CreateObject::Surface(Surface {
            handle: 50,
            res: 1,
            format: Format::B8G8R8A8_UNORM,
            range0,
            range1,
        })));
        assert!(matches!(e, Some(CommandError::OutOfRange { .. })), "{e:?}");
    }
    let e = g.one(&sampler_view(51, 1, 0, 99 << 8 | 99));
    assert!(matches!(e, Some(CommandError::OutOfRange { .. })), "{e:?}");
    g.still_renders();
}

fn sampler_view(handle: u32, res: u32, range0: u32, range1: u32) -> Command<'static> {
    Command::CreateObject(CreateObject::SamplerView(SamplerView {
        handle,
        res,
        format: ViewFormat::new().with_format(Format::B8G8R8A8_UNORM.0),
        range0,
        range1,
        swizzle: ViewSwizzle::from_bits(0b101_100_011_010_001_000 & 0o3210),
    }))
}

/// CVE class: use after free (objects destroyed while bound, then used by
/// a draw or clear; destroyed sub-contexts).
#[test]
fn objects_destroyed_while_bound_then_used() {
    let mut g = Guest::new();
    let draw = triangle_stream(true, true, CullFace::NONE);
    g.r.submit(CTX, &draw).unwrap();
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    // Blend 11, rasterizer 12, vertex elements 13, shaders 14/15 and the
    // framebuffer's surface 10 are all bound: destroy every one.
    for (object_type, handle) in [
        (ObjectType::BLEND, 11),
        (ObjectType::RASTERIZER, 12),
        (ObjectType::VERTEX_ELEMENTS, 13),
        (ObjectType::SHADER, 14),
        (ObjectType::SHADER, 15),
        (ObjectType::SURFACE, 10),
    ] {
        e.push(&Command::DestroyObject {
            object_type,
            handle,
        })
        .unwrap();
    }
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    e.push(&clear([0.0, 0.0, 1.0, 1.0])).unwrap();
    // Binding a destroyed handle is an error naming it.
    e.push(&Command::BindObject {
        object_type: ObjectType::BLEND,
        handle: 11,
    })
    .unwrap();
    let errors = g.run(&e);
    assert!(
        errors.contains(&CommandError::NoObject {
            what: "blend",
            handle: 11
        }),
        "{errors:?}"
    );
    // The bound state keeps what it needs alive (Arc): the draw and the
    // clear either ran on it or were refused; nothing freed was touched.
    assert!(errors.len() <= 3, "{errors:?}");
    // A destroyed sub-context cannot be used.
    let e = g.one(&Command::DestroySubCtx(1));
    assert_eq!(e, None);
    // Switching to it is ignored, as the reference does: the current
    // sub-context stays 0, which never had the destroyed one's objects.
    assert_eq!(g.one(&Command::SetSubCtx(1)), None);
    assert_eq!(
        g.one(&Command::BindObject {
            object_type: ObjectType::RASTERIZER,
            handle: 12
        }),
        Some(CommandError::NoObject {
            what: "rasterizer",
            handle: 12
        })
    );
    g.still_renders();
}

/// CVE class: type confusion (one handle reused for objects of other
/// types; every lookup checks the type, shaders their stage).
#[test]
fn handle_reuse_across_types() {
    let mut g = Guest::new();
    g.r.submit(CTX, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    // Handle 11 (a blend) rebound as a rasterizer, a DSA, vertex elements.
    for object_type in [
        ObjectType::RASTERIZER,
        ObjectType::DSA,
        ObjectType::VERTEX_ELEMENTS,
    ] {
        e.push(&Command::BindObject {
            object_type,
            handle: 11,
        })
        .unwrap();
    }
    // Handle 11 replaced by a surface, then bound as a blend and as a
    // sampler view; the surface used as a framebuffer works.
    e.push(&surface(11, 1)).unwrap();
    e.push(&Command::BindObject {
        object_type: ObjectType::BLEND,
        handle: 11,
    })
    .unwrap();
    e.push(&Command::SetSamplerViews(StageSlots {
        stage: ShaderStage::FRAGMENT,
        start_slot: 0,
        handles: &[Le32::new(11)],
    }))
    .unwrap();
    // Shader 14 (vertex) bound as the fragment shader.
    e.push(&Command::BindShader {
        handle: 14,
        stage: ShaderStage::FRAGMENT,
    })
    .unwrap();
    let errors = g.run(&e);
    assert_eq!(errors.len(), 6, "{errors:?}");
    for err in &errors {
        assert!(
            matches!(
                err,
                CommandError::NoObject {
                    handle: 11 | 14,
                    ..
                }
            ),
            "{err}"
        );
    }
    g.still_renders();
}

/// CVE class: NULL dereference / use after free of resources (surfaces and
/// views of resources the guest already unreferenced).
#[test]
fn surfaces_of_deleted_resources() {
    let mut g = Guest::new();
    let id = ResId(30);
    g.r.create_resource(id, &target_info(), None).unwrap();
    g.r.attach_resource(CTX, id).unwrap();
    let before = g.r.memory_used();
    let mut e = Encoder::new();
    e.push(&surface(40, id.0)).unwrap();
    e.push(&Command::SetFramebufferState {
        zsurf: 0,
        cbufs: &[Le32::new(40)],
    })
    .unwrap();
    assert!(g.run(&e).is_empty());
    g.r.unref_resource(id).unwrap();
    assert!(g.r.memory_used() < before, "the quota got the memory back");
    // The bound surface still clears safely (it holds the texture alive);
    // a new surface or view of the resource is refused.
    assert_eq!(g.one(&clear([1.0, 0.0, 0.0, 1.0])), None);
    assert_eq!(
        g.one(&surface(41, id.0)),
        Some(CommandError::NoResource(id.0))
    );
    assert_eq!(
        g.one(&sampler_view(42, id.0, 0, 0)),
        Some(CommandError::NoResource(id.0))
    );
    let mem = VecBacking::zeroed(64);
    let e =
        g.r.read_into(id, &tbox(0, region(0, 0, 0, 1, 1, 1), 0, 0), &*mem)
            .unwrap_err();
    assert_eq!(e, TransferError::NoResource(id));
    g.still_renders();
}

/// CVE class: read/write hazards on one resource (bound as its own
/// sampler view and render target in one draw, a feedback loop).
/// Binds a view (60) of resource `res` to the fragment shader's unit 0,
/// a fragment shader (61) that samples it, and draws the full triangle.
fn sample_and_draw(e: &mut Encoder, res: u32) {
    e.push(&sampler_view(60, res, 0, 0)).unwrap();
    e.push(&Command::SetSamplerViews(StageSlots {
        stage: ShaderStage::FRAGMENT,
        start_slot: 0,
        handles: &[Le32::new(60)],
    }))
    .unwrap();
    shader(
        e,
        61,
        ShaderStage::FRAGMENT,
        "FRAG\nDCL IN[0], GENERIC[0], PERSPECTIVE\nDCL OUT[0], COLOR\nDCL SAMP[0]\nDCL SVIEW[0], 2D, FLOAT\n  0: TEX OUT[0], IN[0], SAMP[0], 2D\n  1: END\n",
    );
    e.push(&Command::DrawVbo(full_draw())).unwrap();
}

#[test]
fn resource_bound_as_its_own_sampler_and_render_target() {
    let mut g = Guest::new();
    g.r.submit(CTX, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    sample_and_draw(&mut e, 1);
    let errors = g.run(&e);
    // A feedback loop: refused by pv3d itself, the draw alone (WebGPU
    // would refuse the whole pass, and with it the context's other work).
    assert!(
        matches!(
            errors.as_slice(),
            [CommandError::Draw(DrawError::FeedbackLoop(0))]
        ),
        "{errors:?}"
    );
    // Logged on one line that says what failed.
    for r in g.r.context_errors(CTX).unwrap().0 {
        let line = r.to_string();
        assert!(!line.contains('\n'), "{line}");
    }
    g.still_renders();
}

/// A block-compressed texture whose level 0 is not whole blocks (GL allows
/// 257×257 DXT1; WebGPU creates none) is refused at creation with that
/// reason, allocating nothing.
#[test]
fn compressed_textures_of_partial_blocks_are_refused_with_their_reason() {
    let mut g = Guest::new();
    let i = info(TextureTarget::TEXTURE_2D, Format::DXT1_RGB, 257, 256);
    let e = create_err(&mut g.r, 70, &i);
    assert!(
        matches!(
            e,
            CreateResourceError::PartialBlocks {
                width: 257,
                height: 256,
                block_width: 4,
                block_height: 4
            }
        ),
        "{e:?}"
    );
    assert!(e.to_string().contains("257x256"), "{e}");
    let whole = info(TextureTarget::TEXTURE_2D, Format::DXT1_RGB, 256, 256);
    g.r.create_resource(ResId(71), &whole, None).unwrap();
    g.still_renders();
}

/// Rendering to one level of a texture while sampling another is no
/// feedback loop (GL's way of building mip chains by drawing): it draws.
#[test]
fn a_draw_samples_one_level_and_renders_another() {
    let mut g = Guest::new();
    g.r.submit(CTX, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    let chain = ResId(5);
    let info = ResourceInfo {
        last_level: 1,
        ..target_info()
    };
    g.r.create_resource(chain, &info, None).unwrap();
    g.r.attach_resource(CTX, chain).unwrap();
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    clear_target(
        &mut e,
        chain.0,
        Format::B8G8R8A8_UNORM,
        0,
        [1.0f32, 0.0, 0.0, 1.0].map(f32::to_bits),
    );
    // Level 1 rendered, level 0 (only) sampled.
    e.push(&Command::CreateObject(CreateObject::Surface(Surface {
        handle: 62,
        res: chain.0,
        format: Format::B8G8R8A8_UNORM,
        range0: 1,
        range1: 0,
    })))
    .unwrap();
    e.push(&Command::SetFramebufferState {
        zsurf: 0,
        cbufs: &[Le32::new(62)],
    })
    .unwrap();
    sample_and_draw(&mut e, chain.0);
    let errors = g.run(&e);
    assert!(errors.is_empty(), "{errors:?}");
    let img = g.r.read_resource(chain, 1, 0).unwrap();
    assert_eq!((img.width, img.height), (W / 2, W / 2));
    // BGRA bytes of red, in every texel of level 1.
    for px in img.data.chunks_exact(4).take((W / 2 * W / 2) as usize) {
        assert_eq!(px, [0, 0, 255, 255]);
    }
    g.still_renders();
}

/// CVE class: TGSI parser and translator overflows (temps, instructions,
/// nesting, immediates, register indices past every limit).
#[test]
fn huge_tgsi_is_refused() {
    let mut g = Guest::new();
    let body = |lines: &mut String| lines.push_str("  0: END\n");
    let mut cases = Vec::new();
    let mut temps = "FRAG\nDCL TEMP[0..99999]\n".to_owned();
    body(&mut temps);
    cases.push(("temps", temps));
    let mut many = "FRAG\n".to_owned();
    for _ in 0..20_000 {
        many.push_str("NOP\n");
    }
    many.push_str("END\n");
    cases.push(("instructions", many));
    let mut nest = "FRAG\nDCL TEMP[0]\n".to_owned();
    for _ in 0..100 {
        nest.push_str("UIF TEMP[0].xxxx\n");
    }
    for _ in 0..100 {
        nest.push_str("ENDIF\n");
    }
    nest.push_str("END\n");
    cases.push(("nesting", nest));
    let mut imms = "FRAG\n".to_owned();
    for _ in 0..5000 {
        imms.push_str("IMM[0] FLT32 { 1.0, 2.0, 3.0, 4.0 }\n");
    }
    body(&mut imms);
    cases.push(("immediates", imms));
    let mut index = "FRAG\nDCL TEMP[0]\nDCL OUT[0], COLOR\n".to_owned();
    index.push_str("  0: MOV OUT[0], TEMP[4294967295]\n  1: END\n");
    cases.push(("index", index));
    // Shaders are translated when a draw first needs them.
    g.r.submit(CTX, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    for (i, (what, text)) in cases.iter().enumerate() {
        let mut e = Encoder::new();
        e.push(&Command::SetSubCtx(1)).unwrap();
        shader(&mut e, 200 + i as u32, ShaderStage::FRAGMENT, text);
        e.push(&Command::DrawVbo(full_draw())).unwrap();
        let errors = g.run(&e);
        assert!(
            matches!(errors.as_slice(), [CommandError::Shader { .. }]),
            "{what}: {errors:?}"
        );
    }
    g.still_renders();
}

/// CVE class: invalid formats and targets (out-of-table format lookups,
/// formats and targets that do not fit the bind or do not exist).
#[test]
fn invalid_formats_and_targets_for_a_bind() {
    let mut g = Guest::new();
    let base = target_info();
    let e = create_err(
        &mut g.r,
        100,
        &ResourceInfo {
            format: Format(9999),
            ..base
        },
    );
    assert_eq!(e, CreateResourceError::UnsupportedFormat(Format(9999)));
    let e = create_err(
        &mut g.r,
        100,
        &ResourceInfo {
            target: TextureTarget(77),
            ..base
        },
    );
    assert_eq!(e, CreateResourceError::BadTarget(77));
    // A surface of a buffer, a surface with an unknown format, a vertex
    // buffer and an index buffer that are textures.
    assert!(matches!(
        g.one(&surface(70, 2)),
        Some(CommandError::WrongResource { res: 2, .. })
    ));
    // A surface format that is unknown or does not fit the texture falls
    // back to the texture's own format (the view can only reinterpret
    // sRGB-ness), so it renders safely.
    let e = g.one(&Command::CreateObject(CreateObject::Surface(Surface {
        handle: 71,
        res: 1,
        format: Format(9999),
        range0: 0,
        range1: 0,
    })));
    assert_eq!(e, None);
    g.r.submit(CTX, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    e.push(&Command::SetIndexBuffer(IndexBuffer {
        res: 1,
        layout: Some((2, 0)),
    }))
    .unwrap();
    e.push(&Command::DrawVbo(DrawVbo {
        indexed: true,
        ..full_draw()
    }))
    .unwrap();
    let errors = g.run(&e);
    assert_eq!(errors.len(), 1, "{errors:?}");
    g.still_renders();
}

/// CVE class: out-of-bounds reads in draws (indices or vertex ranges past
/// their buffers).
#[test]
fn draws_reading_past_their_buffers() {
    let mut g = Guest::new();
    g.r.submit(CTX, &triangle_stream(true, true, CullFace::NONE))
        .unwrap();
    // Vertices 0..1000 of a three-vertex buffer, and a start past the end:
    // out-of-range fetches read zeros (Vulkan robust buffer access, which
    // wgpu always enables), so the draws render safely: the three real
    // vertices still make the triangle and the rest is degenerate.
    for draw in [
        DrawVbo {
            count: 1000,
            ..full_draw()
        },
        DrawVbo {
            start: u32::MAX - 1,
            ..full_draw()
        },
    ] {
        let mut e = Encoder::new();
        e.push(&Command::SetSubCtx(1)).unwrap();
        e.push(&clear([0.0, 0.0, 0.0, 1.0])).unwrap();
        e.push(&Command::DrawVbo(draw)).unwrap();
        assert_eq!(g.run(&e), vec![]);
        let expected = if draw.start == 0 {
            [255, 0, 0, 255]
        } else {
            [0, 0, 0, 255]
        };
        assert_eq!(pixel(&mut g.r, 8, 8), expected, "{draw:?}");
    }
    let mut e = Encoder::new();
    e.push(&Command::SetSubCtx(1)).unwrap();
    // 32-bit indices from the 96-byte vertex buffer: values are floats, so
    // huge; and a count past the index buffer's end.
    e.push(&Command::SetIndexBuffer(IndexBuffer {
        res: 2,
        layout: Some((4, 0)),
    }))
    .unwrap();
    e.push(&Command::DrawVbo(DrawVbo {
        indexed: true,
        count: 6,
        max_index: u32::MAX,
        ..full_draw()
    }))
    .unwrap();
    e.push(&Command::DrawVbo(DrawVbo {
        indexed: true,
        count: 25,
        ..full_draw()
    }))
    .unwrap();
    // The float-valued indices are fetched robustly too; the index count
    // past the buffer's 96 bytes is refused before anything is read.
    let errors = g.run(&e);
    assert_eq!(
        errors,
        vec![CommandError::OutOfRange {
            what: "index range",
            value: 100
        }]
    );
    g.still_renders();
}

/// CVE class: use after free of queries (used after their object or
/// result buffer is gone; result offsets past the buffer).
#[test]
fn queries_on_destroyed_objects() {
    let mut g = Guest::new();
    let qbuf = ResId(80);
    g.r.create_resource(
        qbuf,
        &info(TextureTarget::BUFFER, Format::R8_UNORM, 64, 1),
        None,
    )
    .unwrap();
    g.r.attach_resource(CTX, qbuf).unwrap();
    let query = |handle, offset| {
        Command::CreateObject(CreateObject::Query(Query {
            handle,
            kind: QueryKind::new().with_query_type(QueryType::OCCLUSION_COUNTER),
            offset,
            res: qbuf.0,
        }))
    };
    let mut e = Encoder::new();
    e.push(&query(90, 0)).unwrap();
    e.push(&Command::BeginQuery { handle: 90 }).unwrap();
    e.push(&Command::DestroyObject {
        object_type: ObjectType::QUERY,
        handle: 90,
    })
    .unwrap();
    e.push(&Command::EndQuery { handle: 90 }).unwrap();
    e.push(&Command::GetQueryResult {
        handle: 90,
        wait: 1,
    })
    .unwrap();
    let errors = g.run(&e);
    assert_eq!(
        errors,
        vec![
            CommandError::NoObject {
                what: "query",
                handle: 90
            };
            2
        ]
    );
    // A query whose result buffer was unreferenced, and one whose result
    // offset is past the buffer.
    assert_eq!(g.one(&query(91, 0)), None);
    g.r.unref_resource(qbuf).unwrap();
    let mut e = Encoder::new();
    e.push(&Command::BeginQuery { handle: 91 }).unwrap();
    e.push(&Command::EndQuery { handle: 91 }).unwrap();
    e.push(&Command::GetQueryResult {
        handle: 91,
        wait: 1,
    })
    .unwrap();
    let errors = g.run(&e);
    assert!(errors.len() <= 1, "{errors:?}");
    // A result offset past the buffer is refused when the result is written.
    g.r.create_resource(
        qbuf,
        &info(TextureTarget::BUFFER, Format::R8_UNORM, 64, 1),
        None,
    )
    .unwrap();
    g.r.attach_resource(CTX, qbuf).unwrap();
    let mut e = Encoder::new();
    e.push(&query(92, u32::MAX - 4)).unwrap();
    e.push(&Command::BeginQuery { handle: 92 }).unwrap();
    e.push(&Command::EndQuery { handle: 92 }).unwrap();
    e.push(&Command::GetQueryResult {
        handle: 92,
        wait: 1,
    })
    .unwrap();
    let errors = g.run(&e);
    assert!(
        matches!(
            errors.as_slice(),
            [CommandError::OutOfRange {
                what: "query offset",
                ..
            }]
        ),
        "{errors:?}"
    );
    g.still_renders();
}

/// Class: races between contexts on one device. Regression: with several
/// sessions on one device, a timed wait in one thread could read the fence
/// while another thread's submit or poll emptied the queue, and wgpu-core
/// panicked (found by hostile_isolation.rs); queue maintenance is now
/// serialised in `Gpu`.
#[test]
fn concurrent_submits_and_timed_waits_on_one_device() {
    let gpu = gpu();
    let threads: Vec<_> = (0..8)
        .map(|i| {
            let gpu = std::sync::Arc::clone(&gpu);
            std::thread::spawn(move || {
                let mut r = Renderer::new(gpu);
                setup(&mut r, CTX, &TRIANGLE);
                // Work that takes a little while, so timed waits time out.
                let mut stream = triangle_stream(true, true, CullFace::NONE);
                let mut e = Encoder::new();
                e.push(&Command::DrawVbo(DrawVbo {
                    instance_count: 64,
                    ..full_draw()
                }))
                .unwrap();
                stream.extend_from_slice(e.as_bytes());
                for n in 0..300u64 {
                    r.submit(CTX, &stream).unwrap();
                    r.wait_timeout(std::time::Duration::from_micros((n + i) % 3 * 500));
                    r.is_busy();
                    r.poll_fences();
                }
                assert!(r.wait_timeout(std::time::Duration::from_secs(120)));
                assert_eq!(pixel(&mut r, 8, 8), [255, 0, 0, 255]);
            })
        })
        .collect();
    for t in threads {
        t.join().expect("no panic in any thread");
    }
    assert!(gpu.take_uncaptured().is_empty());
}
