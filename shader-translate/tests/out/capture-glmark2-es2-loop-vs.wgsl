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
        let _e22 = const0_[4];
        temp3_.x = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e17.xxxx) >= bitcast<vec4<i32>>(_e22.xxxx)))).x;
        let _e36 = temp3_;
        if (bitcast<u32>(_e36.x) != 0u) {
            break;
        }
        let _e43 = temp1_;
        temp4_.x = (vec4<f32>(3f, 3f, 3f, 3f) * _e43.xxxx).x;
        let _e50 = temp4_;
        temp1_.x = fract(_e50.xxxx).x;
        let _e57 = temp2_;
        temp2_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e57.xxxx) + vec4<u32>(1u, 1u, 1u, 1u))).x;
    }
    let _e70 = temp1_;
    temp5_.x = (vec4<f32>(0.1f, 0.1f, 0.1f, 0.1f) * _e70.xxxx).x;
    let _e77 = temp5_;
    let _e80 = temp0_;
    temp6_.x = ((_e77.xxxx * _e80.xxxx) + in0_.yxxx).x;
    let _e90 = const0_[1];
    let _e92 = temp6_;
    temp7_ = (_e90 * _e92.xxxx);
    let _e98 = const0_[0];
    let _e101 = temp7_;
    temp8_ = ((_e98 * in0_.xxxx) + _e101);
    let _e107 = const0_[2];
    let _e110 = temp8_;
    temp9_ = ((_e107 * in0_.zzzz) + _e110);
    let _e115 = temp9_;
    let _e118 = const0_[3];
    out0_ = (_e115 + _e118);
    let _e122 = out0_;
    let _e129 = driver.flip_y;
    return Output(vec4<f32>(_e122.x, (_e122.y * _e129), ((_e122.z + _e122.w) * 0.5f), _e122.w));
}
