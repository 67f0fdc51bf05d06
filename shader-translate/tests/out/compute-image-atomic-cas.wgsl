@group(0) @binding(96) 
var image0_: texture_storage_2d<r32uint,read_write>;

fn pv3d_image_atomic_compare_exchange_image0_(coordinate: vec2<i32>, value: u32, comparator: u32) -> u32 {
    return u32();
}

@compute @workgroup_size(1, 1, 1) 
fn main() {
    var temp0_: vec4<f32>;
    var atomic_old: u32;

    let _e3 = vec4<u32>(1u, 0u, 0u, 0u);
    let _e6 = vec2<u32>(_e3.x, _e3.y);
    let _e7 = textureDimensions(image0_);
    if all((_e6 < _e7)) {
        let _e12 = pv3d_image_atomic_compare_exchange_image0_(bitcast<vec2<i32>>(_e6), 2u, 1u);
        atomic_old = _e12;
    } else {
        atomic_old = 0u;
    }
    let _e16 = atomic_old;
    temp0_.x = bitcast<vec4<f32>>(vec4(_e16)).x;
    return;
}
