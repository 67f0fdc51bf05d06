@group(0) @binding(64) 
var<storage, read_write> buffer0_: array<u32>;
@group(0) @binding(65) 
var<storage, read_write> buffer1_: array<u32>;
@group(0) @binding(66) 
var<storage, read_write> buffer2_: array<atomic<u32>>;

@compute @workgroup_size(64, 1, 1) 
fn main(@builtin(local_invocation_id) local_invocation_id: vec3<u32>, @builtin(workgroup_id) workgroup_id: vec3<u32>) {
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;
    var temp4_: vec4<f32>;
    var temp5_: vec4<f32>;
    var temp6_: vec4<f32>;
    var temp7_: vec4<f32>;
    var atomic_old: u32;

    temp0_.x = bitcast<vec4<f32>>((vec4<u32>(local_invocation_id.x, local_invocation_id.y, local_invocation_id.z, 0u).xxxx * vec4<u32>(16u, 16u, 16u, 16u))).x;
    let _e20 = temp0_;
    let _e22 = bitcast<u32>(_e20.x);
    let _e27 = buffer0_[(_e22 >> 2u)];
    let _e33 = buffer0_[((_e22 >> 2u) + 1u)];
    let _e38 = buffer0_[((_e22 >> 2u) + 2u)];
    let _e44 = buffer0_[((_e22 >> 2u) + 3u)];
    temp1_ = bitcast<vec4<f32>>(vec4<u32>(_e27, _e33, _e38, _e44));
    let _e49 = temp0_;
    let _e51 = bitcast<u32>(_e49.x);
    let _e56 = buffer0_[((_e51 >> 2u) + 1u)];
    let _e61 = buffer0_[((_e51 >> 2u) + 3u)];
    let _e64 = bitcast<vec4<f32>>(vec4<u32>(0u, _e56, 0u, _e61));
    temp2_.y = _e64.y;
    temp2_.w = _e64.w;
    let _e70 = temp0_;
    let _e72 = bitcast<u32>(_e70.x);
    let _e74 = temp1_;
    buffer1_[(_e72 >> 2u)] = bitcast<u32>(_e74.w);
    let _e81 = temp1_;
    buffer1_[((_e72 >> 2u) + 2u)] = bitcast<u32>(_e81.y);
    let _e89 = temp1_;
    buffer1_[((_e72 >> 2u) + 3u)] = bitcast<u32>(_e89.x);
    let _e101 = atomicAdd((&buffer2_[(4u >> 2u)]), vec4<u32>(workgroup_id.x, workgroup_id.y, workgroup_id.z, 0u).x);
    temp3_.x = bitcast<vec4<f32>>(vec4(_e101)).x;
    let _e108 = temp1_;
    let _e114 = atomicExchange((&buffer2_[(16u >> 2u)]), bitcast<u32>(_e108.x));
    temp3_.y = bitcast<vec4<f32>>(vec4(_e114)).y;
    let _e122 = temp1_;
    let _e129 = temp1_;
    let _e132 = atomicCompareExchangeWeak((&buffer2_[(8u >> 2u)]), bitcast<u32>(_e122.y), bitcast<u32>(_e129.z));
    temp3_.z = bitcast<vec4<f32>>(vec4(_e132.old_value)).z;
    let _e140 = temp1_;
    let _e146 = atomicAnd((&buffer2_[(4u >> 2u)]), bitcast<u32>(_e140.x));
    temp4_.x = bitcast<vec4<f32>>(vec4(_e146)).x;
    let _e153 = temp1_;
    let _e159 = atomicOr((&buffer2_[(4u >> 2u)]), bitcast<u32>(_e153.x));
    temp4_.y = bitcast<vec4<f32>>(vec4(_e159)).y;
    let _e166 = temp1_;
    let _e172 = atomicXor((&buffer2_[(4u >> 2u)]), bitcast<u32>(_e166.x));
    temp4_.z = bitcast<vec4<f32>>(vec4(_e172)).z;
    let _e179 = temp1_;
    let _e185 = atomicMin((&buffer2_[(4u >> 2u)]), bitcast<u32>(_e179.x));
    temp4_.w = bitcast<vec4<f32>>(vec4(_e185)).w;
    let _e192 = temp1_;
    let _e198 = atomicMax((&buffer2_[(4u >> 2u)]), bitcast<u32>(_e192.x));
    temp5_.x = bitcast<vec4<f32>>(vec4(_e198)).x;
    loop {
        let _e208 = atomicLoad((&buffer2_[(16u >> 2u)]));
        let _e213 = atomicCompareExchangeWeak((&buffer2_[(16u >> 2u)]), _e208, bitcast<u32>(min(bitcast<i32>(_e208), bitcast<i32>(4294967291u))));
        if _e213.exchanged {
            atomic_old = _e208;
            break;
        }
    }
    let _e217 = atomic_old;
    temp5_.y = bitcast<vec4<f32>>(vec4(_e217)).y;
    loop {
        let _e227 = atomicLoad((&buffer2_[(16u >> 2u)]));
        let _e232 = atomicCompareExchangeWeak((&buffer2_[(16u >> 2u)]), _e227, bitcast<u32>(max(bitcast<i32>(_e227), bitcast<i32>(7u))));
        if _e232.exchanged {
            atomic_old = _e227;
            break;
        }
    }
    let _e236 = atomic_old;
    temp5_.z = bitcast<vec4<f32>>(vec4(_e236)).z;
    let _e245 = atomicLoad((&buffer2_[(2u >> 2u)]));
    temp6_.x = bitcast<vec4<f32>>(vec4<u32>(_e245, 0u, 0u, 0u)).x;
    let _e252 = temp5_;
    atomicStore((&buffer2_[((2u >> 2u) + 1u)]), bitcast<u32>(_e252.z));
    temp7_.x = bitcast<vec4<f32>>(vec4((arrayLength((&buffer0_)) * 4u))).x;
    storageBarrier();
    return;
}
