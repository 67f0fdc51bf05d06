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

var<private> pv3d_in0_: array<vec4<f32>, 3>;
var<private> pv3d_primitive_id: u32;
var<private> pv3d_out0_: vec4<f32>;
var<private> pv3d_out1_: vec4<f32>;
var<private> pv3d_layer: u32;
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

    let _e1 = pv3d_primitive_id;
    out1_ = vec4<f32>(0f, 1f, 0f, 1f);
    out2_.x = bitcast<vec4<f32>>(vec4(_e1).xxxx).x;
    let _e14 = pv3d_in0_[0];
    out0_ = _e14;
    let _e17 = out0_;
    let _e24 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e17.x, (_e17.y * _e24), ((_e17.z + _e17.w) * 0.5f), _e17.w);
    let _e32 = out1_;
    pv3d_out1_ = _e32;
    let _e36 = out2_.x;
    pv3d_layer = bitcast<u32>(_e36);
    pv3d_emit_vertex();
    let _e41 = pv3d_in0_[1];
    out0_ = _e41;
    let _e44 = out0_;
    let _e51 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e44.x, (_e44.y * _e51), ((_e44.z + _e44.w) * 0.5f), _e44.w);
    let _e58 = out1_;
    pv3d_out1_ = _e58;
    let _e62 = out2_.x;
    pv3d_layer = bitcast<u32>(_e62);
    pv3d_emit_vertex();
    let _e67 = pv3d_in0_[2];
    out0_ = _e67;
    let _e70 = out0_;
    let _e77 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e70.x, (_e70.y * _e77), ((_e70.z + _e70.w) * 0.5f), _e70.w);
    let _e84 = out1_;
    pv3d_out1_ = _e84;
    let _e88 = out2_.x;
    pv3d_layer = bitcast<u32>(_e88);
    pv3d_emit_vertex();
    return;
}
