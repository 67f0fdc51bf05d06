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
    var temp6_: vec4<f32>;
    var addr0_: vec4<i32>;
    var addr1_: vec4<i32>;
    var temp7_: vec4<f32>;
    var temp8_: vec4<f32>;
    var temp9_: vec4<f32>;
    var temp10_: vec4<f32>;

    let _e1 = pv3d_invocation_id;
    let _e2 = vec4(_e1);
    let _e5 = const0_[1];
    temp0_ = bitcast<vec4<f32>>(-(bitcast<vec4<i32>>(_e5.xxxx)));
    let _e13 = const0_[0];
    let _e16 = temp0_;
    temp1_ = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e13) + bitcast<vec4<u32>>(_e16)));
    let _e22 = temp1_;
    let _e26 = const0_[2];
    temp2_ = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<u32>>(_e22) == bitcast<vec4<u32>>(_e26))));
    let _e37 = temp2_;
    let _e41 = temp2_;
    let _e46 = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e37.xzzw) & bitcast<vec4<u32>>(_e41.ywzw)));
    temp3_.x = _e46.x;
    temp3_.y = _e46.y;
    let _e52 = temp3_;
    let _e56 = temp3_;
    temp4_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e52.xyxx) & bitcast<vec4<u32>>(_e56.yyxx))).x;
    let _e65 = temp4_;
    temp5_ = bitcast<vec4<f32>>(select(vec4<u32>(1065353216u, 0u, 0u, 1065353216u), vec4<u32>(0u, 1065353216u, 0u, 1065353216u), (bitcast<vec4<u32>>(_e65.xxxx) != vec4(0u))));
    addr1_.x = bitcast<vec4<i32>>(_e2.xxxx).x;
    let _e84 = addr1_.x;
    let _e89 = pv3d_in0_[clamp(_e84, 0i, 31i)];
    temp6_ = _e89;
    addr1_.x = bitcast<vec4<i32>>(_e2.xxxx).x;
    let _e97 = temp6_;
    let _e101 = addr1_.x;
    pv3d_out2_[clamp(_e101, 0i, 3i)] = _e97;
    let _e106 = temp5_;
    pv3d_patch_out3_ = _e106;
    pv3d_tess_level_outer[0] = vec4<f32>(1f, 1f, 1f, 1f).x;
    pv3d_tess_level_outer[1] = vec4<f32>(1f, 1f, 1f, 1f).y;
    pv3d_tess_level_outer[2] = vec4<f32>(1f, 1f, 1f, 1f).z;
    pv3d_tess_level_outer[3] = vec4<f32>(1f, 1f, 1f, 1f).w;
    pv3d_tess_level_inner[0] = vec4<f32>(1f, 1f, 1f, 1f).x;
    pv3d_tess_level_inner[1] = vec4<f32>(1f, 1f, 1f, 1f).y;
    return;
}
