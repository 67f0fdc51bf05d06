//! TGSI text, as Mesa's virgl driver sends it, to a validated `naga::Module`
//! and an [`Interface`] describing what the module expects from the renderer.
//!
//! ```
//! let text = "FRAG\nDCL IN[0], COLOR, COLOR\nDCL OUT[0], COLOR\n  0: MOV OUT[0], IN[0]\n  1: END\n";
//! let t = shader_translate::translate(text, &shader_translate::Options::default()).unwrap();
//! assert_eq!(t.module.entry_points.len(), 1);
//! println!("{}", t.to_wgsl().unwrap());
//! ```
//!
//! # Contract
//!
//! **Trusts nothing in the text.** The text comes from a guest and may be
//! hostile: every byte is lexed with bounds checks, every count and index is
//! checked against [`limits`] before anything is allocated from it, and any
//! failure is an [`Error`] pointing at the offending text. Translation never
//! panics, never loops without bound (work is linear in the text size), and
//! does no I/O.
//!
//! **Validates** the grammar (tgsi-text.md §3), declarations (every register
//! used is declared, no register declared twice), operand files and control
//! flow nesting, and finally runs naga's [`Validator`](naga::valid::Validator)
//! with [`CAPABILITIES`] — what wgpu offers on any WebGPU-class device — and
//! returns its [`ModuleInfo`](naga::valid::ModuleInfo). A module this crate
//! returns passes wgpu's own validation.
//!
//! **Never produces a silently wrong shader.** What WebGPU cannot express
//! (cull distances, stencil export,
//! sampling integer textures, subroutines, …) is
//! [`ErrorKind::Unsupported`], naming the construct; so are floating-point
//! image atomics and atomics on images other than r32ui and r32i,
//! buffer and multisampled images, image formats WebGPU storage textures
//! lack, `HWATOMIC` atomic counters, images in vertex and geometry shaders
//! and global memory. The few GL features that are accepted and
//! dropped (point size, edge flag and clip vertex outputs) are listed in the
//! [`Interface`] as [`Usage::Dropped`](interface::Usage::Dropped), and with
//! `MEMBAR` in fragment shaders (WebGPU has no memory barrier there) in
//! `docs/gl-conventions.md`.
//!
//! **Image atomics need the SPIR-V pass.** naga's image atomics return no
//! value and have no (compare-)exchange, so a module with atomics on
//! r32ui/r32i images calls a marker function for each (returning 0) and
//! sets [`Interface::image_atomics`]: the renderer builds the shader from
//! [`Translation::spirv`] (naga's SPIR-V rewritten by
//! [`image_atomic_spirv`], bounds-checked, bindings numbered as wgpu's
//! Vulkan layouts number them) as passthrough SPIR-V; the naga module
//! itself (or its WGSL) would compute zeros.
//!
//! **Leaves bounds to wgpu** for storage buffers and shared memory: their
//! byte addresses come from guest values at run time, and wgpu's bounds
//! checks keep every access inside the bound range or the shared array.
//! Shader image accesses are checked in the module (GL's rule: a texel
//! outside the image reads zero and is not written).
//!
//! **Trusts the caller** for [`Options`] (renderer state) and for binding the
//! resources the interface lists, using the fixed scheme of [`interface`].
//!
//! Layout: [`parse()`] (with `lex`) builds an [`ast::Program`]; `lower` builds
//! the naga IR (declarations, ALU, texture, memory, atomic, barrier and
//! control-flow opcodes, GL conventions); [`translate`] runs both and
//! validates. [`geometry_spirv`], [`tessellation_spirv`] and
//! [`image_atomic_spirv`] rewrite naga's SPIR-V where naga lacks a
//! construct.
//!
//! **Geometry and tessellation stages need the SPIR-V pass.** WebGPU has
//! no such stages: their modules have a compute entry point whose stage
//! inputs and outputs are private variables ([`Interface::geometry`],
//! [`Interface::tessellation`]); the renderer writes naga's SPIR-V of the
//! module (with names, `WriterFlags::DEBUG`) and hands it to
//! [`geometry_spirv`] or [`tessellation_spirv`], which makes it that stage.

#![warn(clippy::indexing_slicing, clippy::unwrap_used, clippy::panic)]

pub mod ast;
mod error;
mod image_atomic_spirv;
mod image_format;
pub mod interface;
mod lex;
pub mod limits;
mod lower;
mod names;
mod opcode;
mod options;
mod parse;
mod passthrough;
mod spirv_words;
mod stage_spirv;

pub use error::{Error, ErrorKind};
pub use image_atomic_spirv::image_atomic_spirv;
pub use interface::Interface;
pub use options::{
    Capture, Channel, ColorKind, CompareFunction, IntegerSampling, Options, PointSize,
    SamplerOptions, SpriteCoords, TexelFormat, TexelKind, Wrap,
};
pub use parse::parse;
pub use passthrough::passthrough_control_text;
pub use stage_spirv::{geometry_stage as geometry_spirv, tessellation_stage as tessellation_spirv};

use naga::valid::{Capabilities, ModuleInfo, ValidationFlags, Validator};

/// The naga capabilities modules are validated with: those every WebGPU
/// device has (cube arrays, per-sample shading, `pack2x16float`), and clip
/// distances (wgpu's optional `CLIP_DISTANCES`), which only vertex shaders
/// translated with [`Options::clip_planes`] use, and the primitive index
/// (wgpu's optional `PRIMITIVE_INDEX`), which only fragment shaders reading
/// `PRIM_ID` use, and 16-bit normalized storage image formats (wgpu's
/// optional `TEXTURE_FORMAT_16BIT_NORM`), which only shaders declaring such
/// images use; a device without one refuses such a module.
pub const CAPABILITIES: Capabilities = Capabilities::CUBE_ARRAY_TEXTURES
    .union(Capabilities::MULTISAMPLED_SHADING)
    .union(Capabilities::SHADER_FLOAT16_IN_FLOAT32)
    .union(Capabilities::CLIP_DISTANCES)
    .union(Capabilities::DUAL_SOURCE_BLENDING)
    .union(Capabilities::PRIMITIVE_INDEX)
    .union(Capabilities::STORAGE_TEXTURE_16BIT_NORM_FORMATS);

/// A translated shader.
#[derive(Debug)]
pub struct Translation {
    /// The module: one entry point, `main`. Give it to wgpu as
    /// `wgpu::ShaderSource::Naga(Cow::Owned(module))`.
    pub module: naga::Module,
    /// naga's validation result for `module`.
    pub info: ModuleInfo,
    /// What the module expects from the renderer.
    pub interface: Interface,
}

impl Translation {
    /// The module as WGSL text (for inspection; wgpu takes the module).
    pub fn to_wgsl(&self) -> Result<String, Error> {
        naga::back::wgsl::write_string(
            &self.module,
            &self.info,
            naga::back::wgsl::WriterFlags::empty(),
        )
        .map_err(|e| {
            Error::new(
                ErrorKind::Validation(format!("WGSL output: {e}")),
                naga::Span::UNDEFINED,
            )
        })
    }
}

impl Translation {
    /// The module as SPIR-V 1.3 for Vulkan, for modules wgpu cannot take as
    /// naga IR ([`Interface::image_atomics`]): every buffer, array and image
    /// access restricted to its bounds (what wgpu would add), workgroup
    /// memory zeroed, the image atomics' marker calls rewritten by
    /// [`image_atomic_spirv`], and each binding numbered as wgpu's Vulkan
    /// back end numbers the entries of a bind group layout made of exactly
    /// the interface's bindings: descriptor set = group, binding = the
    /// binding's rank among the group's bindings in increasing order (wgpu
    /// renumbers its layouts' bindings 0, 1, 2, …).
    pub fn spirv(&self) -> Result<Vec<u32>, Error> {
        use naga::back::spv;
        let mut bindings: Vec<naga::ResourceBinding> = self
            .module
            .global_variables
            .iter()
            .filter_map(|(_, var)| var.binding)
            .collect();
        bindings.sort_by_key(|b| (b.group, b.binding));
        let mut binding_map = spv::BindingMap::default();
        let mut rank = 0;
        let mut group = None;
        for b in bindings {
            if group != Some(b.group) {
                group = Some(b.group);
                rank = 0;
            }
            binding_map.insert(
                b,
                spv::BindingInfo {
                    descriptor_set: b.group,
                    binding: rank,
                    binding_array_size: None,
                },
            );
            rank += 1;
        }
        let restrict = naga::proc::BoundsCheckPolicy::Restrict;
        let options = spv::Options {
            lang_version: (1, 3),
            flags: spv::WriterFlags::DEBUG,
            binding_map,
            bounds_check_policies: naga::proc::BoundsCheckPolicies {
                index: restrict,
                buffer: restrict,
                image_load: restrict,
                binding_array: naga::proc::BoundsCheckPolicy::Unchecked,
            },
            ..spv::Options::default()
        };
        let entry = self.module.entry_points.first().ok_or_else(|| {
            Error::new(
                ErrorKind::Validation("a module without an entry point".into()),
                naga::Span::UNDEFINED,
            )
        })?;
        let pipeline = spv::PipelineOptions {
            shader_stage: entry.stage,
            entry_point: entry.name.clone(),
        };
        let words =
            spv::write_vec(&self.module, &self.info, &options, Some(&pipeline)).map_err(|e| {
                Error::new(
                    ErrorKind::Validation(format!("SPIR-V output: {e}")),
                    naga::Span::UNDEFINED,
                )
            })?;
        image_atomic_spirv(&words)
    }
}

/// Translates TGSI text (up to its first NUL, if any).
pub fn translate(text: &str, options: &Options) -> Result<Translation, Error> {
    let text = text.split('\0').next().unwrap_or("");
    if text.len() > limits::MAX_TEXT_BYTES {
        return Err(Error::new(
            ErrorKind::TooLarge {
                what: "shader text bytes",
                count: text.len() as u64,
                max: limits::MAX_TEXT_BYTES as u64,
            },
            naga::Span::UNDEFINED,
        ));
    }
    let program = parse(text)?;
    let (module, interface) = lower::lower(&program, options)?;
    check_locations(&interface, program.header_span)?;
    let info = Validator::new(ValidationFlags::all(), CAPABILITIES)
        .validate(&module)
        .map_err(|e| {
            let span = e.spans().next().map_or(naga::Span::UNDEFINED, |(s, _)| *s);
            let mut message = e.as_inner().to_string();
            let mut source = std::error::Error::source(e.as_inner());
            while let Some(s) = source {
                message.push_str(": ");
                message.push_str(&s.to_string());
                source = s.source();
            }
            Error::new(ErrorKind::Validation(message), span)
        })?;
    Ok(Translation {
        module,
        info,
        interface,
    })
}

/// Refuses an interface with a location past [`limits::MAX_LOCATIONS`]
/// (a hostile shader's hundredth varying): drivers index fixed slot
/// tables by location.
fn check_locations(interface: &Interface, span: naga::Span) -> Result<(), Error> {
    use interface::{StageLink, Usage};
    let varyings = interface.inputs.iter().chain(&interface.outputs);
    let varying_locations = varyings.filter_map(|v| match v.usage {
        Usage::Location { location, .. } => Some(location),
        _ => None,
    });
    let stage_variables = interface
        .geometry
        .iter()
        .flat_map(|g| &g.variables)
        .chain(interface.tessellation.iter().flat_map(|t| &t.variables));
    let linked = stage_variables.filter_map(|v| match v.link {
        StageLink::Location(l) | StageLink::PatchLocation(l) => Some(l),
        StageLink::BuiltIn(_) => None,
    });
    match varying_locations.chain(linked).max() {
        Some(l) if l >= limits::MAX_LOCATIONS => Err(Error::too_large(
            "varying location",
            u64::from(l),
            u64::from(limits::MAX_LOCATIONS - 1),
            span,
        )),
        _ => Ok(()),
    }
}
