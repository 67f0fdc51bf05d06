//! Object commands: creating objects (within the context's object quota),
//! binding state objects, and the query commands that name query objects.

use super::Exec;
use crate::core::base::error::{CommandError, QuotaError, ShaderError};
use crate::core::record::query;
use crate::core::state::objects::{Object, QueryObj, ShaderMemo, ShaderObj};
use crate::core::state::stream_out::StreamOutInfo;
use crate::core::state::sub_context::SubContext;
use crate::core::validate::objects::{sampler_state, sampler_view, streamout_target, surface};
use guest_protocol::virgl::enums::ShaderStage;
use guest_protocol::virgl::{CreateObject, ObjectType, QueryResultQbo, ShaderChunk, ShaderExtra};
use parking_lot::Mutex;
use std::sync::Arc;

impl Exec<'_> {
    /// CREATE_OBJECT.
    pub(super) fn create_object(&mut self, obj: &CreateObject<'_>) -> Result<(), CommandError> {
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
            return Err(CommandError::Quota(QuotaError::ObjectsPerContext {
                max: self.ctx.max_objects,
            }));
        }
        let gpu = self.gpu;
        let object = match *obj {
            CreateObject::Blend(b) => Object::Blend(b),
            CreateObject::Rasterizer(r) => Object::Rasterizer(r),
            CreateObject::Dsa(d) => Object::Dsa(d),
            CreateObject::Shader(ref chunk) => {
                let text = self
                    .sub()
                    .assembler
                    .push(chunk)
                    .map_err(|e| CommandError::Shader {
                        handle,
                        stage: chunk.stage,
                        source: ShaderError::Assemble(e),
                    })?;
                let stream_output = self.stream_output_of(handle, chunk)?;
                let Some(text) = text else { return Ok(()) };
                Object::Shader(Arc::new(ShaderObj {
                    handle,
                    stage: chunk.stage,
                    stores_memory: ShaderObj::declares_memory(&text),
                    text: Arc::from(text.as_ref()),
                    compiled: ShaderMemo::default(),
                    stream_output,
                    local_mem: match chunk.extra {
                        ShaderExtra::ReqLocalMem(bytes) => bytes,
                        _ => 0,
                    },
                }))
            }
            CreateObject::VertexElements { elements, .. } => {
                Object::VertexElements(Arc::from(elements.to_vec()))
            }
            CreateObject::SamplerView(v) => {
                Object::SamplerView(Arc::new(sampler_view(gpu, self.resource(v.res)?, &v)?))
            }
            CreateObject::SamplerState(s) => {
                Object::SamplerState(Arc::new(sampler_state(gpu, &s)?))
            }
            CreateObject::Surface(s) | CreateObject::MsaaSurface { surface: s, .. } => {
                Object::Surface(Arc::new(surface(gpu, self.resource(s.res)?, &s)?))
            }
            CreateObject::Query(q) => Object::Query(Arc::new(Mutex::new(QueryObj {
                desc: q,
                result: 0,
                active: false,
                slots: Vec::new(),
            }))),
            CreateObject::StreamoutTarget {
                res,
                buffer_offset,
                buffer_size,
                ..
            } => Object::StreamoutTarget(Arc::new(streamout_target(
                self.resource(res)?,
                res,
                buffer_offset,
                buffer_size,
            )?)),
        };
        self.sub().insert(handle, object)
    }

    /// The stream-output layout of the vertex, geometry or tessellation
    /// evaluation shader `chunk` belongs to (the stages that can be last
    /// before the rasterizer): the
    /// first chunk carries it (continuations carry none), kept in the
    /// sub-context until the last chunk arrives.
    fn stream_output_of(
        &mut self,
        handle: u32,
        chunk: &ShaderChunk<'_>,
    ) -> Result<Option<Arc<StreamOutInfo>>, CommandError> {
        let last_capable = [
            ShaderStage::VERTEX,
            ShaderStage::GEOMETRY,
            ShaderStage::TESS_EVAL,
        ];
        if !last_capable.contains(&chunk.stage) {
            return Ok(None);
        }
        let sub = self.sub();
        if !chunk.offlen.continuation() {
            let info = match &chunk.extra {
                ShaderExtra::StreamOutput(Some(so)) => StreamOutInfo::new(so)?.map(Arc::new),
                _ => None,
            };
            sub.so_pending = Some((handle, info));
        }
        Ok(match sub.so_pending.take() {
            Some((h, info)) if h == handle => {
                sub.so_pending = Some((h, info.clone()));
                info
            }
            other => {
                sub.so_pending = other;
                None
            }
        })
    }

    /// SET_STREAMOUT_TARGETS: binds the targets by slot. Each target
    /// resumes where its captures stopped (GL's pause and resume), unless
    /// `append` has bits and the target's is clear: then it writes from its
    /// start again. Mesa's virgl driver sends no bits and makes new targets
    /// (starting at 0) for each glBeginTransformFeedback, so for it binding
    /// a target again is resuming it, as the reference server treats it.
    pub(super) fn set_streamout_targets(
        &mut self,
        append: u32,
        handles: &[u32],
    ) -> Result<(), CommandError> {
        let bound = handles.iter().filter(|&&h| h != 0).count();
        let max = self
            .gpu
            .raw
            .as_ref()
            .map_or(0, |r| r.features().xfb_buffers());
        if bound > 0 && handles.len() > max as usize {
            return Err(CommandError::OutOfRange {
                what: "stream-output targets",
                value: handles.len() as u64,
            });
        }
        let mut targets = Vec::with_capacity(handles.len());
        for (i, &h) in handles.iter().enumerate() {
            if h == 0 {
                targets.push(None);
                continue;
            }
            let t = match self.sub().objects.get(&h) {
                Some(Object::StreamoutTarget(t)) => Arc::clone(t),
                _ => {
                    return Err(CommandError::NoObject {
                        what: "stream-output target",
                        handle: h,
                    })
                }
            };
            if append != 0 && append & (1 << i) == 0 {
                t.filled.lock().bytes = 0;
            }
            targets.push(Some(t));
        }
        let sub = self.sub();
        if targets.iter().any(Option::is_some) {
            sub.so_last = targets.iter().flatten().cloned().collect();
        }
        sub.so_targets = targets;
        Ok(())
    }

    /// BIND_OBJECT (state objects; handle 0 unbinds).
    pub(super) fn bind_object(&mut self, ty: ObjectType, handle: u32) -> Result<(), CommandError> {
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

    /// BEGIN_QUERY (`begin`) or END_QUERY.
    pub(super) fn query(&mut self, handle: u32, begin: bool) -> Result<(), CommandError> {
        let q = self.query_obj(handle)?;
        let (mut rec, sub) = self.split();
        if begin {
            query::begin(&mut rec, sub, &q)
        } else {
            query::end(&mut rec, sub, &q)
        }
    }

    /// GET_QUERY_RESULT.
    pub(super) fn query_result(&mut self, handle: u32) -> Result<(), CommandError> {
        let q = self.query_obj(handle)?;
        query::get_result(&mut self.split().0, &q)
    }

    /// GET_QUERY_RESULT_QBO.
    pub(super) fn query_result_qbo(&mut self, c: &QueryResultQbo) -> Result<(), CommandError> {
        let q = self.query_obj(c.handle)?;
        query::store_result(&mut self.split().0, &q, c)
    }

    /// SET_RENDER_CONDITION: with a query, waits for its result; rendering
    /// goes on when the result is non-zero, or zero when `inverted`
    /// (Gallium's condition bit: GL's *_INVERTED modes). Every mode waits:
    /// the NO_WAIT modes allow it.
    pub(super) fn render_condition(
        &mut self,
        handle: u32,
        inverted: bool,
    ) -> Result<(), CommandError> {
        let fails = if handle == 0 {
            false
        } else {
            let q = self.query_obj(handle)?;
            let zero = query::value(&mut self.split().0, &q)? == 0;
            zero != inverted
        };
        self.sub().render_condition_fails = fails;
        Ok(())
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
