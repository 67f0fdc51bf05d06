@group(0) @binding(96) 
var image0_: texture_storage_3d<r32sint,read_write>;
@group(0) @binding(64) 
var<storage, read_write> buffer0_: array<u32>;

fn pv3d_image_atomic_exchange_image0_(coordinate: vec3<i32>, value: i32) -> i32 {
    return i32();
}

@compute @workgroup_size(2, 2, 2) 
fn main(@builtin(local_invocation_id) local_invocation_id: vec3<u32>) {
    var temp0_: vec4<f32>;
    var atomic_old: u32;

    let _e7 = vec4<u32>(local_invocation_id.x, local_invocation_id.y, local_invocation_id.z, 0u).xyzz;
    let _e11 = vec3<u32>(_e7.x, _e7.y, _e7.z);
    let _e12 = textureDimensions(image0_);
    if all((_e11 < _e12)) {
        let _e17 = pv3d_image_atomic_exchange_image0_(bitcast<vec3<i32>>(_e11), 7i);
        atomic_old = bitcast<u32>(_e17);
    } else {
        atomic_old = 0u;
    }
    let _e22 = atomic_old;
    temp0_.x = bitcast<vec4<f32>>(vec4(_e22)).x;
    let _e29 = temp0_;
    buffer0_[(0u >> 2u)] = bitcast<u32>(_e29.x);
    return;
}
