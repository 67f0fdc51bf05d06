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
var<private> pv3d_in1_: array<vec4<f32>, 32>;
var<private> pv3d_in2_: array<vec4<f32>, 32>;
var<private> pv3d_patch_in3_: vec4<f32>;
var<private> pv3d_patch_in4_: vec4<f32>;
var<private> pv3d_tess_coord: vec3<f32>;
@group(4) @binding(0) 
var<uniform> const0_: array<vec4<f32>, 1>;
var<private> pv3d_out0_: vec4<f32>;
var<private> pv3d_out1_: vec4<f32>;
@group(4) @binding(16) 
var<uniform> driver: DriverUniforms;

@compute @workgroup_size(1, 1, 1) 
fn main() {
    var out0_: vec4<f32>;
    var out1_: vec4<f32>;
    var temp0_: vec4<f32>;
    var addr0_: vec4<i32>;
    var addr1_: vec4<i32>;

    let _e1 = pv3d_patch_in3_;
    let _e3 = pv3d_patch_in4_;
    let _e5 = pv3d_tess_coord;
    let _e13 = const0_[0];
    addr1_.x = bitcast<vec4<i32>>(bitcast<vec4<u32>>(_e13.xxxx)).x;
    let _e22 = addr1_.x;
    let _e25 = clamp(_e22, 0i, 1i);
    if (_e25 == 0i) {
        temp0_ = _e1;
    }
    if (_e25 == 1i) {
        temp0_ = _e3;
    }
    let _e32 = addr1_.x;
    let _e34 = clamp(_e32, 0i, 2i);
    if (_e34 == 0i) {
        let _e37 = temp0_;
        let _e40 = pv3d_in0_[1];
        temp0_ = (_e37 + _e40);
    }
    if (_e34 == 1i) {
        let _e45 = temp0_;
        let _e48 = pv3d_in1_[1];
        temp0_ = (_e45 + _e48);
    }
    if (_e34 == 2i) {
        let _e53 = temp0_;
        let _e56 = pv3d_in2_[1];
        temp0_ = (_e53 + _e56);
    }
    out0_ = vec4<f32>(_e5.x, _e5.y, _e5.z, 0f);
    let _e61 = temp0_;
    out1_ = _e61;
    let _e64 = out0_;
    let _e71 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e64.x, (_e64.y * _e71), ((_e64.z + _e64.w) * 0.5f), _e64.w);
    let _e79 = out1_;
    pv3d_out1_ = _e79;
    return;
}
