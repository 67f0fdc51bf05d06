@group(0) @binding(96) 
var image0_: texture_storage_2d<r32uint,read_write>;
@group(0) @binding(99) 
var image3_: texture_storage_2d_array<r32uint,read_write>;

fn pv3d_image_atomic_add_image0_(coordinate: vec2<i32>, value: u32) -> u32 {
    return u32();
}

fn pv3d_image_atomic_or_image3_(coordinate_1: vec3<i32>, value_1: u32) -> u32 {
    return u32();
}

@compute @workgroup_size(1, 1, 1) 
fn main() {
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var atomic_old: u32;

    let _e3 = vec4<u32>(1u, 0u, 0u, 0u);
    let _e6 = vec2<u32>(_e3.x, _e3.y);
    let _e7 = textureDimensions(image0_);
    if all((_e6 < _e7)) {
        let _e11 = pv3d_image_atomic_add_image0_(bitcast<vec2<i32>>(_e6), 1u);
        atomic_old = _e11;
    } else {
        atomic_old = 0u;
    }
    let _e15 = atomic_old;
    temp0_.x = bitcast<vec4<f32>>(vec4(_e15)).x;
    let _e22 = vec4<u32>(0u, 1u, 0u, 0u);
    let _e25 = vec2<u32>(_e22.x, _e22.y);
    let _e26 = textureDimensions(image0_);
    let _e31 = temp0_;
    if all((_e25 < _e26)) {
        let _e34 = pv3d_image_atomic_add_image0_(bitcast<vec2<i32>>(_e25), bitcast<u32>(_e31.x));
        atomic_old = _e34;
    } else {
        atomic_old = 0u;
    }
    let _e38 = atomic_old;
    temp0_.y = bitcast<vec4<f32>>(vec4(_e38)).y;
    let _e46 = vec4<u32>(1u, 0u, 5u, 5u);
    let _e50 = vec2<u32>(_e46.x, _e46.y);
    let _e51 = textureDimensions(image3_);
    let _e54 = textureNumLayers(image3_);
    if (all((_e50 < _e51)) && (_e46.z < _e54)) {
        let _e61 = pv3d_image_atomic_or_image3_(bitcast<vec3<i32>>(vec3<u32>(_e50.x, _e50.y, _e46.z)), 5u);
        atomic_old = _e61;
    } else {
        atomic_old = 0u;
    }
    let _e65 = atomic_old;
    temp1_ = bitcast<vec4<f32>>(vec4(_e65));
    return;
}
