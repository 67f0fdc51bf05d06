struct Output {
    @location(0) location0_: vec4<f32>,
}

@group(1) @binding(32) 
var tex0_: texture_2d<f32>;
@group(1) @binding(33) 
var samp0_: sampler;

@fragment 
fn main(@location(2) in_generic0_: vec4<f32>, @location(3) in_generic1_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;
    var temp4_: vec4<f32>;

    let _e2 = in_generic1_.xyyy;
    let _e8 = textureSample(tex0_, samp0_, vec2<f32>(_e2.x, _e2.y));
    temp0_ = _e8;
    let _e11 = temp0_;
    out0_ = (_e11 * in_generic0_);
    let _e15 = out0_;
    return Output(_e15);
}
