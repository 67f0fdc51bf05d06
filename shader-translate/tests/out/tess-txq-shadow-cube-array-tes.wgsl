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

var<private> pv3d_tess_coord: vec3<f32>;
@group(4) @binding(0) 
var<uniform> const0_: array<vec4<f32>, 1>;
var<private> pv3d_out0_: vec4<f32>;
var<private> pv3d_out1_: vec4<f32>;
@group(4) @binding(32) 
var tex0_: texture_depth_cube_array;
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

    let _e1 = pv3d_tess_coord;
    let _e7 = vec4<f32>(_e1.x, _e1.y, _e1.z, 0f).xyxx;
    let _e16 = ((_e7 * vec4<f32>(1f, 1f, 1f, 1f)) + ((vec4(1f) - _e7) * vec4<f32>(-1f, -1f, -1f, -1f)));
    temp0_.x = _e16.x;
    temp0_.y = _e16.y;
    let _e25 = const0_[0];
    let _e28 = textureDimensions(tex0_, bitcast<i32>(_e25.x));
    let _e32 = textureNumLayers(tex0_);
    let _e33 = textureNumLevels(tex0_);
    let _e36 = bitcast<vec4<f32>>(vec4<u32>(_e28.x, _e28.y, _e32, _e33));
    temp1_.x = _e36.x;
    temp1_.y = _e36.y;
    temp1_.z = _e36.z;
    let _e43 = vec4<f32>(0f, 1f, 0f, 1f);
    temp0_.z = _e43.z;
    temp0_.w = _e43.w;
    let _e50 = temp0_;
    out0_ = _e50;
    let _e53 = temp1_;
    let _e54 = _e53.xyzx;
    out1_.x = _e54.x;
    out1_.y = _e54.y;
    out1_.z = _e54.z;
    let _e63 = out0_;
    let _e70 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e63.x, (_e63.y * _e70), ((_e63.z + _e63.w) * 0.5f), _e63.w);
    let _e78 = out1_;
    pv3d_out1_ = _e78;
    return;
}
