struct Output {
    @location(0) location0_: vec4<f32>,
    @location(1) location1_: vec4<f32>,
    @location(2) location2_: vec4<f32>,
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

@group(1) @binding(16) 
var<uniform> driver: DriverUniforms;

@fragment 
fn main(@location(0) @interpolate(flat) in_color0_: vec4<f32>, @location(1) @interpolate(flat) in_color1_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;

    out0_ = (in_color0_ + in_color1_);
    let _e6 = out0_.w;
    let _e9 = driver.alpha_ref;
    if !((_e6 > _e9)) {
        discard;
    }
    let _e13 = out0_;
    let _e16 = out0_;
    let _e19 = out0_;
    return Output(saturate(_e13), saturate(_e16), saturate(_e19));
}
