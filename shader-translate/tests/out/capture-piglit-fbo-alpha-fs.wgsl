struct Output {
    @location(0) location0_: vec4<f32>,
}

@group(1) @binding(32) 
var tex0_: texture_2d<f32>;
@group(1) @binding(33) 
var samp0_: sampler;

@fragment 
fn main(@location(18) in_texcoord0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;
    var temp4_: vec4<f32>;
    var temp5_: vec4<f32>;

    temp0_ = in_texcoord0_.xyxw;
    let _e4 = temp0_;
    let _e14 = textureSample(tex0_, samp0_, vec2<f32>((_e4.x / _e4.w), (_e4.y / _e4.w)));
    temp1_ = _e14;
    let _e17 = temp1_;
    out0_ = _e17.wwww;
    let _e21 = out0_;
    return Output(_e21);
}
