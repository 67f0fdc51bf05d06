@group(0) @binding(96) 
var image0_: texture_storage_2d<rgba8unorm,write>;
@group(0) @binding(0) 
var<uniform> const0_: array<vec4<f32>, 1>;

@compute @workgroup_size(16, 16, 1) 
fn main(@builtin(local_invocation_id) local_invocation_id: vec3<u32>, @builtin(workgroup_id) workgroup_id: vec3<u32>) {
    var temp0_: vec4<f32>;

    let _e18 = bitcast<vec4<f32>>(((vec4<u32>(workgroup_id.x, workgroup_id.y, workgroup_id.z, 0u).xyyy * vec4<u32>(16u, 16u, 16u, 16u)) + vec4<u32>(local_invocation_id.x, local_invocation_id.y, local_invocation_id.z, 0u).xyyy));
    temp0_.x = _e18.x;
    temp0_.y = _e18.y;
    let _e25 = temp0_;
    let _e27 = bitcast<vec4<u32>>(_e25.xyyy);
    let _e30 = vec2<u32>(_e27.x, _e27.y);
    let _e33 = const0_[0];
    let _e34 = textureDimensions(image0_);
    if all((_e30 < _e34)) {
        textureStore(image0_, _e30, _e33);
    }
    return;
}
