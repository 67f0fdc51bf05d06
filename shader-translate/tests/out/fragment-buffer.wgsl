struct Output {
    @location(0) location0_: vec4<f32>,
}

@group(1) @binding(64) 
var<storage, read_write> buffer0_: array<atomic<u32>>;
@group(1) @binding(65) 
var<storage, read_write> buffer1_: array<u32>;

@fragment 
fn main(@location(2) in_generic0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;

    let _e7 = atomicAdd((&buffer0_[(0u >> 2u)]), 1u);
    temp0_.x = bitcast<vec4<f32>>(vec4(_e7)).x;
    let _e14 = temp0_;
    temp1_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e14.xxxx) << (vec4<u32>(1u, 1u, 1u, 1u) & vec4(31u)))).x;
    let _e27 = temp1_;
    let _e29 = bitcast<u32>(_e27.x);
    let _e34 = buffer1_[((_e29 >> 2u) + 1u)];
    let _e39 = buffer1_[((_e29 >> 2u) + 2u)];
    let _e42 = bitcast<vec4<f32>>(vec4<u32>(0u, _e34, _e39, 0u));
    temp1_.y = _e42.y;
    temp1_.z = _e42.z;
    out0_ = in_generic0_;
    let _e49 = out0_;
    return Output(_e49);
}
