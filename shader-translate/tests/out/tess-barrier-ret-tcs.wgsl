var<private> pv3d_in0_: array<vec4<f32>, 32>;
var<private> pv3d_invocation_id: u32;
var<private> pv3d_patch_vertices: u32;
var<private> pv3d_tess_level_outer: array<f32, 4>;
var<private> pv3d_tess_level_inner: array<f32, 2>;
var<private> pv3d_out2_: array<vec4<f32>, 3>;
var<private> pv3d_patch_out3_: vec4<f32>;
var<private> pv3d_out4_: array<vec4<f32>, 3>;

@compute @workgroup_size(1, 1, 1) 
fn main() {
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var addr0_: vec4<i32>;
    var addr1_: vec4<i32>;

    let _e1 = pv3d_invocation_id;
    let _e2 = vec4(_e1);
    let _e4 = pv3d_patch_vertices;
    addr1_.x = bitcast<vec4<i32>>(_e2.xxxx).x;
    let _e14 = addr1_.x;
    let _e19 = pv3d_in0_[clamp(_e14, 0i, 31i)];
    temp0_ = _e19;
    let _e22 = temp0_;
    let _e26 = addr1_.x;
    pv3d_out2_[clamp(_e26, 0i, 2i)] = _e22;
    let _e31 = temp0_;
    let _e35 = addr1_.x;
    pv3d_out4_[clamp(_e35, 0i, 2i)] = _e31;
    workgroupBarrier();
    let _e40 = pv3d_out2_[0];
    temp1_ = _e40;
    let _e43 = temp1_;
    let _e46 = pv3d_out4_[2];
    temp1_ = (_e43 + _e46);
    temp1_.y = vec4<f32>(vec4(_e4).xxxx).y;
    let _e55 = temp1_;
    pv3d_patch_out3_ = _e55;
    temp1_.x = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (_e2.xxxx == vec4<u32>(0u, 0u, 0u, 0u)))).x;
    let _e70 = temp1_;
    if (bitcast<u32>(_e70.x) != 0u) {
        let _e75 = temp0_;
        pv3d_tess_level_outer[0] = _e75.x;
        pv3d_tess_level_outer[1] = _e75.y;
        pv3d_tess_level_outer[2] = _e75.z;
        pv3d_tess_level_outer[3] = _e75.w;
        let _e86 = temp0_;
        pv3d_tess_level_inner[0] = _e86.x;
        pv3d_tess_level_inner[1] = _e86.y;
        return;
    }
    let _e97 = pv3d_tess_level_inner[0];
    let _e99 = pv3d_tess_level_inner[1];
    let _e101 = vec4<f32>(_e97, _e99, 0f, 0f);
    pv3d_tess_level_outer[0] = _e101.x;
    pv3d_tess_level_outer[1] = _e101.y;
    return;
}
