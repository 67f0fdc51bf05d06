struct Output {
    @location(0) location0_: vec4<f32>,
}

@fragment 
fn main(@location(0) in_generic9_: vec4<f32>, @location(1) in_generic15_: vec4<f32>, @location(2) in_generic16_: vec4<f32>, @location(3) in_color0_: vec4<f32>, @builtin(position) frag_coord: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;

    temp0_ = (in_generic9_ + in_generic15_);
    let _e13 = temp0_;
    temp0_ = (_e13 + in_generic16_);
    let _e17 = temp0_;
    temp0_ = (_e17 + in_color0_);
    let _e21 = temp0_;
    out0_ = (_e21 + vec4<f32>(frag_coord.x, frag_coord.y, frag_coord.z, frag_coord.w));
    let _e25 = out0_;
    return Output(_e25);
}
