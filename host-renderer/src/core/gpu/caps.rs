//! The capability sets the host advertises: exactly what is implemented and
//! tested: GL 3.3 (core and compatibility) / GLES 3.0 where the raw path has
//! transform feedback and geometry shaders, GL 3.1 / GLES 3.0 where it has
//! transform feedback alone, GL 2.1 / GLES 2.0 elsewhere (virgl-protocol.md
//! §9, §11).
//!
//! The GLSL level is 140 (330 with geometry shaders, below): at least 130
//! because Mesa's virgl driver reads it for
//! `PIPE_SHADER_CAP_INTEGERS` (`glsl_level >= 130`), so the guest compiles
//! to TGSI with native integer and unsigned opcodes (`UARL`, `UCMP`,
//! `ISLT`, `FSEQ`, `SHL` on integers …), all translated and tested
//! (`shader_exec.rs`). Without them Mesa 22.3 applies integer opcodes to
//! float-valued array indices at GLSL 1.20 and mis-indexes matrices and
//! arrays. Without stream output the GL version Mesa derives stays 2.1 and
//! its `GL_SHADING_LANGUAGE_VERSION` says 1.20 (Mesa's compiler then
//! refuses `#version 130`); with it (below) Mesa has every GL 3.0 and ES 3.0
//! feature it checks for and reports at least GL 3.0, GLSL 1.30 and
//! OpenGL ES 3.0 (GL 3.1 with the texture buffers below; `serve_gl_client`). The level also enables
//! extensions that are GLSL compiler features (`ARB_arrays_of_arrays`,
//! `ARB_shading_language_420pack`, conservative depth as a hint) or need
//! GLSL 1.30 to be used.
//!
//! Logic ops have no caps bit (every GL guest assumes them): they are drawn
//! exactly through Vulkan's `logicOp` where the device has it (`vk`), and a
//! device without it refuses such draws with an `Unsupported` context error
//! rather than drawing them wrong. Aliased lines are as wide as the raw path
//! draws them exactly (Bresenham `wideLines`; 1 without it) and the guest
//! clamps to the range advertised; smooth lines stay 1 pixel wide. Line
//! stipple (no caps bit either) is drawn with stippled Bresenham lines where
//! the device has them and refused with `Unsupported` where it cannot be
//! exact.
//!
//! Up to eight colour buffers are advertised (`max_render_targets`), with
//! blend state and write masks of their own (`INDEP_BLEND_*`), and
//! dual-source blending into the first (`max_dual_source_render_targets`).
//!
//! Aliased points are as large as Vulkan's `largePoints` draws them (the
//! vertex shader writes their size; sprite coordinates replace the enabled
//! inputs); smooth points stay one pixel (docs/gl-conventions.md §4b).
//!
//! Beyond GL 2.1, extensions Mesa derives from caps that are implemented
//! and tested (`tests/tests/renderer_gl.rs`): uniform buffer objects
//! (`max_uniform_blocks`), integer, RGB10A2UI and R11G11B10F formats in the
//! format masks, and sRGB write control (`SRGB_WRITE_CONTROL`).
//!
//! The format masks come from the format table: with the integer colour
//! formats sampled and rendered (`R32G32B32A32_UINT`/`SINT` among them, and
//! `R10G10B10A2_UINT`) Mesa exposes `EXT_texture_integer` and
//! `ARB_texture_rgb10_a2ui` (shader side: `IntegerSampling`,
//! `Options::color_kinds`).
//!
//! GL 3.1: GLSL level 140 and texture buffers (`max_tbo_size` 65536, views
//! from any element, the RGB32 formats for buffer views only): `TXF`/`TXQ`
//! on `BUFFER` views read the view's texels from a storage buffer
//! (`renderer_tbo.rs`, `shader_texel_buffer.rs`); the other GL 3.1
//! features Mesa checks for were there already. Mesa then reports GL 3.1
//! and GLSL 1.40, and core 3.1 contexts open (`serve_gl_client`).
//!
//! GL 3.2 and 3.3: geometry shaders (GLSL level 330, `max_geom_*`) where
//! the raw path has Vulkan's `geometryShader`: `GEOM` is translated to a
//! compute-entry module whose SPIR-V is made a geometry stage
//! (`shader_translate::geometry_spirv`) and drawn on the raw path
//! (`renderer_geometry.rs`); seamless cube maps (`SEAMLESS_CUBE_MAP`:
//! Vulkan filters cube maps seamlessly, always). Mesa then reports GL 3.3
//! and GLSL 3.30; core and, with `host_feature_check_version` 6,
//! compatibility 3.3 contexts open (`serve_gl_client`). The adjacency modes
//! join `prim_mask` with them (raw path topologies), and a geometry shader
//! captures what it emits (`renderer_xfb.rs`) and picks the layer of a
//! layered framebuffer. Not there: streams other than 0, more than one
//! invocation, viewport outputs, layered 3D levels.
//!
//! GL 4 extensions on GL 3.3 (`renderer_gl.rs`, `renderer_msaa.rs`,
//! `shader_exec`): `ARB_clip_control` (`CLIP_HALFZ`: the rasterizer's
//! `clip_halfz` keeps clip-space z, and depth ranges from far to near are
//! mirrored in the last stage before the rasterizer, as WebGPU viewports
//! cannot hold them), `ARB_derivative_control` (`DDX_FINE`/`DDY_FINE`),
//! `ARB_polygon_offset_clamp`, `ARB_base_instance`, indirect draws
//! (`ARB_draw_indirect`, `ARB_multi_draw_indirect`,
//! `ARB_indirect_parameters`: each argument set drawn directly),
//! `ARB_shader_texture_image_samples`
//! (`TXQS`; a view is bound by its own channel type where the shader
//! declares another), `ARB_texture_gather` (`TG4`, constant offsets;
//! integer views gather by four texel loads) and `ARB_clear_texture`.
//! Copies between formats of one block size, and within a texture, go
//! through a staging buffer, but `ARB_copy_image` is not advertised (see
//! [`capability_bits`]).
//!
//! Compute shaders, storage buffers, atomic counters (in storage buffers)
//! and images in fragment and compute shaders (`storage_and_compute`,
//! `renderer_compute.rs`, docs/GL-NEXT.md): Mesa then exposes
//! `ARB_compute_shader`, `ARB_shader_storage_buffer_object`,
//! `ARB_shader_atomic_counters` and `ARB_shader_image_load_store` on GL 3.3.
//! Buffer images and images whose texels are of another size than their
//! texture's are refused with context errors. With stencil texturing
//! (stencil-only view formats in the sampler mask, below) Mesa has every
//! OpenGL ES 3.1 feature it checks for.
//!
//! Stream output (`EXT_transform_feedback`, with pause/resume, draws
//! counted from a target and the primitive queries) is advertised with up
//! to four buffers where the raw path has `VK_EXT_transform_feedback`
//! (`renderer_xfb.rs`).
//!
//! Multisampling (`max_samples` 4 and `TEXTURE_MULTISAMPLE`, which Mesa
//! needs for any sample count above 1): single-level 2D colour and
//! depth/stencil resources of 4 samples (2 and 3 made 4, as GL allows),
//! drawn to with the sample mask, alpha to coverage and alpha to one (raw
//! path), cleared, resolved and copied by blits (sample copies where an
//! average is not GL's resolve, stencil included) and copies, fetched by
//! `TXF`/`TXQ`/`TXQS` on `2D_MSAA` views (`renderer_msaa.rs`). Mesa exposes
//! `EXT_framebuffer_multisample` (blit scaled too) and
//! `ARB_texture_multisample` from them. Not there: multisampled arrays
//! (WebGPU has none; creating one is refused), drawing with GL_MULTISAMPLE
//! off into a multisampled framebuffer (a context error: Vulkan cannot
//! rasterize one sample there), transfers of multisampled resources (the
//! guest blits them to single-sampled ones first). Sample shading
//! (`HAS_SAMPLE_SHADING`): SET_MIN_SAMPLES above 1 interpolates varyings
//! at each sample, `gl_SamplePosition` reads the sample's position, and
//! the caps' `sample_locations` are Vulkan's standard ones. `host_feature_check_version`
//! stays below 9, so Mesa does not read the per-format
//! `supported_multisample_formats` mask: formats that cannot have 4
//! samples here are refused at creation.

use super::device::{Gpu, MSAA_SAMPLES};
use guest_protocol::le::Le32;
use guest_protocol::virgl::caps::{bset, cap, CapsV1, CapsV2, FormatMask};
use guest_protocol::virgl::enums::PrimMode;
use guest_protocol::virgl::Format;

/// `prim_mask`: POINTS | LINES | LINE_STRIP | TRIANGLES | TRIANGLE_STRIP;
/// Mesa converts the other modes itself.
pub const PRIM_MASK: u32 = 0x3b;
/// `prim_mask` bits of the adjacency modes (`LINES_ADJACENCY` to
/// `TRIANGLE_STRIP_ADJACENCY`), drawn where geometry shaders run: Mesa
/// cannot convert them, and without them GL 3.2 programs drawing them
/// crash in the guest driver.
pub const PRIM_MASK_ADJACENCY: u32 = 0xf << 10;
/// GLSL level: native integers in TGSI, GLSL 1.40 (see the module
/// documentation); [`GLSL_LEVEL_GEOMETRY`] where geometry shaders run.
pub const GLSL_LEVEL: u32 = 140;
/// GLSL level where the raw path runs geometry shaders: GLSL 1.50 needs
/// them (GL 3.2); GLSL 3.30 adds only compiler features (bit casts are
/// moves in TGSI, explicit locations are the guest's) to GL 3.2's, and Mesa
/// has every other GL 3.3 feature from the caps below (GL 3.3 core).
pub const GLSL_LEVEL_GEOMETRY: u32 = 330;
/// `max_geom_output_vertices` at most: GL's minimum maximum, the
/// translator's limit.
pub const MAX_GEOMETRY_VERTICES: u32 = shader_translate::limits::MAX_GEOMETRY_VERTICES;
/// `max_geom_total_output_components` at most: GL's minimum maximum.
pub const MAX_GEOMETRY_COMPONENTS: u32 = 1024;
/// `max_shader_patch_varyings`: per-patch vec4 varyings between the
/// tessellation stages.
pub const MAX_PATCH_VARYINGS: u32 = 30;
/// `max_tbo_size`: texels in a texture buffer view, GL 3.1's minimum (each
/// draw copies its views' texels, at most 16 bytes each, into the uniform
/// arena).
pub const MAX_TBO_SIZE: u32 = 1 << 16;
/// `texture_buffer_offset_alignment` (bytes): views start at any element,
/// so any alignment works; 16 is what GL's `ARB_texture_buffer_range`
/// implementations commonly ask.
pub const TBO_OFFSET_ALIGNMENT: u32 = 16;
/// `host_feature_check_version`: ≥ 5 so Mesa shows the renderer string,
/// 6 so compatibility contexts get the whole GLSL level (below 6 Mesa
/// caps them at 1.40, GL 3.1); 7 would have the guest send `LINK_SHADER`,
/// which is not implemented.
pub const HOST_FEATURE_CHECK_VERSION: u32 = 6;

fn le(v: u32) -> Le32 {
    Le32::new(v)
}

fn f(v: f32) -> Le32 {
    Le32::new(v.to_bits())
}

/// Builds `virgl_caps_v2` from what `gpu` supports.
pub fn caps_v2(gpu: &Gpu) -> CapsV2 {
    let limits = &gpu.limits;
    let xfb_buffers = gpu.raw.as_ref().map_or(0, |r| r.features().xfb_buffers());
    // Geometry shaders need transform feedback's GL 3.0 below them.
    let geometry = gpu
        .raw
        .as_ref()
        .and_then(|r| r.features().geometry)
        .filter(|_| xfb_buffers > 0);
    let mut sampler = FormatMask::default();
    let mut render = FormatMask::default();
    let mut depth = FormatMask::default();
    for desc in crate::core::base::format::TABLE {
        let s = gpu.format_support(desc.virgl);
        if s.sample {
            sampler.insert(desc.virgl.0);
        }
        if s.render {
            render.insert(desc.virgl.0);
        }
        if s.depth {
            depth.insert(desc.virgl.0);
        }
    }
    let v1 = CapsV1 {
        max_version: le(2),
        sampler,
        render,
        depthstencil: depth,
        vertexbuffer: FormatMask::default(),
        bset: le(bset_bits(gpu, geometry.is_some(), xfb_buffers)),
        glsl_level: le(if geometry.is_some() {
            GLSL_LEVEL_GEOMETRY
        } else {
            GLSL_LEVEL
        }),
        max_texture_array_layers: le(limits.max_texture_array_layers.min(2048)),
        max_streamout_buffers: le(xfb_buffers),
        // Dual-source blending (ARB_blend_func_extended): colour 1 is the
        // second source of buffer 0 when the blend reads it (shaders.rs).
        max_dual_source_render_targets: le(u32::from(
            gpu.features.contains(wgpu::Features::DUAL_SOURCE_BLENDING),
        )),
        // Several colour buffers (ARB_draw_buffers): drawn with per-buffer
        // output swizzles, and blend state per buffer when the guest's is
        // independent (fixed.rs; shader_exec, piglit fbo-drawbuffers*).
        max_render_targets: le(limits.max_color_attachments.min(8)),
        max_samples: le(if multisample(gpu) { MSAA_SAMPLES } else { 1 }),
        prim_mask: le(if geometry.is_some() {
            PRIM_MASK | PRIM_MASK_ADJACENCY
        } else {
            PRIM_MASK
        }),
        max_tbo_size: le(MAX_TBO_SIZE),
        max_uniform_blocks: le(uniform_blocks(limits)),
        max_viewports: le(1),
        // textureGather (ARB_texture_gather): TG4 through WebGPU's gather,
        // or four texel loads on integer views (shader_exec).
        max_texture_gather_components: le(4),
    };
    let mut caps = CapsV2 {
        v1,
        ..CapsV2::default()
    };
    // Square (aliased) points as large as Vulkan's largePoints draws them,
    // their size from the shader (record/draw/shaders.rs); smooth (round)
    // points are not drawn, so they stay one pixel.
    caps.min_aliased_point_size = f(1.0);
    caps.max_aliased_point_size = f(gpu.max_point_size as f32);
    caps.min_smooth_point_size = f(1.0);
    caps.max_smooth_point_size = f(1.0);
    // Where the samples lie (Gallium's convention: x right, y down the
    // rows, in sixteenths, x in the high nibble): Vulkan's standard
    // positions, which lavapipe uses; two samples are four here.
    caps.sample_locations[0] = le(STANDARD_4X_SAMPLES & 0xffff);
    caps.sample_locations[1] = le(STANDARD_4X_SAMPLES);
    caps.min_aliased_line_width = f(1.0);
    let widest = gpu
        .raw
        .as_ref()
        .map_or(1, |r| r.features().max_line_width.max(1));
    caps.max_aliased_line_width = f(widest as f32);
    caps.min_smooth_line_width = f(1.0);
    caps.max_smooth_line_width = f(1.0);
    caps.max_texture_lod_bias = f(15.0);
    if let Some(g) = geometry {
        caps.max_geom_output_vertices = le(g.output_vertices.min(MAX_GEOMETRY_VERTICES));
        caps.max_geom_total_output_components =
            le(g.total_output_components.min(MAX_GEOMETRY_COMPONENTS));
    }
    // Varyings: wgpu's limit, or the raw path's (which draws programs that
    // pass more than wgpu validates, record/draw/shaders.rs).
    let varyings = gpu.raw.as_ref().map_or(0, |r| r.features().varyings);
    caps.max_vertex_outputs = le(limits
        .max_inter_stage_shader_variables
        .max(varyings)
        .min(32));
    caps.max_vertex_attribs = le(limits.max_vertex_attributes.min(16));
    caps.min_texel_offset = le((-8i32) as u32);
    caps.max_texel_offset = le(7);
    // WebGPU's constant offsets, as for the other lookups.
    caps.min_texture_gather_offset = le((-8i32) as u32);
    caps.max_texture_gather_offset = le(7);
    caps.uniform_buffer_offset_alignment = le(limits.min_uniform_buffer_offset_alignment);
    caps.capability_bits = le(capability_bits(gpu));
    caps.max_vertex_attrib_stride = le(limits.max_vertex_buffer_array_stride.min(2048));
    caps.max_texture_2d_size = le(limits.max_texture_dimension_2d);
    caps.max_texture_3d_size = le(limits.max_texture_dimension_3d);
    caps.max_texture_cube_size = le(limits.max_texture_dimension_2d);
    caps.host_feature_check_version = le(HOST_FEATURE_CHECK_VERSION);
    caps.supported_readback_formats = sampler;
    // RGB32 texels only in texture buffers: Mesa allows these formats for
    // buffer views alone (ARB_texture_buffer_object_rgb32).
    // The other texture buffer formats follow the textures' (a format in
    // the mask is one Mesa may make textures of).
    // Stencil texturing (ARB_stencil_texturing, which ES 3.1 needs): views
    // in a stencil-only format sample a depth/stencil texture's stencil
    // aspect as unsigned integers (Gpu::view_desc; renderer_gl.rs).
    if gpu.format_support(Format::S8_UINT).sample {
        for format in crate::core::base::format::STENCIL_VIEWS {
            caps.v1.sampler.insert(format.0);
        }
    }
    for format in [
        Format::R32G32B32_FLOAT,
        Format::R32G32B32_UINT,
        Format::R32G32B32_SINT,
    ] {
        caps.v1.sampler.insert(format.0);
    }
    caps.texture_buffer_offset_alignment = le(TBO_OFFSET_ALIGNMENT);
    caps.scanout = render;
    caps.renderer = renderer_string(&gpu.adapter_info.name);
    caps.max_anisotropy = f(1.0);
    caps.max_texture_image_units = le(limits.max_sampled_textures_per_shader_stage.min(16));
    let cbuf = limits.max_uniform_buffer_binding_size.min(65536) as u32;
    caps.max_const_buffer_size = [le(cbuf); 6];
    caps.max_uniform_block_size = le(cbuf);
    storage_and_compute(gpu, &mut caps);
    if geometry.is_some() && gpu.raw.as_ref().is_some_and(|r| r.features().tessellation) {
        tessellation(&mut caps);
    }
    caps
}

/// Tessellation shaders (`ARB_tessellation_shader`; Mesa exposes it in
/// core contexts of GLSL 3.30, and in compatibility ones only from GLSL
/// 4.00): control and evaluation stages translated to compute-entry
/// modules whose SPIR-V is made a tessellation stage
/// (`shader_translate::tessellation_spirv`) and drawn on the raw path with
/// patches of up to 32 vertices (`renderer_tessellation.rs`); an
/// evaluation shader alone gets GL's implied control shader (the draw's
/// patches with SET_TESS_STATE's levels). Not there: stream output of
/// tessellated primitives (refused with a context error).
fn tessellation(caps: &mut CapsV2) {
    caps.v1.bset = le(caps.v1.bset.get() | bset::HAS_TESSELLATION_SHADERS);
    caps.v1.prim_mask = le(caps.v1.prim_mask.get() | 1 << PrimMode::PATCHES.0);
    // GL's minimum (`GL_MAX_PATCH_COMPONENTS` 120), which lavapipe and
    // Vulkan's required limits also give.
    caps.max_shader_patch_varyings = le(MAX_PATCH_VARYINGS);
}

/// Shader storage buffers, images and compute shaders
/// (`record::storage`, `record::compute`; `renderer_compute.rs`).
///
/// Storage buffers in every stage (vertex and geometry shaders where the
/// device lets them store), images in fragment and compute shaders only
/// (Mesa gives both the same counts; vertex and geometry shaders get no
/// images, as GL allows). No hardware atomic counters: Mesa then keeps GLSL's atomic
/// counters in half of the storage buffers, as buffer atomics. Mesa needs
/// fragment images for `ARB_shader_image_load_store` and that for
/// `ARB_compute_shader`; with both, and `MAX_COMPUTE_WORK_GROUP_INVOCATIONS`
/// of at least 1024, it exposes compute shaders and, with GL 3.3's
/// features, OpenGL ES 3.1.
fn storage_and_compute(gpu: &Gpu, caps: &mut CapsV2) {
    use shader_translate::limits as tl;
    let limits = &gpu.limits;
    let buffers = limits
        .max_storage_buffers_per_shader_stage
        .min(tl::MAX_SHADER_BUFFERS);
    let images = limits
        .max_storage_textures_per_shader_stage
        .min(tl::MAX_SHADER_IMAGES);
    caps.shader_buffer_offset_alignment = le(limits.min_storage_buffer_offset_alignment);
    caps.max_shader_buffer_frag_compute = le(buffers);
    // Vertex and geometry shaders (Mesa gives every stage but fragment and
    // compute this count) where the device lets vertex-stage shaders store;
    // geometry shaders bind them on the raw path.
    if gpu
        .features
        .contains(wgpu::Features::VERTEX_WRITABLE_STORAGE)
    {
        caps.max_shader_buffer_other_stages = le(buffers);
    }
    caps.max_combined_shader_buffers = le(buffers);
    caps.max_shader_image_frag_compute = le(images);
    caps.max_compute_work_group_invocations = le(limits
        .max_compute_invocations_per_workgroup
        .min(tl::MAX_WORKGROUP_INVOCATIONS));
    caps.max_compute_shared_memory_size = le(limits
        .max_compute_workgroup_storage_size
        .min(tl::MAX_SHARED_BYTES));
    caps.max_compute_grid_size = [le(limits.max_compute_workgroups_per_dimension); 3];
    caps.max_compute_block_size = [
        le(limits.max_compute_workgroup_size_x.min(1024)),
        le(limits.max_compute_workgroup_size_y.min(1024)),
        le(limits.max_compute_workgroup_size_z.min(64)),
    ];
}

/// The `capability_bits`: what is implemented and tested.
///
/// SRGB_WRITE_CONTROL: a surface's format (an sRGB format or its linear
/// twin on the same storage) says whether writes encode sRGB, as Mesa
/// picks it for GL_FRAMEBUFFER_SRGB (renderer_gl.rs). CLEAR_TEXTURE
/// (ARB_clear_texture): uploads of the texel repeated
/// (exec/transfers.rs). CLIP_HALFZ (ARB_clip_control): the rasterizer's
/// `clip_halfz` keeps clip-space z as [0, w] for the depth range
/// (draw/viewport.rs, `Options::clip_halfz`). MULTI_DRAW_INDIRECT and
/// INDIRECT_PARAMS: indirect draws (draw/indirect.rs). With
/// multisampling, TXQS (ARB_shader_texture_image_samples:
/// `textureSamples` on multisampled views, renderer_msaa.rs) and
/// SET_MIN_SAMPLES (glMinSampleShading's samples, for sample shading).
/// TEXTURE_VIEW (ARB_texture_view, OES_texture_view): sampler views carry
/// their own target, levels and layers, and views and surfaces in another
/// format of the texture's view class reinterpret its texels
/// (resources/reinterpret.rs, renderer_texture_view.rs). QBO
/// (ARB_query_buffer_object): GET_QUERY_RESULT_QBO stores a query's
/// result or availability into a buffer as a 32- or 64-bit integer
/// (record/query.rs, renderer_commands.rs).
///
/// Not COPY_IMAGE, though RESOURCE_COPY_REGION copies between formats of
/// one block size (record/copy.rs): in interleaved A/B runs glmark2-es2's
/// `effect2d` ran 12–20 % slower with the bit than without (same build),
/// while the guest's command stream stayed byte for byte the same; a later
/// repeat found every build equally slow on a noisier machine, so the
/// cause is not established. Until it is, `ARB_copy_image` stays off.
fn capability_bits(gpu: &Gpu) -> u32 {
    cap::TRANSFER
        | cap::COMPUTE_SHADER
        | cap::FB_NO_ATTACH
        | cap::SRGB_WRITE_CONTROL
        | cap::CLIP_HALFZ
        | cap::CLEAR_TEXTURE
        | cap::MULTI_DRAW_INDIRECT
        | cap::INDIRECT_PARAMS
        | cap::TEXTURE_VIEW
        | cap::QBO
        | if multisample(gpu) {
            cap::TXQS | cap::SET_MIN_SAMPLES
        } else {
            0
        }
}

/// Vulkan's standard positions of 4 samples, (6, 2), (14, 6), (2, 10),
/// (10, 14) sixteenths of a pixel, a byte each (x in the high nibble).
const STANDARD_4X_SAMPLES: u32 = 0xae2a_e662;

/// The `bset` bits: what is implemented and tested.
///
/// Blend state and write mask per colour buffer (renderer_gl.rs),
/// occlusion queries, conditional rendering (inverted too), primitive
/// restart at any index, polygon stipple and depth clamp (where the
/// device can turn depth clipping off) are implemented and tested
/// (renderer_commands.rs). Fragment coordinate conventions: both
/// origins and both pixel centres are translated (shader_exec). The
/// guest's compiler writes the shader's own `FS_COORD_ORIGIN`
/// whatever this bit says and, without it, also inverts y itself:
/// the bit must be set for the property to mean what it says.
fn bset_bits(gpu: &Gpu, geometry: bool, xfb_buffers: u32) -> u32 {
    bset::INDEP_BLEND_ENABLE
    | bset::INDEP_BLEND_FUNC
    | bset::OCCLUSION_QUERY
    | bset::FRAGMENT_COORD_CONVENTIONS
    | bset::CONDITIONAL_RENDER
    | bset::CONDITIONAL_RENDER_INVERTED
    | bset::PRIMITIVE_RESTART
    | bset::POLY_STIPPLE
    // Fine and coarse derivatives (`DDX_FINE`/`DDY_FINE`, WGSL's
    // `dpdxFine`/`dpdyFine`; shader_exec) and a clamped polygon offset
    // (the depth bias clamp, or the shader's offset, fixed.rs).
    | bset::DERIVATIVE_CONTROL
    | bset::POLYGON_OFFSET_CLAMP
    // Base instances (ARB_base_instance): instances count from 0 and the
    // instance-rate buffers start at the base instance (draw/vertices.rs).
    | bset::START_INSTANCE
    // Indirect draws, read from the argument buffer's host copy and drawn
    // directly (draw/indirect.rs; with MULTI_DRAW_INDIRECT and
    // INDIRECT_PARAMS).
    | bset::HAS_INDIRECT_DRAW
    // textureQueryLOD (`LODQ`): GL's LOD formula on the coordinate's
    // derivatives with the sampler's bias, range and mip filter
    // (shader_translate's lower/tex_lod.rs, shader_exec).
    | bset::TEXTURE_QUERY_LOD
    // Cube maps are always sampled seamlessly (Vulkan's only way);
    // GL 3.2 needs the extension, whose default of non-seamless
    // sampling is not drawn exactly (docs/gl-conventions.md).
    | if geometry {
        bset::SEAMLESS_CUBE_MAP
    } else {
        0
    }
    | if gpu.features.contains(wgpu::Features::DEPTH_CLIP_CONTROL) {
        bset::DEPTH_CLIP_DISABLE
    } else {
        0
    }
    // Sample shading (ARB_sample_shading) with multisampling: every
    // sample shaded under SET_MIN_SAMPLES above 1, gl_SampleID and
    // gl_SamplePosition (renderer_msaa.rs).
    | if multisample(gpu) {
        bset::TEXTURE_MULTISAMPLE | bset::HAS_SAMPLE_SHADING
    } else {
        0
    }
    // Cube map arrays: CubeArray views, sampled with TEX, TXB2,
    // TXL2 and (shadow) TEX2 (shader_exec).
    | if gpu.cube_arrays {
        bset::CUBE_MAP_ARRAY
    } else {
        0
    }
    // Stream output resumes where it stopped (append mask), into
    // interleaved and separate buffers, and its overflow predicates
    // (ARB_transform_feedback_overflow_query) say whether a capture ran
    // out of room (renderer_xfb.rs).
    | if xfb_buffers > 0 {
        bset::STREAMOUT_PAUSE_RESUME | bset::TRANSFORM_FEEDBACK_OVERFLOW_QUERY
    } else {
        0
    }
}

/// Whether the device multisamples the formats GL's multisampling needs
/// (Mesa derives `MaxSamples` from RGBA8 and the depth formats).
fn multisample(gpu: &Gpu) -> bool {
    [
        Format::B8G8R8A8_UNORM,
        Format::R8G8B8A8_UNORM,
        Format::Z24_UNORM_S8_UINT,
    ]
    .iter()
    .all(|&f| gpu.format_support(f).multisample)
}

/// `max_uniform_blocks`: constant buffers per stage, buffer 0 (the
/// default uniform block) included, as the reference host counts them.
/// Each is a uniform binding beside the driver uniforms' (large ones are
/// storage bindings); only buffer 0 and the driver uniforms take dynamic
/// offsets. Mesa exposes `ARB_uniform_buffer_object` from 13 (12 blocks
/// besides buffer 0). Buffers 1 and up are ranges of buffer resources
/// (SET_UNIFORM_BUFFER), `CONST[n][i]` in TGSI.
fn uniform_blocks(limits: &wgpu::Limits) -> u32 {
    limits
        .max_uniform_buffers_per_shader_stage
        .saturating_sub(1)
        .min(shader_translate::limits::MAX_CONSTANT_BUFFERS)
}

/// `virgl_caps_v1`: the first 308 bytes of v2 with `max_version = 1`.
pub fn caps_v1(gpu: &Gpu) -> CapsV1 {
    let mut v1 = caps_v2(gpu).v1;
    v1.max_version = le(1);
    v1
}

/// `"pv3d wgpu <adapter>"`, NUL-terminated, cut to 63 bytes.
fn renderer_string(adapter: &str) -> [u8; 64] {
    let mut out = [0u8; 64];
    let text = format!("pv3d wgpu {adapter}");
    for (d, s) in out.iter_mut().take(63).zip(text.bytes()) {
        *d = s;
    }
    out
}
