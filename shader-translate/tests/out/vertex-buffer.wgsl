struct Output {
    @builtin(position) position: vec4<f32>,
}

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

@group(0) @binding(64) 
var<storage, read_write> buffer0_: array<atomic<u32>>;
@group(0) @binding(16) 
var<uniform> driver: DriverUniforms;

@vertex 
fn main(@location(0) in0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;

    let _e7 = atomicAdd((&buffer0_[(0u >> 2u)]), 1u);
    temp0_.x = bitcast<vec4<f32>>(vec4(_e7)).x;
    out0_ = in0_;
    let _e15 = out0_;
    let _e22 = driver.flip_y;
    return Output(vec4<f32>(_e15.x, (_e15.y * _e22), ((_e15.z + _e15.w) * 0.5f), _e15.w));
}
