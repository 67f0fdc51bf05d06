//! The draw's primitives: the wgpu topology for the guest's mode, whether
//! indices are rewritten on the CPU (modes wgpu lacks, GL's last provoking
//! vertex), and the fill-mode variants a triangle draw needs.

use super::shaders::Shaders;
use crate::core::base::error::CommandError;
use crate::core::validate::draw::BoundDraw;
use guest_protocol::virgl::enums::{CullFace, PrimMode};
use guest_protocol::virgl::{DrawVbo, Rasterizer};
use shader_translate::ast::Primitive as ShaderPrimitive;

/// How the draw's primitives reach wgpu.
#[derive(Clone)]
pub(super) struct Primitive {
    /// The guest's mode.
    pub mode: PrimMode,
    /// Triangles (or other filled primitives) rather than points or lines.
    pub is_tri: bool,
    /// Each primitive is rotated so GL's provoking vertex comes first.
    pub rotate: bool,
    /// Indices are generated or rewritten on the CPU.
    pub cpu: bool,
    /// The topology drawn (CPU-assembled draws: the list it assembles to).
    pub topology: wgpu::PrimitiveTopology,
    /// The guest's mode is a strip wgpu draws natively.
    pub is_strip: bool,
    /// Strip restart index format (strips drawn from indices).
    pub strip_index: Option<wgpu::IndexFormat>,
    /// The guest's mode has adjacent vertices (`topology` is its
    /// primitives' kind; only the raw path draws them).
    pub adjacency: bool,
    /// Vertices per patch of a draw of patches (0 for other modes; only
    /// the raw path draws them, `topology` is then a placeholder).
    pub patch_vertices: u32,
}

impl Primitive {
    /// The primitives of `d`; `None` when the rasterizer culls every one.
    pub(super) fn new(bound: &BoundDraw<'_>, d: &DrawVbo, shaders: &Shaders) -> Option<Self> {
        let rast = &bound.rast;
        // Every flat input (GLSL `flat` varyings and integers as well as
        // colours under `flatshade`) takes GL's provoking vertex.
        let flat_last = !rast.flags.flatshade_first();
        let mode = d.mode;
        let native = match mode {
            PrimMode::POINTS => Some((wgpu::PrimitiveTopology::PointList, false)),
            PrimMode::LINES | PrimMode::LINES_ADJACENCY => {
                Some((wgpu::PrimitiveTopology::LineList, false))
            }
            PrimMode::LINE_STRIP | PrimMode::LINE_STRIP_ADJACENCY => {
                Some((wgpu::PrimitiveTopology::LineStrip, true))
            }
            PrimMode::TRIANGLES | PrimMode::TRIANGLES_ADJACENCY => {
                Some((wgpu::PrimitiveTopology::TriangleList, false))
            }
            PrimMode::TRIANGLE_STRIP | PrimMode::TRIANGLE_STRIP_ADJACENCY => {
                Some((wgpu::PrimitiveTopology::TriangleStrip, true))
            }
            // Patches are drawn as they come (GL restarts no patch list).
            PrimMode::PATCHES => Some((wgpu::PrimitiveTopology::PointList, false)),
            _ => None,
        };
        let patch_vertices = bound.tess.as_ref().map_or(0, |t| t.patch_vertices);
        let adjacency = matches!(
            mode,
            PrimMode::LINES_ADJACENCY
                | PrimMode::LINE_STRIP_ADJACENCY
                | PrimMode::TRIANGLES_ADJACENCY
                | PrimMode::TRIANGLE_STRIP_ADJACENCY
        );
        // A geometry shader's output primitives are the ones rasterized,
        // else the tessellator's, else the draw's.
        let geometry = shaders
            .gs
            .as_ref()
            .and_then(|gs| gs.interface.geometry.as_ref());
        let tessellation = shaders
            .tess
            .as_ref()
            .and_then(|t| t.tes.interface.tessellation.as_ref());
        let is_tri = match (geometry, tessellation) {
            (Some(g), _) => g.output == ShaderPrimitive::TriangleStrip,
            (None, Some(t)) => t.kind.rasterizes_triangles(),
            (None, None) => !matches!(
                mode,
                PrimMode::POINTS
                    | PrimMode::LINES
                    | PrimMode::LINE_STRIP
                    | PrimMode::LINE_LOOP
                    | PrimMode::LINES_ADJACENCY
                    | PrimMode::LINE_STRIP_ADJACENCY
            ),
        };
        if is_tri && rast.flags.cull_face() == CullFace::FRONT_AND_BACK {
            return None;
        }
        // Captured vertices keep the guest's order, and so do a geometry
        // shader's input vertices (both then take GL's last vertex through
        // the raw path's provoking-vertex mode, where the device has it)
        // and primitives with adjacent vertices (whose order says which
        // are).
        let rotate = flat_last
            && shaders.fs_has_flat
            && mode != PrimMode::POINTS
            && bound.stream_output.is_none()
            && shaders.gs.is_none()
            && patch_vertices == 0
            && !adjacency;
        let (topology, is_strip) = native.unwrap_or((wgpu::PrimitiveTopology::TriangleList, false));
        // GL restarts lists too (the restart index ends the primitive
        // under way); Vulkan restarts strips only, so lists with restart
        // are assembled on the CPU, and so are strips with restart that
        // are captured (the capture counts the assembled primitives).
        let captured = bound.stream_output.is_some();
        let list_restart = d.indexed
            && d.primitive_restart
            && (!is_strip || captured)
            && !adjacency
            && patch_vertices == 0;
        Some(Self {
            mode,
            is_tri,
            rotate,
            cpu: rotate || native.is_none() || list_restart,
            topology,
            is_strip,
            strip_index: None,
            adjacency,
            patch_vertices,
        })
    }

    /// The face culled, if any (triangles only).
    pub(super) fn cull(&self, rast: &Rasterizer) -> Option<wgpu::Face> {
        match rast.flags.cull_face() {
            CullFace::FRONT if self.is_tri => Some(wgpu::Face::Front),
            CullFace::BACK if self.is_tri => Some(wgpu::Face::Back),
            _ => None,
        }
    }
}

/// Pipeline variants `(fill mode, cull)` a draw needs: wgpu has one fill
/// mode for both faces, so when GL's front and back modes differ (and
/// neither face is culled) the draw is recorded twice, once per face.
pub(super) fn fill_variants(
    rast: &Rasterizer,
    is_tri: bool,
    cull: Option<wgpu::Face>,
    features: wgpu::Features,
) -> Result<Vec<(wgpu::PolygonMode, Option<wgpu::Face>)>, CommandError> {
    use guest_protocol::virgl::enums::PolygonMode as P;
    let f = rast.flags;
    let mode = |m: P| -> Result<wgpu::PolygonMode, CommandError> {
        let (wanted, feature) = match m {
            P::LINE => (wgpu::PolygonMode::Line, wgpu::Features::POLYGON_MODE_LINE),
            P::POINT => (wgpu::PolygonMode::Point, wgpu::Features::POLYGON_MODE_POINT),
            _ => return Ok(wgpu::PolygonMode::Fill),
        };
        if features.contains(feature) {
            Ok(wanted)
        } else {
            Err(CommandError::Unsupported("polygon mode"))
        }
    };
    if !is_tri {
        return Ok(vec![(wgpu::PolygonMode::Fill, cull)]);
    }
    Ok(match cull {
        Some(wgpu::Face::Front) => vec![(mode(f.fill_back())?, cull)],
        Some(wgpu::Face::Back) => vec![(mode(f.fill_front())?, cull)],
        None if f.fill_front() == f.fill_back() => vec![(mode(f.fill_front())?, None)],
        None => vec![
            (mode(f.fill_front())?, Some(wgpu::Face::Back)),
            (mode(f.fill_back())?, Some(wgpu::Face::Front)),
        ],
    })
}
