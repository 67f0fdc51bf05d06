struct Output {
    @location(0) location0_: vec4<f32>,
}

@group(1) @binding(32) 
var tex0_: texture_2d<u32>;
@group(1) @binding(33) 
var samp0_: sampler;

@fragment 
fn main(@location(2) in_generic0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;

    let _e5 = textureDimensions(tex0_, 0i);
    let _e6 = bitcast<u32>(0i);
    let _e11 = f32(max((_e5.x >> _e6), 1u));
    let _e24 = f32(max((_e5.y >> _e6), 1u));
    let _e33 = textureLoad(tex0_, vec2<i32>(i32(clamp(floor(((in_generic0_.x - floor(in_generic0_.x)) * _e11)), 0f, (_e11 - 1f))), i32(clamp(floor(((in_generic0_.y - floor(in_generic0_.y)) * _e24)), 0f, (_e24 - 1f)))), 0i);
    out0_ = bitcast<vec4<f32>>(_e33);
    let _e37 = out0_;
    return Output(_e37);
}
