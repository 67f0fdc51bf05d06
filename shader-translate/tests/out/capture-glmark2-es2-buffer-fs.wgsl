struct Output {
    @location(0) location0_: vec4<f32>,
}

@fragment 
fn main(@location(2) in_generic0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;
    var temp4_: vec4<f32>;
    var temp5_: vec4<f32>;
    var temp6_: vec4<f32>;
    var temp7_: vec4<f32>;
    var temp8_: vec4<f32>;
    var temp9_: vec4<f32>;

    let _e2 = (in_generic0_ * in_generic0_.wwww);
    temp0_.x = _e2.x;
    temp0_.y = _e2.y;
    temp0_.z = _e2.z;
    let _e11 = temp0_;
    let _e14 = temp0_;
    temp1_.x = min(_e11.yxxx, _e14.zxxx).x;
    let _e21 = temp0_;
    let _e24 = temp1_;
    temp2_.x = min(_e21.xxxx, _e24.xxxx).x;
    let _e33 = temp2_;
    temp3_.x = (vec4<f32>(-2f, -2f, -2f, -2f) * _e33.xxxx).x;
    let _e40 = temp3_;
    let _e43 = temp2_;
    temp4_.x = (_e40.xxxx * _e43.xxxx).x;
    let _e50 = temp4_;
    temp5_.x = vec4(exp2(_e50.x)).x;
    let _e58 = temp5_;
    let _e59 = _e58.xxxx;
    out0_ = ((_e59 * vec4<f32>(1f, 1f, 1f, 1f)) + ((vec4(1f) - _e59) * vec4<f32>(0f, 0.5f, 0.8f, 0.8f)));
    let _e73 = out0_;
    return Output(_e73);
}
