//! glmark2 and glmark2-es2: their scene list, the command line running every
//! scene off-screen for a fixed time, and their result lines; the command
//! line checking one frame of every scene against glmark2's reference
//! images (`--validate`), and its verdicts.

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

/// The arguments drawing one frame of each of `scenes` with its default
/// options off-screen and checking it (`--validate`; the reference images
/// are for glmark2's default 800x600).
pub fn validate_argv(program: &str, scenes: &[String]) -> Vec<String> {
    let mut argv = vec![
        program.to_string(),
        "--off-screen".to_string(),
        "--validate".to_string(),
    ];
    for s in scenes {
        argv.push("-b".to_string());
        argv.push(s.clone());
    }
    argv
}

/// glmark2's verdict on a scene's frame.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validation {
    /// It matched the reference image.
    Success,
    /// It did not: the frame is wrong.
    Failure,
    /// glmark2 has no reference for the scene.
    Unknown,
}

/// `(scene, verdict)` of a validation line:
/// `[build] <default>: Validation: Success`.
pub fn parse_validation(line: &str) -> Option<(String, Validation)> {
    let rest = line.trim().strip_prefix('[')?;
    let (scene, rest) = rest.split_once(']')?;
    let verdict = match rest.rsplit_once("Validation:")?.1.trim() {
        "Success" => Validation::Success,
        "Failure" => Validation::Failure,
        "Unknown" => Validation::Unknown,
        _ => return None,
    };
    Some((scene.to_string(), verdict))
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

    #[test]
    fn validation_lines() {
        let v = |l: &str| parse_validation(l);
        assert_eq!(
            v("[build] <default>: Validation: Success"),
            Some(("build".to_string(), Validation::Success))
        );
        assert_eq!(
            v("[loop] fragment-steps=5:vertex-steps=5: Validation: Failure"),
            Some(("loop".to_string(), Validation::Failure))
        );
        assert_eq!(
            v("[shadow] <default>: Validation: Unknown"),
            Some(("shadow".to_string(), Validation::Unknown))
        );
        assert_eq!(v("[build] <default>: FPS: 335 FrameTime: 2.989 ms"), None);
        assert_eq!(
            validate_argv("glmark2-es2", &["build".to_string()]),
            ["glmark2-es2", "--off-screen", "--validate", "-b", "build"]
        );
    }
}
