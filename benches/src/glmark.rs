//! glmark2 and glmark2-es2: their scene list, the command line running every
//! scene off-screen for a fixed time, and their result lines.

use anyhow::{bail, Context as _};
use std::process::Command;

/// The scenes `program -l` lists (`[Scene] NAME` lines), in its order.
pub fn scenes(program: &str) -> anyhow::Result<Vec<String>> {
    let out = Command::new(program)
        .arg("-l")
        .output()
        .with_context(|| format!("running {program} -l"))?;
    let scenes = parse_scene_list(&String::from_utf8_lossy(&out.stdout));
    if scenes.is_empty() {
        bail!("{program} -l listed no scenes");
    }
    Ok(scenes)
}

/// The scene names of a `-l` listing.
pub fn parse_scene_list(text: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.trim().strip_prefix("[Scene]"))
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect()
}

/// The arguments running each of `scenes` with its default options for
/// `secs` seconds, off-screen.
pub fn argv(program: &str, scenes: &[String], secs: f64) -> Vec<String> {
    let mut argv = vec![program.to_string(), "--off-screen".to_string()];
    for s in scenes {
        argv.push("-b".to_string());
        argv.push(format!("{s}:duration={secs}"));
    }
    argv
}

/// `(scene, FPS)` of a result line: `[build] duration=1: FPS: 335 FrameTime: 2.989 ms`.
/// The FPS comes from the frame time (glmark2 rounds its FPS to an integer,
/// too coarse for the slow scenes), else from the FPS field.
pub fn parse_result(line: &str) -> Option<(String, f64)> {
    let rest = line.trim().strip_prefix('[')?;
    let (scene, rest) = rest.split_once(']')?;
    let field = |name: &str| -> Option<f64> {
        rest.split_once(name)?
            .1
            .split_whitespace()
            .next()?
            .parse()
            .ok()
    };
    let fps = field("FrameTime:")
        .filter(|ms| *ms > 0.0)
        .map(|ms| 1000.0 / ms)
        .or_else(|| field("FPS:"))?;
    Some((scene.to_string(), fps))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines() {
        assert_eq!(
            parse_result("[build] duration=1: FPS: 335 FrameTime: 2.500 ms"),
            Some(("build".to_string(), 400.0))
        );
        assert_eq!(
            parse_result("[clear] <default>: FPS: 3275"),
            Some(("clear".to_string(), 3275.0))
        );
        assert_eq!(parse_result("[build] duration=1: Unsupported"), None);
        assert_eq!(parse_result("    GL_VENDOR:      Mesa/X.org"), None);
    }

    #[test]
    fn scene_lists() {
        let text = "[Scene] build\n  [Option] use-vbo\n[Scene] clear\n";
        assert_eq!(parse_scene_list(text), ["build", "clear"]);
        assert_eq!(
            argv("glmark2-es2", &["clear".to_string()], 1.5),
            ["glmark2-es2", "--off-screen", "-b", "clear:duration=1.5"]
        );
    }
}
