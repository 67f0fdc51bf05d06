struct Output {
    @location(0) location0_: vec4<f32>,
}

@group(1) @binding(32) 
var tex0_: texture_2d<f32>;
@group(1) @binding(33) 
var samp0_: sampler;
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

    let _e6 = textureSample(tex0_, samp0_, vec2<f32>(in_generic0_.x, 0.5f));
    temp0_ = vec4<f32>(_e6.z, _e6.y, _e6.x, 1f);
    let _e22 = textureDimensions(tex1_, 0i);
    let _e23 = vec2<f32>(_e22);
    let _e30 = textureSample(tex1_, samp1_, vec2<f32>(((in_generic0_.x / in_generic0_.w) / _e23.x), ((in_generic0_.y / in_generic0_.w) / _e23.y)));
    temp1_ = _e30;
    let _e33 = temp0_;
    let _e35 = temp1_;
    temp0_ = (_e33 + _e35);
    let _e44 = textureSampleCompare(tex2_, samp2_, vec2<f32>(in_generic0_.x, in_generic0_.y), in_generic0_.z);
    temp1_ = vec4(_e44);
    let _e48 = temp0_;
    let _e50 = temp1_;
    temp0_ = (_e48 + _e50);
    let _e60 = textureSampleBias(tex3_, samp3_, vec3<f32>(in_generic0_.x, in_generic0_.y, in_generic0_.z), in_generic0_.w);
    temp1_ = _e60;
    let _e63 = temp0_;
    let _e65 = temp1_;
    temp0_ = (_e63 + _e65);
    let _e78 = textureSampleLevel(tex4_, samp4_, vec2<f32>(in_generic0_.x, in_generic0_.y), i32(floor((in_generic0_.z + 0.5f))), in_generic0_.w);
    temp1_ = _e78;
    let _e81 = temp0_;
    let _e83 = temp1_;
    temp0_ = (_e81 + _e83);
    let _e91 = in_generic0_.yxzw;
    let _e96 = in_generic0_.zwxy;
    let _e102 = textureSampleGrad(tex5_, samp5_, vec3<f32>(in_generic0_.x, in_generic0_.y, in_generic0_.z), vec3<f32>(_e91.x, _e91.y, _e91.z), vec3<f32>(_e96.x, _e96.y, _e96.z));
    temp1_ = _e102;
    let _e105 = temp0_;
    let _e107 = temp1_;
    temp0_ = (_e105 + _e107);
    temp2_ = bitcast<vec4<f32>>(vec4<i32>(in_generic0_));
    let _e114 = temp2_;
    let _e115 = bitcast<vec4<i32>>(_e114);
    let _e121 = textureLoad(tex6_, vec2<i32>(_e115.x, _e115.y), _e115.w);
    temp3_ = bitcast<vec4<f32>>(_e121);
    let _e125 = temp3_;
    temp3_ = vec4<f32>(bitcast<vec4<u32>>(_e125));
    let _e130 = temp0_;
    let _e132 = temp3_;
    temp0_ = (_e130 + _e132);
    let _e137 = temp2_;
    let _e140 = textureDimensions(tex6_, bitcast<i32>(_e137.x));
    let _e144 = textureNumLevels(tex6_);
    temp2_ = bitcast<vec4<f32>>(vec4<u32>(_e140.x, _e140.y, 0u, _e144));
    let _e149 = temp2_;
    temp2_ = vec4<f32>(bitcast<vec4<u32>>(_e149));
    let _e154 = temp0_;
    let _e156 = temp2_;
    temp0_ = (_e154 + _e156);
    let _e160 = temp3_;
    if (bitcast<u32>(_e160.x) != 0u) {
        let _e169 = textureSample(tex7_, samp7_, vec2<f32>(in_generic0_.x, in_generic0_.y));
        temp1_ = _e169;
        let _e172 = temp0_;
        let _e174 = temp1_;
        temp0_ = (_e172 + _e174);
    }
    let _e178 = temp0_;
    out0_ = _e178;
    let _e181 = out0_;
    return Output(_e181);
}
