struct Output {
    @location(0) location0_: vec4<f32>,
    @location(1) location1_: vec4<f32>,
    @location(2) location2_: vec4<f32>,
}

@fragment 
fn main(@location(0) in_color0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;

    out0_ = in_color0_;
    let _e3 = out0_;
    let _e4 = saturate(_e3);
    let _e13 = out0_;
    let _e14 = saturate(_e13);
    let _e21 = out0_;
    return Output(vec4<f32>(_e4.w, _e4.y, _e4.z, _e4.w), vec4<f32>(_e14.x, _e14.w, _e14.z, _e14.w), saturate(_e21));
}
