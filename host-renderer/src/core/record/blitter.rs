//! The blitter: a WGSL program that samples a 2D source and writes the
//! destination's host channels, its pipelines by destination format and
//! write mask, and its nearest and linear samplers.

use super::bind_groups::{entry, texture, uniform};
use super::shader_pass::ShaderPass;
use std::collections::HashMap;

/// The vertex stage of every blit program: a strip of four vertices over
/// the viewport, `uv` running over the program's `source_rect()` (the
/// source rectangle in normalized coordinates: left, top, right, bottom).
pub const BLIT_VERTEX_WGSL: &str = r"
struct VOut { @builtin(position) pos: vec4<f32>, @location(0) uv: vec2<f32> }
@vertex fn vs(@builtin(vertex_index) i: u32) -> VOut {
    let x = f32(i & 1u);
    let y = f32(i >> 1u);
    let r = source_rect();
    var o: VOut;
    o.pos = vec4<f32>(x * 2.0 - 1.0, 1.0 - y * 2.0, 0.0, 1.0);
    o.uv = vec2<f32>(mix(r.x, r.z, x), mix(r.y, r.w, y));
    return o;
}
";

const BLIT_WGSL: &str = r"
struct Params { rect: vec4<f32>, src: vec4<u32>, dst: vec4<u32>, lod: f32, pad0: f32, pad1: f32, pad2: f32 }
@group(0) @binding(0) var src: texture_2d<f32>;
@group(0) @binding(1) var samp: sampler;
@group(0) @binding(2) var<uniform> p: Params;
fn source_rect() -> vec4<f32> { return p.rect; }
// Channel s of c: 0..3 R, G, B, A; 4 zero; 5 one (format::swz).
fn pick(c: vec4<f32>, s: u32) -> f32 {
    if (s < 4u) { return c[s]; }
    return select(0.0, 1.0, s == 5u);
}
fn swizzle(c: vec4<f32>, s: vec4<u32>) -> vec4<f32> {
    return vec4<f32>(pick(c, s.x), pick(c, s.y), pick(c, s.z), pick(c, s.w));
}
// The source's guest colour (its format's read swizzle), stored in the
// destination's host channels (its render swizzle).
@fragment fn fs(v: VOut) -> @location(0) vec4<f32> {
    let c = swizzle(textureSampleLevel(src, samp, v.uv, p.lod), p.src);
    return swizzle(c, p.dst);
}
";

/// The blit program, its pipelines and samplers.
#[derive(Default)]
pub struct Blitter {
    program: Option<ShaderPass>,
    pipelines: HashMap<(wgpu::TextureFormat, u8, u32), wgpu::RenderPipeline>,
    samplers: Option<[wgpu::Sampler; 2]>,
}

/// The blit program: source texture, sampler and parameters.
fn program(device: &wgpu::Device) -> ShaderPass {
    let fragment = wgpu::ShaderStages::FRAGMENT;
    let float = wgpu::TextureSampleType::Float { filterable: true };
    let filtering = wgpu::BindingType::Sampler(wgpu::SamplerBindingType::Filtering);
    ShaderPass::new(
        device,
        "blit",
        format!("{BLIT_WGSL}{BLIT_VERTEX_WGSL}"),
        &[
            entry(0, fragment, texture(wgpu::TextureViewDimension::D2, float)),
            entry(1, fragment, filtering),
            entry(2, wgpu::ShaderStages::VERTEX_FRAGMENT, uniform(false)),
        ],
    )
}

impl Blitter {
    /// The pipeline writing `format` with `samples` samples (each takes the
    /// fragment's colour) through colour write `mask`.
    pub fn pipeline(
        &mut self,
        device: &wgpu::Device,
        format: wgpu::TextureFormat,
        mask: u8,
        samples: u32,
    ) -> wgpu::RenderPipeline {
        let program = self.program.get_or_insert_with(|| program(device));
        self.pipelines
            .entry((format, mask, samples))
            .or_insert_with(|| {
                program.pipeline(
                    device,
                    "blit",
                    wgpu::PrimitiveState {
                        topology: wgpu::PrimitiveTopology::TriangleStrip,
                        ..Default::default()
                    },
                    None,
                    &[Some(wgpu::ColorTargetState {
                        format,
                        blend: None,
                        write_mask: wgpu::ColorWrites::from_bits_truncate(u32::from(mask)),
                    })],
                    samples,
                )
            })
            .clone()
    }

    /// The bind group sampling `source` with `sampler`, parameters in `params`.
    pub fn bind_group(
        &mut self,
        device: &wgpu::Device,
        source: &wgpu::TextureView,
        sampler: &wgpu::Sampler,
        params: &wgpu::Buffer,
    ) -> wgpu::BindGroup {
        let program = self.program.get_or_insert_with(|| program(device));
        program.bind_group(
            device,
            &[
                wgpu::BindGroupEntry {
                    binding: 0,
                    resource: wgpu::BindingResource::TextureView(source),
                },
                wgpu::BindGroupEntry {
                    binding: 1,
                    resource: wgpu::BindingResource::Sampler(sampler),
                },
                wgpu::BindGroupEntry {
                    binding: 2,
                    resource: params.as_entire_binding(),
                },
            ],
        )
    }

    /// The linear or nearest sampler.
    pub fn sampler(&mut self, device: &wgpu::Device, linear: bool) -> wgpu::Sampler {
        let s = self.samplers.get_or_insert_with(|| {
            [wgpu::FilterMode::Nearest, wgpu::FilterMode::Linear].map(|f| {
                device.create_sampler(&wgpu::SamplerDescriptor {
                    mag_filter: f,
                    min_filter: f,
                    ..Default::default()
                })
            })
        });
        let [nearest, linear_s] = s;
        if linear {
            linear_s.clone()
        } else {
            nearest.clone()
        }
    }
}
