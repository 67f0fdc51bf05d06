//! Shader images (`IMAGE[i]`, compute and fragment shaders): their
//! declarations, and `LOAD`, `STORE` and `RESQ` on them (dispatched from
//! `memory`), and the atomic opcodes on r32ui and r32i images (dispatched
//! from `atomic`): naga's image atomics return no value and have no
//! (compare-)exchange, so each is a call of a marker function that
//! [`crate::image_atomic_spirv`] makes a real atomic in SPIR-V.
//!
//! An image is a storage texture of its declared format. 1D targets are
//! 2D textures (y = 0), RECT is 2D, and cube and cube-array images are 2D
//! arrays whose layer is GL's face-layer (`6·layer + face`, the z lane of
//! the coordinate): WebGPU has no cube storage textures.
//!
//! Coordinates are the register's bits as `u32`. GL makes an access to a
//! texel that does not exist invalid: such a `LOAD` reads zero and such a
//! `STORE` does nothing. The module checks every coordinate (and layer)
//! against the image's size itself, so the result never depends on the
//! device's robustness. An atomic outside the image is skipped and
//! writes 0 to `dst`.

use super::decl::{claim, grow};
use super::expr::Kind;
use super::{Lowerer, Value};
use crate::ast::{
    DeclKind, Declaration, File, ImageFormat, Index, Instruction, Opcode, Register, Stage,
    TextureTarget,
};
use crate::error::Error;
use crate::image_atomic_spirv::{image_variable_name, marker_name};
use crate::interface::{image_binding, StorageImage};
use crate::limits;
use naga::{
    AddressSpace, BinaryOperator, Block, Expression, Function, FunctionArgument, FunctionResult,
    GlobalVariable, Handle, ImageClass, ImageDimension, ImageQuery, RelationalFunction,
    ResourceBinding, Statement, StorageAccess, StorageFormat, TypeInner, VectorSize,
};

/// How an image target maps onto a storage texture.
#[derive(Clone, Copy, Debug)]
struct Shape {
    dim: ImageDimension,
    arrayed: bool,
    /// Coordinate lanes before the layer (1 for 1D, padded to 2D).
    coords: u32,
    /// A cube or cube array: `RESQ` counts cubes, not layers.
    cube: bool,
}

impl Shape {
    fn of(target: TextureTarget, span: naga::Span) -> Result<Self, Error> {
        use ImageDimension::{D2, D3};
        use TextureTarget as T;
        let (dim, arrayed, coords) = match target {
            T::D1 => (D2, false, 1),
            T::D2 | T::Rect => (D2, false, 2),
            T::D3 => (D3, false, 3),
            T::D1Array => (D2, true, 1),
            T::D2Array | T::Cube | T::CubeArray => (D2, true, 2),
            T::Buffer | T::D2Msaa | T::D2ArrayMsaa => {
                return Err(Error::unsupported(format!("{target} images"), span))
            }
            _ => return Err(Error::invalid(format!("an image of target {target}"), span)),
        };
        Ok(Self {
            dim,
            arrayed,
            coords,
            cube: matches!(target, T::Cube | T::CubeArray),
        })
    }

    /// Lanes of the texture's size (`textureDimensions`).
    const fn size_lanes(self) -> u32 {
        match self.dim {
            ImageDimension::D3 => 3,
            _ => 2,
        }
    }
}

/// A declared image.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Image {
    index: u32,
    var: Handle<GlobalVariable>,
    target: TextureTarget,
    format: ImageFormat,
    shape: Shape,
}

/// The naga format of an image format, its register kind and its channels.
const fn format_info(format: ImageFormat) -> (StorageFormat, Kind, u32) {
    use ImageFormat as F;
    use Kind::{Float, Sint, Uint};
    use StorageFormat as S;
    match format {
        F::R8Unorm => (S::R8Unorm, Float, 1),
        F::R8Snorm => (S::R8Snorm, Float, 1),
        F::R8Uint => (S::R8Uint, Uint, 1),
        F::R8Sint => (S::R8Sint, Sint, 1),
        F::R16Uint => (S::R16Uint, Uint, 1),
        F::R16Sint => (S::R16Sint, Sint, 1),
        F::R16Float => (S::R16Float, Float, 1),
        F::Rg8Unorm => (S::Rg8Unorm, Float, 2),
        F::Rg8Snorm => (S::Rg8Snorm, Float, 2),
        F::Rg8Uint => (S::Rg8Uint, Uint, 2),
        F::Rg8Sint => (S::Rg8Sint, Sint, 2),
        F::R32Uint => (S::R32Uint, Uint, 1),
        F::R32Sint => (S::R32Sint, Sint, 1),
        F::R32Float => (S::R32Float, Float, 1),
        F::Rg16Uint => (S::Rg16Uint, Uint, 2),
        F::Rg16Sint => (S::Rg16Sint, Sint, 2),
        F::Rg16Float => (S::Rg16Float, Float, 2),
        F::Rgba8Unorm => (S::Rgba8Unorm, Float, 4),
        F::Rgba8Snorm => (S::Rgba8Snorm, Float, 4),
        F::Rgba8Uint => (S::Rgba8Uint, Uint, 4),
        F::Rgba8Sint => (S::Rgba8Sint, Sint, 4),
        F::Rgb10a2Uint => (S::Rgb10a2Uint, Uint, 4),
        F::Rgb10a2Unorm => (S::Rgb10a2Unorm, Float, 4),
        F::Rg11b10Float => (S::Rg11b10Ufloat, Float, 3),
        F::Rg32Uint => (S::Rg32Uint, Uint, 2),
        F::Rg32Sint => (S::Rg32Sint, Sint, 2),
        F::Rg32Float => (S::Rg32Float, Float, 2),
        F::Rgba16Uint => (S::Rgba16Uint, Uint, 4),
        F::Rgba16Sint => (S::Rgba16Sint, Sint, 4),
        F::Rgba16Float => (S::Rgba16Float, Float, 4),
        F::R16Unorm => (S::R16Unorm, Float, 1),
        F::R16Snorm => (S::R16Snorm, Float, 1),
        F::Rg16Unorm => (S::Rg16Unorm, Float, 2),
        F::Rg16Snorm => (S::Rg16Snorm, Float, 2),
        F::Rgba16Unorm => (S::Rgba16Unorm, Float, 4),
        F::Rgba16Snorm => (S::Rgba16Snorm, Float, 4),
        F::Rgba32Uint => (S::Rgba32Uint, Uint, 4),
        F::Rgba32Sint => (S::Rgba32Sint, Sint, 4),
        F::Rgba32Float => (S::Rgba32Float, Float, 4),
    }
}

impl Lowerer<'_> {
    /// `DCL IMAGE[i], TARGET, FORMAT[, WR]`: a storage texture per register,
    /// readable if a `LOAD` or an atomic reads it, writable if a `STORE` or
    /// an atomic writes it (an image neither reads nor writes: writable if
    /// declared `WR`, else readable).
    pub(crate) fn declare_images(&mut self, decl: &Declaration) -> Result<(), Error> {
        if !matches!(self.stage, Stage::Compute | Stage::Fragment) {
            return Err(Error::unsupported(
                format!("IMAGE registers in a {} shader", self.stage),
                decl.span,
            ));
        }
        let DeclKind::Image {
            target,
            format,
            writable,
        } = decl.kind
        else {
            return Err(Error::invalid("malformed IMAGE declaration", decl.span));
        };
        grow(
            &mut self.images,
            decl.range.last,
            limits::MAX_SHADER_IMAGES,
            "IMAGE registers",
            decl.span,
        )?;
        let shape = Shape::of(target, decl.span)?;
        for index in decl.range.first..=decl.range.last {
            let bound = self
                .options
                .image_formats
                .get(index as usize)
                .copied()
                .flatten();
            let format = format.or(bound).ok_or_else(|| {
                Error::unsupported(
                    "an image without a format (PIPE_FORMAT_NONE) in a slot with no image bound",
                    decl.span,
                )
            })?;
            let (storage_format, _, _) = format_info(format);
            let u = self.usage(|r| is_image(r, index));
            let mut access = StorageAccess::empty();
            access.set(StorageAccess::LOAD, u.loaded || u.atomic);
            access.set(StorageAccess::STORE, u.written);
            if access.is_empty() {
                access = if writable {
                    StorageAccess::STORE
                } else {
                    StorageAccess::LOAD
                };
            }
            let ty = self.ty(TypeInner::Image {
                dim: shape.dim,
                arrayed: shape.arrayed,
                class: ImageClass::Storage {
                    format: storage_format,
                    access,
                },
            });
            let binding = ResourceBinding {
                group: self.group,
                binding: image_binding(index),
            };
            let var = self.module.global_variables.append(
                GlobalVariable {
                    name: Some(image_variable_name(index)),
                    space: AddressSpace::Handle,
                    binding: Some(binding),
                    ty,
                    init: None,
                    memory_decorations: naga::MemoryDecorations::empty(),
                },
                decl.span,
            );
            let image = Image {
                index,
                var,
                target,
                format,
                shape,
            };
            claim(&mut self.images, index, image, decl.file, decl.span)?;
            self.interface.images.push(StorageImage {
                index,
                binding,
                dimension: shape.dim,
                arrayed: shape.arrayed,
                format: storage_format,
                access,
            });
        }
        Ok(())
    }

    /// The image an operand names, checked against the target and format
    /// the instruction names (if any).
    fn image(&self, inst: &Instruction, reg: &Register) -> Result<Image, Error> {
        let (Index::Direct(index), None) = (reg.index, reg.dimension) else {
            return Err(Error::unsupported(
                "indirect or two-dimensional IMAGE indexing",
                reg.span,
            ));
        };
        let image = self
            .images
            .get(index as usize)
            .copied()
            .flatten()
            .ok_or_else(|| Error::invalid(format!("IMAGE[{index}] is not declared"), reg.span))?;
        let target_differs = inst.target.is_some_and(|t| t != image.target);
        let format_differs = inst.format.is_some_and(|f| f != image.format);
        if target_differs || format_differs {
            return Err(Error::invalid(
                format!(
                    "{} names another target or format than IMAGE[{index}]'s {}, {}",
                    inst.opcode, image.target, image.format
                ),
                inst.span,
            ));
        }
        Ok(image)
    }

    /// `LOAD`, `STORE` or `RESQ` on image `reg`.
    pub(super) fn image_access(&mut self, inst: &Instruction, reg: &Register) -> Result<(), Error> {
        let image = self.image(inst, reg)?;
        let (_, kind, channels) = format_info(image.format);
        let handle = self.global_ptr(image.var);
        match inst.opcode {
            Opcode::Load => {
                let (coordinate, array_index) = self.texel(inst, 1, image.shape)?;
                let inside = self.inside(handle, coordinate, array_index);
                let texel = self.expr(Expression::ImageLoad {
                    image: handle,
                    coordinate,
                    array_index,
                    sample: None,
                    level: None,
                });
                let zero = self.lane_literal(0, kind);
                let zero = self.splat(zero);
                let v = self.select(inside, texel, zero);
                self.write(inst, Value::new(v, kind))
            }
            Opcode::Store => {
                // GL writes whole texels: a mask must cover the format's
                // channels.
                if let Some(d) = inst
                    .dst
                    .first()
                    .filter(|d| !(0..channels).all(|c| d.mask.contains(c)))
                {
                    return Err(Error::unsupported(
                        format!(
                            "a STORE to an IMAGE of {} missing some of its channels",
                            image.format
                        ),
                        d.span,
                    ));
                }
                let (coordinate, array_index) = self.texel(inst, 0, image.shape)?;
                let value = self.src(inst, 1, kind)?;
                let inside = self.inside(handle, coordinate, array_index);
                let (accept, ()) = self.nested(|l| {
                    l.stmt(Statement::ImageStore {
                        image: handle,
                        coordinate,
                        array_index,
                        value,
                    });
                });
                self.stmt(Statement::If {
                    condition: inside,
                    accept,
                    reject: Block::new(),
                });
                Ok(())
            }
            _ => {
                let v = self.image_size(handle, image.shape);
                self.write(inst, Value::new(v, Kind::Uint))
            }
        }
    }

    /// An atomic opcode on image `reg` (r32ui or r32i): inside the image, a
    /// call of the marker function of the opcode and image, whose result
    /// (the texel's old value) `dst` gets in every lane; outside, `dst`
    /// gets 0.
    pub(super) fn image_atomic(&mut self, inst: &Instruction, reg: &Register) -> Result<(), Error> {
        let image = self.image(inst, reg)?;
        let op = inst.opcode;
        if op == Opcode::Atomfadd {
            return Err(Error::unsupported(
                format!("{op} on an IMAGE (floating-point image atomics)"),
                inst.opcode_span,
            ));
        }
        let kind = match image.format {
            ImageFormat::R32Uint => Kind::Uint,
            ImageFormat::R32Sint => Kind::Sint,
            other => {
                return Err(Error::unsupported(
                    format!("{op} on an IMAGE of {other} (image atomics need r32ui or r32i)"),
                    reg.span,
                ))
            }
        };
        let function = self.image_atomic_marker(inst, image, kind)?;
        let handle = self.global_ptr(image.var);
        let (coordinate, layer) = self.texel(inst, 1, image.shape)?;
        let inside = self.inside(handle, coordinate, layer);
        // `OpImageTexelPointer` takes the layer as the coordinate's last lane.
        let texel = match layer {
            Some(layer) => {
                let (x, y) = (self.lane(coordinate, 0), self.lane(coordinate, 1));
                self.compose(VectorSize::Tri, Kind::Uint, vec![x, y, layer])
            }
            None => coordinate,
        };
        let texel = self.bitcast(texel, Kind::Sint);
        // ATOMCAS dst, resource, coordinate, cmp, src: the marker takes
        // (coordinate, src, cmp).
        let cas = op == Opcode::Atomcas;
        let value = self.src_scalar(inst, if cas { 3 } else { 2 }, kind, 0)?;
        let mut arguments = vec![texel, value];
        if cas {
            arguments.push(self.src_scalar(inst, 2, kind, 0)?);
        }
        let var = self.atomic_old();
        let (accept, ()) = self.nested(|l| {
            let result = l.unemitted(Expression::CallResult(function));
            l.stmt(Statement::Call {
                function,
                arguments,
                result: Some(result),
            });
            let bits = l.coerce(Value::new(result, kind), Kind::Uint);
            let local = l.local_ptr(var);
            l.store(local, bits);
        });
        let (reject, ()) = self.nested(|l| {
            let (local, zero) = (l.local_ptr(var), l.u32c(0));
            l.store(local, zero);
        });
        self.stmt(Statement::If {
            condition: inside,
            accept,
            reject,
        });
        let local = self.local_ptr(var);
        let old = self.load(local);
        self.write_old(inst, old)
    }

    /// The marker function of `inst`'s atomic on `image`, whose texels are
    /// `kind` (made on first use; see [`crate::image_atomic_spirv`]):
    /// `fn(coordinate: vec2<i32> or vec3<i32>, value[, comparator]) ->
    /// texel`, returning 0.
    fn image_atomic_marker(
        &mut self,
        inst: &Instruction,
        image: Image,
        kind: Kind,
    ) -> Result<Handle<Function>, Error> {
        let name = marker_name(inst.opcode, image.index).ok_or_else(|| {
            Error::invalid(format!("{} on an IMAGE", inst.opcode), inst.opcode_span)
        })?;
        let existing = self
            .module
            .functions
            .iter()
            .find_map(|(h, f)| (f.name.as_deref() == Some(name.as_str())).then_some(h));
        if let Some(h) = existing {
            return Ok(h);
        }
        let size = if image.shape.arrayed || image.shape.dim == ImageDimension::D3 {
            VectorSize::Tri
        } else {
            VectorSize::Bi
        };
        let texel = self.scalar_ty(kind);
        let argument = |name: &str, ty| FunctionArgument {
            name: Some(name.to_owned()),
            ty,
            binding: None,
        };
        let mut arguments = vec![
            argument("coordinate", self.vec_ty(size, Kind::Sint)),
            argument("value", texel),
        ];
        if inst.opcode == Opcode::Atomcas {
            arguments.push(argument("comparator", texel));
        }
        let mut function = Function {
            name: Some(name),
            arguments,
            result: Some(FunctionResult {
                ty: texel,
                binding: None,
            }),
            ..Function::default()
        };
        let zero = function
            .expressions
            .append(Expression::ZeroValue(texel), self.span);
        function
            .body
            .push(Statement::Return { value: Some(zero) }, self.span);
        self.interface.image_atomics = true;
        Ok(self.module.functions.append(function, self.span))
    }

    /// The texel coordinate (`u32`s, 1D padded with y = 0) and layer of
    /// source operand `i`.
    fn texel(
        &mut self,
        inst: &Instruction,
        i: usize,
        shape: Shape,
    ) -> Result<(Handle<Expression>, Option<Handle<Expression>>), Error> {
        let coord = self.src(inst, i, Kind::Uint)?;
        let mut lanes: Vec<_> = (0..shape.coords).map(|l| self.lane(coord, l)).collect();
        let layer = shape.arrayed.then(|| self.lane(coord, shape.coords));
        if shape.coords == 1 {
            lanes.push(self.u32c(0));
        }
        let size = if lanes.len() == 3 {
            VectorSize::Tri
        } else {
            VectorSize::Bi
        };
        Ok((self.compose(size, Kind::Uint, lanes), layer))
    }

    /// Whether a coordinate and layer name a texel of the image.
    fn inside(
        &mut self,
        image: Handle<Expression>,
        coordinate: Handle<Expression>,
        layer: Option<Handle<Expression>>,
    ) -> Handle<Expression> {
        let size = self.expr(Expression::ImageQuery {
            image,
            query: ImageQuery::Size { level: None },
        });
        let below = self.binary(BinaryOperator::Less, coordinate, size);
        let mut inside = self.expr(Expression::Relational {
            fun: RelationalFunction::All,
            argument: below,
        });
        if let Some(layer) = layer {
            let layers = self.expr(Expression::ImageQuery {
                image,
                query: ImageQuery::NumLayers,
            });
            let ok = self.binary(BinaryOperator::Less, layer, layers);
            inside = self.binary(BinaryOperator::LogicalAnd, inside, ok);
        }
        inside
    }

    /// `RESQ`: the size (x; y for 2D and 3D; z for 3D), then the layers
    /// (cubes for cube arrays) in the next lane, zeros after.
    fn image_size(&mut self, image: Handle<Expression>, shape: Shape) -> Handle<Expression> {
        let size = self.expr(Expression::ImageQuery {
            image,
            query: ImageQuery::Size { level: None },
        });
        let dims = shape.coords.min(shape.size_lanes());
        let mut lanes: Vec<_> = (0..dims).map(|l| self.lane(size, l)).collect();
        if shape.arrayed {
            let mut layers = self.expr(Expression::ImageQuery {
                image,
                query: ImageQuery::NumLayers,
            });
            if shape.cube {
                let six = self.u32c(6);
                layers = self.binary(BinaryOperator::Divide, layers, six);
            }
            lanes.push(layers);
        }
        let zero = self.u32c(0);
        lanes.resize(4, zero);
        self.compose(VectorSize::Quad, Kind::Uint, lanes)
    }
}

/// Whether `reg` is `IMAGE[index]`.
fn is_image(reg: &Register, index: u32) -> bool {
    reg.file == File::Image
        && reg.dimension.is_none()
        && (reg.index == Index::Direct(index) || super::memory::is_indirect(reg))
}
