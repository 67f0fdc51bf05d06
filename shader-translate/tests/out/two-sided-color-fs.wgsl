struct Output {
    @location(0) location0_: vec4<f32>,
}

@fragment 
fn main(@location(0) @interpolate(flat) in_color0_: vec4<f32>, @location(27) @interpolate(flat) in_bcolor0_: vec4<f32>, @builtin(front_facing) front_facing: bool, @location(1) @interpolate(flat) in_color1_: vec4<f32>, @location(28) @interpolate(flat) in_bcolor1_: vec4<f32>, @location(2) in_generic0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;

    temp0_ = (select(in_bcolor0_, in_color0_, front_facing) + select(in_bcolor1_, in_color1_, front_facing));
    let _e11 = temp0_;
    out0_ = (_e11 * in_generic0_);
    let _e15 = out0_;
    return Output(_e15);
}
