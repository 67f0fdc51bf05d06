struct Output {
    @builtin(position) position: vec4<f32>,
}

struct DriverUniforms {
    flip_y: f32,
    fb_height: f32,
    alpha_ref: f32,
    point_size: f32,
    polygon_stipple: array<vec4<u32>, 8>,
    clip_planes: array<vec4<f32>, 8>,
    polygon_offset: vec4<f32>,
    sampler_lod: array<vec4<f32>, 16>,
    texel_buffer_sizes: array<vec4<u32>, 4>,
}

@group(0) @binding(32) 
var tex0_: texture_2d<f32>;
@group(0) @binding(33) 
var samp0_: sampler;
@group(0) @binding(34) 
var tex1_: texture_depth_2d;
@group(0) @binding(35) 
var samp1_: sampler_comparison;
@group(0) @binding(16) 
var<uniform> driver: DriverUniforms;

@vertex 
fn main(@location(0) in0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;

    let _e6 = textureSampleLevel(tex0_, samp0_, vec2<f32>(in0_.x, in0_.y), 0.0);
    temp0_ = _e6;
    let _e14 = textureSampleCompareLevel(tex1_, samp1_, vec2<f32>(in0_.x, in0_.y), in0_.z);
    temp1_ = vec4(_e14);
    let _e18 = temp0_;
    let _e20 = temp1_;
    out0_ = ((_e18 * _e20) + in0_);
    let _e25 = out0_;
    let _e32 = driver.flip_y;
    return Output(vec4<f32>(_e25.x, (_e25.y * _e32), ((_e25.z + _e25.w) * 0.5f), _e25.w));
}
