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
    var temp6_: vec4<f32>;
    var temp7_: vec4<f32>;
    var temp8_: vec4<f32>;
    var temp9_: vec4<f32>;
    var temp10_: vec4<f32>;

    let _e7 = driver.fb_height;
    let _e9 = vec4<f32>(frag_coord.x, (_e7 - frag_coord.y), frag_coord.z, frag_coord.w);
    let _e13 = const0_[0];
    let _e17 = const0_[0];
    temp0_.x = ((_e9.yxxx * _e13.xxxx) + _e17.yxxx).x;
    let _e26 = temp0_;
    temp1_.x = (_e9.xxxx * _e26.xxxx).x;
    let _e33 = temp1_;
    let _e37 = const0_[0];
    temp2_.x = (_e33.xxxx * _e37.xxxx).x;
    let _e44 = temp2_;
    let _e46 = dpdy(_e44.xxxx);
    temp3_.x = _e46.x;
    let _e51 = temp3_;
    temp4_.x = (_e51.xxxx + -(_e9.xxxx)).x;
    let _e60 = temp4_;
    let _e63 = temp4_;
    temp5_.x = max(_e60.xxxx, -(_e63.xxxx)).x;
    let _e73 = temp5_;
    temp6_.x = select(vec4(0f), vec4(1f), (vec4<f32>(0.001f, 0.001f, 0.001f, 0.001f) < _e73.xxxx)).x;
    let _e85 = temp6_;
    out0_ = select(vec4<f32>(0f, 1f, 0f, 1f), vec4<f32>(1f, 0f, 0f, 1f), (-(_e85.xxxx) < vec4(0f)));
    let _e95 = out0_;
    return Output(_e95);
}
