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
var<private> pv3d_in1_: array<vec4<f32>, 3>;
var<private> pv3d_primitive_id: u32;
var<private> pv3d_out0_: vec4<f32>;
var<private> pv3d_out1_: vec4<f32>;
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

    let _e1 = pv3d_primitive_id;
    let _e2 = vec4(_e1);
    let _e5 = pv3d_in1_[2];
    out1_ = _e5;
    out1_.y = vec4<f32>(_e2.xxxx).y;
    out0_ = vec4<f32>(-1f, -1f, 0f, 1f);
    let _e18 = out0_;
    let _e25 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e18.x, (_e18.y * _e25), ((_e18.z + _e18.w) * 0.5f), _e18.w);
    let _e33 = out1_;
    pv3d_out1_ = _e33;
    pv3d_emit_vertex();
    if (_e2.x != 0u) {
        out0_ = vec4<f32>(1f, -1f, 0f, 1f);
    } else {
        out0_ = vec4<f32>(-1f, 1f, 0f, 1f);
    }
    let _e43 = out0_;
    let _e50 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e43.x, (_e43.y * _e50), ((_e43.z + _e43.w) * 0.5f), _e43.w);
    let _e57 = out1_;
    pv3d_out1_ = _e57;
    pv3d_emit_vertex();
    out0_ = vec4<f32>(1f, 1f, 0f, 1f);
    let _e62 = out0_;
    let _e69 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e62.x, (_e62.y * _e69), ((_e62.z + _e62.w) * 0.5f), _e62.w);
    let _e76 = out1_;
    pv3d_out1_ = _e76;
    pv3d_emit_vertex();
    pv3d_end_primitive();
    return;
}
