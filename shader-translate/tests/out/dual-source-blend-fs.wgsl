enable dual_source_blending;

struct Output {
    @location(0) @blend_src(0) location0_: vec4<f32>,
    @location(0) @blend_src(1) location0_1: vec4<f32>,
}

@fragment 
fn main() -> Output {
    var out0_: vec4<f32>;
    var out1_: vec4<f32>;

    out0_ = vec4<f32>(1f, 0f, 0f, 1f);
    out1_ = vec4<f32>(0.25f, 0.5f, 1f, 0f);
    let _e9 = out0_;
    let _e11 = out1_;
    return Output(_e9, _e11);
}
