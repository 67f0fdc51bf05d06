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

@fragment 
fn main(@location(2) in_generic0_: vec4<f32>) -> Output {
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
    var temp14_: vec4<f32>;
    var temp15_: vec4<f32>;
    var temp16_: vec4<f32>;
    var temp17_: vec4<f32>;
    var temp18_: vec4<f32>;
    var temp19_: vec4<f32>;
    var temp20_: vec4<f32>;
    var temp21_: vec4<f32>;
    var temp22_: vec4<f32>;
    var temp23_: vec4<f32>;
    var temp24_: vec4<f32>;
    var temp25_: vec4<f32>;
    var temp26_: vec4<f32>;
    var temp27_: vec4<f32>;
    var temp28_: vec4<f32>;
    var temp29_: vec4<f32>;
    var temp30_: vec4<f32>;
    var temp31_: vec4<f32>;
    var temp32_: vec4<f32>;
    var temp33_: vec4<f32>;
    var temp34_: vec4<f32>;
    var temp35_: vec4<f32>;
    var temp36_: vec4<f32>;
    var temp37_: vec4<f32>;
    var temp38_: vec4<f32>;
    var temp39_: vec4<f32>;

    temp0_ = (in_generic0_.xyxy + vec4<f32>(-0.015625f, 0f, -0.0125f, 0f));
    let _e9 = temp0_;
    let _e10 = _e9.xyxx;
    temp1_.x = _e10.x;
    temp1_.y = _e10.y;
    let _e17 = temp1_;
    let _e18 = _e17.xyxx;
    let _e26 = driver.sampler_lod[0];
    let _e29 = textureSampleBias(tex0_, samp0_, vec2<f32>(_e18.x, _e18.y), _e26.x);
    temp2_ = _e29;
    let _e32 = temp0_;
    let _e33 = _e32.zwxx;
    temp3_.x = _e33.x;
    temp3_.y = _e33.y;
    let _e40 = temp3_;
    let _e41 = _e40.xyxx;
    let _e49 = driver.sampler_lod[0];
    let _e52 = textureSampleBias(tex0_, samp0_, vec2<f32>(_e41.x, _e41.y), _e49.x);
    temp4_ = _e52;
    let _e55 = temp4_;
    let _e58 = (_e55 * vec4<f32>(0.013437f, 0.013437f, 0.013437f, 0.013437f));
    temp5_.x = _e58.x;
    temp5_.y = _e58.y;
    temp5_.z = _e58.z;
    let _e67 = temp2_;
    let _e72 = temp5_;
    let _e75 = ((_e67.xyzx * vec4<f32>(0.002659f, 0.002659f, 0.002659f, 0.002659f)) + _e72.xyzx);
    temp6_.x = _e75.x;
    temp6_.y = _e75.y;
    temp6_.z = _e75.z;
    temp7_ = (in_generic0_.xyxy + vec4<f32>(-0.009375f, 0f, -0.00625f, 0f));
    let _e90 = temp7_;
    let _e91 = _e90.xyxx;
    temp8_.x = _e91.x;
    temp8_.y = _e91.y;
    let _e98 = temp8_;
    let _e99 = _e98.xyxx;
    let _e107 = driver.sampler_lod[0];
    let _e110 = textureSampleBias(tex0_, samp0_, vec2<f32>(_e99.x, _e99.y), _e107.x);
    temp9_ = _e110;
    let _e113 = temp9_;
    let _e118 = temp6_;
    let _e121 = ((_e113.xyzx * vec4<f32>(0.04737f, 0.04737f, 0.04737f, 0.04737f)) + _e118.xyzx);
    temp10_.x = _e121.x;
    temp10_.y = _e121.y;
    temp10_.z = _e121.z;
    let _e130 = temp7_;
    let _e131 = _e130.zwxx;
    temp11_.x = _e131.x;
    temp11_.y = _e131.y;
    let _e138 = temp11_;
    let _e139 = _e138.xyxx;
    let _e147 = driver.sampler_lod[0];
    let _e150 = textureSampleBias(tex0_, samp0_, vec2<f32>(_e139.x, _e139.y), _e147.x);
    temp12_ = _e150;
    let _e153 = temp12_;
    let _e158 = temp10_;
    let _e161 = ((_e153.xyzx * vec4<f32>(0.116512f, 0.116512f, 0.116512f, 0.116512f)) + _e158.xyzx);
    temp13_.x = _e161.x;
    temp13_.y = _e161.y;
    temp13_.z = _e161.z;
    temp14_ = (in_generic0_.xyxy + vec4<f32>(-0.003125f, 0f, 0.003125f, 0f));
    let _e176 = temp14_;
    let _e177 = _e176.xyxx;
    temp15_.x = _e177.x;
    temp15_.y = _e177.y;
    let _e184 = temp15_;
    let _e185 = _e184.xyxx;
    let _e193 = driver.sampler_lod[0];
    let _e196 = textureSampleBias(tex0_, samp0_, vec2<f32>(_e185.x, _e185.y), _e193.x);
    temp16_ = _e196;
    let _e199 = temp16_;
    let _e204 = temp13_;
    let _e207 = ((_e199.xyzx * vec4<f32>(0.199935f, 0.199935f, 0.199935f, 0.199935f)) + _e204.xyzx);
    temp17_.x = _e207.x;
    temp17_.y = _e207.y;
    temp17_.z = _e207.z;
    let _e215 = in_generic0_.xyyy;
    let _e223 = driver.sampler_lod[0];
    let _e226 = textureSampleBias(tex0_, samp0_, vec2<f32>(_e215.x, _e215.y), _e223.x);
    temp18_ = _e226;
    let _e229 = temp18_;
    let _e234 = temp17_;
    let _e237 = ((_e229.xyzx * vec4<f32>(0.239365f, 0.239365f, 0.239365f, 0.239365f)) + _e234.xyzx);
    temp19_.x = _e237.x;
    temp19_.y = _e237.y;
    temp19_.z = _e237.z;
    let _e246 = temp14_;
    let _e247 = _e246.zwxx;
    temp20_.x = _e247.x;
    temp20_.y = _e247.y;
    let _e254 = temp20_;
    let _e255 = _e254.xyxx;
    let _e263 = driver.sampler_lod[0];
    let _e266 = textureSampleBias(tex0_, samp0_, vec2<f32>(_e255.x, _e255.y), _e263.x);
    temp21_ = _e266;
    let _e269 = temp21_;
    let _e273 = temp19_;
    let _e276 = ((_e269.xyzx * vec4<f32>(0.199935f, 0.199935f, 0.199935f, 0.199935f)) + _e273.xyzx);
    temp22_.x = _e276.x;
    temp22_.y = _e276.y;
    temp22_.z = _e276.z;
    temp23_ = (in_generic0_.xyxy + vec4<f32>(0.00625f, 0f, 0.009375f, 0f));
    let _e291 = temp23_;
    let _e292 = _e291.xyxx;
    temp24_.x = _e292.x;
    temp24_.y = _e292.y;
    let _e299 = temp24_;
    let _e300 = _e299.xyxx;
    let _e308 = driver.sampler_lod[0];
    let _e311 = textureSampleBias(tex0_, samp0_, vec2<f32>(_e300.x, _e300.y), _e308.x);
    temp25_ = _e311;
    let _e314 = temp25_;
    let _e318 = temp22_;
    let _e321 = ((_e314.xyzx * vec4<f32>(0.116512f, 0.116512f, 0.116512f, 0.116512f)) + _e318.xyzx);
    temp26_.x = _e321.x;
    temp26_.y = _e321.y;
    temp26_.z = _e321.z;
    let _e330 = temp23_;
    let _e331 = _e330.zwxx;
    temp27_.x = _e331.x;
    temp27_.y = _e331.y;
    let _e338 = temp27_;
    let _e339 = _e338.xyxx;
    let _e347 = driver.sampler_lod[0];
    let _e350 = textureSampleBias(tex0_, samp0_, vec2<f32>(_e339.x, _e339.y), _e347.x);
    temp28_ = _e350;
    let _e353 = temp28_;
    let _e357 = temp26_;
    let _e360 = ((_e353.xyzx * vec4<f32>(0.04737f, 0.04737f, 0.04737f, 0.04737f)) + _e357.xyzx);
    temp29_.x = _e360.x;
    temp29_.y = _e360.y;
    temp29_.z = _e360.z;
    temp30_ = (in_generic0_.xyxy + vec4<f32>(0.0125f, 0f, 0.015625f, 0f));
    let _e375 = temp30_;
    let _e376 = _e375.xyxx;
    temp31_.x = _e376.x;
    temp31_.y = _e376.y;
    let _e383 = temp31_;
    let _e384 = _e383.xyxx;
    let _e392 = driver.sampler_lod[0];
    let _e395 = textureSampleBias(tex0_, samp0_, vec2<f32>(_e384.x, _e384.y), _e392.x);
    temp32_ = _e395;
    let _e398 = temp32_;
    let _e402 = temp29_;
    let _e405 = ((_e398.xyzx * vec4<f32>(0.013437f, 0.013437f, 0.013437f, 0.013437f)) + _e402.xyzx);
    temp33_.x = _e405.x;
    temp33_.y = _e405.y;
    temp33_.z = _e405.z;
    let _e414 = temp30_;
    let _e415 = _e414.zwxx;
    temp34_.x = _e415.x;
    temp34_.y = _e415.y;
    let _e422 = temp34_;
    let _e423 = _e422.xyxx;
    let _e431 = driver.sampler_lod[0];
    let _e434 = textureSampleBias(tex0_, samp0_, vec2<f32>(_e423.x, _e423.y), _e431.x);
    temp35_ = _e434;
    let _e437 = temp35_;
    let _e441 = temp33_;
    let _e444 = ((_e437.xyzx * vec4<f32>(0.002659f, 0.002659f, 0.002659f, 0.002659f)) + _e441.xyzx);
    out0_.x = _e444.x;
    out0_.y = _e444.y;
    out0_.z = _e444.z;
    out0_.w = vec4<f32>(1f, 1f, 1f, 1f).w;
    let _e458 = out0_;
    return Output(_e458);
}
