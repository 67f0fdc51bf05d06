@group(0) @binding(97) 
var image1_: texture_storage_2d<r32sint,read_write>;

fn pv3d_image_atomic_exchange_image1_(coordinate: vec2<i32>, value: i32) -> i32 {
    return i32();
}

@compute @workgroup_size(1, 1, 1) 
fn main(@builtin(local_invocation_id) local_invocation_id: vec3<u32>, @builtin(workgroup_id) workgroup_id: vec3<u32>) {
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var atomic_old: u32;

    let _e15 = bitcast<vec4<f32>>((vec4<u32>(workgroup_id.x, workgroup_id.y, workgroup_id.z, 0u).xyyy + vec4<u32>(local_invocation_id.x, local_invocation_id.y, local_invocation_id.z, 0u).xyyy));
    temp0_.x = _e15.x;
    temp0_.y = _e15.y;
    let _e22 = temp0_;
    let _e24 = bitcast<vec4<u32>>(_e22.xyyy);
    let _e27 = vec2<u32>(_e24.x, _e24.y);
    let _e28 = textureDimensions(image1_);
    if all((_e27 < _e28)) {
        let _e33 = pv3d_image_atomic_exchange_image1_(bitcast<vec2<i32>>(_e27), 0i);
        atomic_old = bitcast<u32>(_e33);
    } else {
        atomic_old = 0u;
    }
    let _e38 = atomic_old;
    temp1_.x = bitcast<vec4<f32>>(vec4(_e38)).x;
    return;
}
