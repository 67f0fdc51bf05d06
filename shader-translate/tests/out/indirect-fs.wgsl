struct Output {
    @location(0) location0_: vec4<f32>,
}

var<private> array1_: array<vec4<f32>, 3>;
var<private> array2_: array<vec4<f32>, 3>;
@group(1) @binding(0) 
var<uniform> const0_: array<vec4<f32>, 4>;
var<private> immediates: array<vec4<u32>, 1> = array<vec4<u32>, 1>(vec4<u32>(0u, 1u, 2u, 3u));

@fragment 
fn main(@location(2) in_generic0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp6_: vec4<f32>;
    var temp7_: vec4<f32>;
    var temp8_: vec4<f32>;
    var addr0_: vec4<i32>;

    let _e3 = const0_[0];
    array1_[0] = _e3;
    let _e8 = const0_[1];
    array1_[1] = _e8;
    let _e13 = const0_[2];
    array1_[2] = _e13;
    temp6_.x = bitcast<vec4<f32>>(vec4<u32>(in_generic0_.xxxx)).x;
    let _e25 = temp6_;
    temp7_.x = bitcast<vec4<f32>>((vec4<u32>(1u, 1u, 1u, 1u) + bitcast<vec4<u32>>(_e25.xxxx))).x;
    let _e34 = temp7_;
    addr0_.x = bitcast<vec4<i32>>(bitcast<vec4<u32>>(_e34.xxxx)).x;
    let _e44 = addr0_.x;
    let _e49 = array1_[clamp(_e44, 0i, 2i)];
    temp8_ = _e49;
    let _e52 = temp8_;
    let _e56 = addr0_.x;
    array2_[clamp(_e56, 0i, 2i)] = _e52;
    let _e61 = array2_[1];
    out0_ = _e61;
    let _e66 = addr0_.x;
    let _e72 = const0_[clamp((_e66 + 1i), 0i, 3i)];
    let _e77 = addr0_.x;
    let _e80 = immediates[clamp(_e77, 0i, 0i)];
    out0_.x = (_e72.xxxx + bitcast<vec4<f32>>(_e80.yyyy)).x;
    let _e88 = out0_;
    return Output(_e88);
}
