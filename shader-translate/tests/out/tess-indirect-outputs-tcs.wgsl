var<private> pv3d_in0_: array<vec4<f32>, 32>;
var<private> pv3d_in1_: array<vec4<f32>, 32>;
var<private> pv3d_in2_: array<vec4<f32>, 32>;
var<private> pv3d_invocation_id: u32;
var<private> pv3d_tess_level_outer: array<f32, 4>;
var<private> pv3d_tess_level_inner: array<f32, 2>;
var<private> pv3d_out2_: array<vec4<f32>, 3>;
var<private> pv3d_out3_: array<vec4<f32>, 3>;
var<private> pv3d_out4_: array<vec4<f32>, 3>;
var<private> pv3d_patch_out5_: vec4<f32>;
var<private> pv3d_patch_out6_: vec4<f32>;
@group(3) @binding(0) 
var<uniform> const0_: array<vec4<f32>, 1>;

@compute @workgroup_size(1, 1, 1) 
fn main() {
    var temp0_: vec4<f32>;
    var addr0_: vec4<i32>;
    var addr1_: vec4<i32>;
    var addr2_: vec4<i32>;

    let _e1 = pv3d_invocation_id;
    addr1_.x = bitcast<vec4<i32>>(vec4(_e1).xxxx).x;
    let _e10 = const0_[0];
    addr2_.x = bitcast<vec4<i32>>(bitcast<vec4<u32>>(_e10.xxxx)).x;
    let _e19 = addr2_.x;
    let _e22 = clamp(_e19, 0i, 2i);
    if (_e22 == 0i) {
        let _e27 = addr1_.x;
        let _e31 = pv3d_in0_[clamp(_e27, 0i, 31i)];
        temp0_ = _e31;
    }
    if (_e22 == 1i) {
        let _e38 = addr1_.x;
        let _e41 = pv3d_in1_[clamp(_e38, 0i, 31i)];
        temp0_ = _e41;
    }
    if (_e22 == 2i) {
        let _e47 = addr1_.x;
        let _e50 = pv3d_in2_[clamp(_e47, 0i, 31i)];
        temp0_ = _e50;
    }
    let _e54 = addr2_.x;
    let _e55 = clamp(_e54, 0i, 2i);
    if (_e55 == 0i) {
        let _e58 = temp0_;
        let _e62 = addr1_.x;
        pv3d_out2_[clamp(_e62, 0i, 2i)] = _e58;
    }
    if (_e55 == 1i) {
        let _e67 = temp0_;
        let _e71 = addr1_.x;
        pv3d_out3_[clamp(_e71, 0i, 2i)] = _e67;
    }
    if (_e55 == 2i) {
        let _e76 = temp0_;
        let _e80 = addr1_.x;
        pv3d_out4_[clamp(_e80, 0i, 2i)] = _e76;
    }
    let _e85 = addr2_.x;
    let _e86 = clamp(_e85, 0i, 1i);
    if (_e86 == 0i) {
        let _e90 = addr2_.x;
        let _e91 = clamp(_e90, 0i, 2i);
        if (_e91 == 0i) {
            let _e96 = addr1_.x;
            let _e99 = pv3d_out2_[clamp(_e96, 0i, 2i)];
            pv3d_patch_out5_ = _e99;
        }
        if (_e91 == 1i) {
            let _e105 = addr1_.x;
            let _e108 = pv3d_out3_[clamp(_e105, 0i, 2i)];
            pv3d_patch_out5_ = _e108;
        }
        if (_e91 == 2i) {
            let _e114 = addr1_.x;
            let _e117 = pv3d_out4_[clamp(_e114, 0i, 2i)];
            pv3d_patch_out5_ = _e117;
        }
    }
    if (_e86 == 1i) {
        let _e122 = addr2_.x;
        let _e123 = clamp(_e122, 0i, 2i);
        if (_e123 == 0i) {
            let _e128 = addr1_.x;
            let _e131 = pv3d_out2_[clamp(_e128, 0i, 2i)];
            pv3d_patch_out6_ = _e131;
        }
        if (_e123 == 1i) {
            let _e137 = addr1_.x;
            let _e140 = pv3d_out3_[clamp(_e137, 0i, 2i)];
            pv3d_patch_out6_ = _e140;
        }
        if (_e123 == 2i) {
            let _e146 = addr1_.x;
            let _e149 = pv3d_out4_[clamp(_e146, 0i, 2i)];
            pv3d_patch_out6_ = _e149;
        }
    }
    let _e152 = vec4<f32>(1f, 1f, 1f, 1f);
    pv3d_tess_level_outer[0] = _e152.x;
    pv3d_tess_level_outer[1] = _e152.y;
    pv3d_tess_level_outer[2] = _e152.z;
    pv3d_tess_level_outer[3] = _e152.w;
    let _e162 = vec4<f32>(1f, 1f, 1f, 1f);
    pv3d_tess_level_inner[0] = _e162.x;
    pv3d_tess_level_inner[1] = _e162.y;
    return;
}
