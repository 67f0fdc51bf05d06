var<private> pv3d_in0_: array<vec4<f32>, 32>;
var<private> pv3d_invocation_id: u32;
var<private> pv3d_out0_: array<vec4<f32>, 6>;
var<private> pv3d_tess_level_outer: array<f32, 4>;
var<private> pv3d_tess_level_inner: array<f32, 2>;
var<private> pv3d_out3_: array<vec4<f32>, 6>;
var<private> pv3d_patch_out4_: vec4<f32>;

@compute @workgroup_size(1, 1, 1) 
fn main() {
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
    var temp33_: vec4<f32>;
    var temp34_: vec4<f32>;
    var temp35_: vec4<f32>;
    var temp36_: vec4<f32>;
    var temp37_: vec4<f32>;
    var temp38_: vec4<f32>;
    var temp39_: vec4<f32>;
    var temp40_: vec4<f32>;
    var temp41_: vec4<f32>;
    var temp42_: vec4<f32>;
    var temp43_: vec4<f32>;
    var temp44_: vec4<f32>;
    var temp45_: vec4<f32>;
    var temp46_: vec4<f32>;
    var addr0_: vec4<i32>;
    var addr1_: vec4<i32>;
    var temp47_: vec4<f32>;
    var temp48_: vec4<f32>;
    var temp49_: vec4<f32>;
    var temp50_: vec4<f32>;

    let _e1 = pv3d_invocation_id;
    let _e2 = vec4(_e1);
    temp2_ = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e2.xxxx) < vec4<i32>(16i, 8i, 4i, 2i))));
    let _e19 = temp2_;
    temp3_.x = _e19.yxxx.x;
    let _e25 = temp2_;
    temp4_.x = _e25.wxxx.x;
    let _e31 = temp2_;
    temp5_.x = _e31.zxxx.x;
    let _e37 = temp2_;
    temp6_.x = _e37.xxxx.x;
    let _e43 = temp6_;
    if (bitcast<u32>(_e43.x) != 0u) {
        let _e48 = temp3_;
        if (bitcast<u32>(_e48.x) != 0u) {
            let _e53 = temp5_;
            if (bitcast<u32>(_e53.x) != 0u) {
                let _e58 = temp4_;
                if (bitcast<u32>(_e58.x) != 0u) {
                    temp7_.x = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e2.xxxx) < vec4<i32>(1i, 1i, 1i, 1i)))).x;
                    let _e75 = temp7_;
                    if (bitcast<u32>(_e75.x) != 0u) {
                        let _e81 = pv3d_in0_[0];
                        temp0_ = _e81;
                    } else {
                        let _e85 = pv3d_in0_[1];
                        temp0_ = _e85;
                    }
                } else {
                    temp8_.x = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e2.xxxx) < vec4<i32>(3i, 3i, 3i, 3i)))).x;
                    let _e100 = temp8_;
                    if (bitcast<u32>(_e100.x) != 0u) {
                        let _e106 = pv3d_in0_[2];
                        temp0_ = _e106;
                    } else {
                        let _e110 = pv3d_in0_[3];
                        temp0_ = _e110;
                    }
                }
            } else {
                let _e123 = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e2.xxxx) < vec4<i32>(6i, 5i, 7i, 6i))));
                temp9_.x = _e123.x;
                temp9_.y = _e123.y;
                temp9_.z = _e123.z;
                let _e131 = temp9_;
                temp10_.x = _e131.yxxx.x;
                let _e137 = temp9_;
                temp11_.x = _e137.zxxx.x;
                let _e143 = temp9_;
                temp12_.x = _e143.xxxx.x;
                let _e149 = temp12_;
                if (bitcast<u32>(_e149.x) != 0u) {
                    let _e154 = temp10_;
                    if (bitcast<u32>(_e154.x) != 0u) {
                        let _e160 = pv3d_in0_[4];
                        temp0_ = _e160;
                    } else {
                        let _e164 = pv3d_in0_[5];
                        temp0_ = _e164;
                    }
                } else {
                    let _e167 = temp11_;
                    if (bitcast<u32>(_e167.x) != 0u) {
                        let _e173 = pv3d_in0_[6];
                        temp0_ = _e173;
                    } else {
                        let _e177 = pv3d_in0_[7];
                        temp0_ = _e177;
                    }
                }
            }
        } else {
            temp13_ = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e2.xxxx) < vec4<i32>(12i, 10i, 9i, 11i))));
            let _e193 = temp13_;
            temp14_.x = _e193.yxxx.x;
            let _e199 = temp13_;
            temp15_.x = _e199.wxxx.x;
            let _e205 = temp13_;
            temp16_.x = _e205.zxxx.x;
            let _e211 = temp13_;
            temp17_.x = _e211.xxxx.x;
            let _e217 = temp17_;
            if (bitcast<u32>(_e217.x) != 0u) {
                let _e222 = temp14_;
                if (bitcast<u32>(_e222.x) != 0u) {
                    let _e227 = temp16_;
                    if (bitcast<u32>(_e227.x) != 0u) {
                        let _e233 = pv3d_in0_[8];
                        temp0_ = _e233;
                    } else {
                        let _e237 = pv3d_in0_[9];
                        temp0_ = _e237;
                    }
                } else {
                    let _e240 = temp15_;
                    if (bitcast<u32>(_e240.x) != 0u) {
                        let _e246 = pv3d_in0_[10];
                        temp0_ = _e246;
                    } else {
                        let _e250 = pv3d_in0_[11];
                        temp0_ = _e250;
                    }
                }
            } else {
                let _e263 = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e2.xxxx) < vec4<i32>(14i, 13i, 15i, 14i))));
                temp18_.x = _e263.x;
                temp18_.y = _e263.y;
                temp18_.z = _e263.z;
                let _e271 = temp18_;
                temp19_.x = _e271.yxxx.x;
                let _e277 = temp18_;
                temp20_.x = _e277.zxxx.x;
                let _e283 = temp18_;
                temp21_.x = _e283.xxxx.x;
                let _e289 = temp21_;
                if (bitcast<u32>(_e289.x) != 0u) {
                    let _e294 = temp19_;
                    if (bitcast<u32>(_e294.x) != 0u) {
                        let _e300 = pv3d_in0_[12];
                        temp0_ = _e300;
                    } else {
                        let _e304 = pv3d_in0_[13];
                        temp0_ = _e304;
                    }
                } else {
                    let _e307 = temp20_;
                    if (bitcast<u32>(_e307.x) != 0u) {
                        let _e313 = pv3d_in0_[14];
                        temp0_ = _e313;
                    } else {
                        let _e317 = pv3d_in0_[15];
                        temp0_ = _e317;
                    }
                }
            }
        }
    } else {
        temp22_ = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e2.xxxx) < vec4<i32>(24i, 20i, 18i, 17i))));
        let _e333 = temp22_;
        temp23_.x = _e333.yxxx.x;
        let _e339 = temp22_;
        temp24_.x = _e339.wxxx.x;
        let _e345 = temp22_;
        temp25_.x = _e345.zxxx.x;
        let _e351 = temp22_;
        temp26_.x = _e351.xxxx.x;
        let _e357 = temp26_;
        if (bitcast<u32>(_e357.x) != 0u) {
            let _e362 = temp23_;
            if (bitcast<u32>(_e362.x) != 0u) {
                let _e367 = temp25_;
                if (bitcast<u32>(_e367.x) != 0u) {
                    let _e372 = temp24_;
                    if (bitcast<u32>(_e372.x) != 0u) {
                        let _e378 = pv3d_in0_[16];
                        temp0_ = _e378;
                    } else {
                        let _e382 = pv3d_in0_[17];
                        temp0_ = _e382;
                    }
                } else {
                    temp27_.x = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e2.xxxx) < vec4<i32>(19i, 19i, 19i, 19i)))).x;
                    let _e397 = temp27_;
                    if (bitcast<u32>(_e397.x) != 0u) {
                        let _e403 = pv3d_in0_[18];
                        temp0_ = _e403;
                    } else {
                        let _e407 = pv3d_in0_[19];
                        temp0_ = _e407;
                    }
                }
            } else {
                let _e420 = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e2.xxxx) < vec4<i32>(22i, 21i, 23i, 22i))));
                temp28_.x = _e420.x;
                temp28_.y = _e420.y;
                temp28_.z = _e420.z;
                let _e428 = temp28_;
                temp29_.x = _e428.yxxx.x;
                let _e434 = temp28_;
                temp30_.x = _e434.zxxx.x;
                let _e440 = temp28_;
                temp31_.x = _e440.xxxx.x;
                let _e446 = temp31_;
                if (bitcast<u32>(_e446.x) != 0u) {
                    let _e451 = temp29_;
                    if (bitcast<u32>(_e451.x) != 0u) {
                        let _e457 = pv3d_in0_[20];
                        temp0_ = _e457;
                    } else {
                        let _e461 = pv3d_in0_[21];
                        temp0_ = _e461;
                    }
                } else {
                    let _e464 = temp30_;
                    if (bitcast<u32>(_e464.x) != 0u) {
                        let _e470 = pv3d_in0_[22];
                        temp0_ = _e470;
                    } else {
                        let _e474 = pv3d_in0_[23];
                        temp0_ = _e474;
                    }
                }
            }
        } else {
            temp32_ = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e2.xxxx) < vec4<i32>(28i, 26i, 25i, 27i))));
            let _e490 = temp32_;
            temp33_.x = _e490.yxxx.x;
            let _e496 = temp32_;
            temp34_.x = _e496.wxxx.x;
            let _e502 = temp32_;
            temp35_.x = _e502.zxxx.x;
            let _e508 = temp32_;
            temp36_.x = _e508.xxxx.x;
            let _e514 = temp36_;
            if (bitcast<u32>(_e514.x) != 0u) {
                let _e519 = temp33_;
                if (bitcast<u32>(_e519.x) != 0u) {
                    let _e524 = temp35_;
                    if (bitcast<u32>(_e524.x) != 0u) {
                        let _e530 = pv3d_in0_[24];
                        temp0_ = _e530;
                    } else {
                        let _e534 = pv3d_in0_[25];
                        temp0_ = _e534;
                    }
                } else {
                    let _e537 = temp34_;
                    if (bitcast<u32>(_e537.x) != 0u) {
                        let _e543 = pv3d_in0_[26];
                        temp0_ = _e543;
                    } else {
                        let _e547 = pv3d_in0_[27];
                        temp0_ = _e547;
                    }
                }
            } else {
                let _e560 = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e2.xxxx) < vec4<i32>(30i, 29i, 31i, 30i))));
                temp37_.x = _e560.x;
                temp37_.y = _e560.y;
                temp37_.z = _e560.z;
                let _e568 = temp37_;
                temp38_.x = _e568.yxxx.x;
                let _e574 = temp37_;
                temp39_.x = _e574.zxxx.x;
                let _e580 = temp37_;
                temp40_.x = _e580.xxxx.x;
                let _e586 = temp40_;
                if (bitcast<u32>(_e586.x) != 0u) {
                    let _e591 = temp38_;
                    if (bitcast<u32>(_e591.x) != 0u) {
                        let _e597 = pv3d_in0_[28];
                        temp0_ = _e597;
                    } else {
                        let _e601 = pv3d_in0_[29];
                        temp0_ = _e601;
                    }
                } else {
                    let _e604 = temp39_;
                    if (bitcast<u32>(_e604.x) != 0u) {
                        let _e610 = pv3d_in0_[30];
                        temp0_ = _e610;
                    } else {
                        let _e614 = pv3d_in0_[31];
                        temp0_ = _e614;
                    }
                }
            }
        }
    }
    addr1_.x = bitcast<vec4<i32>>(_e2.xxxx).x;
    let _e622 = temp0_;
    let _e626 = addr1_.x;
    pv3d_out0_[clamp(_e626, 0i, 5i)] = _e622;
    temp41_.x = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e2.xxxx) < vec4<i32>(6i, 6i, 6i, 6i)))).x;
    let _e642 = temp41_;
    if (bitcast<u32>(_e642.x) != 0u) {
        addr1_.x = bitcast<vec4<i32>>(_e2.xxxx).x;
        let _e656 = addr1_.x;
        pv3d_out3_[clamp(_e656, 0i, 5i)].x = bitcast<vec4<f32>>(_e2.xxxx).x;
    }
    pv3d_patch_out4_ = vec4<f32>(0f, 1f, 0f, 1f);
    workgroupBarrier();
    workgroupBarrier();
    temp1_.x = vec4<f32>(0f, 0f, 0f, 0f).x;
    loop {
        let _e670 = temp1_;
        temp42_.x = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<i32>>(_e670.xxxx) >= vec4<i32>(6i, 6i, 6i, 6i)))).x;
        let _e683 = temp42_;
        if (bitcast<u32>(_e683.x) != 0u) {
            break;
        }
        let _e688 = temp1_;
        temp43_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e688.xxxx) + _e2.xxxx)).x;
        let _e698 = temp43_;
        let _e702 = vec4<u32>(6u, 6u, 6u, 6u);
        let _e706 = (_e702 == vec4(0u));
        temp44_.x = bitcast<vec4<f32>>(select((bitcast<vec4<u32>>(_e698.xxxx) % select(_e702, vec4(1u), _e706)), vec4(4294967295u), _e706)).x;
        let _e716 = temp44_;
        addr1_.x = bitcast<vec4<i32>>(bitcast<vec4<u32>>(_e716.xxxx)).x;
        let _e726 = addr1_.x;
        let _e729 = pv3d_out3_[clamp(_e726, 0i, 5i)];
        temp45_.x = _e729.xxxx.x;
        let _e735 = temp45_;
        let _e739 = temp44_;
        temp46_.x = bitcast<vec4<f32>>(select(vec4(0u), vec4(4294967295u), (bitcast<vec4<u32>>(_e735.xxxx) != bitcast<vec4<u32>>(_e739.xxxx)))).x;
        let _e751 = temp46_;
        if (bitcast<u32>(_e751.x) != 0u) {
            pv3d_patch_out4_ = vec4<f32>(1f, 0f, 0f, 1f);
        }
        let _e758 = temp1_;
        temp1_.x = bitcast<vec4<f32>>((bitcast<vec4<u32>>(_e758.xxxx) + vec4<u32>(1u, 1u, 1u, 1u))).x;
    }
    pv3d_tess_level_outer[0] = vec4<f32>(1f, 1f, 1f, 1f).x;
    pv3d_tess_level_outer[1] = vec4<f32>(1f, 1f, 1f, 1f).y;
    pv3d_tess_level_outer[2] = vec4<f32>(1f, 1f, 1f, 1f).z;
    pv3d_tess_level_outer[3] = vec4<f32>(0f, 0f, 0f, 0f).w;
    pv3d_tess_level_inner[0] = vec4<f32>(0f, 0f, 0f, 0f).x;
    pv3d_tess_level_inner[1] = vec4<f32>(0f, 0f, 0f, 0f).y;
    return;
}
