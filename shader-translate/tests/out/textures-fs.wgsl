struct Output {
    @location(0) location0_: vec4<f32>,
}

struct DriverUniforms {
    flip_y: f32,
    fb_height: f32,
    alpha_ref: f32,
    padding: f32,
    polygon_stipple: array<vec4<u32>, 8>,
    clip_planes: array<vec4<f32>, 8>,
    polygon_offset: vec4<f32>,
    sampler_lod: array<vec4<f32>, 16>,
}

@group(1) @binding(32) 
var tex0_: texture_2d<f32>;
@group(1) @binding(33) 
var samp0_: sampler;
@group(1) @binding(16) 
var<uniform> driver: DriverUniforms;
@group(1) @binding(34) 
var tex1_: texture_2d<f32>;
@group(1) @binding(35) 
var samp1_: sampler;
@group(1) @binding(36) 
var tex2_: texture_depth_2d;
@group(1) @binding(37) 
var samp2_: sampler_comparison;
@group(1) @binding(38) 
var tex3_: texture_cube<f32>;
@group(1) @binding(39) 
var samp3_: sampler;
@group(1) @binding(40) 
var tex4_: texture_2d_array<f32>;
@group(1) @binding(41) 
var samp4_: sampler;
@group(1) @binding(42) 
var tex5_: texture_3d<f32>;
@group(1) @binding(43) 
var samp5_: sampler;
@group(1) @binding(44) 
var tex6_: texture_2d<u32>;
@group(1) @binding(46) 
var tex7_: texture_2d<f32>;
@group(1) @binding(47) 
var samp7_: sampler;

@fragment 
fn main(@location(2) in_generic0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;

    let _e8 = driver.sampler_lod[0];
    let _e11 = textureSampleBias(tex0_, samp0_, vec2<f32>(in_generic0_.x, 0.5f), _e8.x);
    temp0_ = vec4<f32>(_e11.z, _e11.y, _e11.x, 1f);
    let _e27 = textureDimensions(tex1_, 0i);
    let _e28 = vec2<f32>(_e27);
    let _e37 = driver.sampler_lod[1];
    let _e40 = textureSampleBias(tex1_, samp1_, vec2<f32>(((in_generic0_.x / in_generic0_.w) / _e28.x), ((in_generic0_.y / in_generic0_.w) / _e28.y)), _e37.x);
    temp1_ = _e40;
    let _e43 = temp0_;
    let _e45 = temp1_;
    temp0_ = (_e43 + _e45);
    let _e54 = textureSampleCompare(tex2_, samp2_, vec2<f32>(in_generic0_.x, in_generic0_.y), in_generic0_.z);
    temp1_ = vec4(_e54);
    let _e58 = temp0_;
    let _e60 = temp1_;
    temp0_ = (_e58 + _e60);
    let _e72 = driver.sampler_lod[3];
    let _e76 = textureSampleBias(tex3_, samp3_, vec3<f32>(in_generic0_.x, in_generic0_.y, in_generic0_.z), (in_generic0_.w + _e72.x));
    temp1_ = _e76;
    let _e79 = temp0_;
    let _e81 = temp1_;
    temp0_ = (_e79 + _e81);
    let _e96 = driver.sampler_lod[4];
    let _e100 = textureSampleLevel(tex4_, samp4_, vec2<f32>(in_generic0_.x, in_generic0_.y), i32(floor((in_generic0_.z + 0.5f))), (in_generic0_.w + _e96.x));
    temp1_ = _e100;
    let _e103 = temp0_;
    let _e105 = temp1_;
    temp0_ = (_e103 + _e105);
    let _e113 = in_generic0_.yxzw;
    let _e118 = in_generic0_.zwxy;
    let _e126 = driver.sampler_lod[5];
    let _e128 = exp2(_e126.x);
    let _e132 = textureSampleGrad(tex5_, samp5_, vec3<f32>(in_generic0_.x, in_generic0_.y, in_generic0_.z), (vec3<f32>(_e113.x, _e113.y, _e113.z) * _e128), (vec3<f32>(_e118.x, _e118.y, _e118.z) * _e128));
    temp1_ = _e132;
    let _e135 = temp0_;
    let _e137 = temp1_;
    temp0_ = (_e135 + _e137);
    temp2_ = bitcast<vec4<f32>>(vec4<i32>(in_generic0_));
    let _e144 = temp2_;
    let _e145 = bitcast<vec4<i32>>(_e144);
    let _e151 = textureLoad(tex6_, vec2<i32>(_e145.x, _e145.y), _e145.w);
    temp3_ = bitcast<vec4<f32>>(_e151);
    let _e155 = temp3_;
    temp3_ = vec4<f32>(bitcast<vec4<u32>>(_e155));
    let _e160 = temp0_;
    let _e162 = temp3_;
    temp0_ = (_e160 + _e162);
    let _e167 = temp2_;
    let _e170 = textureDimensions(tex6_, bitcast<i32>(_e167.x));
    let _e174 = textureNumLevels(tex6_);
    temp2_ = bitcast<vec4<f32>>(vec4<u32>(_e170.x, _e170.y, 0u, _e174));
    let _e179 = temp2_;
    temp2_ = vec4<f32>(bitcast<vec4<u32>>(_e179));
    let _e184 = temp0_;
    let _e186 = temp2_;
    temp0_ = (_e184 + _e186);
    let _e190 = temp3_;
    if (bitcast<u32>(_e190.x) != 0u) {
        let _e201 = driver.sampler_lod[7];
        let _e204 = textureSampleBias(tex7_, samp7_, vec2<f32>(in_generic0_.x, in_generic0_.y), _e201.x);
        temp1_ = _e204;
        let _e207 = temp0_;
        let _e209 = temp1_;
        temp0_ = (_e207 + _e209);
    }
    let _e213 = temp0_;
    out0_ = _e213;
    let _e216 = out0_;
    return Output(_e216);
}
