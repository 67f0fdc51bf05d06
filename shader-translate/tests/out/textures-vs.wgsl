struct Output {
    @builtin(position) position: vec4<f32>,
}

struct DriverUniforms {
    flip_y: f32,
    fb_height: f32,
    alpha_ref: f32,
    padding: f32,
    polygon_stipple: array<vec4<u32>, 8>,
    clip_planes: array<vec4<f32>, 8>,
    polygon_offset: vec4<f32>,
    sampler_lod: array<vec4<f32>, 16>,
}

@group(0) @binding(32) 
var tex0_: texture_2d<f32>;
@group(0) @binding(33) 
var samp0_: sampler;
@group(0) @binding(16) 
var<uniform> driver: DriverUniforms;
@group(0) @binding(34) 
var tex1_: texture_depth_2d;
@group(0) @binding(35) 
var samp1_: sampler_comparison;

@vertex 
fn main(@location(0) in0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;

    let _e8 = driver.sampler_lod[0];
    let _e11 = textureSampleLevel(tex0_, samp0_, vec2<f32>(in0_.x, in0_.y), _e8.x);
    temp0_ = _e11;
    let _e19 = textureSampleCompareLevel(tex1_, samp1_, vec2<f32>(in0_.x, in0_.y), in0_.z);
    temp1_ = vec4(_e19);
    let _e23 = temp0_;
    let _e25 = temp1_;
    out0_ = ((_e23 * _e25) + in0_);
    let _e30 = out0_;
    let _e37 = driver.flip_y;
    return Output(vec4<f32>(_e30.x, (_e30.y * _e37), ((_e30.z + _e30.w) * 0.5f), _e30.w));
}
