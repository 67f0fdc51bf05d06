@compute @workgroup_size(8, 4, 1) 
fn main(@builtin(local_invocation_id) local_invocation_id: vec3<u32>, @builtin(workgroup_id) workgroup_id: vec3<u32>, @builtin(num_workgroups) num_workgroups: vec3<u32>) {
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;

    let _e19 = vec4<u32>(8u, 4u, 1u, 0u);
    temp0_ = bitcast<vec4<f32>>(((vec4<u32>(workgroup_id.x, workgroup_id.y, workgroup_id.z, 0u) * _e19) + vec4<u32>(local_invocation_id.x, local_invocation_id.y, local_invocation_id.z, 0u)));
    temp1_ = bitcast<vec4<f32>>((vec4<u32>(num_workgroups.x, num_workgroups.y, num_workgroups.z, 0u) * _e19));
    return;
}
