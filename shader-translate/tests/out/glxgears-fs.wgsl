struct Output {
    @location(0) location0_: vec4<f32>,
}

@fragment 
fn main(@location(0) in_color0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;

    out0_ = in_color0_;
    let _e3 = out0_;
    return Output(_e3);
}
