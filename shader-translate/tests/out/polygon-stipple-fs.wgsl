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

@group(1) @binding(16) 
var<uniform> driver: DriverUniforms;

@fragment 
fn main(@location(0) in_color0_: vec4<f32>, @builtin(position) frag_coord: vec4<f32>) -> Output {
    var out0_: vec4<f32>;

    out0_ = in_color0_;
    let _e9 = (u32(frag_coord.y) & 31u);
    let _e18 = driver.polygon_stipple[(_e9 >> 2u)][(_e9 & 3u)];
    if (((_e18 >> (31u - (u32(frag_coord.x) & 31u))) & 1u) == 0u) {
        discard;
    }
    let _e26 = out0_;
    return Output(_e26);
}
