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

struct Output {
    @location(0) location0_: vec4<f32>,
}

@group(1) @binding(16) 
var<uniform> driver: DriverUniforms;
@group(1) @binding(0) 
var<uniform> const0_: array<vec4<f32>, 1>;
@group(1) @binding(32) 
var tex0_: texture_2d<f32>;
@group(1) @binding(33) 
var samp0_: sampler;
@group(1) @binding(34) 
var tex1_: texture_2d<f32>;
@group(1) @binding(35) 
var samp1_: sampler;

@fragment 
fn main(@builtin(position) frag_coord: vec4<f32>, @location(18) in_texcoord0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;
    var temp4_: vec4<f32>;
    var temp5_: vec4<f32>;
    var temp6_: vec4<f32>;
    var temp7_: vec4<f32>;
    var temp8_: vec4<f32>;

    let _e7 = driver.fb_height;
    temp1_.x = (vec4<f32>(frag_coord.x, (_e7 - frag_coord.y), frag_coord.z, frag_coord.w).xxxx / vec4<f32>(2f, 2f, 2f, 2f)).x;
    let _e19 = temp1_;
    temp2_.x = fract(_e19.xxxx).x;
    let _e26 = temp2_;
    temp3_.x = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (_e26.xxxx < vec4<f32>(0.5f, 0.5f, 0.5f, 0.5f)))).x;
    let _e41 = temp3_;
    if (bitcast<u32>(_e41.x) != 0u) {
        let _e45 = in_texcoord0_.xyyy;
        let _e51 = textureSample(tex0_, samp0_, vec2<f32>(_e45.x, _e45.y));
        temp0_ = _e51;
    } else {
        let _e53 = in_texcoord0_.xyyy;
        let _e59 = textureSample(tex1_, samp1_, vec2<f32>(_e53.x, _e53.y));
        temp0_ = _e59;
    }
    let _e62 = temp0_;
    temp4_ = ((_e62 * vec4<f32>(-1f, -1f, -1f, -1f)) + vec4<f32>(1f, 1f, 1f, 1f));
    let _e71 = temp3_;
    let _e75 = temp4_;
    let _e78 = temp0_;
    temp5_ = bitcast<vec4<f32>>(select(bitcast<vec4<u32>>(_e78), bitcast<vec4<u32>>(_e75), (bitcast<vec4<u32>>(_e71.xxxx) != vec4(0u))));
    let _e86 = temp5_;
    out0_ = _e86;
    let _e89 = out0_;
    return Output(_e89);
}
