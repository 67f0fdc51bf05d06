struct Output {
    @builtin(position) @invariant position: vec4<f32>,
    @location(0) @interpolate(flat) location0_: vec4<f32>,
    @location(27) @interpolate(flat) location27_: vec4<f32>,
    @location(26) location26_: vec4<f32>,
    @location(20) location20_: vec4<f32>,
}

struct DriverUniforms {
    flip_y: f32,
    fb_height: f32,
    alpha_ref: f32,
    point_size: f32,
    polygon_stipple: array<vec4<u32>, 8>,
    clip_planes: array<vec4<f32>, 8>,
    polygon_offset: vec4<f32>,
    sampler_lod: array<vec4<f32>, 16>,
    texel_buffer_sizes: array<vec4<u32>, 4>,
}

@group(0) @binding(0) 
var<uniform> const0_: array<vec4<f32>, 2>;
@group(0) @binding(1) 
var<uniform> const1_: array<vec4<f32>, 4>;
@group(0) @binding(16) 
var<uniform> driver: DriverUniforms;

@vertex 
fn main(@location(0) in0_: vec4<f32>, @location(1) in1_: vec4<f32>, @builtin(instance_index) instance_index: u32, @builtin(vertex_index) vertex_index: u32) -> Output {
    var out0_: vec4<f32>;
    var out1_: vec4<f32>;
    var out2_: vec4<f32>;
    var out3_: vec4<f32>;
    var out4_: vec4<f32>;
    var out5_: vec4<f32>;
    var out6_: vec4<f32>;
    var out7_: vec4<f32>;
    var temp0_: vec4<f32>;
    var temp1_: vec4<f32>;

    let _e8 = const1_[0];
    out0_.x = vec4(dot(in0_, _e8)).x;
    let _e16 = const1_[1];
    out0_.y = vec4(dot(in0_, _e16)).y;
    let _e24 = const1_[2];
    out0_.z = vec4(dot(in0_, _e24)).z;
    let _e32 = const1_[3];
    out0_.w = vec4(dot(in0_, _e32)).w;
    temp0_.x = vec4<f32>(bitcast<vec4<i32>>(vec4(instance_index).xxxx)).x;
    temp0_.y = vec4<f32>(vec4(vertex_index).xxxx).y;
    let _e54 = vec4<f32>(bitcast<f32>(2139095040u), bitcast<f32>(2139095040u), 1.5f, -2000f);
    temp0_.z = _e54.z;
    temp0_.w = _e54.w;
    out1_ = in1_;
    out2_ = -(abs(in1_));
    let _e65 = temp0_;
    out3_ = _e65;
    let _e69 = const0_[0];
    out4_ = _e69;
    let _e73 = const0_[1];
    out5_ = _e73.xxxx;
    out6_ = in1_.wwww;
    out7_ = in0_;
    let _e80 = out0_;
    let _e87 = driver.flip_y;
    let _e91 = out1_;
    let _e94 = out2_;
    let _e97 = out3_;
    let _e99 = out4_;
    return Output(vec4<f32>(_e80.x, (_e80.y * _e87), _e80.z, _e80.w), saturate(_e91), saturate(_e94), _e97, _e99);
}
