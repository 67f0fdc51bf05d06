//! Fuzz the TGSI translator: any text parses, lowers and validates, or fails
//! with an error (never a panic); a translated module also goes through the
//! WGSL writer, and an error renders its caret line. The first byte picks
//! the options, so option-dependent paths (flat shading, two-sided colour,
//! alpha test, colour broadcast, clamping, swizzles, depth views) are covered
//! too.
#![no_main]

use libfuzzer_sys::fuzz_target;
use shader_translate::{translate, Channel, CompareFunction, Options};

fuzz_target!(|data: &[u8]| {
    let Some((&flags, text)) = data.split_first() else {
        return;
    };
    let text = String::from_utf8_lossy(text);
    let mut options = Options {
        flatshade: flags & 1 != 0,
        clip_halfz: flags & 2 != 0,
        two_sided_color: flags & 2 != 0,
        clamp_vertex_color: flags & 4 != 0,
        clamp_fragment_color: flags & 4 != 0,
        alpha_test: CompareFunction::from_pipe(u32::from(flags >> 5)).filter(|_| flags & 8 != 0),
        color_buffers: 1 + u32::from(flags >> 6),
        ..Options::default()
    };
    if flags & 16 != 0 {
        options.samplers[0].swizzle = [Channel::B, Channel::Zero, Channel::One, Channel::A];
        options.samplers[0].alpha_one = true;
        options.samplers[0].depth = true;
    }
    match translate(&text, &options) {
        Ok(t) => {
            let _ = t.to_wgsl();
        }
        Err(e) => {
            let _ = e.render(&text);
        }
    }
});
