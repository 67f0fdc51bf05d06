@group(0) @binding(96) 
var image0_: texture_storage_2d<r32uint,write>;

@compute @workgroup_size(4, 4, 1) 
fn main(@builtin(local_invocation_id) local_invocation_id: vec3<u32>) {
    var temp0_: vec4<f32>;

    let _e5 = vec4<u32>(local_invocation_id.x, local_invocation_id.y, local_invocation_id.z, 0u);
    temp0_.x = bitcast<vec4<f32>>(((_e5.yyyy * vec4<u32>(10u, 10u, 10u, 10u)) + _e5.xxxx)).x;
    let _e17 = _e5.xyyy;
    let _e20 = vec2<u32>(_e17.x, _e17.y);
    let _e22 = temp0_;
    let _e25 = textureDimensions(image0_);
    if all((_e20 < _e25)) {
        textureStore(image0_, _e20, bitcast<vec4<u32>>(_e22.xxxx));
    }
    return;
}
