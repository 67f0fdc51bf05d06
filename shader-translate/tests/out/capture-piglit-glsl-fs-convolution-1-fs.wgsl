struct Output {
    @location(0) location0_: vec4<f32>,
}

@group(1) @binding(0) 
var<uniform> const0_: array<vec4<f32>, 64>;
@group(1) @binding(32) 
var tex0_: texture_2d<f32>;
@group(1) @binding(33) 
var samp0_: sampler;

@fragment 
fn main(@location(2) in_generic0_: vec4<f32>) -> Output {
    var out0_: vec4<f32>;
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
    var addr0_: vec4<i32>;
    var temp11_: vec4<f32>;
    var temp12_: vec4<f32>;
    var temp13_: vec4<f32>;
    var temp14_: vec4<f32>;

    temp1_.x = vec4<f32>(0f, 0f, 0f, 0f).x;
    temp0_ = vec4<f32>(0f, 0f, 0f, 0f);
    loop {
        let _e9 = temp1_;
        temp2_.x = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e9.xxxx) >= vec4<i32>(32i, 32i, 32i, 32i)))).x;
        let _e25 = temp2_;
        if (bitcast<u32>(_e25.x) != 0u) {
            break;
        }
        let _e30 = temp1_;
        temp3_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e30.xxxx) << (vec4<u32>(4u, 4u, 4u, 4u) & vec4(31u)))).x;
        let _e44 = temp3_;
        temp4_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e44.xxxx) + vec4<u32>(512u, 512u, 512u, 512u))).x;
        let _e55 = temp4_;
        temp5_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e55.xxxx) >> (vec4<u32>(4u, 4u, 4u, 4u) & vec4(31u)))).x;
        let _e67 = temp1_;
        temp6_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e67.xxxx) & vec4<u32>(268435455u, 268435455u, 268435455u, 268435455u))).x;
        let _e78 = temp6_;
        addr0_.x = bitcast<vec4<i32>>(bitcast<vec4<u32>>(_e78.xxxx)).x;
        let _e88 = addr0_.x;
        let _e93 = const0_[clamp(_e88, 0i, 63i)];
        let _e94 = _e93.xyyy;
        temp7_.x = _e94.x;
        temp7_.y = _e94.y;
        let _e102 = temp7_;
        let _e104 = (in_generic0_.xyyy + _e102.xyyy);
        temp8_.x = _e104.x;
        temp8_.y = _e104.y;
        let _e111 = temp8_;
        let _e112 = _e111.xyxx;
        let _e118 = textureSample(tex0_, samp0_, vec2<f32>(_e112.x, _e112.y));
        temp9_ = _e118;
        let _e121 = temp5_;
        addr0_.x = bitcast<vec4<i32>>(bitcast<vec4<u32>>(_e121.xxxx)).x;
        let _e131 = addr0_.x;
        let _e134 = const0_[clamp(_e131, 0i, 63i)];
        temp10_.x = _e134.xxxx.x;
        let _e140 = temp10_;
        let _e143 = temp9_;
        let _e145 = temp0_;
        temp0_ = ((_e140.xxxx * _e143) + _e145);
        let _e150 = temp1_;
        temp1_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e150.xxxx) + vec4<u32>(1u, 1u, 1u, 1u))).x;
    }
    let _e161 = temp0_;
    out0_ = _e161;
    let _e164 = out0_;
    return Output(_e164);
}
