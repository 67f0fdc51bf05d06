struct Output {
    @location(0) location0_: vec4<f32>,
}

@group(1) @binding(96) 
var image0_: texture_storage_2d<rgba8unorm,write>;

@fragment 
fn main(@builtin(position) frag_coord: vec4<f32>, @location(2) in_generic0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
    var temp0_: vec4<f32>;

    let _e10 = bitcast<vec4<f32>>(vec4<u32>(vec4<f32>(frag_coord.x, frag_coord.y, frag_coord.z, frag_coord.w).xyyy));
    temp0_.x = _e10.x;
    temp0_.y = _e10.y;
    let _e17 = temp0_;
    let _e19 = bitcast<vec4<u32>>(_e17.xyyy);
    let _e22 = vec2<u32>(_e19.x, _e19.y);
    let _e23 = textureDimensions(image0_);
    if all((_e22 < _e23)) {
        textureStore(image0_, _e22, in_generic0_);
    }
    out0_ = in_generic0_;
    let _e28 = out0_;
    return Output(_e28);
}
