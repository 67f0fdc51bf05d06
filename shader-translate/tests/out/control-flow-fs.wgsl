struct Output {
    @location(0) location0_: vec4<f32>,
}

@group(1) @binding(0) 
var<uniform> const0_: array<vec4<f32>, 1>;

@fragment 
fn main(@location(2) in_generic0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;

    temp0_ = vec4<f32>(0f, 0f, 0f, 0f);
    temp1_.x = vec4<f32>(0f, 0f, 0f, 0f).x;
    loop {
        let _e9 = temp1_;
        temp2_.x = select(vec4(0f), vec4(1f), (_e9.xxxx >= vec4<f32>(4f, 4f, 4f, 4f))).x;
        let _e22 = temp2_;
        if (_e22.x != 0f) {
            break;
        }
        let _e26 = temp1_;
        temp1_.x = (_e26.xxxx + vec4<f32>(1f, 1f, 1f, 1f)).x;
        temp2_.x = select(vec4(0f), vec4(1f), (in_generic0_.xxxx < vec4<f32>(0.5f, 0.5f, 0.5f, 0.5f))).x;
        let _e44 = temp2_;
        if (_e44.x != 0f) {
            continue;
        } else {
            let _e48 = temp0_;
            temp0_ = (_e48 + in_generic0_);
        }
    }
    let _e53 = const0_[0];
    temp2_.x = select(vec4(0f), vec4(1f), (_e53.xxxx < vec4<f32>(0f, 0f, 0f, 0f))).x;
    let _e64 = temp2_;
    if (_e64.x != 0f) {
        out0_ = vec4<f32>(1f, 0f, 0f, 1f);
        let _e70 = out0_;
        return Output(_e70);
    }
    let _e74 = const0_[0];
    temp2_.x = select(vec4(0f), vec4(1f), (_e74.yyyy < vec4<f32>(0f, 0f, 0f, 0f))).x;
    let _e85 = temp2_;
    if (_e85.x != 0f) {
        discard;
    }
    let _e89 = temp0_;
    out0_ = _e89;
    let _e92 = out0_;
    return Output(_e92);
}
