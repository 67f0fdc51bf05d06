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

var<private> pv3d_in0_: array<vec4<f32>, 1>;
var<private> pv3d_out0_: vec4<f32>;
var<private> pv3d_out1_: vec4<f32>;
var<private> pv3d_out2_: u32;
@group(2) @binding(16) 
var<uniform> driver: DriverUniforms;

fn pv3d_emit_vertex() {
}

fn pv3d_end_primitive() {
}

@compute @workgroup_size(1, 1, 1) 
fn main() {
    var out0_: vec4<f32>;
    var out1_: vec4<f32>;
    var out2_: vec4<f32>;

    out0_ = vec4<f32>(-1f, -1f, 0f, 1f);
    out1_ = vec4<f32>(1f, 0f, 0f, 1f);
    out2_.x = vec4<f32>(0.000000000000000000000000000000000000000001401f, 0.000000000000000000000000000000000000000001401f, 0.000000000000000000000000000000000000000001401f, 0.000000000000000000000000000000000000000001401f).x;
    let _e13 = out0_;
    let _e20 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e13.x, (_e13.y * _e20), ((_e13.z + _e13.w) * 0.5f), _e13.w);
    let _e28 = out1_;
    pv3d_out1_ = _e28;
    let _e32 = out2_.x;
    pv3d_out2_ = bitcast<u32>(_e32);
    pv3d_emit_vertex();
    out0_ = vec4<f32>(3f, -1f, 0f, 1f);
    let _e39 = out0_;
    let _e46 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e39.x, (_e39.y * _e46), ((_e39.z + _e39.w) * 0.5f), _e39.w);
    let _e53 = out1_;
    pv3d_out1_ = _e53;
    let _e57 = out2_.x;
    pv3d_out2_ = bitcast<u32>(_e57);
    pv3d_emit_vertex();
    out0_ = vec4<f32>(-1f, 3f, 0f, 1f);
    out1_ = vec4<f32>(0f, 0f, 1f, 1f);
    out2_.x = vec4<f32>(0.000000000000000000000000000000000000000000007f, 0.000000000000000000000000000000000000000000007f, 0.000000000000000000000000000000000000000000007f, 0.000000000000000000000000000000000000000000007f).x;
    let _e70 = out0_;
    let _e77 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e70.x, (_e70.y * _e77), ((_e70.z + _e70.w) * 0.5f), _e70.w);
    let _e84 = out1_;
    pv3d_out1_ = _e84;
    let _e88 = out2_.x;
    pv3d_out2_ = bitcast<u32>(_e88);
    pv3d_emit_vertex();
    return;
}
