//! Property tests: `decode(encode(x)) == x` for every virgl command kind, and
//! the decoder never panics on arbitrary bytes.

use guest_protocol::le::Le32;
use guest_protocol::virgl::bits::*;
use guest_protocol::virgl::enums::*;
use guest_protocol::virgl::*;
use guest_protocol::wire::{Dwords, F32Bits, F64Bits};
use proptest::prelude::*;

/// Hands out the random dwords a test case was given, cycling if needed.
struct Src<'a> {
    dwords: &'a [u32],
    pos: usize,
}

impl Src<'_> {
    fn u(&mut self) -> u32 {
        let v = self.dwords[self.pos % self.dwords.len()];
        self.pos += 1;
        v
    }
    fn below(&mut self, n: u32) -> u32 {
        self.u() % n
    }
    fn i(&mut self) -> i32 {
        self.u() as i32
    }
    fn f(&mut self) -> F32Bits {
        F32Bits(self.u())
    }
    fn stage(&mut self) -> ShaderStage {
        ShaderStage(self.below(ShaderStage::COUNT))
    }
    fn region(&mut self) -> Box3 {
        Box3 {
            x: self.i(),
            y: self.i(),
            z: self.i(),
            w: self.i(),
            h: self.i(),
            d: self.i(),
        }
    }
}

/// Record storage for commands that borrow arrays.
struct Store {
    le: Vec<Le32>,
    bytes: Vec<u8>,
    viewports: Vec<Viewport>,
    scissors: Vec<Scissor>,
    vbufs: Vec<VertexBuffer>,
    bufs: Vec<BufferBinding>,
    images: Vec<ImageBinding>,
    planes: Vec<PlaneLayout>,
    elements: Vec<VertexElement>,
    so: Vec<SoOutput>,
    stipple: [Le32; 32],
    clip: [[Le32; 4]; 8],
}

fn le(v: u32) -> Le32 {
    Le32::new(v)
}

impl Store {
    fn new(src: &mut Src<'_>, n: usize) -> Self {
        Self {
            le: (0..n).map(|_| le(src.u())).collect(),
            bytes: (0..n * 4).map(|_| src.u() as u8).collect(),
            viewports: (0..n.min(16))
                .map(|_| Viewport {
                    scale: [le(src.u()), le(src.u()), le(src.u())],
                    translate: [le(src.u()), le(src.u()), le(src.u())],
                })
                .collect(),
            scissors: (0..n.min(16))
                .map(|_| Scissor {
                    min: le(src.u()),
                    max: le(src.u()),
                })
                .collect(),
            vbufs: (0..n.min(32))
                .map(|_| VertexBuffer {
                    stride: le(src.u()),
                    offset: le(src.u()),
                    res: le(src.u()),
                })
                .collect(),
            bufs: (0..n.min(32))
                .map(|_| BufferBinding {
                    offset: le(src.u()),
                    length: le(src.u()),
                    res: le(src.u()),
                })
                .collect(),
            images: (0..n.min(32))
                .map(|_| ImageBinding {
                    format: le(src.u()),
                    access: le(src.u()),
                    layer_offset: le(src.u()),
                    level_size: le(src.u()),
                    res: le(src.u()),
                })
                .collect(),
            planes: (0..n.min(4))
                .map(|_| PlaneLayout {
                    stride: le(src.u()),
                    offset: le(src.u()),
                })
                .collect(),
            elements: (0..n.min(32))
                .map(|_| VertexElement {
                    src_offset: le(src.u()),
                    instance_divisor: le(src.u()),
                    vertex_buffer_index: le(src.below(32)),
                    src_format: le(src.u()),
                })
                .collect(),
            so: (0..n.min(64))
                .map(|_| SoOutput {
                    layout: le(src.u()),
                    stream: le(src.u()),
                })
                .collect(),
            stipple: core::array::from_fn(|_| le(src.u())),
            clip: core::array::from_fn(|_| core::array::from_fn(|_| le(src.u()))),
        }
    }
}

/// Number of command kinds [`build`] knows (every opcode, every object type).
const KINDS: u32 = 75;

/// Builds a valid command of kind `kind` from random dwords.
fn build<'a>(kind: u32, s: &mut Src<'_>, st: &'a Store, n: usize) -> Command<'a> {
    let dwords = Dwords::new(&st.bytes).unwrap();
    let le_n = &st.le[..n];
    let handle = s.u() | 1;
    let surface = |s: &mut Src<'_>| Surface {
        handle,
        res: s.u(),
        format: Format(s.u()),
        range0: s.u(),
        range1: s.u(),
    };
    match kind {
        0 => Command::Nop(dwords),
        1 => Command::CreateObject(CreateObject::Blend(Blend {
            handle,
            flags: BlendFlags::from_bits(s.u()),
            logicop: BlendLogicOp::from_bits(s.u()),
            rt: core::array::from_fn(|_| RtBlend::from_bits(s.u())),
        })),
        2 => Command::CreateObject(CreateObject::Rasterizer(Rasterizer {
            handle,
            flags: RasterizerFlags::from_bits(s.u()),
            point_size: s.f(),
            sprite_coord_enable: s.u(),
            stipple: RasterizerStipple::from_bits(s.u()),
            line_width: s.f(),
            offset_units: s.f(),
            offset_scale: s.f(),
            offset_clamp: s.f(),
        })),
        3 => Command::CreateObject(CreateObject::Dsa(Dsa {
            handle,
            depth_alpha: DepthAlpha::from_bits(s.u()),
            front: StencilFace::from_bits(s.u()),
            back: StencilFace::from_bits(s.u()),
            alpha_ref: s.f(),
        })),
        4 | 5 => {
            let stage = s.stage();
            let extra = if stage == ShaderStage::COMPUTE {
                ShaderExtra::ReqLocalMem(s.u())
            } else if kind == 4 || n == 0 {
                ShaderExtra::StreamOutput(None)
            } else {
                ShaderExtra::StreamOutput(Some(StreamOutput {
                    strides: [s.u(), s.u(), s.u(), s.u()],
                    outputs: &st.so[..n.min(64)],
                }))
            };
            Command::CreateObject(CreateObject::Shader(ShaderChunk {
                handle,
                stage,
                offlen: ShaderOffLen::from_bits(s.u()),
                num_tokens: s.u(),
                extra,
                text: &st.bytes,
            }))
        }
        6 => Command::CreateObject(CreateObject::VertexElements {
            handle,
            elements: &st.elements,
        }),
        7 => Command::CreateObject(CreateObject::SamplerView(SamplerView {
            handle,
            res: s.u(),
            format: ViewFormat::from_bits(s.u()).with_format(1 + s.below(Format::MAX - 1)),
            range0: s.u(),
            range1: s.u(),
            swizzle: ViewSwizzle::from_bits(s.u()),
        })),
        8 => Command::CreateObject(CreateObject::SamplerState(SamplerState {
            handle,
            flags: SamplerFlags::from_bits(s.u()).with_min_mip_filter(s.below(3) as u8),
            lod_bias: s.f(),
            min_lod: s.f(),
            max_lod: s.f(),
            border_color: [s.u(), s.u(), s.u(), s.u()],
        })),
        9 => Command::CreateObject(CreateObject::Surface(surface(s))),
        10 => Command::CreateObject(CreateObject::MsaaSurface {
            surface: surface(s),
            nr_samples: s.u(),
        }),
        11 => Command::CreateObject(CreateObject::Query(Query {
            handle,
            kind: QueryKind::from_bits(s.u()),
            offset: s.u(),
            res: s.u(),
        })),
        12 => Command::CreateObject(CreateObject::StreamoutTarget {
            handle,
            res: s.u(),
            buffer_offset: s.u(),
            buffer_size: s.u(),
        }),
        13 => Command::BindObject {
            object_type: [
                ObjectType::BLEND,
                ObjectType::DSA,
                ObjectType::RASTERIZER,
                ObjectType::VERTEX_ELEMENTS,
            ][s.below(4) as usize],
            handle: s.u(),
        },
        14 => Command::DestroyObject {
            object_type: ObjectType(s.u() as u8),
            handle: s.u(),
        },
        15 => Command::SetViewportState {
            start_slot: s.below(16 - st.viewports.len() as u32 + 1),
            viewports: &st.viewports,
        },
        16 => Command::SetFramebufferState {
            zsurf: s.u(),
            cbufs: &st.le[..n.min(8)],
        },
        17 => Command::SetVertexBuffers(&st.vbufs),
        18 => Command::Clear(Clear {
            buffers: s.u(),
            color: [s.u(), s.u(), s.u(), s.u()],
            depth: F64Bits(u64::from(s.u()) << 32 | u64::from(s.u())),
            stencil: s.u(),
        }),
        19..=21 => {
            let tess = (kind >= 20).then(|| DrawTess {
                vertices_per_patch: s.u(),
                drawid: s.u(),
            });
            let indirect = (kind == 21).then(|| DrawIndirect {
                handle: s.u(),
                offset: s.u(),
                stride: s.u(),
                draw_count: s.u(),
                draw_count_offset: s.u(),
                draw_count_handle: s.u(),
            });
            Command::DrawVbo(DrawVbo {
                start: s.u(),
                count: s.u(),
                mode: PrimMode(s.u()),
                indexed: s.u() & 1 == 1,
                instance_count: s.u(),
                index_bias: s.i(),
                start_instance: s.u(),
                primitive_restart: s.u() & 1 == 1,
                restart_index: s.u(),
                min_index: s.u(),
                max_index: s.u(),
                count_from_so: s.u(),
                tess,
                indirect,
            })
        }
        22 => Command::ResourceInlineWrite(InlineWrite {
            res: s.u(),
            level: s.u(),
            usage: s.u(),
            stride: s.u(),
            layer_stride: s.u(),
            region: s.region(),
            data: if n == 0 {
                Dwords::new(&[0, 0, 0, 0]).unwrap()
            } else {
                dwords
            },
        }),
        23 => Command::SetSamplerViews(StageSlots {
            stage: s.stage(),
            start_slot: s.below(64),
            handles: &st.le[..n.min(64)],
        }),
        24 => Command::BindSamplerStates(StageSlots {
            stage: s.stage(),
            start_slot: s.below(32 - n.min(32) as u32 + 1),
            handles: &st.le[..n.min(32)],
        }),
        25 => Command::SetIndexBuffer(IndexBuffer {
            res: s.u(),
            layout: (s.u() & 1 == 1).then(|| ([1, 2, 4][s.below(3) as usize], s.u())),
        }),
        26 => Command::SetConstantBuffer {
            stage: s.stage(),
            index: s.u(),
            data: dwords,
        },
        27 => Command::SetStencilRef(StencilRef::from_bits(s.u())),
        28 => Command::SetBlendColor([s.f(), s.f(), s.f(), s.f()]),
        29 => Command::SetScissorState {
            start_slot: s.below(16 - st.scissors.len() as u32 + 1),
            scissors: &st.scissors,
        },
        30 => {
            let side = |s: &mut Src<'_>| BlitSurface {
                res: s.u(),
                level: s.u(),
                format: Format(s.u()),
                region: s.region(),
            };
            Command::Blit(Blit {
                flags: BlitFlags::from_bits(s.u()),
                scissor_min: U16Pair::from_bits(s.u()),
                scissor_max: U16Pair::from_bits(s.u()),
                dst: side(s),
                src: side(s),
            })
        }
        31 => Command::ResourceCopyRegion(CopyRegion {
            dst_res: s.u(),
            dst_level: s.u(),
            dst: [s.u(), s.u(), s.u()],
            src_res: s.u(),
            src_level: s.u(),
            src: s.region(),
        }),
        32 => Command::BeginQuery { handle: s.u() },
        33 => Command::EndQuery { handle: s.u() },
        34 => Command::GetQueryResult {
            handle: s.u(),
            wait: s.u(),
        },
        35 => Command::SetPolygonStipple(&st.stipple),
        36 => Command::SetClipState(&st.clip),
        37 => Command::SetSampleMask(s.u()),
        38 => Command::SetStreamoutTargets {
            append_bitmask: s.u(),
            targets: &st.le[..n.min(16)],
        },
        39 => Command::SetRenderCondition {
            handle: s.u(),
            condition: s.u(),
            mode: RenderCondMode(s.u()),
        },
        40 => Command::SetUniformBuffer {
            stage: s.stage(),
            index: s.below(32),
            offset: s.u(),
            length: s.u(),
            res: s.u(),
        },
        41 => Command::SetSubCtx(s.u()),
        42 => Command::CreateSubCtx(s.u()),
        43 => Command::DestroySubCtx(s.u()),
        44 => Command::BindShader {
            handle: s.u(),
            stage: s.stage(),
        },
        45 => Command::SetTessState {
            outer: [s.f(), s.f(), s.f(), s.f()],
            inner: [s.f(), s.f()],
        },
        46 => Command::SetMinSamples(s.u()),
        47 => Command::SetShaderBuffers {
            stage: s.stage(),
            start_slot: s.below(32 - st.bufs.len() as u32 + 1),
            buffers: &st.bufs,
        },
        48 => Command::SetShaderImages {
            stage: s.stage(),
            start_slot: s.below(32 - st.images.len() as u32 + 1),
            images: &st.images,
        },
        49 => Command::MemoryBarrier(s.u()),
        50 => Command::LaunchGrid(LaunchGrid {
            block: [s.u(), s.u(), s.u()],
            grid: [s.u(), s.u(), s.u()],
            indirect_res: s.u(),
            indirect_offset: s.u(),
        }),
        51 => Command::SetFramebufferStateNoAttach {
            size: U16Pair::from_bits(s.u()),
            layers_samples: U16Pair::from_bits(s.u()),
        },
        52 => Command::TextureBarrier(s.u()),
        53 => Command::SetAtomicBuffers {
            start_slot: s.below(32 - st.bufs.len() as u32 + 1),
            buffers: &st.bufs,
        },
        54 => Command::SetDebugFlags(if n == 0 {
            Dwords::new(b"dbg\0").unwrap()
        } else {
            dwords
        }),
        55 => Command::GetQueryResultQbo(QueryResultQbo {
            handle: s.u(),
            qbo: s.u(),
            wait: s.u(),
            result_type: s.u(),
            offset: s.u(),
            index: s.i(),
        }),
        56 => Command::Transfer3d(Transfer3d {
            res: s.u(),
            level: s.u(),
            usage: s.u(),
            stride: s.u(),
            layer_stride: s.u(),
            region: s.region(),
            offset: s.u(),
            direction: TransferDirection(1 + s.below(2)),
        }),
        57 => Command::EndTransfers(dwords),
        58 => Command::CopyTransfer3d(CopyTransfer3d {
            res: s.u(),
            level: s.u(),
            usage: s.u(),
            stride: s.u(),
            layer_stride: s.u(),
            region: s.region(),
            src_res: s.u(),
            src_offset: s.u(),
            flags: CopyTransferFlags::from_bits(s.u()),
        }),
        59 => Command::SetTweaks {
            id: s.u(),
            value: s.u(),
        },
        60 => Command::ClearTexture {
            res: s.u(),
            level: s.u(),
            region: s.region(),
            texel: [s.u(), s.u(), s.u(), s.u()],
        },
        61 => Command::PipeResourceCreate(PipeResourceCreate {
            target: TextureTarget(s.u()),
            format: Format(s.u()),
            bind: s.u(),
            width: s.u(),
            height: s.u(),
            depth: s.u(),
            array_size: s.u(),
            last_level: s.u(),
            nr_samples: s.u(),
            flags: s.u(),
            blob_id: s.u(),
        }),
        62 => Command::PipeResourceSetType {
            info: SetTypeInfo {
                res: s.u(),
                format: Format(s.u()),
                bind: s.u(),
                width: s.u(),
                height: s.u(),
                usage: s.u(),
                modifier: u64::from(s.u()) << 32 | u64::from(s.u()),
            },
            planes: &st.planes,
        },
        63 => Command::GetMemoryInfo { res: s.u() },
        64 => Command::SendStringMarker {
            len: (4 * n as u32)
                .saturating_sub(s.below(4))
                .max(if n == 0 { 0 } else { 1 }),
            text: Dwords::new(&st.bytes[..4 * n]).unwrap(),
        },
        65 => Command::LinkShader([s.u(), s.u(), s.u(), s.u(), s.u(), s.u()]),
        _ => Command::Video {
            opcode: Opcode(Opcode::CREATE_VIDEO_CODEC.0 + (kind - 66) as u8),
            payload: le_n_as_dwords(le_n),
        },
    }
}

fn le_n_as_dwords(le: &[Le32]) -> Dwords<'_> {
    Dwords::new(bytemuck::cast_slice(le)).unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(4096))]

    #[test]
    fn decode_of_encode_is_identity(
        kind in 0..KINDS,
        n in 0usize..40,
        dwords in prop::collection::vec(any::<u32>(), 1..64),
    ) {
        let mut src = Src { dwords: &dwords, pos: 0 };
        let store = Store::new(&mut src, n);
        let cmd = build(kind, &mut src, &store, n);
        let mut bytes = Vec::new();
        encode(&cmd, &mut bytes).unwrap();
        let decoded: Vec<_> = Commands::new(&bytes).collect::<Result<_, _>>()
            .map_err(|e| TestCaseError::fail(format!("{cmd:?}: {e}")))?;
        prop_assert_eq!(decoded, vec![(0usize, cmd)]);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..512)) {
        for (_, cmd) in Commands::new(&bytes).map_while(Result::ok) {
            let mut again = Vec::new();
            encode(&cmd, &mut again).unwrap();
        }
    }
}

#[test]
fn every_kind_is_built() {
    // Each kind maps to a distinct opcode/object pair; make sure none was lost.
    let dwords: Vec<u32> = (1..64).collect();
    let mut seen = std::collections::BTreeSet::new();
    for kind in 0..KINDS {
        for variant in 0..4 {
            let mut src = Src {
                dwords: &dwords,
                pos: variant,
            };
            let store = Store::new(&mut src, 3);
            let cmd = build(kind, &mut src, &store, 3);
            let mut bytes = Vec::new();
            encode(&cmd, &mut bytes).unwrap();
            let header = u32::from_le_bytes(bytes[..4].try_into().unwrap());
            let op = header & 0xff;
            let obj = if op == 1 { (header >> 8) & 0xff } else { 0 };
            seen.insert((op, obj));
        }
    }
    // Every opcode but CREATE_OBJECT, plus CREATE_OBJECT once per object type.
    let expected = Opcode::COUNT as usize - 1 + 11;
    assert!(
        seen.len() == expected,
        "only {} opcode/object kinds covered: {seen:?}",
        seen.len()
    );
}

#[test]
fn hostile_headers_give_precise_errors() {
    let buf = |dws: &[u32]| {
        dws.iter()
            .flat_map(|d| d.to_le_bytes())
            .collect::<Vec<u8>>()
    };
    let first_err = |b: &[u8]| Commands::new(b).find_map(Result::err).unwrap();

    let e = first_err(&buf(&[0xffff_0008]));
    assert_eq!(
        e.kind,
        DecodeErrorKind::Truncated {
            need: 65536,
            have: 1
        }
    );
    assert_eq!(e.opcode, 8);

    let e = first_err(&buf(&[0x0000_0001 | 1 << 16 | 1 << 8, 5]));
    assert_eq!(
        e.kind,
        DecodeErrorKind::BadLength {
            len: 1,
            expected: "11"
        }
    );

    let e = first_err(&buf(&[0x0000_00ff]));
    assert_eq!(e.kind, DecodeErrorKind::UnknownOpcode);

    // SET_SUB_CTX ok, then BIND_SHADER with stage 9 at byte 8.
    let e = first_err(&buf(&[28 | 1 << 16, 1, 31 | 2 << 16, 5, 9]));
    assert_eq!(e.offset, 8);
    assert_eq!(
        e.kind,
        DecodeErrorKind::InvalidValue {
            field: "shader_type",
            value: 9
        }
    );

    // SET_FRAMEBUFFER_STATE claiming 9 colour buffers.
    let e = first_err(&buf(&[5 | 11 << 16, 9, 0, 1, 2, 3, 4, 5, 6, 7, 8, 9]));
    assert!(matches!(
        e.kind,
        DecodeErrorKind::TooMany {
            what: "colour buffers",
            ..
        }
    ));

    // CREATE_OBJECT with handle 0.
    let e = first_err(&buf(&[1 | 4 << 8 | 5 << 16, 0, 1, 5, 0, 0]));
    assert_eq!(
        e.kind,
        DecodeErrorKind::InvalidValue {
            field: "handle",
            value: 0
        }
    );

    // Shader claiming 64 stream-output outputs in a 5-dword payload.
    let e = first_err(&buf(&[1 | 4 << 8 | 5 << 16, 7, 0, 5, 0, 64]));
    assert!(matches!(e.kind, DecodeErrorKind::BadLength { .. }));

    // Vertex element pointing at buffer 40.
    let e = first_err(&buf(&[1 | 5 << 8 | 5 << 16, 3, 0, 0, 40, 30]));
    assert_eq!(
        e.kind,
        DecodeErrorKind::InvalidValue {
            field: "vertex_buffer_index",
            value: 40
        }
    );

    // Sampler views past slot 128.
    let e = first_err(&buf(&[10 | 3 << 16, 1, 128, 5]));
    assert!(matches!(
        e.kind,
        DecodeErrorKind::TooMany {
            count: 129,
            max: 128,
            ..
        }
    ));

    // Trailing bytes.
    let mut b = buf(&[28 | 1 << 16, 1]);
    b.push(7);
    let items: Vec<_> = Commands::new(&b).collect();
    assert_eq!(items.len(), 2);
    assert!(matches!(
        items[1],
        Err(DecodeError {
            offset: 8,
            kind: DecodeErrorKind::TrailingBytes { count: 1 },
            ..
        })
    ));
}
