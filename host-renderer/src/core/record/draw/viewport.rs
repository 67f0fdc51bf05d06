//! The draw's viewport and scissor in wgpu's terms: GL's viewport transform
//! as a rectangle and depth range (and the driver uniforms' `flip_y`), the
//! bounds wgpu accepts, and the scissor clipped to the framebuffer.

use crate::core::validate::draw::BoundDraw;

/// The wgpu viewport of a draw.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Viewport {
    /// x, y, width, height, near, far.
    pub rect: [f32; 6],
    /// The driver uniforms' y flip (1: window framebuffers, negative y scale).
    pub flip_y: f32,
}

impl Viewport {
    /// Viewport 0 of `bound` (the whole framebuffer when none is set). GL
    /// viewports may extend past the framebuffer; wgpu accepts that within
    /// ±2 × its largest texture size, which [`Viewport::in_bounds`] checks.
    pub(super) fn new(bound: &BoundDraw<'_>) -> Self {
        let fb = bound.fb_size;
        let Some(vp) = bound.sub.viewport.as_ref() else {
            return Self {
                rect: [0.0, 0.0, fb.0 as f32, fb.1 as f32, 0.0, 1.0],
                flip_y: 1.0,
            };
        };
        let [sx, sy, sz] = vp.scale();
        let [tx, ty, tz] = vp.translate();
        let flip_y = if sy < 0.0 { 1.0 } else { -1.0 };
        let (ax, ay) = (sx.abs(), sy.abs());
        let (x, y, w, h) = (tx - ax, ty - ay, 2.0 * ax, 2.0 * ay);
        let (near, far) = if bound.rast.flags.clip_halfz() {
            (tz, tz + sz)
        } else {
            (tz - sz, tz + sz)
        };
        let (near, far) = (near.clamp(0.0, 1.0), far.clamp(0.0, 1.0));
        // A reversed range is mirrored in the shader (depth_range_reversed).
        Self {
            rect: [x, y, w, h, near.min(far), far.max(near)],
            flip_y,
        }
    }

    /// True when it covers no pixel.
    pub(super) fn is_empty(&self) -> bool {
        let [_, _, w, h, ..] = self.rect;
        w <= 0.0 || h <= 0.0
    }

    /// Inside the bounds wgpu enforces (wgpu-core `set_viewport`).
    pub(super) fn in_bounds(&self, max_dim: u32) -> bool {
        let [x, y, w, h, ..] = self.rect;
        let max = max_dim as f32;
        let range = max * 2.0;
        [x, y, w, h].iter().all(|v| v.is_finite())
            && w <= max
            && h <= max
            && x >= -range
            && y >= -range
            && x + w <= range - 1.0
            && y + h <= range - 1.0
    }
}

/// True when viewport 0's depth range runs from far to near (a negative z
/// scale): [`Viewport`] orders the range as wgpu needs and the last stage
/// before the rasterizer mirrors z (`Options::depth_range_reversed`).
pub(super) fn depth_range_reversed(bound: &BoundDraw<'_>) -> bool {
    bound
        .sub
        .viewport
        .as_ref()
        .is_some_and(|vp| vp.scale()[2] < 0.0)
}

/// The scissor rectangle `x, y, width, height` inside the framebuffer (all
/// of it when the rasterizer's scissor is off).
pub(super) fn scissor(bound: &BoundDraw<'_>) -> [u32; 4] {
    let (fbw, fbh) = bound.fb_size;
    if !bound.rast.flags.scissor() {
        return [0, 0, fbw, fbh];
    }
    let (x0, y0, x1, y1) = bound.sub.scissor.unwrap_or((0, 0, fbw, fbh));
    let (x1, y1) = (x1.min(fbw), y1.min(fbh));
    [
        x0.min(x1),
        y0.min(y1),
        x1.saturating_sub(x0),
        y1.saturating_sub(y0),
    ]
}
