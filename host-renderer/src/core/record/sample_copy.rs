//! Sample copies: a program that reads a multisampled source texel by
//! texel and sample by sample (`textureLoad` at the fragment's own sample
//! index), so that a multisampled destination receives every sample as it
//! was and a single-sampled one sample 0 (GL's resolve of integer colour,
//! depth and stencil: one sample's value). Colour (float, signed,
//! unsigned), depth (`frag_depth`) and stencil variants; a shader cannot
//! write stencil, so the stencil variant draws once per bit: a draw of
//! instance 8 replaces the stencil with 0, then a draw of instance `b`
//! with write mask `1 << b` replaces bit `b` with 1 where the source's
//! bit is set and discards elsewhere. A single-sampled source (integer,
//! depth or stencil blitted into a multisampled destination) is read at
//! level 0 of its view instead, the same texel for every sample. A
//! parameter moves the sample read: a single-sampled destination then gets
//! another sample than 0 (`unfold`). Pipelines by variant, source kind,
//! destination format, sample count and write mask.

use super::bind_groups::{entry, uniform};
use super::shader_pass::ShaderPass;
use std::collections::HashMap;

/// What a sample copy reads and writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum SampleKind {
    /// Float or normalized colour.
    Float,
    /// Signed integer colour.
    Sint,
    /// Unsigned integer colour.
    Uint,
    /// Depth, written as the fragment's depth.
    Depth,
    /// Stencil, one bit per draw.
    Stencil,
}

const COMMON_WGSL: &str = r"
struct Params { offset: vec2<i32>, sample: i32, pad: i32 }
@group(0) @binding(1) var<uniform> p: Params;
struct VOut { @builtin(position) pos: vec4<f32>, @location(0) @interpolate(flat) bit: u32 }
@vertex fn vs(@builtin(vertex_index) i: u32, @builtin(instance_index) bit: u32) -> VOut {
    let x = f32(i & 1u);
    let y = f32(i >> 1u);
    return VOut(vec4<f32>(x * 2.0 - 1.0, 1.0 - y * 2.0, 0.0, 1.0), bit);
}
// The source texel of this fragment's pixel (the sample's position lies
// inside it) and its sample: reading the sample index makes every sample
// run the shader.
fn at(pos: vec4<f32>) -> vec2<i32> {
    return vec2<i32>(floor(pos.xy)) + p.offset;
}
// The source sample a fragment of destination sample `s` reads: the same,
// moved by `p.sample` (which unfolds one sample into a single-sampled
// destination).
fn src_sample(s: u32) -> i32 {
    return i32(s) + p.sample;
}
";

impl SampleKind {
    /// The variant's source binding and fragment entry point.
    fn wgsl(self) -> &'static str {
        match self {
            Self::Float => {
                r"
@group(0) @binding(0) var src: texture_multisampled_2d<f32>;
@fragment fn fs(@builtin(position) pos: vec4<f32>, @builtin(sample_index) s: u32) -> @location(0) vec4<f32> {
    return textureLoad(src, at(pos), src_sample(s));
}"
            }
            Self::Sint => {
                r"
@group(0) @binding(0) var src: texture_multisampled_2d<i32>;
@fragment fn fs(@builtin(position) pos: vec4<f32>, @builtin(sample_index) s: u32) -> @location(0) vec4<i32> {
    return textureLoad(src, at(pos), src_sample(s));
}"
            }
            Self::Uint => {
                r"
@group(0) @binding(0) var src: texture_multisampled_2d<u32>;
@fragment fn fs(@builtin(position) pos: vec4<f32>, @builtin(sample_index) s: u32) -> @location(0) vec4<u32> {
    return textureLoad(src, at(pos), src_sample(s));
}"
            }
            Self::Depth => {
                r"
@group(0) @binding(0) var src: texture_depth_multisampled_2d;
@fragment fn fs(@builtin(position) pos: vec4<f32>, @builtin(sample_index) s: u32) -> @builtin(frag_depth) f32 {
    return textureLoad(src, at(pos), src_sample(s));
}"
            }
            Self::Stencil => {
                r"
@group(0) @binding(0) var src: texture_multisampled_2d<u32>;
@fragment fn fs(v: VOut, @builtin(sample_index) s: u32) {
    let stencil = textureLoad(src, at(v.pos), src_sample(s)).r;
    if (v.bit < 8u && ((stencil >> v.bit) & 1u) == 0u) {
        discard;
    }
}"
            }
        }
    }

    fn sample_type(self) -> wgpu::TextureSampleType {
        match self {
            Self::Float => wgpu::TextureSampleType::Float { filterable: false },
            Self::Sint => wgpu::TextureSampleType::Sint,
            Self::Uint => wgpu::TextureSampleType::Uint,
            Self::Depth => wgpu::TextureSampleType::Depth,
            Self::Stencil => wgpu::TextureSampleType::Uint,
        }
    }
}

/// A sample copy pipeline's key: variant, whether the source is
/// multisampled, destination format, destination samples, colour or
/// stencil write mask (ignored for depth).
type Key = (SampleKind, bool, wgpu::TextureFormat, u32, u8);

/// The sample copy programs and pipelines.
#[derive(Default)]
pub struct SampleCopier {
    programs: HashMap<(SampleKind, bool), ShaderPass>,
    pipelines: HashMap<Key, wgpu::RenderPipeline>,
}

/// What a depth or stencil variant writes: depth always, or stencil
/// through `mask`, replaced by the draw's reference where not discarded.
fn depth_state(
    kind: SampleKind,
    format: wgpu::TextureFormat,
    mask: u8,
) -> Option<wgpu::DepthStencilState> {
    let replace = wgpu::StencilFaceState {
        compare: wgpu::CompareFunction::Always,
        fail_op: wgpu::StencilOperation::Keep,
        depth_fail_op: wgpu::StencilOperation::Keep,
        pass_op: wgpu::StencilOperation::Replace,
    };
    let (depth_write, stencil) = match kind {
        SampleKind::Depth => (true, wgpu::StencilState::default()),
        SampleKind::Stencil => (
            false,
            wgpu::StencilState {
                front: replace,
                back: replace,
                read_mask: 0xff,
                write_mask: u32::from(mask),
            },
        ),
        _ => return None,
    };
    Some(wgpu::DepthStencilState {
        format,
        depth_write_enabled: Some(depth_write),
        depth_compare: Some(wgpu::CompareFunction::Always),
        stencil,
        bias: wgpu::DepthBiasState::default(),
    })
}

/// The program of `kind` reading a multisampled source, or with
/// `multisampled` false a single-sampled one (every sample of the
/// destination pixel then gets its texel).
fn program(device: &wgpu::Device, (kind, multisampled): (SampleKind, bool)) -> ShaderPass {
    let fragment = wgpu::ShaderStages::FRAGMENT;
    let mut wgsl = format!("{COMMON_WGSL}{}", kind.wgsl());
    if !multisampled {
        wgsl = wgsl
            .replace("multisampled_2d", "2d")
            .replace("src_sample(s))", "0)");
    }
    ShaderPass::new(
        device,
        "sample copy",
        wgsl,
        &[
            entry(
                0,
                fragment,
                wgpu::BindingType::Texture {
                    sample_type: kind.sample_type(),
                    view_dimension: wgpu::TextureViewDimension::D2,
                    multisampled,
                },
            ),
            entry(1, fragment, uniform(false)),
        ],
    )
}

impl SampleCopier {
    /// The pipeline of `kind` writing `format` with `samples` samples,
    /// through colour or stencil write `mask`.
    pub fn pipeline(
        &mut self,
        device: &wgpu::Device,
        (kind, multisampled, format, samples, mask): Key,
    ) -> wgpu::RenderPipeline {
        let program = self
            .programs
            .entry((kind, multisampled))
            .or_insert_with(|| program(device, (kind, multisampled)));
        self.pipelines
            .entry((kind, multisampled, format, samples, mask))
            .or_insert_with(|| {
                let depth = depth_state(kind, format, mask);
                let color = [Some(wgpu::ColorTargetState {
                    format,
                    blend: None,
                    write_mask: wgpu::ColorWrites::from_bits_truncate(u32::from(mask)),
                })];
                let targets: &[_] = if depth.is_some() { &[] } else { &color };
                program.pipeline(
                    device,
                    "sample copy",
                    wgpu::PrimitiveState {
                        topology: wgpu::PrimitiveTopology::TriangleStrip,
                        ..Default::default()
                    },
                    depth,
                    targets,
                    samples,
                )
            })
            .clone()
    }

    /// The bind group reading `source` (a 2D view of one aspect) with
    /// parameters `params`, for the program of `program_key` (variant, and
    /// whether the source is multisampled).
    pub fn bind_group(
        &mut self,
        device: &wgpu::Device,
        program_key: (SampleKind, bool),
        source: &wgpu::TextureView,
        params: &wgpu::Buffer,
    ) -> wgpu::BindGroup {
        let program = self
            .programs
            .entry(program_key)
            .or_insert_with(|| program(device, program_key));
        program.bind_group(
            device,
            &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: wgpu::BindingResource::TextureView(source),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: params.as_entire_binding(),
                },
            ],
        )
    }
}
