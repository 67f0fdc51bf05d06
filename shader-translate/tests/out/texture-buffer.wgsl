struct Output {
    @location(0) location0_: vec4<f32>,
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

@group(1) @binding(32) 
var<storage> texels0_: array<u32>;
@group(1) @binding(16) 
var<uniform> driver: DriverUniforms;

@fragment 
fn main(@location(2) in_generic0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;

    let _e3 = bitcast<u32>(bitcast<i32>(in_generic0_.x));
    let _e8 = driver.texel_buffer_sizes[0].x;
    let _e9 = (_e3 < _e8);
    let _e13 = (select(0u, _e3, _e9) * 16u);
    let _e19 = texels0_[((_e13 + 0u) >> 2u)];
    let _e25 = texels0_[((_e13 + 4u) >> 2u)];
    let _e31 = texels0_[((_e13 + 8u) >> 2u)];
    let _e37 = texels0_[((_e13 + 12u) >> 2u)];
    out0_ = select(vec4(0f), vec4<f32>(bitcast<f32>(_e19), bitcast<f32>(_e25), bitcast<f32>(_e31), bitcast<f32>(_e37)), _e9);
    let _e45 = out0_;
    return Output(_e45);
}
