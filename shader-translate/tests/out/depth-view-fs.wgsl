struct Output {
    @location(0) location0_: vec4<f32>,
}

@group(1) @binding(32) 
var tex0_: texture_depth_2d;
@group(1) @binding(33) 
var samp0_: sampler;

@fragment 
fn main(@location(2) in_generic0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;

    let _e6 = textureSample(tex0_, samp0_, vec2<f32>(in_generic0_.x, 0.5f));
    let _e9 = vec4<f32>(_e6, 0f, 0f, 1f);
    temp0_ = vec4<f32>(_e9.x, _e9.x, _e9.x, 1f);
    let _e17 = vec4<i32>(1i, 0i, 0i, 0i);
    let _e22 = textureLoad(tex0_, vec2<i32>(_e17.x, 0i), _e17.w);
    let _e23 = vec4<f32>(_e22, 0f, 0f, 1f);
    temp1_ = vec4<f32>(_e23.x, _e23.x, _e23.x, 1f);
    let _e30 = temp0_;
    let _e32 = temp1_;
    out0_ = (_e30 + _e32);
    let _e36 = out0_;
    return Output(_e36);
}
