@group(0) @binding(96) 
var image0_: texture_storage_2d_array<rgba32float,read_write>;
@group(0) @binding(97) 
var image1_: texture_storage_3d<rgba8unorm,read_write>;
@group(0) @binding(98) 
var image2_: texture_storage_2d_array<r32sint,read>;
@group(0) @binding(99) 
var image3_: texture_storage_2d<rgba16sint,write>;
@group(0) @binding(100) 
var image4_: texture_storage_2d<r32float,read>;

@compute @workgroup_size(8, 8, 1) 
fn main(@builtin(local_invocation_id) local_invocation_id: vec3<u32>, @builtin(workgroup_id) workgroup_id: vec3<u32>) {
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;
    var temp4_: vec4<f32>;

    let _e12 = bitcast<vec4<f32>>(vec4<u32>(local_invocation_id.x, local_invocation_id.y, local_invocation_id.z, 0u).xyxx);
    temp0_.x = _e12.x;
    temp0_.y = _e12.y;
    temp0_.z = bitcast<vec4<f32>>(vec4<u32>(workgroup_id.x, workgroup_id.y, workgroup_id.z, 0u).xxxx).z;
    let _e25 = temp0_;
    let _e27 = bitcast<vec4<u32>>(_e25.xyzz);
    let _e31 = vec2<u32>(_e27.x, _e27.y);
    let _e32 = textureDimensions(image0_);
    let _e35 = textureNumLayers(image0_);
    let _e38 = textureLoad(image0_, _e31, _e27.z);
    temp1_ = select(vec4(0f), _e38, (all((_e31 < _e32)) && (_e27.z < _e35)));
    let _e44 = temp1_;
    temp1_ = (_e44 + vec4<f32>(1f, 0.5f, 0f, 0.25f));
    let _e53 = temp0_;
    let _e55 = bitcast<vec4<u32>>(_e53.xyzz);
    let _e59 = vec2<u32>(_e55.x, _e55.y);
    let _e61 = temp1_;
    let _e62 = textureDimensions(image0_);
    let _e65 = textureNumLayers(image0_);
    if (all((_e59 < _e62)) && (_e55.z < _e65)) {
        textureStore(image0_, _e59, _e55.z, _e61);
    }
    let _e70 = temp0_;
    let _e72 = bitcast<vec4<u32>>(_e70.xyzz);
    let _e76 = vec3<u32>(_e72.x, _e72.y, _e72.z);
    let _e78 = textureDimensions(image1_);
    if all((_e76 < _e78)) {
        textureStore(image1_, _e76, vec4<f32>(1f, 0.5f, 0f, 0.25f));
    }
    let _e83 = temp0_;
    let _e85 = bitcast<vec4<u32>>(_e83.xyzz);
    let _e89 = vec3<u32>(_e85.x, _e85.y, _e85.z);
    let _e90 = textureDimensions(image1_);
    let _e93 = textureLoad(image1_, _e89);
    temp2_ = select(vec4(0f), _e93, all((_e89 < _e90)));
    let _e98 = textureDimensions(image0_);
    let _e101 = textureNumLayers(image0_);
    temp3_ = bitcast<vec4<f32>>(vec4<u32>(_e98.x, _e98.y, _e101, 0u));
    let _e106 = textureDimensions(image1_);
    let _e112 = bitcast<vec4<f32>>(vec4<u32>(_e106.x, _e106.y, _e106.z, 0u));
    temp4_.x = _e112.x;
    temp4_.y = _e112.y;
    temp4_.z = _e112.z;
    let _e120 = textureDimensions(image2_);
    let _e123 = textureNumLayers(image2_);
    let _e128 = bitcast<vec4<f32>>(vec4<u32>(_e120.x, _e120.y, (_e123 / 6u), 0u));
    temp2_.x = _e128.x;
    temp2_.y = _e128.y;
    temp2_.z = _e128.z;
    let _e137 = temp0_;
    let _e139 = bitcast<vec4<u32>>(_e137.xyzz);
    let _e143 = vec2<u32>(_e139.x, _e139.y);
    let _e144 = textureDimensions(image2_);
    let _e147 = textureNumLayers(image2_);
    let _e150 = textureLoad(image2_, _e143, _e139.z);
    temp4_.x = bitcast<vec4<f32>>(select(vec4(0i), _e150, (all((_e143 < _e144)) && (_e139.z < _e147)))).x;
    let _e160 = temp0_;
    let _e164 = vec2<u32>(bitcast<vec4<u32>>(_e160.xxxx).x, 0u);
    let _e166 = temp4_;
    let _e168 = textureDimensions(image3_);
    if all((_e164 < _e168)) {
        textureStore(image3_, _e164, bitcast<vec4<i32>>(_e166));
    }
    return;
}
