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
@group(2) @binding(64) 
var<storage, read_write> buffer0_: array<atomic<u32>>;
var<private> pv3d_out0_: vec4<f32>;
@group(2) @binding(16) 
var<uniform> driver: DriverUniforms;

fn pv3d_emit_vertex() {
}

fn pv3d_end_primitive() {
}

@compute @workgroup_size(1, 1, 1) 
fn main() {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;

    let _e6 = atomicAdd((&buffer0_[(0u >> 2u)]), 1u);
    temp0_.x = bitcast<vec4<f32>>(vec4(_e6)).x;
    let _e14 = pv3d_in0_[0];
    out0_ = _e14;
    let _e17 = out0_;
    let _e24 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e17.x, (_e17.y * _e24), ((_e17.z + _e17.w) * 0.5f), _e17.w);
    pv3d_emit_vertex();
    return;
}
