//! Packed dwords of object and state payloads, as typed bit fields.
//!
//! Each type wraps the raw dword (`from_bits`/`into_bits`), so decoding keeps
//! every bit and re-encoding is exact; accessors give the named fields.
//! Field names are the protocol's (virgl-protocol.md §3, §4, §6, §7), which
//! document them.

#![allow(missing_docs)]

use super::enums::{
    BlendFactor, BlendFunc, CompareFunc, CullFace, LogicOp, PolygonMode, QueryType, StencilOp,
    Swizzle, TexWrap,
};
use bitfield_struct::bitfield;

/// BLEND S0: global blend switches.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct BlendFlags {
    pub independent_blend_enable: bool,
    pub logicop_enable: bool,
    pub dither: bool,
    pub alpha_to_coverage: bool,
    pub alpha_to_one: bool,
    #[bits(27)]
    __: u32,
}

/// BLEND S1: the logic op.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct BlendLogicOp {
    #[bits(4)]
    pub logicop_func: LogicOp,
    #[bits(28)]
    __: u32,
}

/// BLEND `S2[rt]`: one render target's blend equation and colour mask.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct RtBlend {
    pub blend_enable: bool,
    #[bits(3)]
    pub rgb_func: BlendFunc,
    #[bits(5)]
    pub rgb_src_factor: BlendFactor,
    #[bits(5)]
    pub rgb_dst_factor: BlendFactor,
    #[bits(3)]
    pub alpha_func: BlendFunc,
    #[bits(5)]
    pub alpha_src_factor: BlendFactor,
    #[bits(5)]
    pub alpha_dst_factor: BlendFactor,
    /// R=1, G=2, B=4, A=8.
    #[bits(4)]
    pub colormask: u8,
    #[bits(1)]
    __: u8,
}

/// RASTERIZER S0: every one-bit and small rasterizer switch.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct RasterizerFlags {
    pub flatshade: bool,
    pub depth_clip: bool,
    pub clip_halfz: bool,
    pub rasterizer_discard: bool,
    pub flatshade_first: bool,
    pub light_twoside: bool,
    pub sprite_coord_mode: bool,
    pub point_quad_rasterization: bool,
    #[bits(2)]
    pub cull_face: CullFace,
    #[bits(2)]
    pub fill_front: PolygonMode,
    #[bits(2)]
    pub fill_back: PolygonMode,
    pub scissor: bool,
    pub front_ccw: bool,
    pub clamp_vertex_color: bool,
    pub clamp_fragment_color: bool,
    pub offset_line: bool,
    pub offset_point: bool,
    pub offset_tri: bool,
    pub poly_smooth: bool,
    pub poly_stipple_enable: bool,
    pub point_smooth: bool,
    pub point_size_per_vertex: bool,
    pub multisample: bool,
    pub line_smooth: bool,
    pub line_stipple_enable: bool,
    pub line_last_pixel: bool,
    pub half_pixel_center: bool,
    pub bottom_edge_rule: bool,
    pub force_persample_interp: bool,
}

/// RASTERIZER S3: line stipple and user clip planes.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct RasterizerStipple {
    pub line_stipple_pattern: u16,
    pub line_stipple_factor: u8,
    pub clip_plane_enable: u8,
}

/// DSA S0: depth test and alpha test.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct DepthAlpha {
    pub depth_enabled: bool,
    pub depth_writemask: bool,
    #[bits(3)]
    pub depth_func: CompareFunc,
    #[bits(3)]
    __: u8,
    pub alpha_enabled: bool,
    #[bits(3)]
    pub alpha_func: CompareFunc,
    #[bits(20)]
    __: u32,
}

/// DSA S1/S2: one face's stencil state.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct StencilFace {
    pub enabled: bool,
    #[bits(3)]
    pub func: CompareFunc,
    #[bits(3)]
    pub fail_op: StencilOp,
    #[bits(3)]
    pub zpass_op: StencilOp,
    #[bits(3)]
    pub zfail_op: StencilOp,
    pub valuemask: u8,
    pub writemask: u8,
    #[bits(3)]
    __: u8,
}

/// SAMPLER_VIEW dword 3: format and (with `TEXTURE_VIEW`) the view target.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct ViewFormat {
    #[bits(24)]
    pub format: u32,
    /// `PIPE_TEXTURE_*`, 0 when the host did not advertise `TEXTURE_VIEW`.
    pub target: u8,
}

/// SAMPLER_VIEW dword 6: the four component swizzles.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct ViewSwizzle {
    #[bits(3)]
    pub r: Swizzle,
    #[bits(3)]
    pub g: Swizzle,
    #[bits(3)]
    pub b: Swizzle,
    #[bits(3)]
    pub a: Swizzle,
    #[bits(20)]
    __: u32,
}

/// SAMPLER_STATE S0: wrap modes, filters, compare and anisotropy.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct SamplerFlags {
    #[bits(3)]
    pub wrap_s: TexWrap,
    #[bits(3)]
    pub wrap_t: TexWrap,
    #[bits(3)]
    pub wrap_r: TexWrap,
    /// `PIPE_TEX_FILTER_*` (0 nearest, 1 linear).
    #[bits(2)]
    pub min_img_filter: u8,
    /// `PIPE_TEX_MIPFILTER_*` (0 nearest, 1 linear, 2 none).
    #[bits(2)]
    pub min_mip_filter: u8,
    /// `PIPE_TEX_FILTER_*`.
    #[bits(2)]
    pub mag_img_filter: u8,
    pub compare_mode: bool,
    #[bits(3)]
    pub compare_func: CompareFunc,
    pub seamless_cube_map: bool,
    #[bits(6)]
    pub max_anisotropy: u8,
    #[bits(6)]
    __: u8,
}

/// QUERY dword 2: virgl query type and index.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct QueryKind {
    #[bits(16)]
    pub query_type: QueryType,
    pub index: u16,
}

/// Two 16-bit halves of a dword (`lo | hi << 16`): layer ranges, scissor
/// corners, framebuffer sizes.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct U16Pair {
    pub lo: u16,
    pub hi: u16,
}

/// SET_STENCIL_REF: front and back reference values.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct StencilRef {
    pub front: u8,
    pub back: u8,
    __: u16,
}

/// BLIT S0: what to copy and how.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct BlitFlags {
    /// `PIPE_MASK_*`: R=1, G=2, B=4, A=8, Z=0x10, S=0x20.
    pub mask: u8,
    /// 0 nearest, 1 linear.
    #[bits(2)]
    pub filter: u8,
    pub scissor_enable: bool,
    pub render_condition_enable: bool,
    pub alpha_blend: bool,
    #[bits(19)]
    __: u32,
}

/// Shader `offlen`: total length of the first chunk, or offset of a continuation.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct ShaderOffLen {
    /// First chunk: total text length in bytes including the NUL;
    /// continuation: byte offset of this chunk in the text.
    #[bits(31)]
    pub value: u32,
    /// Set on continuation chunks (`VIRGL_OBJ_SHADER_OFFSET_CONT`).
    pub continuation: bool,
}

/// One stream-output (transform feedback) output of a shader, first dword.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct SoOutputLayout {
    pub register_index: u8,
    #[bits(2)]
    pub start_component: u8,
    #[bits(3)]
    pub num_components: u8,
    #[bits(3)]
    pub output_buffer: u8,
    pub dst_offset: u16,
}

/// COPY_TRANSFER3D flags.
#[bitfield(u32)]
#[derive(PartialEq, Eq, Hash)]
pub struct CopyTransferFlags {
    /// Mesa always sets it.
    pub synchronized: bool,
    /// Copy host → staging (only with `COPY_TRANSFER_BOTH_DIRECTIONS`).
    pub read_from_host: bool,
    #[bits(30)]
    __: u32,
}
