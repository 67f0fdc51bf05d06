struct Output {
    @location(0) location0_: vec4<f32>,
    @builtin(frag_depth) frag_depth: f32,
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

@group(1) @binding(0) 
var<storage> const0_: array<vec4<f32>, 4097>;
@group(1) @binding(1) 
var<uniform> const1_: array<vec4<f32>, 2>;
@group(1) @binding(16) 
var<uniform> driver: DriverUniforms;

@fragment 
fn main(@builtin(position) frag_coord: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var addr0_: vec4<i32>;
    var temp0_: vec4<f32>;

    let _e2 = const1_[1];
    addr0_.x = bitcast<vec4<i32>>(bitcast<vec4<u32>>(_e2.xxxx)).x;
    let _e12 = addr0_.x;
    let _e19 = const0_[clamp((_e12 + 2i), 0i, 4096i)];
    let _e22 = const0_[4096];
    temp0_ = (_e19 + _e22);
    let _e26 = temp0_;
    let _e29 = const1_[0];
    out0_ = (_e26 + _e29);
    let _e33 = out0_;
    let _e38 = driver.polygon_offset;
    let _e42 = dpdxFine(frag_coord.z);
    let _e44 = dpdyFine(frag_coord.z);
    let _e48 = (_e38.x + (_e38.y * max(abs(_e42), abs(_e44))));
    return Output(_e33, saturate((frag_coord.z + select(select(_e48, max(_e48, _e38.z), (_e38.z < 0f)), min(_e48, _e38.z), (_e38.z > 0f)))));
}
