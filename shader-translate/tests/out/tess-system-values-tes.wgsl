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

var<private> pv3d_in0_: array<vec4<f32>, 32>;
var<private> pv3d_patch_in1_: vec4<f32>;
var<private> pv3d_in2_: array<vec4<f32>, 32>;
var<private> pv3d_tess_coord: vec3<f32>;
var<private> pv3d_tess_level_outer: array<f32, 4>;
var<private> pv3d_tess_level_inner: array<f32, 2>;
var<private> pv3d_patch_vertices: u32;
var<private> pv3d_primitive_id: u32;
var<private> pv3d_out0_: vec4<f32>;
var<private> pv3d_out1_: vec4<f32>;
@group(4) @binding(16) 
var<uniform> driver: DriverUniforms;

@compute @workgroup_size(1, 1, 1) 
fn main() {
    var out0_: vec4<f32>;
    var out1_: vec4<f32>;
    var out2_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;

    let _e1 = pv3d_patch_in1_;
    let _e3 = pv3d_tess_coord;
    let _e8 = vec4<f32>(_e3.x, _e3.y, _e3.z, 0f);
    let _e11 = pv3d_tess_level_outer[0];
    let _e13 = pv3d_tess_level_outer[1];
    let _e15 = pv3d_tess_level_outer[2];
    let _e17 = pv3d_tess_level_outer[3];
    let _e21 = pv3d_tess_level_inner[0];
    let _e23 = pv3d_tess_level_inner[1];
    let _e26 = pv3d_patch_vertices;
    let _e29 = pv3d_primitive_id;
    let _e34 = pv3d_in2_[0];
    temp0_ = (_e8.xxxx * _e34);
    let _e40 = pv3d_in2_[1];
    let _e42 = temp0_;
    temp0_ = ((_e8.yyyy * _e40) + _e42);
    let _e49 = pv3d_in2_[2];
    let _e51 = temp0_;
    temp0_ = ((_e8.zzzz * _e49) + _e51);
    let _e56 = temp0_;
    out0_ = _e56;
    temp1_ = (vec4<f32>(_e11, _e13, _e15, _e17) + vec4<f32>(_e21, _e23, 0f, 0f));
    let _e61 = temp1_;
    temp1_ = (_e61 + _e1);
    temp1_.z = vec4<f32>(vec4(_e26).xxxx).z;
    temp1_.w = vec4<f32>(vec4(_e29).xxxx).w;
    let _e75 = temp1_;
    let _e78 = pv3d_in0_[0];
    out1_ = (_e75 + _e78);
    let _e82 = temp1_;
    out2_ = _e82;
    let _e85 = out0_;
    let _e92 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e85.x, (_e85.y * _e92), ((_e85.z + _e85.w) * 0.5f), _e85.w);
    let _e100 = out1_;
    pv3d_out1_ = _e100;
    return;
}
