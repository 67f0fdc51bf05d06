@group(0) @binding(96) 
var image0_: texture_storage_2d<r32uint,read>;
@group(0) @binding(64) 
var<storage, read_write> buffer0_: array<u32>;

@compute @workgroup_size(4, 4, 1) 
fn main(@builtin(local_invocation_id) local_invocation_id: vec3<u32>) {
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;

    let _e5 = vec4<u32>(local_invocation_id.x, local_invocation_id.y, local_invocation_id.z, 0u);
    let _e7 = _e5.xyyy;
    let _e10 = vec2<u32>(_e7.x, _e7.y);
    let _e11 = textureDimensions(image0_);
    let _e14 = textureLoad(image0_, _e10);
    temp0_.x = bitcast<vec4<f32>>(select(vec4(0u), _e14, all((_e10 < _e11)))).x;
    temp1_.x = bitcast<vec4<f32>>(((_e5.yyyy * vec4<u32>(4u, 4u, 4u, 4u)) + _e5.xxxx)).x;
    let _e32 = temp1_;
    temp1_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e32.xxxx) << (vec4<u32>(2u, 2u, 2u, 2u) & vec4(31u)))).x;
    let _e46 = temp1_;
    let _e50 = temp0_;
    buffer0_[(bitcast<u32>(_e46.x) >> 2u)] = bitcast<u32>(_e50.x);
    return;
}
