@group(0) @binding(98) 
var image2_: texture_storage_2d_array<r32sint,read_write>;

fn pv3d_image_atomic_smax_image2_(coordinate: vec3<i32>, value: i32) -> i32 {
    return i32();
}

fn pv3d_image_atomic_smin_image2_(coordinate_1: vec3<i32>, value_1: i32) -> i32 {
    return i32();
}

@compute @workgroup_size(4, 4, 1) 
fn main(@builtin(local_invocation_id) local_invocation_id: vec3<u32>) {
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var atomic_old: u32;

    let _e7 = bitcast<vec4<f32>>(vec4<u32>(local_invocation_id.x, local_invocation_id.y, local_invocation_id.z, 0u).xyyy);
    temp0_.x = _e7.x;
    temp0_.y = _e7.y;
    temp0_.z = vec4<f32>(0.000000000000000000000000000000000000000000004f, 0.000000000000000000000000000000000000000000004f, 0.000000000000000000000000000000000000000000004f, 0.000000000000000000000000000000000000000000004f).z;
    let _e20 = temp0_;
    let _e22 = bitcast<vec4<u32>>(_e20.xyzz);
    let _e26 = vec2<u32>(_e22.x, _e22.y);
    let _e27 = textureDimensions(image2_);
    let _e30 = textureNumLayers(image2_);
    if (all((_e26 < _e27)) && (_e22.z < _e30)) {
        let _e38 = pv3d_image_atomic_smax_image2_(bitcast<vec3<i32>>(vec3<u32>(_e26.x, _e26.y, _e22.z)), -5i);
        atomic_old = bitcast<u32>(_e38);
    } else {
        atomic_old = 0u;
    }
    let _e43 = atomic_old;
    temp1_.x = bitcast<vec4<f32>>(vec4(_e43)).x;
    let _e51 = temp0_;
    let _e53 = bitcast<vec4<u32>>(_e51.xyzz);
    let _e57 = vec2<u32>(_e53.x, _e53.y);
    let _e58 = textureDimensions(image2_);
    let _e61 = textureNumLayers(image2_);
    let _e69 = temp1_;
    if (all((_e57 < _e58)) && (_e53.z < _e61)) {
        let _e72 = pv3d_image_atomic_smin_image2_(bitcast<vec3<i32>>(vec3<u32>(_e57.x, _e57.y, _e53.z)), bitcast<i32>(_e69.x));
        atomic_old = bitcast<u32>(_e72);
    } else {
        atomic_old = 0u;
    }
    let _e77 = atomic_old;
    temp1_.y = bitcast<vec4<f32>>(vec4(_e77)).y;
    let _e85 = temp0_;
    let _e87 = bitcast<vec4<u32>>(_e85.xyzz);
    let _e91 = vec2<u32>(_e87.x, _e87.y);
    let _e92 = textureDimensions(image2_);
    let _e95 = textureNumLayers(image2_);
    let _e103 = temp1_;
    if (all((_e91 < _e92)) && (_e87.z < _e95)) {
        let _e106 = pv3d_image_atomic_smax_image2_(bitcast<vec3<i32>>(vec3<u32>(_e91.x, _e91.y, _e87.z)), bitcast<i32>(_e103.y));
        atomic_old = bitcast<u32>(_e106);
    } else {
        atomic_old = 0u;
    }
    let _e111 = atomic_old;
    temp1_.z = bitcast<vec4<f32>>(vec4(_e111)).z;
    return;
}
