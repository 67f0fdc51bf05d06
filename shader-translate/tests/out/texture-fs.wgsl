struct Output {
    @location(0) location0_: vec4<f32>,
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

@group(1) @binding(32) 
var tex0_: texture_2d<f32>;
@group(1) @binding(33) 
var samp0_: sampler;
@group(1) @binding(16) 
var<uniform> driver: DriverUniforms;

@fragment 
fn main(@location(2) in_generic0_: vec4<f32>, @location(3) in_generic1_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;
    var temp4_: vec4<f32>;

    let _e2 = in_generic1_.xyyy;
    let _e10 = driver.sampler_lod[0];
    let _e13 = textureSampleBias(tex0_, samp0_, vec2<f32>(_e2.x, _e2.y), _e10.x);
    temp0_ = _e13;
    let _e16 = temp0_;
    out0_ = (_e16 * in_generic0_);
    let _e20 = out0_;
    return Output(_e20);
}
