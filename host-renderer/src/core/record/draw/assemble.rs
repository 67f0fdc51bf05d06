//! Primitive assembly on the CPU: modes wgpu lacks (loops, fans, quads,
//! polygons) decomposed into lists, and GL's last provoking vertex emulated
//! by rotating each primitive so it comes first, which keeps the winding.

use guest_protocol::virgl::enums::PrimMode;

/// Turns `list` (vertex indices of one draw in `mode`) into an index list
/// for a wgpu list topology. Modes wgpu lacks (loops, fans, quads, polygons)
/// are decomposed; with `flat_last`, each primitive is rotated so GL's
/// provoking vertex comes first (wgpu's flat inputs take the first vertex),
/// which keeps the winding. `u32::MAX` separates restarted runs when
/// `restart` is set. Returns `None` for modes that cannot be assembled.
pub(super) fn assemble(
    list: &[u32],
    mode: PrimMode,
    flat_last: bool,
    restart: bool,
) -> Option<(Vec<u32>, wgpu::PrimitiveTopology)> {
    use wgpu::PrimitiveTopology as T;
    let topology = match mode {
        PrimMode::POINTS => T::PointList,
        PrimMode::LINES | PrimMode::LINE_STRIP | PrimMode::LINE_LOOP => T::LineList,
        PrimMode::TRIANGLES
        | PrimMode::TRIANGLE_STRIP
        | PrimMode::TRIANGLE_FAN
        | PrimMode::QUADS
        | PrimMode::QUAD_STRIP
        | PrimMode::POLYGON => T::TriangleList,
        _ => return None,
    };
    let mut out = Vec::with_capacity(list.len().saturating_mul(3));
    let runs: Vec<&[u32]> = if restart {
        list.split(|&i| i == u32::MAX).collect()
    } else {
        vec![list]
    };
    // Emits a triangle whose GL provoking vertex is `p` (0, 1 or 2).
    let tri = |out: &mut Vec<u32>, t: [u32; 3], p: usize| {
        let t = if flat_last {
            match p {
                1 => {
                    let [a, b, c] = t;
                    [b, c, a]
                }
                2 => {
                    let [a, b, c] = t;
                    [c, a, b]
                }
                _ => t,
            }
        } else {
            t
        };
        out.extend_from_slice(&t);
    };
    for run in runs {
        let n = run.len();
        let v = |i: usize| run.get(i).copied().unwrap_or(0);
        match mode {
            PrimMode::POINTS => out.extend_from_slice(run),
            PrimMode::LINES => {
                for i in (0..n / 2 * 2).step_by(2) {
                    let (a, b) = (v(i), v(i + 1));
                    out.extend_from_slice(&if flat_last { [b, a] } else { [a, b] });
                }
            }
            PrimMode::LINE_STRIP | PrimMode::LINE_LOOP => {
                let mut segs: Vec<(u32, u32)> = (1..n).map(|i| (v(i - 1), v(i))).collect();
                if mode == PrimMode::LINE_LOOP && n > 1 {
                    segs.push((v(n - 1), v(0)));
                }
                for (a, b) in segs {
                    out.extend_from_slice(&if flat_last { [b, a] } else { [a, b] });
                }
            }
            PrimMode::TRIANGLES => {
                for i in (0..n / 3 * 3).step_by(3) {
                    tri(&mut out, [v(i), v(i + 1), v(i + 2)], 2);
                }
            }
            PrimMode::TRIANGLE_STRIP => {
                for i in 0..n.saturating_sub(2) {
                    let t = if i % 2 == 0 {
                        [v(i), v(i + 1), v(i + 2)]
                    } else {
                        [v(i + 1), v(i), v(i + 2)]
                    };
                    tri(&mut out, t, 2);
                }
            }
            PrimMode::TRIANGLE_FAN => {
                for i in 1..n.saturating_sub(1) {
                    tri(&mut out, [v(0), v(i), v(i + 1)], 2);
                }
            }
            PrimMode::POLYGON => {
                // GL: a polygon's provoking vertex is its first.
                for i in 1..n.saturating_sub(1) {
                    tri(&mut out, [v(0), v(i), v(i + 1)], 0);
                }
            }
            PrimMode::QUADS => {
                for i in (0..n / 4 * 4).step_by(4) {
                    tri(&mut out, [v(i), v(i + 1), v(i + 3)], 2);
                    tri(&mut out, [v(i + 1), v(i + 2), v(i + 3)], 2);
                }
            }
            PrimMode::QUAD_STRIP => {
                for i in (0..n.saturating_sub(2) / 2 * 2).step_by(2) {
                    tri(&mut out, [v(i), v(i + 1), v(i + 3)], 2);
                    tri(&mut out, [v(i), v(i + 3), v(i + 2)], 1);
                }
            }
            _ => return None,
        }
    }
    Some((out, topology))
}

#[cfg(test)]
mod tests {
    use super::*;
    use wgpu::PrimitiveTopology as T;

    #[test]
    fn provoking_vertex_rotation_keeps_winding() {
        let (l, t) = assemble(&[0, 1, 2, 3, 4, 5], PrimMode::TRIANGLES, true, false).unwrap();
        assert_eq!((l, t), (vec![2, 0, 1, 5, 3, 4], T::TriangleList));
        // Strip: odd triangles swap their first two vertices (GL order).
        let (l, _) = assemble(&[0, 1, 2, 3], PrimMode::TRIANGLE_STRIP, false, false).unwrap();
        assert_eq!(l, vec![0, 1, 2, 2, 1, 3]);
        let (l, _) = assemble(&[0, 1, 2, 3], PrimMode::TRIANGLE_STRIP, true, false).unwrap();
        assert_eq!(l, vec![2, 0, 1, 3, 2, 1]);
        let (l, t) = assemble(&[0, 1, 2], PrimMode::LINE_LOOP, false, false).unwrap();
        assert_eq!((l, t), (vec![0, 1, 1, 2, 2, 0], T::LineList));
    }

    #[test]
    fn fans_quads_polygons() {
        let (l, _) = assemble(&[0, 1, 2, 3], PrimMode::TRIANGLE_FAN, false, false).unwrap();
        assert_eq!(l, vec![0, 1, 2, 0, 2, 3]);
        let (l, _) = assemble(&[0, 1, 2, 3], PrimMode::QUADS, false, false).unwrap();
        assert_eq!(l, vec![0, 1, 3, 1, 2, 3]);
        // Flat quads: both triangles lead with the quad's last vertex.
        let (l, _) = assemble(&[0, 1, 2, 3], PrimMode::QUADS, true, false).unwrap();
        assert_eq!(l, vec![3, 0, 1, 3, 1, 2]);
        let (l, _) = assemble(&[0, 1, 2, 3], PrimMode::QUAD_STRIP, true, false).unwrap();
        assert_eq!(l, vec![3, 0, 1, 3, 2, 0]);
        // Polygons provoke with their first vertex.
        let (l, _) = assemble(&[0, 1, 2, 3], PrimMode::POLYGON, true, false).unwrap();
        assert_eq!(l, vec![0, 1, 2, 0, 2, 3]);
        assert!(assemble(&[0, 1, 2], PrimMode::PATCHES, false, false).is_none());
    }

    #[test]
    fn restart_splits_runs_and_short_runs_vanish() {
        let (l, _) = assemble(
            &[0, 1, 2, u32::MAX, 3, 4, 5, 6],
            PrimMode::TRIANGLE_FAN,
            false,
            true,
        )
        .unwrap();
        assert_eq!(l, vec![0, 1, 2, 3, 4, 5, 3, 5, 6]);
        let (l, _) = assemble(&[0, 1], PrimMode::TRIANGLES, true, false).unwrap();
        assert!(l.is_empty());
        let (l, _) = assemble(&[], PrimMode::QUAD_STRIP, true, true).unwrap();
        assert!(l.is_empty());
    }
}
