//! Snapshot tests, naga style: every `tests/in/NAME.tgsi` is translated (with
//! the options in `tests/in/NAME.options`, if present) and compared with
//! `tests/out/NAME.wgsl` (naga's WGSL back end; the reason where WGSL cannot
//! express the module) and `tests/out/NAME.info` (the interface); every `tests/in/errors/NAME.tgsi` must fail, and its
//! rendered error is compared with `tests/out/errors/NAME.err`.
//!
//! `UPDATE_SNAPSHOTS=1 cargo test -p shader-translate --test snapshots`
//! rewrites the outputs.

use shader_translate::ast::ImageFormat;
use shader_translate::{translate, Channel, CompareFunction, Options, PointSize};
use std::path::{Path, PathBuf};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests")
}

fn inputs(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "tgsi"))
        .collect();
    files.sort();
    files
}

/// Parses `key = value` lines (a tiny subset of TOML).
fn options(path: &Path) -> Options {
    let mut o = Options::default();
    let Ok(text) = std::fs::read_to_string(path) else {
        return o;
    };
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        let (key, value) = line.split_once('=').expect("key = value");
        let (key, value) = (key.trim(), value.trim().trim_matches('"'));
        let flag = || value.parse::<bool>().expect("true or false");
        match key {
            "flatshade" => o.flatshade = flag(),
            "clip_halfz" => o.clip_halfz = flag(),
            "two_sided_color" => o.two_sided_color = flag(),
            "clamp_vertex_color" => o.clamp_vertex_color = flag(),
            "clamp_fragment_color" => o.clamp_fragment_color = flag(),
            "color_buffers" => o.color_buffers = value.parse().unwrap(),
            "alpha_test" => o.alpha_test = CompareFunction::from_pipe(value.parse().unwrap()),
            "polygon_stipple" => o.polygon_stipple = flag(),
            "polygon_offset" => o.polygon_offset = flag(),
            "dual_source_blend" => o.dual_source_blend = flag(),
            "shared_memory_bytes" => o.shared_memory_bytes = value.parse().unwrap(),
            "image0_format" => o.image_formats[0] = ImageFormat::from_name(value),
            "sprite_coord_enable" => o.sprite_coords.enable = value.parse().unwrap(),
            "sprite_coord_lower_left" => o.sprite_coords.lower_left = flag(),
            "point_size" => {
                o.point_size = match value {
                    "fixed" => PointSize::Fixed,
                    "per_vertex" => PointSize::PerVertex,
                    _ => panic!("{}: point_size {value}", path.display()),
                }
            }
            "sampler0_swizzle" => o.samplers[0].swizzle = swizzle(value),
            "sampler0_alpha_one" => o.samplers[0].alpha_one = flag(),
            "sampler0_depth" => o.samplers[0].depth = flag(),
            other => match other
                .strip_prefix("output")
                .and_then(|k| k.strip_suffix("_swizzle"))
                .and_then(|i| i.parse::<usize>().ok())
            {
                Some(i) => o.output_swizzles[i] = swizzle(value),
                None => panic!("{}: unknown option {other}", path.display()),
            },
        }
    }
    o
}

/// Four `PIPE_SWIZZLE_*` digits (`3123` = A, G, B, A).
fn swizzle(value: &str) -> [Channel; 4] {
    let channels: Vec<Channel> = value
        .chars()
        .map(|c| Channel::from_pipe(c.to_digit(10).unwrap()).unwrap())
        .collect();
    channels.try_into().unwrap()
}

/// Compares `actual` with the file, or rewrites it under `UPDATE_SNAPSHOTS`.
fn check(path: &Path, actual: &str, failures: &mut Vec<String>) {
    if std::env::var_os("UPDATE_SNAPSHOTS").is_some() {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, actual).unwrap();
        return;
    }
    match std::fs::read_to_string(path) {
        Ok(expected) if expected == actual => {}
        Ok(_) => failures.push(format!("{} differs:\n{actual}", path.display())),
        Err(_) => failures.push(format!("{} is missing:\n{actual}", path.display())),
    }
}

#[test]
fn translations_match_snapshots() {
    let root = root();
    let mut failures = Vec::new();
    let files = inputs(&root.join("in"));
    assert!(files.len() >= 5, "fixtures missing");
    for input in &files {
        let name = input.file_stem().unwrap().to_str().unwrap();
        let text = std::fs::read_to_string(input).unwrap();
        let opts = options(&input.with_extension("options"));
        match translate(&text, &opts) {
            Ok(t) => {
                // WGSL has no point size or point coordinate built-ins: such
                // modules (valid, and what wgpu takes) snapshot the reason.
                let wgsl = t.to_wgsl().unwrap_or_else(|e| format!("// no WGSL: {e}\n"));
                check(
                    &root.join("out").join(format!("{name}.wgsl")),
                    &wgsl,
                    &mut failures,
                );
                check(
                    &root.join("out").join(format!("{name}.info")),
                    &t.interface.to_string(),
                    &mut failures,
                );
            }
            Err(e) => failures.push(format!("{name} failed:\n{}", e.render(&text))),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn errors_match_snapshots() {
    let root = root();
    let mut failures = Vec::new();
    let files = inputs(&root.join("in/errors"));
    assert!(!files.is_empty(), "error fixtures missing");
    for input in &files {
        let name = input.file_stem().unwrap().to_str().unwrap();
        let text = std::fs::read_to_string(input).unwrap();
        match translate(&text, &options(&input.with_extension("options"))) {
            Ok(_) => failures.push(format!("{name} translated but must fail")),
            Err(e) => check(
                &root.join("out/errors").join(format!("{name}.err")),
                &e.render(&text),
                &mut failures,
            ),
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}
