enable primitive_index;

struct Output {
    @location(0) location0_: vec4<f32>,
}

@fragment 
fn main(@builtin(primitive_index) primitive_index: u32) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;

    temp0_.x = vec4<f32>(vec4(primitive_index).xxxx).x;
    let _e8 = temp0_;
    temp0_.y = (_e8.xxxx * vec4<f32>(0.5f, 0.5f, 0.5f, 0.5f)).y;
    out0_ = vec4<f32>(0f, 0f, 0f, 1f);
    let _e21 = temp0_;
    out0_.y = _e21.yyyy.y;
    let _e27 = out0_;
    return Output(_e27);
}
