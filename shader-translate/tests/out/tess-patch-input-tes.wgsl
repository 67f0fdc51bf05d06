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
var<private> pv3d_tess_coord: vec3<f32>;
var<private> pv3d_out0_: vec4<f32>;
var<private> pv3d_out1_: vec4<f32>;
@group(4) @binding(16) 
var<uniform> driver: DriverUniforms;

@compute @workgroup_size(1, 1, 1) 
fn main() {
    var out0_: vec4<f32>;
    var out1_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;
    var temp4_: vec4<f32>;
    var temp5_: vec4<f32>;
    var temp6_: vec4<f32>;

    let _e1 = pv3d_patch_in1_;
    let _e3 = pv3d_tess_coord;
    let _e8 = vec4<f32>(_e3.x, _e3.y, _e3.z, 0f);
    let _e9 = _e8.xxxx;
    let _e12 = pv3d_in0_[1];
    let _e15 = pv3d_in0_[0];
    temp0_ = ((_e9 * _e12) + ((vec4(1f) - _e9) * _e15));
    let _e23 = _e8.xxxx;
    let _e26 = pv3d_in0_[3];
    let _e29 = pv3d_in0_[2];
    temp1_ = ((_e23 * _e26) + ((vec4(1f) - _e23) * _e29));
    let _e36 = _e8.yyyy;
    let _e38 = temp1_;
    let _e40 = temp0_;
    temp2_ = ((_e36 * _e38) + ((vec4(1f) - _e36) * _e40));
    let _e48 = temp2_;
    out0_ = _e48;
    out1_ = _e1;
    let _e52 = out0_;
    let _e59 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e52.x, (_e52.y * _e59), ((_e52.z + _e52.w) * 0.5f), _e52.w);
    let _e67 = out1_;
    pv3d_out1_ = _e67;
    return;
}
