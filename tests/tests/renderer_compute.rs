//! Compute shaders, storage buffers and images through the renderer:
//! LAUNCH_GRID (direct and indirect) running TGSI compute shaders that
//! load, store and atomically update storage buffers and shared memory,
//! fragment shaders writing storage buffers, buffer shadows refreshed
//! after GPU writes (read-backs and copies see what the shader wrote), and
//! the launches and bindings that must be refused without a panic.

mod draw_setup;

use draw_setup::*;
use guest_protocol::le::Le32;
use guest_protocol::virgl::enums::{ShaderStage, TextureTarget};
use guest_protocol::virgl::{
    shader_text, Box3, BufferBinding, Command, CopyRegion, CreateObject, Encoder, Format,
    ImageBinding, LaunchGrid, ShaderChunk, ShaderExtra,
};
use host_renderer::{CtxId, Renderer, ResId, TransferBox, VecBacking};

const CTX: CtxId = CtxId(1);

/// A renderer with context [`CTX`] and buffer 3 of `words` zeroed words.
fn with_buffer(words: usize) -> Renderer {
    let mut r = Renderer::new(gpu());
    r.create_context(CTX, "compute").unwrap();
    buffer_with(&mut r, CTX, ResId(3), vec![0; words * 4]);
    r
}

/// Creates compute shader `handle` from `text` (asking for `local_mem`
/// bytes of shared memory) and binds it.
fn compute_shader(e: &mut Encoder, handle: u32, text: &str, local_mem: u32) {
    let (offlen, bytes) = shader_text(text);
    e.push(&Command::CreateObject(CreateObject::Shader(ShaderChunk {
        handle,
        stage: ShaderStage::COMPUTE,
        offlen,
        num_tokens: 0,
        extra: ShaderExtra::ReqLocalMem(local_mem),
        text: &bytes,
    })))
    .unwrap();
    e.push(&Command::BindShader {
        handle,
        stage: ShaderStage::COMPUTE,
    })
    .unwrap();
}

/// Binds `res` (offset, length) at storage buffer slot 0 of `stage`.
fn bind_buffer(e: &mut Encoder, stage: ShaderStage, res: u32, offset: u32, length: u32) {
    e.push(&Command::SetShaderBuffers {
        stage,
        start_slot: 0,
        buffers: &[BufferBinding {
            offset: Le32::new(offset),
            length: Le32::new(length),
            res: Le32::new(res),
        }],
    })
    .unwrap();
}

fn launch(block: [u32; 3], grid: [u32; 3]) -> Command<'static> {
    Command::LaunchGrid(LaunchGrid {
        block,
        grid,
        indirect_res: 0,
        indirect_offset: 0,
    })
}

/// The first `words` words of buffer `id`, read back as the guest would.
fn words(r: &mut Renderer, id: ResId, words: usize) -> Vec<u32> {
    buffer_bytes(r, id, (words * 4) as u32)
        .chunks_exact(4)
        .map(|w| u32::from_le_bytes([w[0], w[1], w[2], w[3]]))
        .collect()
}

/// Each invocation stores its global index at its word of buffer 0.
const STORE_IDS: &str = "COMP\nPROPERTY CS_FIXED_BLOCK_WIDTH 4\nPROPERTY CS_FIXED_BLOCK_HEIGHT 1\n\
    PROPERTY CS_FIXED_BLOCK_DEPTH 1\nDCL SV[0], THREAD_ID\nDCL SV[1], BLOCK_ID\nDCL BUFFER[0]\n\
    DCL TEMP[0..1]\nIMM[0] UINT32 {4, 2, 0, 0}\n\
    UMAD TEMP[0].x, SV[1].xxxx, IMM[0].xxxx, SV[0].xxxx\n\
    SHL TEMP[1].x, TEMP[0].xxxx, IMM[0].yyyy\n\
    STORE BUFFER[0].x, TEMP[1].xxxx, TEMP[0].xxxx\nEND\n";

#[test]
fn grid_of_workgroups_stores_each_invocation_index() {
    let mut r = with_buffer(16);
    let mut e = Encoder::new();
    compute_shader(&mut e, 10, STORE_IDS, 0);
    bind_buffer(&mut e, ShaderStage::COMPUTE, 3, 0, 64);
    e.push(&launch([4, 1, 1], [3, 1, 1])).unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    let mut want: Vec<u32> = (0..12).collect();
    want.extend([0; 4]);
    assert_eq!(words(&mut r, ResId(3), 16), want);
}

#[test]
fn indirect_grid_comes_from_a_buffer() {
    let mut r = with_buffer(16);
    let args: Vec<u8> = [0u32, 2, 1, 1]
        .iter()
        .flat_map(|v| v.to_le_bytes())
        .collect();
    buffer_with(&mut r, CTX, ResId(4), args);
    let mut e = Encoder::new();
    compute_shader(&mut e, 10, STORE_IDS, 0);
    bind_buffer(&mut e, ShaderStage::COMPUTE, 3, 0, 64);
    e.push(&Command::LaunchGrid(LaunchGrid {
        block: [4, 1, 1],
        grid: [0, 0, 0],
        indirect_res: 4,
        indirect_offset: 4,
    }))
    .unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    let got = words(&mut r, ResId(3), 16);
    assert_eq!(&got[..8], &[0, 1, 2, 3, 4, 5, 6, 7]);
    assert_eq!(&got[8..], &[0; 8]);
}

#[test]
fn buffer_atomics_count_every_invocation_of_every_workgroup() {
    let mut r = with_buffer(4);
    let text = "COMP\nPROPERTY CS_FIXED_BLOCK_WIDTH 8\nPROPERTY CS_FIXED_BLOCK_HEIGHT 8\n\
        PROPERTY CS_FIXED_BLOCK_DEPTH 1\nDCL SV[0], THREAD_ID\nDCL BUFFER[0]\nDCL TEMP[0..1]\n\
        IMM[0] UINT32 {0, 1, 4, 8}\n\
        ATOMUADD TEMP[0].x, BUFFER[0], IMM[0].xxxx, IMM[0].yyyy\n\
        ATOMUMAX TEMP[1].x, BUFFER[0], IMM[0].zzzz, SV[0].xxxx\nEND\n";
    let mut e = Encoder::new();
    compute_shader(&mut e, 10, text, 0);
    bind_buffer(&mut e, ShaderStage::COMPUTE, 3, 0, 16);
    e.push(&launch([8, 8, 1], [5, 2, 1])).unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    assert_eq!(words(&mut r, ResId(3), 2), vec![8 * 8 * 10, 7]);
}

#[test]
fn shared_memory_is_one_per_workgroup_with_barriers() {
    // Mesa's shape for a shared counter: one invocation clears it, all add
    // their index after a barrier, then each workgroup's invocation 0
    // writes the total to its word.
    let text = "COMP\nPROPERTY CS_FIXED_BLOCK_WIDTH 16\nPROPERTY CS_FIXED_BLOCK_HEIGHT 1\n\
        PROPERTY CS_FIXED_BLOCK_DEPTH 1\nDCL SV[0], THREAD_ID\nDCL SV[1], BLOCK_ID\n\
        DCL MEMORY[0], SHARED\nDCL BUFFER[0]\nDCL TEMP[0..3]\nIMM[0] UINT32 {0, 2, 8, 0}\n\
        USEQ TEMP[0].x, SV[0].xxxx, IMM[0].xxxx\nUIF TEMP[0].xxxx\n\
        STORE MEMORY[0].x, IMM[0].xxxx, IMM[0].xxxx\nENDIF\nMEMBAR IMM[0].zzzz\nBARRIER\n\
        ATOMUADD TEMP[1].x, MEMORY[0], IMM[0].xxxx, SV[0].xxxx\nMEMBAR IMM[0].zzzz\nBARRIER\n\
        UIF TEMP[0].xxxx\nLOAD TEMP[2].x, MEMORY[0], IMM[0].xxxx\n\
        SHL TEMP[3].x, SV[1].xxxx, IMM[0].yyyy\nSTORE BUFFER[0].x, TEMP[3].xxxx, TEMP[2].xxxx\n\
        ENDIF\nEND\n";
    let mut r = with_buffer(4);
    let mut e = Encoder::new();
    compute_shader(&mut e, 10, text, 4);
    bind_buffer(&mut e, ShaderStage::COMPUTE, 3, 0, 16);
    e.push(&launch([16, 1, 1], [3, 1, 1])).unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    assert_eq!(words(&mut r, ResId(3), 4), vec![120, 120, 120, 0]);
}

#[test]
fn copies_and_loads_see_what_a_dispatch_wrote() {
    // The shader reads word i of buffer 1 (a bound range of buffer 4 at
    // the advertised alignment, which the guest wrote) and stores it plus
    // 100 at word i of buffer 0; then a copy moves buffer 3 into buffer 5.
    let text = "COMP\nPROPERTY CS_FIXED_BLOCK_WIDTH 4\nPROPERTY CS_FIXED_BLOCK_HEIGHT 1\n\
        PROPERTY CS_FIXED_BLOCK_DEPTH 1\nDCL SV[0], THREAD_ID\nDCL BUFFER[0]\nDCL BUFFER[1]\n\
        DCL TEMP[0..1]\nIMM[0] UINT32 {2, 100, 0, 0}\n\
        SHL TEMP[0].x, SV[0].xxxx, IMM[0].xxxx\nLOAD TEMP[1].x, BUFFER[1], TEMP[0].xxxx\n\
        UADD TEMP[1].x, TEMP[1].xxxx, IMM[0].yyyy\nSTORE BUFFER[0].x, TEMP[0].xxxx, TEMP[1].xxxx\n\
        END\n";
    let mut r = with_buffer(4);
    let align = r.caps_v2().shader_buffer_offset_alignment.get();
    assert!((4..=256).contains(&align), "alignment {align}");
    let first = align / 4;
    let src: Vec<u8> = (0u32..first + 4)
        .flat_map(|v| (v.saturating_sub(first) + 4).to_le_bytes())
        .collect();
    buffer_with(&mut r, CTX, ResId(4), src);
    buffer_with(&mut r, CTX, ResId(5), vec![0; 16]);
    let mut e = Encoder::new();
    compute_shader(&mut e, 10, text, 0);
    e.push(&Command::SetShaderBuffers {
        stage: ShaderStage::COMPUTE,
        start_slot: 0,
        buffers: &[
            BufferBinding {
                offset: Le32::new(0),
                length: Le32::new(16),
                res: Le32::new(3),
            },
            BufferBinding {
                offset: Le32::new(align),
                length: Le32::new(16),
                res: Le32::new(4),
            },
        ],
    })
    .unwrap();
    e.push(&launch([4, 1, 1], [1, 1, 1])).unwrap();
    e.push(&Command::ResourceCopyRegion(CopyRegion {
        dst_res: 5,
        dst_level: 0,
        dst: [0, 0, 0],
        src_res: 3,
        src_level: 0,
        src: Box3 {
            x: 0,
            y: 0,
            z: 0,
            w: 16,
            h: 1,
            d: 1,
        },
    }))
    .unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    assert_eq!(words(&mut r, ResId(5), 4), vec![104, 105, 106, 107]);
    assert_eq!(words(&mut r, ResId(3), 4), vec![104, 105, 106, 107]);
}

#[test]
fn fragment_shaders_count_their_fragments_in_a_storage_buffer() {
    let mut r = Renderer::new(gpu());
    setup(&mut r, CTX, &TRIANGLE);
    buffer_with(&mut r, CTX, ResId(3), vec![0; 16]);
    let stream = draw_stream(&DrawSetup::default());
    assert_eq!(r.submit(CTX, &stream).unwrap().errors, 0);
    let mut e = Encoder::new();
    // A draw that only reads the buffer, then two that count into it, in
    // one render pass (one wgpu usage scope).
    let reads = "FRAG\nDCL OUT[0], COLOR\nDCL BUFFER[0]\nDCL TEMP[0]\nIMM[0] UINT32 {0, 0, 0, 0}\n\
        LOAD TEMP[0].x, BUFFER[0], IMM[0].xxxx\nU2F OUT[0], TEMP[0].xxxx\nEND\n";
    let counts =
        "FRAG\nDCL OUT[0], COLOR\nDCL BUFFER[0]\nDCL TEMP[0]\nIMM[0] UINT32 {0, 1, 0, 0}\n\
        IMM[1] FLT32 {0.0, 1.0, 0.0, 1.0}\n\
        ATOMUADD TEMP[0].x, BUFFER[0], IMM[0].xxxx, IMM[0].yyyy\nMOV OUT[0], IMM[1]\nEND\n";
    bind_buffer(&mut e, ShaderStage::FRAGMENT, 3, 0, 16);
    shader(&mut e, 15, ShaderStage::FRAGMENT, reads);
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    shader(&mut e, 16, ShaderStage::FRAGMENT, counts);
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    assert_eq!(words(&mut r, ResId(3), 1), vec![2 * W * W]);
    assert_eq!(pixel(&mut r, 3, 3), [0, 255, 0, 255]);
}

#[test]
fn images_are_stored_and_loaded_by_compute_shaders() {
    // Image 0 (R32_UINT 4×4) gets x + 10·y at each texel; image 1 is
    // loaded back into buffer 0 in the same order.
    let mut r = with_buffer(16);
    let img = host_renderer::ResourceInfo {
        bind: 0,
        ..info(TextureTarget::TEXTURE_2D, Format::R32_UINT, 4, 4)
    };
    r.create_resource(ResId(6), &img, None).unwrap();
    r.attach_resource(CTX, ResId(6)).unwrap();
    let store = "COMP\nPROPERTY CS_FIXED_BLOCK_WIDTH 4\nPROPERTY CS_FIXED_BLOCK_HEIGHT 4\n\
        PROPERTY CS_FIXED_BLOCK_DEPTH 1\nDCL SV[0], THREAD_ID\n\
        DCL IMAGE[0], 2D, PIPE_FORMAT_R32_UINT, WR\nDCL TEMP[0]\nIMM[0] UINT32 {10, 0, 0, 0}\n\
        UMAD TEMP[0].x, SV[0].yyyy, IMM[0].xxxx, SV[0].xxxx\n\
        STORE IMAGE[0], SV[0].xyyy, TEMP[0].xxxx, 2D, PIPE_FORMAT_R32_UINT\nEND\n";
    let load = "COMP\nPROPERTY CS_FIXED_BLOCK_WIDTH 4\nPROPERTY CS_FIXED_BLOCK_HEIGHT 4\n\
        PROPERTY CS_FIXED_BLOCK_DEPTH 1\nDCL SV[0], THREAD_ID\n\
        DCL IMAGE[0], 2D, PIPE_FORMAT_R32_UINT\nDCL BUFFER[0]\nDCL TEMP[0..1]\n\
        IMM[0] UINT32 {4, 2, 0, 0}\n\
        LOAD TEMP[0].x, IMAGE[0], SV[0].xyyy, 2D, PIPE_FORMAT_R32_UINT\n\
        UMAD TEMP[1].x, SV[0].yyyy, IMM[0].xxxx, SV[0].xxxx\n\
        SHL TEMP[1].x, TEMP[1].xxxx, IMM[0].yyyy\n\
        STORE BUFFER[0].x, TEMP[1].xxxx, TEMP[0].xxxx\nEND\n";
    let image = ImageBinding {
        format: Le32::new(Format::R32_UINT.0),
        access: Le32::new(3),
        layer_offset: Le32::new(0),
        level_size: Le32::new(0),
        res: Le32::new(6),
    };
    let mut e = Encoder::new();
    e.push(&Command::SetShaderImages {
        stage: ShaderStage::COMPUTE,
        start_slot: 0,
        images: &[image],
    })
    .unwrap();
    compute_shader(&mut e, 10, store, 0);
    e.push(&launch([4, 4, 1], [1, 1, 1])).unwrap();
    compute_shader(&mut e, 11, load, 0);
    bind_buffer(&mut e, ShaderStage::COMPUTE, 3, 0, 64);
    e.push(&Command::MemoryBarrier(!0)).unwrap();
    e.push(&launch([4, 4, 1], [1, 1, 1])).unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    let want: Vec<u32> = (0..4)
        .flat_map(|y| (0..4).map(move |x| x + 10 * y))
        .collect();
    assert_eq!(words(&mut r, ResId(3), 16), want);
}

#[test]
fn images_in_another_format_of_the_class_store_its_bits() {
    // An R32_UINT image of an RGBA8 texture (texture views, GL's image
    // format compatibility by size): each texel gets 0x11223344's bytes.
    let mut r = with_buffer(4);
    let img = info(TextureTarget::TEXTURE_2D, Format::R8G8B8A8_UNORM, 4, 4);
    r.create_resource(ResId(6), &img, None).unwrap();
    r.attach_resource(CTX, ResId(6)).unwrap();
    let store = "COMP\nPROPERTY CS_FIXED_BLOCK_WIDTH 4\nPROPERTY CS_FIXED_BLOCK_HEIGHT 4\n\
        PROPERTY CS_FIXED_BLOCK_DEPTH 1\nDCL SV[0], THREAD_ID\n\
        DCL IMAGE[0], 2D, PIPE_FORMAT_R32_UINT, WR\nIMM[0] UINT32 {287454020, 0, 0, 0}\n\
        STORE IMAGE[0], SV[0].xyyy, IMM[0].xxxx, 2D, PIPE_FORMAT_R32_UINT\nEND\n";
    let mut e = Encoder::new();
    e.push(&Command::SetShaderImages {
        stage: ShaderStage::COMPUTE,
        start_slot: 0,
        images: &[ImageBinding {
            format: Le32::new(Format::R32_UINT.0),
            access: Le32::new(2),
            layer_offset: Le32::new(0),
            level_size: Le32::new(0),
            res: Le32::new(6),
        }],
    })
    .unwrap();
    compute_shader(&mut e, 10, store, 0);
    e.push(&launch([4, 4, 1], [1, 1, 1])).unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    let texels = r.read_resource(ResId(6), 0, 0).unwrap();
    assert_eq!(texels.data.len(), 64);
    assert!(texels.data.chunks(4).all(|t| t == [0x44, 0x33, 0x22, 0x11]));
}

#[test]
fn draws_read_uniform_buffers_a_dispatch_wrote() {
    // The dispatch writes (0, 1, 0, 1) as floats into buffer 3; the draw
    // then reads buffer 3 as constant buffer 1 of its fragment shader
    // (whose bytes come from the buffer's shadow, refreshed first).
    let mut r = Renderer::new(gpu());
    setup(&mut r, CTX, &TRIANGLE);
    buffer_with(&mut r, CTX, ResId(3), vec![0; 16]);
    assert_eq!(
        r.submit(CTX, &draw_stream(&DrawSetup::default()))
            .unwrap()
            .errors,
        0
    );
    let cs = "COMP\nPROPERTY CS_FIXED_BLOCK_WIDTH 4\nPROPERTY CS_FIXED_BLOCK_HEIGHT 1\n\
        PROPERTY CS_FIXED_BLOCK_DEPTH 1\nDCL SV[0], THREAD_ID\nDCL BUFFER[0]\nDCL TEMP[0..1]\n\
        IMM[0] UINT32 {2, 1, 0, 0}\nIMM[1] FLT32 {0.0, 1.0, 0.0, 1.0}\n\
        SHL TEMP[0].x, SV[0].xxxx, IMM[0].xxxx\nAND TEMP[1].x, SV[0].xxxx, IMM[0].yyyy\n\
        U2F TEMP[1].x, TEMP[1].xxxx\nSTORE BUFFER[0].x, TEMP[0].xxxx, TEMP[1].xxxx\nEND\n";
    let fs = "FRAG\nDCL OUT[0], COLOR\nDCL CONST[1][0]\nMOV OUT[0], CONST[1][0]\nEND\n";
    let mut e = Encoder::new();
    compute_shader(&mut e, 10, cs, 0);
    bind_buffer(&mut e, ShaderStage::COMPUTE, 3, 0, 16);
    e.push(&launch([4, 1, 1], [1, 1, 1])).unwrap();
    shader(&mut e, 16, ShaderStage::FRAGMENT, fs);
    e.push(&Command::SetUniformBuffer {
        stage: ShaderStage::FRAGMENT,
        index: 1,
        offset: 0,
        length: 16,
        res: 3,
    })
    .unwrap();
    e.push(&Command::DrawVbo(full_draw())).unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    assert_eq!(pixel(&mut r, 5, 5), [0, 255, 0, 255]);
}

/// Each vertex shader invocation adds 1 to word 0 of storage buffer 0.
const VS_COUNTS: &str = "VERT\nDCL IN[0]\nDCL IN[1]\nDCL OUT[0], POSITION\nDCL OUT[1], COLOR\n\
    DCL BUFFER[0]\nDCL TEMP[0]\nIMM[0] UINT32 {0, 1, 0, 0}\n\
    ATOMUADD TEMP[0].x, BUFFER[0], IMM[0].xxxx, IMM[0].yyyy\nMOV OUT[0], IN[0]\n\
    MOV OUT[1], IN[1]\nEND\n";

/// Each geometry shader invocation adds 1 to word 0 of storage buffer 0
/// and passes its triangle on.
const GS_COUNTS: &str = "GEOM\nPROPERTY GS_INPUT_PRIMITIVE TRIANGLES\n\
    PROPERTY GS_OUTPUT_PRIMITIVE TRIANGLE_STRIP\nPROPERTY GS_MAX_OUTPUT_VERTICES 3\n\
    PROPERTY GS_INVOCATIONS 1\nDCL IN[][0], POSITION\nDCL IN[][1], COLOR\nDCL OUT[0], POSITION\n\
    DCL OUT[1], COLOR\nDCL BUFFER[0]\nDCL TEMP[0]\nIMM[0] UINT32 {0, 1, 0, 0}\n\
    ATOMUADD TEMP[0].x, BUFFER[0], IMM[0].xxxx, IMM[0].yyyy\n\
    MOV OUT[0], IN[0][0]\nMOV OUT[1], IN[0][1]\nEMIT IMM[0].xxxx\n\
    MOV OUT[0], IN[1][0]\nMOV OUT[1], IN[1][1]\nEMIT IMM[0].xxxx\n\
    MOV OUT[0], IN[2][0]\nMOV OUT[1], IN[2][1]\nEMIT IMM[0].xxxx\nENDPRIM IMM[0].xxxx\nEND\n";

/// Binds buffer 3 at storage slot 0 of `stage` and draws `setup`; returns
/// the renderer and the draw's errors.
fn counted_renderer(stage: ShaderStage, setup: &DrawSetup) -> (Renderer, u64) {
    let mut r = Renderer::new(gpu());
    draw_setup::setup(&mut r, CTX, &TRIANGLE);
    buffer_with(&mut r, CTX, ResId(3), vec![0; 16]);
    // In the sub-context the draw stream uses.
    let mut e = Encoder::new();
    e.push(&Command::CreateSubCtx(1)).unwrap();
    e.push(&Command::SetSubCtx(1)).unwrap();
    bind_buffer(&mut e, stage, 3, 0, 16);
    assert_eq!(r.submit(CTX, e.as_bytes()).unwrap().errors, 0);
    let errors = r.submit(CTX, &draw_stream(setup)).unwrap().errors;
    if errors > 0 {
        eprintln!("{:?}", r.context_errors(CTX));
    }
    (r, errors)
}

/// [`counted_renderer`]: word 0 of buffer 3 and the draw's errors.
fn counted_draw(stage: ShaderStage, setup: &DrawSetup) -> (u32, u64) {
    let (mut r, errors) = counted_renderer(stage, setup);
    (words(&mut r, ResId(3), 1)[0], errors)
}

#[test]
fn vertex_and_geometry_shaders_write_storage_buffers() {
    // The wgpu path: three vertices.
    let plain = DrawSetup {
        vs: VS_COUNTS,
        ..DrawSetup::default()
    };
    assert_eq!(counted_draw(ShaderStage::VERTEX, &plain), (3, 0));
    // The raw Vulkan path (a logic op) binds them too.
    let raw = DrawSetup {
        logic_op: Some(3),
        ..plain
    };
    assert_eq!(counted_draw(ShaderStage::VERTEX, &raw), (3, 0));
    // A geometry shader (raw path): one triangle.
    let geometry = DrawSetup {
        gs: Some(GS_COUNTS),
        ..DrawSetup::default()
    };
    assert_eq!(counted_draw(ShaderStage::GEOMETRY, &geometry), (1, 0));
    // With the rasterizer discarding everything the shaders still run
    // (raw path, Vulkan's rasterizer discard).
    let discarded = DrawSetup {
        discard: true,
        ..plain
    };
    assert_eq!(counted_draw(ShaderStage::VERTEX, &discarded), (3, 0));
    let discarded = DrawSetup {
        discard: true,
        ..geometry
    };
    assert_eq!(counted_draw(ShaderStage::GEOMETRY, &discarded), (1, 0));
}

#[test]
fn discarded_draws_write_memory_and_no_pixel() {
    let setup = DrawSetup {
        vs: VS_COUNTS,
        discard: true,
        clear: [0.0, 0.0, 1.0, 1.0],
        ..DrawSetup::default()
    };
    let (mut r, errors) = counted_renderer(ShaderStage::VERTEX, &setup);
    assert_eq!(errors, 0);
    assert_eq!(words(&mut r, ResId(3), 1), vec![3]);
    // The clear colour (BGRA), not the triangle's.
    assert_eq!(pixel(&mut r, 8, 8), [255, 0, 0, 255]);
}

#[test]
fn image_atomics_return_the_old_texel() {
    // 16 invocations add 1 to texel (0, 0) of image 0 (R32_UINT; each
    // stores the old value it got, so the values are 0..16 in some order)
    // and exchange texel (1, 0) of image 1 (R32_SINT, all 7) for their
    // index: beside a storage buffer, so the module binds three resources
    // (wgpu renumbers layout bindings; the SPIR-V must follow).
    let mut r = with_buffer(16);
    for (id, format, texel) in [(6, Format::R32_UINT, 0u32), (7, Format::R32_SINT, 7)] {
        let img = info(TextureTarget::TEXTURE_2D, format, 4, 4);
        r.create_resource(ResId(id), &img, None).unwrap();
        r.attach_resource(CTX, ResId(id)).unwrap();
        let t = TransferBox {
            level: 0,
            region: Box3 {
                x: 0,
                y: 0,
                z: 0,
                w: 4,
                h: 4,
                d: 1,
            },
            stride: 0,
            layer_stride: 0,
            offset: 0,
        };
        let bytes = texel.to_le_bytes().repeat(16);
        r.write_from(ResId(id), &t, VecBacking::from_vec(bytes).as_ref())
            .unwrap();
    }
    let text = "COMP\nPROPERTY CS_FIXED_BLOCK_WIDTH 16\nPROPERTY CS_FIXED_BLOCK_HEIGHT 1\n\
        PROPERTY CS_FIXED_BLOCK_DEPTH 1\nDCL SV[0], THREAD_ID\n\
        DCL IMAGE[0], 2D, PIPE_FORMAT_R32_UINT, WR\nDCL IMAGE[1], 2D, PIPE_FORMAT_R32_SINT, WR\n\
        DCL BUFFER[0]\nDCL TEMP[0..2]\nIMM[0] UINT32 {0, 1, 2, 0}\n\
        ATOMUADD TEMP[0].x, IMAGE[0], IMM[0].xxxx, IMM[0].yyyy, 2D, PIPE_FORMAT_R32_UINT\n\
        SHL TEMP[1].x, SV[0].xxxx, IMM[0].zzzz\nSTORE BUFFER[0].x, TEMP[1].xxxx, TEMP[0].xxxx\n\
        ATOMXCHG TEMP[2].x, IMAGE[1], IMM[0].yxxx, SV[0].xxxx, 2D, PIPE_FORMAT_R32_SINT\nEND\n";
    let image = |format: Format, res| ImageBinding {
        format: Le32::new(format.0),
        access: Le32::new(3),
        layer_offset: Le32::new(0),
        level_size: Le32::new(0),
        res: Le32::new(res),
    };
    let mut e = Encoder::new();
    e.push(&Command::SetShaderImages {
        stage: ShaderStage::COMPUTE,
        start_slot: 0,
        images: &[image(Format::R32_UINT, 6), image(Format::R32_SINT, 7)],
    })
    .unwrap();
    compute_shader(&mut e, 10, text, 0);
    bind_buffer(&mut e, ShaderStage::COMPUTE, 3, 0, 64);
    e.push(&launch([16, 1, 1], [1, 1, 1])).unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    let mut olds = words(&mut r, ResId(3), 16);
    olds.sort_unstable();
    assert_eq!(olds, (0..16).collect::<Vec<u32>>());
    let mut texel = |id: u32, i: usize| {
        let data = r.read_resource(ResId(id), 0, 0).unwrap().data;
        u32::from_le_bytes([
            data[i * 4],
            data[i * 4 + 1],
            data[i * 4 + 2],
            data[i * 4 + 3],
        ])
    };
    assert_eq!((texel(6, 0), texel(6, 1)), (16, 0));
    assert_eq!((texel(7, 0), texel(7, 2)), (7, 7));
    assert!(texel(7, 1) < 16);
}

#[test]
fn storage_buffers_indexed_by_a_register() {
    // Invocation i adds i + 1 to word 0 of storage buffer slot i (GLSL's
    // arrays of storage blocks indexed by a variable).
    let text = "COMP\nPROPERTY CS_FIXED_BLOCK_WIDTH 3\nPROPERTY CS_FIXED_BLOCK_HEIGHT 1\n\
        PROPERTY CS_FIXED_BLOCK_DEPTH 1\nDCL SV[0], THREAD_ID\nDCL BUFFER[0..2]\nDCL ADDR[0]\n\
        DCL TEMP[0..1]\nIMM[0] UINT32 {0, 1, 0, 0}\nUARL ADDR[0].x, SV[0].xxxx\n\
        UADD TEMP[0].x, SV[0].xxxx, IMM[0].yyyy\n\
        ATOMUADD TEMP[1].x, BUFFER[ADDR[0].x], IMM[0].xxxx, TEMP[0].xxxx\nEND\n";
    let mut r = with_buffer(4);
    buffer_with(&mut r, CTX, ResId(4), vec![0; 16]);
    buffer_with(&mut r, CTX, ResId(5), vec![0; 16]);
    let mut e = Encoder::new();
    compute_shader(&mut e, 10, text, 0);
    let slot = |res| BufferBinding {
        offset: Le32::new(0),
        length: Le32::new(16),
        res: Le32::new(res),
    };
    e.push(&Command::SetShaderBuffers {
        stage: ShaderStage::COMPUTE,
        start_slot: 0,
        buffers: &[slot(3), slot(4), slot(5)],
    })
    .unwrap();
    e.push(&launch([3, 1, 1], [2, 1, 1])).unwrap();
    let stats = r.submit(CTX, e.as_bytes()).unwrap();
    assert_eq!(stats.errors, 0, "{:?}", r.context_errors(CTX));
    let firsts: Vec<u32> = (3..6).map(|id| words(&mut r, ResId(id), 1)[0]).collect();
    assert_eq!(firsts, vec![2, 4, 6]);
}

#[test]
fn hostile_image_bindings_are_refused() {
    // A level or layers the texture lacks, a texture whose texels are of
    // another size than the shader's image's, and a buffer or nothing as an
    // image: each a context error.
    let load = "COMP\nPROPERTY CS_FIXED_BLOCK_WIDTH 1\nPROPERTY CS_FIXED_BLOCK_HEIGHT 1\n\
        PROPERTY CS_FIXED_BLOCK_DEPTH 1\nDCL IMAGE[0], 2D, PIPE_FORMAT_R32_UINT\nDCL TEMP[0]\n\
        IMM[0] UINT32 {0, 0, 0, 0}\n\
        LOAD TEMP[0].x, IMAGE[0], IMM[0].xxxx, 2D, PIPE_FORMAT_R32_UINT\nEND\n";
    let errors = |format: Format, layers: u32, level: u32, res: u32| {
        let mut r = with_buffer(4);
        let img = info(TextureTarget::TEXTURE_2D, format, 4, 4);
        r.create_resource(ResId(6), &img, None).unwrap();
        r.attach_resource(CTX, ResId(6)).unwrap();
        let mut e = Encoder::new();
        e.push(&Command::SetShaderImages {
            stage: ShaderStage::COMPUTE,
            start_slot: 0,
            images: &[ImageBinding {
                format: Le32::new(format.0),
                access: Le32::new(1),
                layer_offset: Le32::new(layers),
                level_size: Le32::new(level),
                res: Le32::new(res),
            }],
        })
        .unwrap();
        compute_shader(&mut e, 10, load, 0);
        e.push(&launch([1, 1, 1], [1, 1, 1])).unwrap();
        r.submit(CTX, e.as_bytes()).unwrap().errors
    };
    assert_eq!(errors(Format::R32_UINT, 0, 0, 6), 0);
    assert_eq!(errors(Format::R32_UINT, 0, 7, 6), 1);
    assert_eq!(errors(Format::R32_UINT, 5 | 5 << 16, 0, 6), 1);
    // An R32_UINT image of an R32_FLOAT texture is a view of its class; a
    // texture of 64-bit texels is not.
    assert_eq!(errors(Format::R32_FLOAT, 0, 0, 6), 0);
    assert_eq!(errors(Format::R32G32_UINT, 0, 0, 6), 1);
    assert_eq!(errors(Format::R32_UINT, 0, 0, 3), 2);
    assert_eq!(errors(Format::R32_UINT, 0, 0, 99), 2);
}

/// Submits `cmds` after binding [`STORE_IDS`] and buffer 3, and returns
/// the context errors they caused (the renderer must survive them).
fn errors_of(cmds: &[Command<'_>]) -> u64 {
    let mut r = with_buffer(16);
    let mut e = Encoder::new();
    compute_shader(&mut e, 10, STORE_IDS, 0);
    bind_buffer(&mut e, ShaderStage::COMPUTE, 3, 0, 64);
    assert_eq!(r.submit(CTX, e.as_bytes()).unwrap().errors, 0);
    let mut e = Encoder::new();
    for c in cmds {
        e.push(c).unwrap();
    }
    let errors = r.submit(CTX, e.as_bytes()).unwrap().errors;
    // Still alive and launching.
    let mut e = Encoder::new();
    e.push(&launch([4, 1, 1], [1, 1, 1])).unwrap();
    assert_eq!(r.submit(CTX, e.as_bytes()).unwrap().errors, 0);
    errors
}

#[test]
fn hostile_launches_and_bindings_are_refused() {
    // A block size other than the shader's.
    assert_eq!(errors_of(&[launch([8, 1, 1], [1, 1, 1])]), 1);
    // More workgroups than any device dispatches.
    assert_eq!(errors_of(&[launch([4, 1, 1], [u32::MAX, 1, 1])]), 1);
    // Indirect arguments past the buffer, or from a missing resource.
    let indirect = |res, offset| {
        Command::LaunchGrid(LaunchGrid {
            block: [4, 1, 1],
            grid: [1, 1, 1],
            indirect_res: res,
            indirect_offset: offset,
        })
    };
    assert_eq!(errors_of(&[indirect(3, 60)]), 1);
    assert_eq!(errors_of(&[indirect(3, u32::MAX - 2)]), 1);
    assert_eq!(errors_of(&[indirect(99, 0)]), 1);
    // Unaligned, foreign or non-buffer storage bindings.
    let binding = |res, offset| {
        [BufferBinding {
            offset: Le32::new(offset),
            length: Le32::new(u32::MAX),
            res: Le32::new(res),
        }]
    };
    let unaligned = binding(3, 3);
    let missing = binding(77, 0);
    let set = |b: &'static [BufferBinding]| Command::SetShaderBuffers {
        stage: ShaderStage::COMPUTE,
        start_slot: 0,
        buffers: b,
    };
    assert_eq!(errors_of(&[set(Box::leak(Box::new(unaligned)))]), 1);
    assert_eq!(errors_of(&[set(Box::leak(Box::new(missing)))]), 1);
    // A range longer than the buffer is cut at its end: no error, no
    // write past it.
    assert_eq!(errors_of(&[set(Box::leak(Box::new(binding(3, 0))))]), 0);
    // No shader bound.
    assert_eq!(
        errors_of(&[
            Command::BindShader {
                handle: 0,
                stage: ShaderStage::COMPUTE
            },
            launch([4, 1, 1], [1, 1, 1]),
            Command::BindShader {
                handle: 10,
                stage: ShaderStage::COMPUTE
            },
        ]),
        1
    );
}

#[test]
fn caps_advertise_compute_and_storage() {
    let r = Renderer::new(gpu());
    let caps = r.caps_v2();
    let bits = caps.capability_bits.get();
    assert_ne!(bits & guest_protocol::virgl::caps::cap::COMPUTE_SHADER, 0);
    assert!(caps.max_compute_work_group_invocations.get() >= 1024);
    assert!(caps.max_shader_buffer_frag_compute.get() >= 8);
    assert!(caps.max_shader_image_frag_compute.get() >= 4);
    // Vertex and geometry shaders too (lavapipe lets vertex shaders store).
    assert_eq!(
        caps.max_shader_buffer_other_stages.get(),
        caps.max_shader_buffer_frag_compute.get()
    );
    assert_eq!(caps.max_atomic_counters[5].get(), 0);
}
