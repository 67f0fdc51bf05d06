struct Output {
    @location(0) location0_: vec4<f32>,
    @builtin(frag_depth) frag_depth: f32,
}

@fragment 
fn main(@builtin(position) frag_coord: vec4<f32>, @builtin(front_facing) front_facing: bool, @location(5) @interpolate(linear, centroid) in_generic3_: vec4<f32>, @location(19) @interpolate(flat) in_texcoord1_: vec4<f32>, @builtin(sample_index) sample_index: u32) -> Output {
    var out0_: vec4<f32>;
    var out1_: vec4<f32>;
    var temp0_: vec4<f32>;

    let _e8 = vec4<f32>((frag_coord.x - 0.5f), (frag_coord.y - 0.5f), frag_coord.z, frag_coord.w);
    temp0_ = (_e8 * vec4<f32>(select(-1f, 1f, front_facing), 0f, 0f, 1f).xxxx);
    let _e23 = temp0_;
    temp0_ = (_e23 + in_generic3_);
    temp0_.w = vec4<f32>(vec4(sample_index).xxxx).w;
    let _e32 = temp0_;
    out0_ = (_e32 + in_texcoord1_);
    out1_.z = _e8.zzzz.z;
    let _e40 = out0_;
    let _e43 = out1_.z;
    return Output(_e40, _e43);
}
