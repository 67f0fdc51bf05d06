//! Executes decoded virgl commands against a context: object tables, bound
//! state, transfers, clears; draws, blits and copies in their own modules.

use crate::core::base::error::CommandError;
use crate::core::base::ids::ResId;
use crate::core::gpu::Gpu;
use crate::core::record::pipeline::{Caches, ShaderMemo};
use crate::core::record::transfer::{self, SliceSource, TransferBox};
use crate::core::record::work::Work;
use crate::core::record::{blit, clear, draw};
use crate::core::resources::{Resource, ResourceTable};
use crate::core::state::{
    compose_swizzle, Context, IndexBinding, Object, QueryObj, SamplerStateObj, SamplerViewObj,
    ShaderObj, SubContext, SurfaceObj, MAX_SAMPLER_UNITS, MAX_SUB_CONTEXTS,
};
use guest_protocol::virgl::enums::{ShaderStage, TextureTarget, TransferDirection};
use guest_protocol::virgl::{Command, CreateObject, ObjectType};
use parking_lot::Mutex;
use std::sync::Arc;

/// Everything a command may touch.
pub struct Exec<'a> {
    /// The device.
    pub gpu: &'a Gpu,
    /// Pending GPU work.
    pub work: &'a mut Work,
    /// All resources.
    pub resources: &'a mut ResourceTable,
    /// Shader and pipeline caches.
    pub caches: &'a mut Caches,
    /// The submitting context.
    pub ctx: &'a mut Context,
}

impl Exec<'_> {
    /// The current sub-context.
    pub fn sub(&mut self) -> &mut SubContext {
        let current = self.ctx.current;
        self.ctx
            .subs
            .entry(current)
            .or_insert_with(SubContext::new_default)
    }

    /// A resource attached to this context.
    pub fn resource(&self, handle: u32) -> Result<&Resource, CommandError> {
        let id = ResId(handle);
        if !self.ctx.resources.contains(&id) {
            return Err(CommandError::NoResource(handle));
        }
        self.resources
            .get(&id)
            .ok_or(CommandError::NoResource(handle))
    }

    /// Executes one command.
    pub fn run(&mut self, cmd: &Command<'_>) -> Result<(), CommandError> {
        match *cmd {
            Command::Nop(_)
            | Command::EndTransfers(_)
            | Command::LinkShader(_)
            | Command::SetTessState { .. }
            | Command::SetMinSamples(_)
            | Command::SetDebugFlags(_)
            | Command::SendStringMarker { .. }
            | Command::SetTweaks { .. }
            | Command::TextureBarrier(_)
            | Command::MemoryBarrier(_) => Ok(()),
            Command::CreateObject(ref obj) => self.create_object(obj),
            Command::BindObject {
                object_type,
                handle,
            } => self.bind_object(object_type, handle),
            Command::DestroyObject { handle, .. } => {
                self.sub().objects.remove(&handle);
                Ok(())
            }
            Command::SetViewportState {
                start_slot,
                viewports,
            } => {
                if start_slot == 0 {
                    self.sub().viewport = viewports.first().copied();
                }
                Ok(())
            }
            Command::SetFramebufferState { zsurf, cbufs } => {
                let surf =
                    |sub: &SubContext, h: u32| -> Result<Option<Arc<SurfaceObj>>, CommandError> {
                        if h == 0 {
                            return Ok(None);
                        }
                        sub.get(h, "surface", |o| match o {
                            Object::Surface(s) => Some(Arc::clone(s)),
                            _ => None,
                        })
                        .map(Some)
                    };
                let sub = self.sub();
                let z = surf(sub, zsurf)?;
                let c = cbufs
                    .iter()
                    .map(|h| surf(sub, h.get()))
                    .collect::<Result<Vec<_>, _>>()?;
                sub.fb.zsurf = z;
                sub.fb.cbufs = c;
                Ok(())
            }
            Command::SetFramebufferStateNoAttach { size, .. } => {
                self.sub().fb.no_attach = (u32::from(size.lo()), u32::from(size.hi()));
                Ok(())
            }
            Command::SetVertexBuffers(buffers) => {
                self.sub().vertex_buffers = buffers.to_vec();
                Ok(())
            }
            Command::SetIndexBuffer(ib) => {
                self.sub().index_buffer = match ib.layout {
                    Some((index_size, offset)) if ib.res != 0 => {
                        if !matches!(index_size, 1 | 2 | 4) {
                            return Err(CommandError::OutOfRange {
                                what: "index size",
                                value: u64::from(index_size),
                            });
                        }
                        Some(IndexBinding {
                            res: ib.res,
                            index_size,
                            offset,
                        })
                    }
                    _ => None,
                };
                Ok(())
            }
            Command::SetConstantBuffer { stage, data, .. } => {
                let i = stage_index(stage)?;
                let bytes = data.as_bytes();
                if let Some(s) = self.sub().stages.get_mut(i) {
                    s.constants.clear();
                    s.constants.extend_from_slice(bytes);
                }
                Ok(())
            }
            Command::SetSamplerViews(slots) => {
                let i = stage_index(slots.stage)?;
                let start = slots.start_slot as usize;
                let sub = self.sub();
                let mut found = Vec::with_capacity(slots.handles.len());
                for h in slots.handles {
                    let h = h.get();
                    found.push(if h == 0 {
                        None
                    } else {
                        Some(sub.get(h, "sampler view", |o| match o {
                            Object::SamplerView(v) => Some(Arc::clone(v)),
                            _ => None,
                        })?)
                    });
                }
                if let Some(s) = sub.stages.get_mut(i) {
                    write_slots(&mut s.views, start, found)?;
                }
                Ok(())
            }
            Command::BindSamplerStates(slots) => {
                let i = stage_index(slots.stage)?;
                let start = slots.start_slot as usize;
                let sub = self.sub();
                let mut found = Vec::with_capacity(slots.handles.len());
                for h in slots.handles {
                    let h = h.get();
                    found.push(if h == 0 {
                        None
                    } else {
                        Some(sub.get(h, "sampler state", |o| match o {
                            Object::SamplerState(v) => Some(Arc::clone(v)),
                            _ => None,
                        })?)
                    });
                }
                if let Some(s) = sub.stages.get_mut(i) {
                    write_slots(&mut s.samplers, start, found)?;
                }
                Ok(())
            }
            Command::SetStencilRef(r) => {
                self.sub().stencil_ref = (r.front(), r.back());
                Ok(())
            }
            Command::SetBlendColor(c) => {
                self.sub().blend_color = c.map(|v| v.get());
                Ok(())
            }
            Command::SetScissorState {
                start_slot,
                scissors,
            } => {
                if start_slot == 0 {
                    if let Some(s) = scissors.first() {
                        let (x0, y0, x1, y1) = s.rect();
                        self.sub().scissor = Some((x0.into(), y0.into(), x1.into(), y1.into()));
                    }
                }
                Ok(())
            }
            Command::SetSampleMask(m) => {
                self.sub().sample_mask = m;
                Ok(())
            }
            Command::SetPolygonStipple(rows) => {
                self.sub().polygon_stipple = rows.map(|r| r.get());
                Ok(())
            }
            Command::SetSubCtx(id) => {
                // The reference ignores unknown ids.
                if self.ctx.subs.contains_key(&id) {
                    self.ctx.current = id;
                }
                Ok(())
            }
            Command::CreateSubCtx(id) => {
                if !self.ctx.subs.contains_key(&id) {
                    if self.ctx.subs.len() >= MAX_SUB_CONTEXTS {
                        return Err(CommandError::OutOfRange {
                            what: "sub-context count",
                            value: self.ctx.subs.len() as u64,
                        });
                    }
                    self.ctx.subs.insert(id, SubContext::new());
                }
                Ok(())
            }
            Command::DestroySubCtx(id) => {
                if id != 0 {
                    self.ctx.subs.remove(&id);
                    if self.ctx.current == id {
                        self.ctx.current = 0;
                    }
                }
                Ok(())
            }
            Command::BindShader { handle, stage } => {
                let i = stage_index(stage)?;
                let sub = self.sub();
                let shader = if handle == 0 {
                    None
                } else {
                    // A shader of another stage is no shader for this one
                    // (the reference checks the same).
                    Some(sub.get(handle, "shader", |o| match o {
                        Object::Shader(s) if s.stage == stage => Some(Arc::clone(s)),
                        _ => None,
                    })?)
                };
                if let Some(s) = sub.stages.get_mut(i) {
                    s.shader = shader;
                }
                Ok(())
            }
            Command::SetStreamoutTargets { targets, .. } => {
                if targets.is_empty() {
                    Ok(())
                } else {
                    Err(CommandError::Unsupported("stream output"))
                }
            }
            Command::SetShaderBuffers { buffers, .. }
            | Command::SetAtomicBuffers { buffers, .. } => {
                if buffers.iter().all(|b| b.res.get() == 0) {
                    Ok(())
                } else {
                    Err(CommandError::Unsupported("shader storage buffers"))
                }
            }
            Command::SetShaderImages { images, .. } => {
                if images.iter().all(|b| b.res.get() == 0) {
                    Ok(())
                } else {
                    Err(CommandError::Unsupported("shader images"))
                }
            }
            Command::SetClipState(_) => Ok(()),
            Command::SetUniformBuffer { res, .. } => {
                if res == 0 {
                    Ok(())
                } else {
                    Err(CommandError::Unsupported("uniform buffer objects"))
                }
            }
            Command::SetRenderCondition { handle, .. } => {
                if handle == 0 {
                    Ok(())
                } else {
                    Err(CommandError::Unsupported("conditional rendering"))
                }
            }
            Command::Clear(ref c) => clear::clear(self, c),
            Command::ClearTexture { .. } => Err(CommandError::Unsupported("CLEAR_TEXTURE")),
            Command::DrawVbo(ref d) => draw::draw(self, d),
            Command::Blit(ref b) => blit::blit(self, b),
            Command::ResourceCopyRegion(ref c) => blit::copy_region(self, c),
            Command::Transfer3d(ref t) => {
                tracing::trace!("transfer3d {t:?}");
                let tb = TransferBox {
                    level: t.level,
                    region: t.region,
                    stride: t.stride,
                    layer_stride: t.layer_stride,
                    offset: u64::from(t.offset),
                };
                match t.direction {
                    TransferDirection::TO_HOST => self.transfer_in(t.res, &tb, None),
                    TransferDirection::FROM_HOST => self.transfer_out(t.res, &tb),
                    d => Err(CommandError::OutOfRange {
                        what: "transfer direction",
                        value: u64::from(d.0),
                    }),
                }
            }
            Command::CopyTransfer3d(ref t) => {
                if t.flags.read_from_host() {
                    return Err(CommandError::Unsupported("COPY_TRANSFER3D from host"));
                }
                let staging = self.resource(t.src_res)?;
                let data = staging
                    .buffer()
                    .ok_or(CommandError::WrongResource {
                        res: t.src_res,
                        what: "staging buffer",
                    })?
                    .shadow
                    .clone();
                let tb = TransferBox {
                    level: t.level,
                    region: t.region,
                    stride: t.stride,
                    layer_stride: t.layer_stride,
                    offset: u64::from(t.src_offset),
                };
                self.transfer_in(t.res, &tb, Some(&data))
            }
            Command::ResourceInlineWrite(ref w) => {
                let tb = TransferBox {
                    level: w.level,
                    region: w.region,
                    stride: w.stride,
                    layer_stride: w.layer_stride,
                    offset: 0,
                };
                let data = w.data.as_bytes().to_vec();
                self.transfer_in(w.res, &tb, Some(&data))
            }
            Command::BeginQuery { handle } => self.query(handle, true),
            Command::EndQuery { handle } => self.query(handle, false),
            Command::GetQueryResult { handle, .. } => self.query_result(handle),
            Command::GetQueryResultQbo(_) => Err(CommandError::Unsupported("query buffer objects")),
            Command::LaunchGrid(_) => Err(CommandError::Unsupported("compute")),
            Command::PipeResourceCreate(_) | Command::PipeResourceSetType { .. } => {
                Err(CommandError::Unsupported("blob resources"))
            }
            Command::GetMemoryInfo { .. } => Err(CommandError::Unsupported("GET_MEMORY_INFO")),
            Command::Video { .. } => Err(CommandError::Unsupported("video")),
        }
    }

    /// Guest memory → resource: from `data` (inline, staging) or the backing.
    fn transfer_in(
        &mut self,
        res: u32,
        t: &TransferBox,
        data: Option<&[u8]>,
    ) -> Result<(), CommandError> {
        self.resource(res)?;
        let id = ResId(res);
        let (gpu, work, depth) = (self.gpu, &mut *self.work, &self.caches.depth);
        let r = self
            .resources
            .get_mut(&id)
            .ok_or(CommandError::NoResource(res))?;
        let backing = r.backing.clone();
        match data {
            Some(bytes) => transfer::upload(gpu, work, depth, id, r, t, &SliceSource(bytes))?,
            None => {
                let b = backing.ok_or(crate::core::base::error::TransferError::NoBacking(id))?;
                transfer::upload(gpu, work, depth, id, r, t, b.as_ref())?;
            }
        }
        Ok(())
    }

    /// Resource → its backing.
    fn transfer_out(&mut self, res: u32, t: &TransferBox) -> Result<(), CommandError> {
        let r = self.resource(res)?;
        let id = ResId(res);
        let b = r
            .backing
            .clone()
            .ok_or(crate::core::base::error::TransferError::NoBacking(id))?;
        let r = self
            .resources
            .get(&id)
            .ok_or(CommandError::NoResource(res))?;
        transfer::download(self.gpu, self.work, id, r, t, b.as_ref())?;
        Ok(())
    }

    fn bind_object(&mut self, ty: ObjectType, handle: u32) -> Result<(), CommandError> {
        let sub = self.sub();
        match ty {
            ObjectType::BLEND => {
                sub.blend = bound(sub, handle, "blend", |o| match o {
                    Object::Blend(b) => Some(*b),
                    _ => None,
                })?;
            }
            ObjectType::RASTERIZER => {
                sub.rasterizer = bound(sub, handle, "rasterizer", |o| match o {
                    Object::Rasterizer(b) => Some(*b),
                    _ => None,
                })?;
            }
            ObjectType::DSA => {
                sub.dsa = bound(sub, handle, "dsa", |o| match o {
                    Object::Dsa(b) => Some(*b),
                    _ => None,
                })?;
            }
            ObjectType::VERTEX_ELEMENTS => {
                sub.vertex_elements = bound(sub, handle, "vertex elements", |o| match o {
                    Object::VertexElements(b) => Some(Arc::clone(b)),
                    _ => None,
                })?;
            }
            _ => {
                return Err(CommandError::OutOfRange {
                    what: "bindable object type",
                    value: u64::from(ty.0),
                })
            }
        }
        Ok(())
    }

    fn create_object(&mut self, obj: &CreateObject<'_>) -> Result<(), CommandError> {
        let handle = obj.handle();
        if handle == 0 {
            return Err(CommandError::ZeroHandle);
        }
        // The context's object quota, before anything is built.
        let replaces = self
            .ctx
            .subs
            .get(&self.ctx.current)
            .is_some_and(|s| s.objects.contains_key(&handle));
        if !replaces && self.ctx.object_count() >= self.ctx.max_objects {
            return Err(CommandError::Quota(format!(
                "{} objects per context",
                self.ctx.max_objects
            )));
        }
        let object = match *obj {
            CreateObject::Blend(b) => Object::Blend(b),
            CreateObject::Rasterizer(r) => Object::Rasterizer(r),
            CreateObject::Dsa(d) => Object::Dsa(d),
            CreateObject::Shader(ref chunk) => {
                let sub = self.sub();
                let text = sub
                    .assembler
                    .push(chunk)
                    .map_err(|e| CommandError::Shader {
                        handle,
                        message: e.to_string(),
                    })?;
                let Some(text) = text else { return Ok(()) };
                Object::Shader(Arc::new(ShaderObj {
                    stage: chunk.stage,
                    text: Arc::from(text.as_ref()),
                    compiled: ShaderMemo::default(),
                }))
            }
            CreateObject::VertexElements { elements, .. } => {
                Object::VertexElements(Arc::from(elements.to_vec()))
            }
            CreateObject::SamplerView(v) => Object::SamplerView(Arc::new(self.sampler_view(&v)?)),
            CreateObject::SamplerState(s) => {
                Object::SamplerState(Arc::new(self.sampler_state(&s)?))
            }
            CreateObject::Surface(s) | CreateObject::MsaaSurface { surface: s, .. } => {
                Object::Surface(Arc::new(self.surface(&s)?))
            }
            CreateObject::Query(q) => Object::Query(Arc::new(Mutex::new(QueryObj {
                desc: q,
                result: 0,
                active: false,
                slots: Vec::new(),
            }))),
            CreateObject::StreamoutTarget { .. } => Object::StreamoutTarget,
        };
        self.sub().insert(handle, object)
    }

    fn surface(&mut self, s: &guest_protocol::virgl::Surface) -> Result<SurfaceObj, CommandError> {
        let r = self.resource(s.res)?;
        let tex = r.texture().ok_or(CommandError::WrongResource {
            res: s.res,
            what: "surface",
        })?;
        if !tex.renderable {
            return Err(CommandError::WrongResource {
                res: s.res,
                what: "render target",
            });
        }
        let level = s.range0;
        if level > r.info.last_level {
            return Err(CommandError::OutOfRange {
                what: "surface level",
                value: u64::from(level),
            });
        }
        let layer = s.range1 & 0xffff;
        if layer >= r.info.host_layers() {
            return Err(CommandError::OutOfRange {
                what: "surface layer",
                value: u64::from(layer),
            });
        }
        let desc = self
            .gpu
            .format_desc(s.format)
            .filter(|d| d.host.remove_srgb_suffix() == tex.desc.host.remove_srgb_suffix())
            .unwrap_or(tex.desc);
        let (w, h, _) = r.info.level_extent(level);
        let aspect = wgpu::TextureAspect::All;
        let (view, err) = self.gpu.scoped(|| {
            tex.texture.create_view(&wgpu::TextureViewDescriptor {
                label: None,
                format: Some(desc.host),
                dimension: Some(wgpu::TextureViewDimension::D2),
                usage: Some(wgpu::TextureUsages::RENDER_ATTACHMENT),
                aspect,
                base_mip_level: level,
                mip_level_count: Some(1),
                base_array_layer: layer,
                array_layer_count: Some(1),
            })
        });
        if let Some(e) = err {
            return Err(CommandError::Wgpu(e));
        }
        Ok(SurfaceObj {
            desc: *s,
            res: ResId(s.res),
            level,
            layer,
            view,
            host_format: desc.host,
            alpha_is_one: desc.alpha_is_one(),
            render_swizzle: desc.render_swizzle(),
            size: (w, h),
            samples: tex.texture.sample_count(),
        })
    }

    fn sampler_view(
        &mut self,
        v: &guest_protocol::virgl::SamplerView,
    ) -> Result<SamplerViewObj, CommandError> {
        let r = self.resource(v.res)?;
        let Some(tex) = r.texture() else {
            return Err(CommandError::Unsupported("buffer textures"));
        };
        if tex.texture.sample_count() > 1 {
            return Err(CommandError::Unsupported("sampling multisampled textures"));
        }
        let target = if v.target().0 == 0 {
            r.info.target
        } else {
            v.target()
        };
        let dimension = match target {
            TextureTarget::TEXTURE_1D | TextureTarget::TEXTURE_2D | TextureTarget::RECT => {
                wgpu::TextureViewDimension::D2
            }
            TextureTarget::TEXTURE_1D_ARRAY | TextureTarget::TEXTURE_2D_ARRAY => {
                wgpu::TextureViewDimension::D2Array
            }
            TextureTarget::CUBE => wgpu::TextureViewDimension::Cube,
            TextureTarget::CUBE_ARRAY => wgpu::TextureViewDimension::CubeArray,
            TextureTarget::TEXTURE_3D => wgpu::TextureViewDimension::D3,
            t => {
                return Err(CommandError::OutOfRange {
                    what: "view target",
                    value: u64::from(t.0),
                })
            }
        };
        let first_layer = v.range0 & 0xffff;
        let last_layer = (v.range0 >> 16).max(first_layer);
        let first_level = v.range1 & 0xff;
        let last_level = ((v.range1 >> 8) & 0xff)
            .max(first_level)
            .min(r.info.last_level);
        if first_level > r.info.last_level || first_layer >= r.info.host_layers() {
            return Err(CommandError::OutOfRange {
                what: "view range",
                value: u64::from(v.range1),
            });
        }
        let view_desc = self
            .gpu
            .format_desc(v.view_format())
            .filter(|d| d.host.remove_srgb_suffix() == tex.desc.host.remove_srgb_suffix())
            .unwrap_or(tex.desc);
        let layer_count = match dimension {
            wgpu::TextureViewDimension::D2 | wgpu::TextureViewDimension::D3 => 1,
            wgpu::TextureViewDimension::Cube => 6,
            _ => (last_layer - first_layer + 1).min(r.info.host_layers() - first_layer),
        };
        let is_depth = view_desc.is_depth_stencil();
        let aspect = if is_depth && view_desc.has_depth() {
            wgpu::TextureAspect::DepthOnly
        } else if is_depth {
            wgpu::TextureAspect::StencilOnly
        } else {
            wgpu::TextureAspect::All
        };
        let (view, err) = self.gpu.scoped(|| {
            tex.texture.create_view(&wgpu::TextureViewDescriptor {
                label: None,
                format: Some(view_desc.host),
                dimension: Some(dimension),
                usage: Some(wgpu::TextureUsages::TEXTURE_BINDING),
                aspect,
                base_mip_level: first_level,
                mip_level_count: Some(last_level - first_level + 1),
                base_array_layer: if dimension == wgpu::TextureViewDimension::D3 {
                    0
                } else {
                    first_layer
                },
                array_layer_count: Some(layer_count),
            })
        });
        if let Some(e) = err {
            return Err(CommandError::Wgpu(e));
        }
        let s = v.swizzle;
        let view_swz = [s.r().0, s.g().0, s.b().0, s.a().0];
        Ok(SamplerViewObj {
            desc: *v,
            res: ResId(v.res),
            view,
            dimension,
            swizzle: compose_swizzle(view_desc.swizzle, view_swz, !view_desc.alpha_is_one()),
            is_depth,
        })
    }

    fn sampler_state(
        &mut self,
        s: &guest_protocol::virgl::SamplerState,
    ) -> Result<SamplerStateObj, CommandError> {
        let f = s.flags;
        if f.min_mip_filter() > 2 {
            return Err(CommandError::OutOfRange {
                what: "min_mip_filter",
                value: u64::from(f.min_mip_filter()),
            });
        }
        let border = self
            .gpu
            .features
            .contains(wgpu::Features::ADDRESS_MODE_CLAMP_TO_BORDER);
        let desc = crate::core::base::gallium::sampler_descriptor(s, border);
        let (sampler, err) = self.gpu.scoped(|| self.gpu.device.create_sampler(&desc));
        if let Some(e) = err {
            return Err(CommandError::Wgpu(e));
        }
        Ok(SamplerStateObj { desc: *s, sampler })
    }

    fn query(&mut self, handle: u32, begin: bool) -> Result<(), CommandError> {
        let q = self.query_obj(handle)?;
        if begin {
            crate::core::record::query::begin(self, &q)
        } else {
            crate::core::record::query::end(self, &q)
        }
    }

    fn query_result(&mut self, handle: u32) -> Result<(), CommandError> {
        let q = self.query_obj(handle)?;
        crate::core::record::query::get_result(self, &q)
    }

    fn query_obj(&mut self, handle: u32) -> Result<Arc<Mutex<QueryObj>>, CommandError> {
        self.sub().get(handle, "query", |o| match o {
            Object::Query(q) => Some(Arc::clone(q)),
            _ => None,
        })
    }
}

/// A bound object: `None` for handle 0.
fn bound<T>(
    sub: &SubContext,
    handle: u32,
    what: &'static str,
    pick: impl FnOnce(&Object) -> Option<T>,
) -> Result<Option<T>, CommandError> {
    if handle == 0 {
        Ok(None)
    } else {
        sub.get(handle, what, pick).map(Some)
    }
}

/// The per-stage index of `stage`.
pub fn stage_index(stage: ShaderStage) -> Result<usize, CommandError> {
    stage.index().ok_or(CommandError::OutOfRange {
        what: "shader stage",
        value: u64::from(stage.0),
    })
}

/// Writes `values` into `slots[start..]`, growing the table up to the unit limit.
fn write_slots<T>(
    slots: &mut Vec<Option<T>>,
    start: usize,
    values: Vec<Option<T>>,
) -> Result<(), CommandError> {
    let end = start.saturating_add(values.len());
    if end > MAX_SAMPLER_UNITS {
        // Mesa re-emits 32 zero slots; ignore what lies beyond our units if empty.
        if values
            .iter()
            .skip(MAX_SAMPLER_UNITS.saturating_sub(start))
            .any(Option::is_some)
        {
            return Err(CommandError::OutOfRange {
                what: "sampler slot",
                value: end as u64,
            });
        }
    }
    let end = end.min(MAX_SAMPLER_UNITS);
    if slots.len() < end {
        slots.resize_with(end, || None);
    }
    for (slot, v) in slots.iter_mut().skip(start).zip(values) {
        *slot = v;
    }
    Ok(())
}
