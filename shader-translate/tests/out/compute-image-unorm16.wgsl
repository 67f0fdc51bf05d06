@group(0) @binding(96) 
var image0_: texture_storage_2d<rgba16unorm,read>;
@group(0) @binding(97) 
var image1_: texture_storage_2d<rg16snorm,write>;

@compute @workgroup_size(8, 8, 1) 
fn main(@builtin(local_invocation_id) local_invocation_id: vec3<u32>) {
    var temp0_: vec4<f32>;

    let _e5 = vec4<u32>(local_invocation_id.x, local_invocation_id.y, local_invocation_id.z, 0u);
    let _e7 = _e5.xyyy;
    let _e10 = vec2<u32>(_e7.x, _e7.y);
    let _e11 = textureDimensions(image0_);
    let _e14 = textureLoad(image0_, _e10);
    temp0_ = select(vec4(0f), _e14, all((_e10 < _e11)));
    let _e20 = _e5.xyyy;
    let _e23 = vec2<u32>(_e20.x, _e20.y);
    let _e25 = temp0_;
    let _e26 = textureDimensions(image1_);
    if all((_e23 < _e26)) {
        textureStore(image1_, _e23, _e25);
    }
    return;
}
