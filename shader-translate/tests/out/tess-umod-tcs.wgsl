var<private> pv3d_in0_: array<vec4<f32>, 32>;
var<private> pv3d_invocation_id: u32;
var<private> pv3d_tess_level_outer: array<f32, 4>;
var<private> pv3d_tess_level_inner: array<f32, 2>;
var<private> pv3d_out2_: array<vec4<f32>, 4>;
var<private> pv3d_patch_out3_: vec4<f32>;
@group(3) @binding(0) 
var<uniform> const0_: array<vec4<f32>, 3>;

@compute @workgroup_size(1, 1, 1) 
fn main() {
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;
    var temp4_: vec4<f32>;
    var temp5_: vec4<f32>;
    var addr0_: vec4<i32>;
    var addr1_: vec4<i32>;
    var temp6_: vec4<f32>;
    var temp7_: vec4<f32>;
    var temp8_: vec4<f32>;
    var temp9_: vec4<f32>;

    let _e1 = pv3d_invocation_id;
    let _e2 = vec4(_e1);
    let _e5 = const0_[0];
    let _e9 = const0_[1];
    let _e11 = bitcast<vec4<u32>>(_e9.xxxx);
    let _e16 = (_e11 == vec4(0u));
    temp0_ = bitcast<vec4<f32>>(select((bitcast<vec4<u32>>(_e5) % select(_e11, vec4(1u), _e16)), vec4(4294967295u), _e16));
    let _e25 = temp0_;
    let _e29 = const0_[2];
    temp1_ = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<u32>>(_e25) == bitcast<vec4<u32>>(_e29))));
    let _e38 = temp1_;
    let _e42 = temp1_;
    let _e47 = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e38.xzzw) & bitcast<vec4<u32>>(_e42.ywzw)));
    temp2_.x = _e47.x;
    temp2_.y = _e47.y;
    let _e53 = temp2_;
    let _e57 = temp2_;
    temp3_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e53.xyxx) & bitcast<vec4<u32>>(_e57.yyxx))).x;
    let _e66 = temp3_;
    temp4_ = bitcast<vec4<f32>>(select(vec4<u32>(1065353216u, 0u, 0u, 1065353216u), vec4<u32>(0u, 1065353216u, 0u, 1065353216u), (bitcast<vec4<u32>>(_e66.xxxx) != vec4(0u))));
    addr1_.x = bitcast<vec4<i32>>(_e2.xxxx).x;
    let _e85 = addr1_.x;
    let _e90 = pv3d_in0_[clamp(_e85, 0i, 31i)];
    temp5_ = _e90;
    addr1_.x = bitcast<vec4<i32>>(_e2.xxxx).x;
    let _e98 = temp5_;
    let _e102 = addr1_.x;
    pv3d_out2_[clamp(_e102, 0i, 3i)] = _e98;
    let _e107 = temp4_;
    pv3d_patch_out3_ = _e107;
    pv3d_tess_level_outer[0] = vec4<f32>(1f, 1f, 1f, 1f).x;
    pv3d_tess_level_outer[1] = vec4<f32>(1f, 1f, 1f, 1f).y;
    pv3d_tess_level_outer[2] = vec4<f32>(1f, 1f, 1f, 1f).z;
    pv3d_tess_level_outer[3] = vec4<f32>(1f, 1f, 1f, 1f).w;
    pv3d_tess_level_inner[0] = vec4<f32>(1f, 1f, 1f, 1f).x;
    pv3d_tess_level_inner[1] = vec4<f32>(1f, 1f, 1f, 1f).y;
    return;
}
