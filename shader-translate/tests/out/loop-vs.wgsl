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

@group(0) @binding(0) 
var<uniform> const0_: array<vec4<f32>, 5>;
@group(0) @binding(16) 
var<uniform> driver: DriverUniforms;

@vertex 
fn main(@location(0) in0_: vec4<f32>) -> Output {
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
    var temp9_: vec4<f32>;
    var temp10_: vec4<f32>;
    var temp11_: vec4<f32>;
    var temp12_: vec4<f32>;
    var temp13_: vec4<f32>;

    temp0_.x = fract(in0_.xxxx).x;
    temp2_.x = vec4<f32>(0f, 0f, 0f, 0f).x;
    let _e12 = temp0_;
    temp1_.x = _e12.x;
    loop {
        let _e17 = temp2_;
        let _e21 = const0_[4];
        temp3_.x = select(vec4(0f), vec4(1f), (_e17.xxxx >= _e21.xxxx)).x;
        let _e32 = temp3_;
        if (_e32.x != 0f) {
            break;
        }
        let _e38 = temp1_;
        temp4_.x = (vec4<f32>(3f, 3f, 3f, 3f) * _e38.xxxx).x;
        let _e45 = temp4_;
        temp1_.x = fract(_e45.xxxx).x;
        let _e52 = temp2_;
        temp2_.x = (_e52.xxxx + vec4<f32>(1f, 1f, 1f, 1f)).x;
    }
    let _e62 = temp1_;
    temp5_.x = (vec4<f32>(0.1f, 0.1f, 0.1f, 0.1f) * _e62.xxxx).x;
    let _e69 = temp5_;
    let _e72 = temp0_;
    temp6_.x = ((_e69.xxxx * _e72.xxxx) + in0_.yxxx).x;
    let _e82 = const0_[1];
    let _e84 = temp6_;
    temp7_ = (_e82 * _e84.xxxx);
    let _e90 = const0_[0];
    let _e93 = temp7_;
    temp8_ = ((_e90 * in0_.xxxx) + _e93);
    let _e99 = const0_[2];
    let _e102 = temp8_;
    temp9_ = ((_e99 * in0_.zzzz) + _e102);
    let _e107 = temp9_;
    let _e110 = const0_[3];
    out0_ = (_e107 + _e110);
    let _e114 = out0_;
    let _e121 = driver.flip_y;
    return Output(vec4<f32>(_e114.x, (_e114.y * _e121), ((_e114.z + _e114.w) * 0.5f), _e114.w));
}
