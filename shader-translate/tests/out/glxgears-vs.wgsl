struct Output {
    @builtin(position) position: vec4<f32>,
    @location(0) location0_: vec4<f32>,
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
var<uniform> const0_: array<vec4<f32>, 11>;
@group(0) @binding(16) 
var<uniform> driver: DriverUniforms;

@vertex 
fn main(@location(0) in0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var out1_: vec4<f32>;
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
    var temp15_: vec4<f32>;
    var temp16_: vec4<f32>;

    let _e4 = const0_[5];
    temp1_ = (in0_.xxxx * _e4);
    let _e10 = const0_[6];
    let _e12 = temp1_;
    temp2_ = ((in0_.yyyy * _e10) + _e12);
    let _e19 = const0_[7];
    let _e21 = temp2_;
    temp3_ = ((in0_.zzzz * _e19) + _e21);
    let _e28 = const0_[8];
    let _e30 = temp3_;
    out0_ = ((in0_.wwww * _e28) + _e30);
    let _e36 = const0_[9];
    let _e40 = const0_[9];
    temp4_.x = vec4(dot(_e36.xyzx.xyz, _e40.xyzx.xyz)).x;
    let _e50 = temp4_;
    temp5_.x = vec4(inverseSqrt(_e50.x)).x;
    let _e59 = const0_[9];
    let _e61 = temp5_;
    let _e63 = (_e59 * _e61.xxxx);
    temp6_.x = _e63.x;
    temp6_.y = _e63.y;
    temp6_.z = _e63.z;
    let _e72 = temp6_;
    let _e76 = const0_[10];
    temp7_.x = vec4(dot(_e72.xyzx.xyz, _e76.xyzx.xyz)).x;
    let _e88 = temp7_;
    temp8_.x = max(vec4<f32>(0f, 0f, 0f, 0f), _e88.xxxx).x;
    let _e96 = temp7_;
    temp9_.x = select(vec4(0f), vec4(1f), (vec4<f32>(0f, 0f, 0f, 0f) < _e96.xxxx)).x;
    let _e108 = const0_[2];
    let _e111 = const0_[1];
    let _e112 = (_e108 + _e111);
    temp10_.x = _e112.x;
    temp10_.y = _e112.y;
    temp10_.z = _e112.z;
    let _e121 = temp8_;
    let _e125 = const0_[3];
    let _e128 = temp10_;
    let _e131 = ((_e121.xxxx * _e125.xyzx) + _e128.xyzx);
    temp11_.x = _e131.x;
    temp11_.y = _e131.y;
    temp11_.z = _e131.z;
    let _e140 = temp9_;
    let _e144 = const0_[4];
    let _e147 = temp11_;
    let _e150 = ((_e140.xxxx * _e144.xyzx) + _e147.xyzx);
    temp0_.x = _e150.x;
    temp0_.y = _e150.y;
    temp0_.z = _e150.z;
    let _e160 = const0_[1];
    temp0_.w = _e160.wyzw.w;
    let _e166 = temp0_;
    temp16_ = saturate(_e166);
    let _e170 = temp16_;
    out1_ = _e170;
    let _e173 = out0_;
    let _e180 = driver.flip_y;
    let _e187 = out1_;
    return Output(vec4<f32>(_e173.x, (_e173.y * _e180), ((_e173.z + _e173.w) * 0.5f), _e173.w), _e187);
}
