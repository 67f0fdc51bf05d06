//! glxgears' result lines: `3846 frames in 5.0 seconds = 769.141 FPS`.

/// `(frames, seconds)` of a result line.
pub fn parse_result(line: &str) -> Option<(f64, f64)> {
    let (frames, rest) = line.trim().split_once(" frames in ")?;
    let (secs, _) = rest.split_once(" seconds")?;
    Some((frames.trim().parse().ok()?, secs.trim().parse().ok()?))
}

/// Frames per second over `lines`, leaving out the first one (start-up)
/// when there is more than one.
pub fn fps(lines: &[(f64, f64)]) -> Option<f64> {
    let steady = if lines.len() > 1 { &lines[1..] } else { lines };
    let frames: f64 = steady.iter().map(|l| l.0).sum();
    let secs: f64 = steady.iter().map(|l| l.1).sum();
    (secs > 0.0).then(|| frames / secs)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn result_lines() {
        assert_eq!(
            parse_result("3846 frames in 5.0 seconds = 769.141 FPS"),
            Some((3846.0, 5.0))
        );
        assert_eq!(
            parse_result("Running synchronized to the vertical refresh."),
            None
        );
        assert_eq!(
            fps(&[(100.0, 5.0), (1000.0, 5.0), (2000.0, 5.0)]),
            Some(300.0)
        );
        assert_eq!(fps(&[(100.0, 5.0)]), Some(20.0));
        assert_eq!(fps(&[]), None);
    }
}
