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

var<private> pv3d_in0_: array<vec4<f32>, 32>;
var<private> pv3d_in1_: array<vec4<f32>, 32>;
var<private> pv3d_primitive_id: u32;
var<private> pv3d_tess_coord: vec3<f32>;
@group(4) @binding(0) 
var<uniform> const0_: array<vec4<f32>, 24>;
var<private> pv3d_out0_: vec4<f32>;
var<private> pv3d_out1_: vec4<f32>;
@group(4) @binding(16) 
var<uniform> driver: DriverUniforms;

@compute @workgroup_size(1, 1, 1) 
fn main() {
    var out0_: vec4<f32>;
    var out1_: vec4<f32>;
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
    var temp16_: vec4<f32>;
    var temp17_: vec4<f32>;
    var temp18_: vec4<f32>;
    var temp19_: vec4<f32>;
    var temp20_: vec4<f32>;
    var temp21_: vec4<f32>;
    var temp22_: vec4<f32>;
    var temp23_: vec4<f32>;
    var temp24_: vec4<f32>;
    var temp25_: vec4<f32>;
    var temp26_: vec4<f32>;
    var temp27_: vec4<f32>;
    var temp28_: vec4<f32>;
    var temp29_: vec4<f32>;
    var temp30_: vec4<f32>;
    var temp31_: vec4<f32>;
    var temp32_: vec4<f32>;
    var addr0_: vec4<i32>;
    var addr1_: vec4<i32>;
    var temp33_: vec4<f32>;
    var temp34_: vec4<f32>;
    var temp35_: vec4<f32>;
    var temp36_: vec4<f32>;

    let _e1 = pv3d_primitive_id;
    let _e2 = vec4(_e1);
    let _e4 = pv3d_tess_coord;
    let _e9 = vec4<f32>(_e4.x, _e4.y, _e4.z, 0f);
    temp1_.x = vec4<f32>(0f, 0f, 0f, 0f).x;
    temp0_ = vec4<f32>(0f, 1f, 0f, 1f);
    loop {
        let _e18 = temp1_;
        temp6_.x = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e18.xxxx) >= vec4<i32>(3i, 3i, 3i, 3i)))).x;
        let _e34 = temp6_;
        if (bitcast<u32>(_e34.x) != 0u) {
            break;
        }
        temp7_.x = bitcast<vec4<f32>>((_e2.xxxx * vec4<u32>(3u, 3u, 3u, 3u))).x;
        let _e47 = temp7_;
        let _e51 = temp1_;
        temp8_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e47.xxxx) + bitcast<vec4<u32>>(_e51.xxxx))).x;
        let _e60 = temp8_;
        temp9_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e60.xxxx) << (vec4<u32>(5u, 5u, 5u, 5u) & vec4(31u)))).x;
        let _e74 = temp9_;
        temp10_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e74.xxxx) >> (vec4<u32>(4u, 4u, 4u, 4u) & vec4(31u)))).x;
        let _e87 = temp10_;
        addr0_.x = bitcast<vec4<i32>>(bitcast<vec4<u32>>(_e87.xxxx)).x;
        let _e97 = addr0_.x;
        let _e102 = const0_[clamp(_e97, 0i, 23i)];
        let _e103 = _e102.xyyy;
        temp11_.x = _e103.x;
        temp11_.y = _e103.y;
        let _e110 = temp1_;
        addr1_.x = bitcast<vec4<i32>>(bitcast<vec4<u32>>(_e110)).x;
        let _e119 = addr1_.x;
        let _e123 = pv3d_in0_[clamp(_e119, 0i, 31i)];
        let _e124 = _e123.xyyy;
        temp12_.x = _e124.x;
        temp12_.y = _e124.y;
        let _e131 = temp12_;
        let _e134 = temp11_;
        let _e142 = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), !((_e131.xyxx == _e134.xyxx))));
        temp13_.x = _e142.x;
        temp13_.y = _e142.y;
        let _e148 = temp13_;
        let _e152 = temp13_;
        temp14_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e148.xyxx) | bitcast<vec4<u32>>(_e152.yyxx))).x;
        let _e161 = temp9_;
        temp15_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e161.xxxx) + vec4<u32>(16u, 16u, 16u, 16u))).x;
        let _e172 = temp15_;
        temp16_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e172.xxxx) >> (vec4<u32>(4u, 4u, 4u, 4u) & vec4(31u)))).x;
        let _e184 = temp16_;
        addr0_.x = bitcast<vec4<i32>>(bitcast<vec4<u32>>(_e184.xxxx)).x;
        let _e194 = addr0_.x;
        let _e197 = const0_[clamp(_e194, 0i, 23i)];
        let _e198 = _e197.xyyy;
        temp17_.x = _e198.x;
        temp17_.y = _e198.y;
        let _e205 = temp1_;
        addr1_.x = bitcast<vec4<i32>>(bitcast<vec4<u32>>(_e205)).x;
        let _e214 = addr1_.x;
        let _e217 = pv3d_in1_[clamp(_e214, 0i, 31i)];
        let _e218 = _e217.xyyy;
        temp18_.x = _e218.x;
        temp18_.y = _e218.y;
        let _e225 = temp18_;
        let _e228 = temp17_;
        let _e236 = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), !((_e225.xyxx == _e228.xyxx))));
        temp19_.x = _e236.x;
        temp19_.y = _e236.y;
        let _e242 = temp19_;
        let _e246 = temp19_;
        temp20_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e242.xyxx) | bitcast<vec4<u32>>(_e246.yyxx))).x;
        let _e255 = temp14_;
        let _e259 = temp20_;
        temp21_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e255.xxxx) | bitcast<vec4<u32>>(_e259.xxxx))).x;
        let _e268 = temp21_;
        let _e274 = temp0_;
        temp0_ = bitcast<vec4<f32>>(select(bitcast<vec4<u32>>(_e274), vec4<u32>(1065353216u, 0u, 0u, 1065353216u), (bitcast<vec4<u32>>(_e268.xxxx) != vec4(0u))));
        let _e282 = temp1_;
        temp1_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e282.xxxx) + vec4<u32>(1u, 1u, 1u, 1u))).x;
    }
    temp22_.x = bitcast<vec4<f32>>(sign(bitcast<vec4<i32>>(_e2.xxxx))).x;
    temp23_.x = bitcast<vec4<f32>>(abs(bitcast<vec4<i32>>(_e2.xxxx))).x;
    let _e307 = temp23_;
    temp24_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e307.xxxx) >> (vec4<u32>(1u, 1u, 1u, 1u) & vec4(31u)))).x;
    let _e319 = temp22_;
    let _e323 = temp24_;
    temp25_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e319.xxxx) * bitcast<vec4<u32>>(_e323.xxxx))).x;
    let _e332 = temp25_;
    temp26_.x = vec4<f32>(bitcast<vec4<i32>>(_e332.xxxx)).x;
    let _e340 = temp26_;
    temp27_.x = (_e340.xxxx + vec4<f32>(-1f, -1f, -1f, -1f)).x;
    temp28_.x = bitcast<vec4<f32>>((_e2.xxxx & vec4<u32>(1u, 1u, 1u, 1u))).x;
    let _e356 = temp28_;
    temp29_.x = vec4<f32>(bitcast<vec4<i32>>(_e356.xxxx)).x;
    let _e364 = temp29_;
    temp30_.x = (_e364.xxxx + vec4<f32>(-1f, -1f, -1f, -1f)).x;
    let _e372 = temp27_;
    temp2_.x = _e372.xxxx.x;
    let _e378 = temp30_;
    temp2_.y = _e378.xxxx.y;
    let _e384 = temp26_;
    temp3_.x = _e384.xxxx.x;
    let _e390 = temp30_;
    temp3_.y = _e390.xxxx.y;
    let _e395 = _e9.xxxx;
    let _e397 = temp3_;
    let _e400 = temp2_;
    let _e406 = ((_e395 * _e397.xyxx) + ((vec4(1f) - _e395) * _e400.xyxx));
    temp31_.x = _e406.x;
    temp31_.y = _e406.y;
    let _e413 = temp27_;
    temp4_.x = _e413.xxxx.x;
    let _e419 = temp29_;
    temp4_.y = _e419.xxxx.y;
    let _e425 = temp2_;
    let _e429 = temp4_;
    let _e432 = ((_e425.xyxx * vec4<f32>(-1f, -1f, -1f, -1f)) + _e429.xyxx);
    temp32_.x = _e432.x;
    temp32_.y = _e432.y;
    let _e439 = temp32_;
    let _e443 = temp31_;
    let _e446 = ((_e439.xyxx * _e9.yyxx) + _e443.xyxx);
    temp5_.x = _e446.x;
    temp5_.y = _e446.y;
    let _e452 = vec4<f32>(0f, 1f, 0f, 1f);
    temp5_.z = _e452.z;
    temp5_.w = _e452.w;
    let _e459 = temp5_;
    out0_ = _e459;
    let _e462 = temp0_;
    out1_ = _e462;
    let _e465 = out0_;
    let _e472 = driver.flip_y;
    pv3d_out0_ = vec4<f32>(_e465.x, (_e465.y * _e472), ((_e465.z + _e465.w) * 0.5f), _e465.w);
    let _e480 = out1_;
    pv3d_out1_ = _e480;
    return;
}
