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

@group(0) @binding(0) 
var<uniform> const0_: array<vec4<f32>, 4>;
@group(0) @binding(16) 
var<uniform> driver: DriverUniforms;

@vertex 
fn main(@location(0) in0_: vec4<f32>, @location(1) in1_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var out1_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;
    var temp4_: vec4<f32>;
    var temp5_: vec4<f32>;
    var temp6_: vec4<f32>;

    out1_ = in1_;
    let _e6 = const0_[0];
    temp0_ = (in0_.xxxx * _e6);
    let _e12 = const0_[1];
    let _e14 = temp0_;
    temp1_ = ((in0_.yyyy * _e12) + _e14);
    let _e21 = const0_[2];
    let _e23 = temp1_;
    temp2_ = ((in0_.zzzz * _e21) + _e23);
    let _e30 = const0_[3];
    let _e32 = temp2_;
    out0_ = ((in0_.wwww * _e30) + _e32);
    let _e37 = out0_;
    let _e44 = driver.flip_y;
    return Output(vec4<f32>(_e37.x, (_e37.y * _e44), ((_e37.z + _e37.w) * 0.5f), _e37.w));
}
