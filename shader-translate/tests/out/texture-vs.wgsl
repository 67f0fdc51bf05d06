struct Output {
    @builtin(position) position: vec4<f32>,
    @location(2) location2_: vec4<f32>,
    @location(3) location3_: vec4<f32>,
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
var<uniform> const0_: array<vec4<f32>, 8>;
@group(0) @binding(16) 
var<uniform> driver: DriverUniforms;

@vertex 
fn main(@location(0) in0_: vec4<f32>, @location(1) in1_: vec4<f32>, @location(2) in2_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var out1_: vec4<f32>;
    var out2_: vec4<f32>;
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
    var temp14_: vec4<f32>;

    let _e5 = const0_[5];
    let _e7 = (_e5 * in1_.yyyy);
    temp0_.x = _e7.x;
    temp0_.y = _e7.y;
    temp0_.z = _e7.z;
    let _e17 = const0_[4];
    let _e21 = temp0_;
    let _e24 = ((_e17.xyzx * in1_.xxxx) + _e21.xyzx);
    temp1_.x = _e24.x;
    temp1_.y = _e24.y;
    temp1_.z = _e24.z;
    let _e34 = const0_[6];
    let _e38 = temp1_;
    let _e41 = ((_e34.xyzx * in1_.zzzx) + _e38.xyzx);
    temp2_.x = _e41.x;
    temp2_.y = _e41.y;
    temp2_.z = _e41.z;
    let _e50 = temp2_;
    let _e54 = const0_[7];
    let _e55 = (_e50.xyzx + _e54);
    temp3_.x = _e55.x;
    temp3_.y = _e55.y;
    temp3_.z = _e55.z;
    let _e64 = temp3_;
    let _e67 = temp3_;
    temp4_.x = vec4(dot(_e64.xyzx.xyz, _e67.xyzx.xyz)).x;
    let _e77 = temp4_;
    temp5_.x = vec4(inverseSqrt(_e77.x)).x;
    let _e85 = temp3_;
    let _e88 = temp5_;
    let _e90 = (_e85.xyzz * _e88.xxxx);
    temp6_.x = _e90.x;
    temp6_.y = _e90.y;
    temp6_.z = _e90.z;
    let _e99 = temp6_;
    temp7_.x = vec4(dot(_e99.xyzx.xyz, vec4<f32>(0.6666667f, 0.6666667f, 0.33333334f, 0.6666667f).xyz)).x;
    let _e112 = temp7_;
    let _e116 = max(_e112.xxxx, vec4<f32>(0f, 0f, 0f, 0f));
    out1_.x = _e116.x;
    out1_.y = _e116.y;
    out1_.z = _e116.z;
    let _e126 = const0_[1];
    temp8_ = (_e126 * in0_.yyyy);
    let _e132 = const0_[0];
    let _e135 = temp8_;
    temp9_ = ((_e132 * in0_.xxxx) + _e135);
    let _e141 = const0_[2];
    let _e144 = temp9_;
    temp10_ = ((_e141 * in0_.zzzz) + _e144);
    let _e149 = temp10_;
    let _e152 = const0_[3];
    out0_ = (_e149 + _e152);
    out1_.w = vec4<f32>(1f, 1f, 1f, 1f).w;
    let _e160 = in2_.xyxx;
    out2_.x = _e160.x;
    out2_.y = _e160.y;
    let _e167 = out0_;
    let _e174 = driver.flip_y;
    let _e181 = out1_;
    let _e183 = out2_;
    return Output(vec4<f32>(_e167.x, (_e167.y * _e174), ((_e167.z + _e167.w) * 0.5f), _e167.w), _e181, _e183);
}
