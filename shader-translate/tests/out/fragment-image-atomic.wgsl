@group(1) @binding(96) 
var image0_: texture_storage_2d<r32sint,read_write>;

fn pv3d_image_atomic_smax_image0_(coordinate: vec2<i32>, value: i32) -> i32 {
    return i32();
}

@fragment 
fn main() {
    var temp0_: vec4<f32>;
    var atomic_old: u32;

    let _e2 = vec4<u32>(0u, 0u, 0u, 0u);
    let _e5 = vec2<u32>(_e2.x, _e2.y);
    let _e6 = textureDimensions(image0_);
    if all((_e5 < _e6)) {
        let _e11 = pv3d_image_atomic_smax_image0_(bitcast<vec2<i32>>(_e5), -1i);
        atomic_old = bitcast<u32>(_e11);
    } else {
        atomic_old = 0u;
    }
    let _e16 = atomic_old;
    temp0_.x = bitcast<vec4<f32>>(vec4(_e16)).x;
    return;
}
