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
    var addr0_: vec4<i32>;
    var addr1_: vec4<i32>;
    var temp5_: vec4<f32>;
    var temp6_: vec4<f32>;
    var temp7_: vec4<f32>;
    var temp8_: vec4<f32>;

    let _e1 = pv3d_invocation_id;
    let _e2 = vec4(_e1);
    let _e5 = const0_[0];
    let _e10 = const0_[1];
    let _e12 = bitcast<vec4<u32>>(_e10.xyyy);
    let _e17 = (_e12 == vec4(0u));
    let _e24 = bitcast<vec4<f32>>(select((bitcast<vec4<u32>>(_e5.xxxx) % select(_e12, vec4(1u), _e17)), vec4(4294967295u), _e17));
    temp0_.x = _e24.x;
    temp0_.y = _e24.y;
    let _e30 = temp0_;
    let _e35 = const0_[2];
    let _e43 = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<u32>>(_e30.xyxx) == bitcast<vec4<u32>>(_e35.xyyy))));
    temp1_.x = _e43.x;
    temp1_.y = _e43.y;
    let _e49 = temp1_;
    let _e53 = temp1_;
    temp2_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e49.xyxx) & bitcast<vec4<u32>>(_e53.yyxx))).x;
    let _e62 = temp2_;
    temp3_ = bitcast<vec4<f32>>(select(vec4<u32>(1065353216u, 0u, 0u, 1065353216u), vec4<u32>(0u, 1065353216u, 0u, 1065353216u), (bitcast<vec4<u32>>(_e62.xxxx) != vec4(0u))));
    addr1_.x = bitcast<vec4<i32>>(_e2.xxxx).x;
    let _e81 = addr1_.x;
    let _e86 = pv3d_in0_[clamp(_e81, 0i, 31i)];
    temp4_ = _e86;
    addr1_.x = bitcast<vec4<i32>>(_e2.xxxx).x;
    let _e94 = temp4_;
    let _e98 = addr1_.x;
    pv3d_out2_[clamp(_e98, 0i, 3i)] = _e94;
    let _e103 = temp3_;
    pv3d_patch_out3_ = _e103;
    pv3d_tess_level_outer[0] = vec4<f32>(1f, 1f, 1f, 1f).x;
    pv3d_tess_level_outer[1] = vec4<f32>(1f, 1f, 1f, 1f).y;
    pv3d_tess_level_outer[2] = vec4<f32>(1f, 1f, 1f, 1f).z;
    pv3d_tess_level_outer[3] = vec4<f32>(1f, 1f, 1f, 1f).w;
    pv3d_tess_level_inner[0] = vec4<f32>(1f, 1f, 1f, 1f).x;
    pv3d_tess_level_inner[1] = vec4<f32>(1f, 1f, 1f, 1f).y;
    return;
}
