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
var tex0_: texture_cube<i32>;
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
    let _e32 = textureNumLevels(tex0_);
    let _e35 = bitcast<vec4<f32>>(vec4<u32>(_e28.x, _e28.y, 0u, _e32));
    temp1_.x = _e35.x;
    temp1_.y = _e35.y;
    let _e40 = vec4<f32>(0f, 1f, 0f, 1f);
    temp0_.z = _e40.z;
    temp0_.w = _e40.w;
    let _e47 = temp0_;
    out0_ = _e47;
    let _e50 = temp1_;
    let _e51 = _e50.xyxx;
    out1_.x = _e51.x;
    out1_.y = _e51.y;
    let _e58 = out0_;
    let _e65 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e58.x, (_e58.y * _e65), ((_e58.z + _e58.w) * 0.5f), _e58.w);
    let _e73 = out1_;
    pv3d_out1_ = _e73;
    return;
}
