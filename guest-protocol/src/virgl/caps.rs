//! The capability sets: `virgl_caps_v1` (capset 1) and `virgl_caps_v2` (capset 2).
//!
//! The host fills them from what it really implements; the guest's Mesa reads
//! them once and lowers everything not advertised itself (virgl-protocol.md §9).

use crate::le::Le32;
use bytemuck::{Pod, Zeroable};

/// A format bitmask: bit `f % 32` of word `f / 32` set means format `f` is supported.
#[derive(Clone, Copy, Default, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
pub struct FormatMask(pub [Le32; 16]);

impl FormatMask {
    /// True when `format` is in the mask (formats past the mask are not).
    pub fn contains(&self, format: u32) -> bool {
        let word = (format / 32) as usize;
        self.0
            .get(word)
            .is_some_and(|w| w.get() & (1 << (format % 32)) != 0)
    }

    /// Adds `format`; formats that do not fit the mask are ignored.
    pub fn insert(&mut self, format: u32) {
        if let Some(w) = self.0.get_mut((format / 32) as usize) {
            *w = Le32::new(w.get() | (1 << (format % 32)));
        }
    }

    /// Number of formats in the mask.
    pub fn count(&self) -> u32 {
        self.0.iter().map(|w| w.get().count_ones()).sum()
    }
}

impl core::fmt::Debug for FormatMask {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "FormatMask({} formats)", self.count())
    }
}

/// `virgl_caps_v1`: 308 bytes, also the first 308 bytes of [`CapsV2`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
pub struct CapsV1 {
    /// 1 for a v1 blob, 2 for a v2 blob.
    pub max_version: Le32,
    /// Sampleable formats.
    pub sampler: FormatMask,
    /// Render-target formats.
    pub render: FormatMask,
    /// Depth/stencil formats (Mesa 22.3 does not read it).
    pub depthstencil: FormatMask,
    /// Vertex formats (Mesa 22.3 reads only R11G11B10_FLOAT).
    pub vertexbuffer: FormatMask,
    /// One-bit feature flags ([`bset`]).
    pub bset: Le32,
    /// GLSL version the host accepts (120 → GL 2.1, no integer TGSI).
    pub glsl_level: Le32,
    /// Maximum texture array layers.
    pub max_texture_array_layers: Le32,
    /// Maximum stream-output buffers.
    pub max_streamout_buffers: Le32,
    /// Maximum dual-source render targets.
    pub max_dual_source_render_targets: Le32,
    /// Maximum colour attachments.
    pub max_render_targets: Le32,
    /// Maximum MSAA samples.
    pub max_samples: Le32,
    /// Supported primitive modes (bit = `PIPE_PRIM_*`).
    pub prim_mask: Le32,
    /// Maximum texture buffer size.
    pub max_tbo_size: Le32,
    /// Maximum uniform blocks per stage.
    pub max_uniform_blocks: Le32,
    /// Maximum viewports.
    pub max_viewports: Le32,
    /// Maximum texture-gather components.
    pub max_texture_gather_components: Le32,
}

/// `virgl_caps_v2`: 1376 bytes (virglrenderer 0.10.4 and Mesa 22.3.6 agree).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Pod, Zeroable)]
#[repr(C)]
#[allow(missing_docs)] // field names are the protocol's; see virgl-protocol.md §9.3
pub struct CapsV2 {
    pub v1: CapsV1,
    pub min_aliased_point_size: Le32,
    pub max_aliased_point_size: Le32,
    pub min_smooth_point_size: Le32,
    pub max_smooth_point_size: Le32,
    pub min_aliased_line_width: Le32,
    pub max_aliased_line_width: Le32,
    pub min_smooth_line_width: Le32,
    pub max_smooth_line_width: Le32,
    pub max_texture_lod_bias: Le32,
    pub max_geom_output_vertices: Le32,
    pub max_geom_total_output_components: Le32,
    pub max_vertex_outputs: Le32,
    pub max_vertex_attribs: Le32,
    pub max_shader_patch_varyings: Le32,
    pub min_texel_offset: Le32,
    pub max_texel_offset: Le32,
    pub min_texture_gather_offset: Le32,
    pub max_texture_gather_offset: Le32,
    pub texture_buffer_offset_alignment: Le32,
    pub uniform_buffer_offset_alignment: Le32,
    pub shader_buffer_offset_alignment: Le32,
    /// [`cap`] bits.
    pub capability_bits: Le32,
    pub sample_locations: [Le32; 8],
    pub max_vertex_attrib_stride: Le32,
    pub max_shader_buffer_frag_compute: Le32,
    pub max_shader_buffer_other_stages: Le32,
    pub max_shader_image_frag_compute: Le32,
    pub max_shader_image_other_stages: Le32,
    pub max_image_samples: Le32,
    pub max_compute_work_group_invocations: Le32,
    pub max_compute_shared_memory_size: Le32,
    pub max_compute_grid_size: [Le32; 3],
    pub max_compute_block_size: [Le32; 3],
    pub max_texture_2d_size: Le32,
    pub max_texture_3d_size: Le32,
    pub max_texture_cube_size: Le32,
    pub max_combined_shader_buffers: Le32,
    pub max_atomic_counters: [Le32; 6],
    pub max_atomic_counter_buffers: [Le32; 6],
    pub max_combined_atomic_counters: Le32,
    pub max_combined_atomic_counter_buffers: Le32,
    /// Version gates in Mesa (§9.6): ≥ 5 shows the renderer string.
    pub host_feature_check_version: Le32,
    pub supported_readback_formats: FormatMask,
    pub scanout: FormatMask,
    /// [`cap_v2`] bits.
    pub capability_bits_v2: Le32,
    pub max_video_memory: Le32,
    /// NUL-terminated renderer name shown as `virgl (<renderer>)`.
    pub renderer: [u8; 64],
    pub max_anisotropy: Le32,
    pub max_texture_image_units: Le32,
    pub supported_multisample_formats: FormatMask,
    pub max_const_buffer_size: [Le32; 6],
    pub num_video_caps: Le32,
    pub video_caps: [[Le32; 4]; 32],
    pub max_uniform_block_size: Le32,
}

impl Default for CapsV2 {
    fn default() -> Self {
        Zeroable::zeroed()
    }
}

const _: () = assert!(core::mem::size_of::<CapsV1>() == 308);
const _: () = assert!(core::mem::size_of::<CapsV2>() == 1376);
const _: () = assert!(core::mem::offset_of!(CapsV1, bset) == 260);
const _: () = assert!(core::mem::offset_of!(CapsV2, capability_bits) == 392);
const _: () = assert!(core::mem::offset_of!(CapsV2, host_feature_check_version) == 556);
const _: () = assert!(core::mem::offset_of!(CapsV2, capability_bits_v2) == 688);
const _: () = assert!(core::mem::offset_of!(CapsV2, renderer) == 696);
const _: () = assert!(core::mem::offset_of!(CapsV2, max_const_buffer_size) == 832);
const _: () = assert!(core::mem::offset_of!(CapsV2, max_uniform_block_size) == 1372);

/// `bset` bits of [`CapsV1::bset`].
#[allow(missing_docs)]
pub mod bset {
    pub const INDEP_BLEND_ENABLE: u32 = 1 << 0;
    pub const INDEP_BLEND_FUNC: u32 = 1 << 1;
    pub const CUBE_MAP_ARRAY: u32 = 1 << 2;
    pub const SHADER_STENCIL_EXPORT: u32 = 1 << 3;
    pub const CONDITIONAL_RENDER: u32 = 1 << 4;
    pub const START_INSTANCE: u32 = 1 << 5;
    pub const PRIMITIVE_RESTART: u32 = 1 << 6;
    pub const BLEND_EQ_SEP: u32 = 1 << 7;
    pub const INSTANCEID: u32 = 1 << 8;
    pub const VERTEX_ELEMENT_INSTANCE_DIVISOR: u32 = 1 << 9;
    pub const SEAMLESS_CUBE_MAP: u32 = 1 << 10;
    pub const OCCLUSION_QUERY: u32 = 1 << 11;
    pub const TIMER_QUERY: u32 = 1 << 12;
    pub const STREAMOUT_PAUSE_RESUME: u32 = 1 << 13;
    pub const TEXTURE_MULTISAMPLE: u32 = 1 << 14;
    pub const FRAGMENT_COORD_CONVENTIONS: u32 = 1 << 15;
    pub const DEPTH_CLIP_DISABLE: u32 = 1 << 16;
    pub const SEAMLESS_CUBE_MAP_PER_TEXTURE: u32 = 1 << 17;
    pub const UBO: u32 = 1 << 18;
    pub const COLOR_CLAMPING: u32 = 1 << 19;
    pub const POLY_STIPPLE: u32 = 1 << 20;
    pub const MIRROR_CLAMP: u32 = 1 << 21;
    pub const TEXTURE_QUERY_LOD: u32 = 1 << 22;
    pub const HAS_FP64: u32 = 1 << 23;
    pub const HAS_TESSELLATION_SHADERS: u32 = 1 << 24;
    pub const HAS_INDIRECT_DRAW: u32 = 1 << 25;
    pub const HAS_SAMPLE_SHADING: u32 = 1 << 26;
    pub const HAS_CULL: u32 = 1 << 27;
    pub const CONDITIONAL_RENDER_INVERTED: u32 = 1 << 28;
    pub const DERIVATIVE_CONTROL: u32 = 1 << 29;
    pub const POLYGON_OFFSET_CLAMP: u32 = 1 << 30;
    pub const TRANSFORM_FEEDBACK_OVERFLOW_QUERY: u32 = 1 << 31;
}

/// `VIRGL_CAP_*` bits of [`CapsV2::capability_bits`].
#[allow(missing_docs)]
pub mod cap {
    pub const TGSI_INVARIANT: u32 = 1 << 0;
    pub const TEXTURE_VIEW: u32 = 1 << 1;
    pub const SET_MIN_SAMPLES: u32 = 1 << 2;
    pub const COPY_IMAGE: u32 = 1 << 3;
    pub const TGSI_PRECISE: u32 = 1 << 4;
    pub const TXQS: u32 = 1 << 5;
    pub const MEMORY_BARRIER: u32 = 1 << 6;
    pub const COMPUTE_SHADER: u32 = 1 << 7;
    pub const FB_NO_ATTACH: u32 = 1 << 8;
    pub const ROBUST_BUFFER_ACCESS: u32 = 1 << 9;
    pub const TGSI_FBFETCH: u32 = 1 << 10;
    pub const SHADER_CLOCK: u32 = 1 << 11;
    pub const TEXTURE_BARRIER: u32 = 1 << 12;
    pub const TGSI_COMPONENTS: u32 = 1 << 13;
    pub const GUEST_MAY_INIT_LOG: u32 = 1 << 14;
    pub const SRGB_WRITE_CONTROL: u32 = 1 << 15;
    pub const QBO: u32 = 1 << 16;
    pub const TRANSFER: u32 = 1 << 17;
    pub const FBO_MIXED_COLOR_FORMATS: u32 = 1 << 18;
    pub const HOST_IS_GLES: u32 = 1 << 19;
    pub const BIND_COMMAND_ARGS: u32 = 1 << 20;
    pub const MULTI_DRAW_INDIRECT: u32 = 1 << 21;
    pub const INDIRECT_PARAMS: u32 = 1 << 22;
    pub const TRANSFORM_FEEDBACK3: u32 = 1 << 23;
    pub const ASTC_3D: u32 = 1 << 24;
    pub const INDIRECT_INPUT_ADDR: u32 = 1 << 25;
    pub const COPY_TRANSFER: u32 = 1 << 26;
    pub const CLIP_HALFZ: u32 = 1 << 27;
    pub const APP_TWEAK_SUPPORT: u32 = 1 << 28;
    pub const BGRA_SRGB_IS_EMULATED: u32 = 1 << 29;
    pub const CLEAR_TEXTURE: u32 = 1 << 30;
    pub const ARB_BUFFER_STORAGE: u32 = 1 << 31;
}

/// `VIRGL_CAP_V2_*` bits of [`CapsV2::capability_bits_v2`].
#[allow(missing_docs)]
pub mod cap_v2 {
    pub const BLEND_EQUATION: u32 = 1 << 0;
    pub const UNTYPED_RESOURCE: u32 = 1 << 1;
    pub const VIDEO_MEMORY: u32 = 1 << 2;
    pub const MEMINFO: u32 = 1 << 3;
    pub const STRING_MARKER: u32 = 1 << 4;
    pub const DIFFERENT_GPU: u32 = 1 << 5;
    pub const IMPLICIT_MSAA: u32 = 1 << 6;
    pub const COPY_TRANSFER_BOTH_DIRECTIONS: u32 = 1 << 7;
    pub const SCANOUT_USES_GBM: u32 = 1 << 8;
    pub const SSO: u32 = 1 << 9;
    pub const TEXTURE_SHADOW_LOD: u32 = 1 << 10;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_mask_bits() {
        let mut m = FormatMask::default();
        m.insert(2);
        m.insert(134);
        m.insert(600);
        assert!(m.contains(2) && m.contains(134) && !m.contains(3) && !m.contains(600));
        assert_eq!(m.count(), 2);
        assert_eq!(m.0[4].get(), 1 << 6);
    }
}
