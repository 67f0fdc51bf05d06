var<private> pv3d_tess_level_outer: array<f32, 4>;
var<private> pv3d_tess_level_inner: array<f32, 2>;

@compute @workgroup_size(1, 1, 1) 
fn main() {
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;
    var temp2_: vec4<f32>;
    var temp3_: vec4<f32>;

    pv3d_tess_level_inner[0] = vec4<f32>(1f, 1f, 1f, 1f).x;
    pv3d_tess_level_inner[1] = vec4<f32>(1f, 1f, 1f, 1f).y;
    pv3d_tess_level_outer[0] = vec4<f32>(1f, 1f, 1f, 1f).x;
    pv3d_tess_level_outer[1] = vec4<f32>(1f, 1f, 1f, 1f).y;
    pv3d_tess_level_outer[2] = vec4<f32>(1f, 1f, 1f, 1f).z;
    pv3d_tess_level_outer[3] = vec4<f32>(1f, 1f, 1f, 1f).w;
    return;
}
