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

struct Output {
    @location(0) location0_: vec4<f32>,
}

@group(1) @binding(16) 
var<uniform> driver: DriverUniforms;
@group(1) @binding(0) 
var<uniform> const0_: array<vec4<f32>, 1>;

@fragment 
fn main(@builtin(position) frag_coord: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;
    var temp4_: vec4<f32>;
    var temp5_: vec4<f32>;

    let _e7 = driver.fb_height;
    temp0_.x = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (vec4<f32>(frag_coord.x, (_e7 - frag_coord.y), frag_coord.z, frag_coord.w).xxxx < vec4<f32>(15f, 15f, 15f, 15f)))).x;
    let _e24 = temp0_;
    temp1_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e24.xxxx) & vec4<u32>(1065353216u, 1065353216u, 1065353216u, 1065353216u))).x;
    let _e35 = temp1_;
    if any((-(_e35.xxxx) < vec4(0f))) {
        discard;
    }
    out0_ = vec4<f32>(0f, 1f, 0f, 1f);
    let _e46 = out0_;
    return Output(_e46);
}
