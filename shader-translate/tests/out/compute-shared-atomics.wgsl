var<workgroup> shared_: array<atomic<u32>, 1>;

@compute @workgroup_size(2, 3, 1) 
fn main(@builtin(local_invocation_id) local_invocation_id: vec3<u32>) {
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;
    var temp4_: vec4<f32>;
    var temp5_: vec4<f32>;
    var temp6_: vec4<f32>;
    var temp7_: vec4<f32>;

    let _e5 = vec4<u32>(local_invocation_id.x, local_invocation_id.y, local_invocation_id.z, 0u);
    temp0_.x = bitcast<vec4<f32>>((_e5.yxxx << (vec4<u32>(1u, 1u, 1u, 1u) & vec4(31u)))).x;
    let _e18 = temp0_;
    temp1_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e18.xxxx) + _e5.xxxx)).x;
    let _e28 = temp1_;
    temp2_.x = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<u32>>(_e28.xxxx) == vec4<u32>(0u, 0u, 0u, 0u)))).x;
    let _e42 = temp2_;
    if (bitcast<u32>(_e42.x) != 0u) {
        atomicStore((&shared_[(0u >> 2u)]), 0u);
    }
    workgroupBarrier();
    workgroupBarrier();
    let _e51 = temp1_;
    let _e57 = atomicAdd((&shared_[(0u >> 2u)]), bitcast<u32>(_e51.x));
    temp3_.x = bitcast<vec4<f32>>(vec4(_e57)).x;
    workgroupBarrier();
    workgroupBarrier();
    let _e66 = atomicLoad((&shared_[(0u >> 2u)]));
    temp4_.x = bitcast<vec4<f32>>(vec4<u32>(_e66, 0u, 0u, 0u)).x;
    return;
}
