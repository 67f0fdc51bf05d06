@group(0) @binding(64) 
var<storage, read_write> buffer0_: array<u32>;
@group(0) @binding(0) 
var<uniform> const0_: array<vec4<f32>, 1>;

@compute @workgroup_size(256, 1, 1) 
fn main(@builtin(local_invocation_id) local_invocation_id: vec3<u32>) {
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;
    var temp4_: vec4<f32>;
    var temp5_: vec4<f32>;
    var temp6_: vec4<f32>;
    var temp7_: vec4<f32>;
    var temp8_: vec4<f32>;
    var temp9_: vec4<f32>;
    var temp10_: vec4<f32>;
    var temp11_: vec4<f32>;
    var temp12_: vec4<f32>;
    var temp13_: vec4<f32>;
    var temp14_: vec4<f32>;
    var temp15_: vec4<f32>;

    let _e12 = const0_[0];
    temp0_ = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (vec4<u32>(0u, 1u, 2u, 3u) == bitcast<vec4<u32>>(_e12.xxxx))));
    temp5_.x = bitcast<vec4<f32>>((vec4<u32>(local_invocation_id.x, local_invocation_id.y, local_invocation_id.z, 0u).xxxx << (vec4<u32>(2u, 2u, 2u, 2u) & vec4(31u)))).x;
    let _e33 = temp5_;
    buffer0_[(bitcast<u32>(_e33.x) >> 2u)] = 256u;
    let _e41 = temp5_;
    let _e47 = buffer0_[(bitcast<u32>(_e41.x) >> 2u)];
    temp9_.x = bitcast<vec4<f32>>(vec4<u32>(_e47, 0u, 0u, 0u)).x;
    return;
}
