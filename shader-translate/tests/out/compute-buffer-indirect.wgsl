@group(0) @binding(64) 
var<storage, read_write> buffer0_: array<atomic<u32>>;
@group(0) @binding(65) 
var<storage, read_write> buffer1_: array<atomic<u32>>;
@group(0) @binding(67) 
var<storage, read_write> buffer3_: array<atomic<u32>>;

@compute @workgroup_size(4, 1, 1) 
fn main(@builtin(local_invocation_id) local_invocation_id: vec3<u32>) {
    var addr0_: vec4<i32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;

    addr0_.x = bitcast<vec4<i32>>(vec4<u32>(local_invocation_id.x, local_invocation_id.y, local_invocation_id.z, 0u).xxxx).x;
    temp0_.x = bitcast<vec4<f32>>(vec4(0u)).x;
    let _e18 = addr0_.x;
    let _e21 = clamp(_e18, 0i, 3i);
    if (_e21 == 0i) {
        let _e27 = atomicLoad((&buffer0_[(0u >> 2u)]));
        temp0_.x = bitcast<vec4<f32>>(vec4<u32>(_e27, 0u, 0u, 0u)).x;
    }
    if (_e21 == 1i) {
        let _e38 = atomicLoad((&buffer1_[(0u >> 2u)]));
        temp0_.x = bitcast<vec4<f32>>(vec4<u32>(_e38, 0u, 0u, 0u)).x;
    }
    if (_e21 == 3i) {
        let _e48 = atomicLoad((&buffer3_[(0u >> 2u)]));
        temp0_.x = bitcast<vec4<f32>>(vec4<u32>(_e48, 0u, 0u, 0u)).x;
    }
    temp1_.x = bitcast<vec4<f32>>(vec4(0u)).x;
    let _e61 = addr0_.x;
    let _e63 = clamp((_e61 + 1i), 0i, 3i);
    if (_e63 == 0i) {
        let _e69 = atomicAdd((&buffer0_[(0u >> 2u)]), 1u);
        temp1_.x = bitcast<vec4<f32>>(vec4(_e69)).x;
    }
    if (_e63 == 1i) {
        let _e79 = atomicAdd((&buffer1_[(0u >> 2u)]), 1u);
        temp1_.x = bitcast<vec4<f32>>(vec4(_e79)).x;
    }
    if (_e63 == 3i) {
        let _e89 = atomicAdd((&buffer3_[(0u >> 2u)]), 1u);
        temp1_.x = bitcast<vec4<f32>>(vec4(_e89)).x;
    }
    let _e97 = addr0_.x;
    let _e98 = clamp(_e97, 0i, 3i);
    if (_e98 == 0i) {
        let _e101 = temp0_;
        atomicStore((&buffer0_[(1u >> 2u)]), bitcast<u32>(_e101.x));
    }
    if (_e98 == 1i) {
        let _e109 = temp0_;
        atomicStore((&buffer1_[(1u >> 2u)]), bitcast<u32>(_e109.x));
    }
    if (_e98 == 3i) {
        let _e117 = temp0_;
        atomicStore((&buffer3_[(1u >> 2u)]), bitcast<u32>(_e117.x));
    }
    return;
}
