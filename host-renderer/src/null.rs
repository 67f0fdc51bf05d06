//! A renderer that draws nothing, for testing transports without a GPU.
//!
//! [`NullRenderer`] keeps the tables a renderer keeps (contexts, resources
//! and their backings) and answers every call about ids as [`Renderer`]
//! does: unknown ids, id 0, duplicates and missing backings are refused
//! with the same errors. It decodes submitted command buffers (counting
//! their commands, refusing undecodable ones) but executes nothing, moves
//! no bytes in transfers, reads back black images, and signals fences at
//! once. Every call that asks it to do something is recorded in its
//! [`CallLog`], so a test sends requests into a front end and checks both
//! the calls they became and the replies the answers became.
//!
//! [`Renderer`]: crate::Renderer

use crate::core::api::{capset, BackendError, RendererBackend, SubmitReport};
use crate::core::error::{
    CreateContextError, CreateResourceError, LookupError, SubmitError, TransferError,
};
use crate::{Backing, CtxId, Image, ResId, ResourceInfo, TransferBox};
use bytemuck::Zeroable;
use guest_protocol::virgl::caps::{CapsV1, CapsV2};
use guest_protocol::virgl::Commands;
use parking_lot::Mutex;
use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

/// One call a [`NullRenderer`] was asked to do (queries are not recorded).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Call {
    /// `create_context`.
    CreateContext {
        /// The context.
        ctx: CtxId,
        /// Its debug name.
        name: String,
    },
    /// `destroy_context`.
    DestroyContext(CtxId),
    /// `create_resource`.
    CreateResource {
        /// The resource.
        id: ResId,
        /// What it was created as.
        info: ResourceInfo,
        /// Bytes of the backing given with it.
        backing: Option<u64>,
    },
    /// `set_backing`.
    SetBacking {
        /// The resource.
        id: ResId,
        /// Bytes of the new backing (`None`: detached).
        backing: Option<u64>,
    },
    /// `attach_resource`.
    AttachResource {
        /// The context.
        ctx: CtxId,
        /// The resource.
        id: ResId,
    },
    /// `detach_resource`.
    DetachResource {
        /// The context.
        ctx: CtxId,
        /// The resource.
        id: ResId,
    },
    /// `unref_resource`.
    UnrefResource(ResId),
    /// `transfer_in`.
    TransferIn {
        /// The resource.
        id: ResId,
        /// The transfer.
        t: TransferBox,
        /// The memory was given with the call (not the backing).
        given: bool,
    },
    /// `transfer_out`.
    TransferOut {
        /// The resource.
        id: ResId,
        /// The transfer.
        t: TransferBox,
        /// The memory was given with the call (not the backing).
        given: bool,
    },
    /// `read_image`.
    ReadImage(ResId),
    /// `submit`.
    Submit {
        /// The context.
        ctx: CtxId,
        /// The command buffer.
        commands: Vec<u8>,
    },
    /// `create_fence`.
    CreateFence(u64),
    /// `wait`.
    Wait(Option<Duration>),
    /// `flush_deferred`.
    FlushDeferred,
}

/// The calls a [`NullRenderer`] recorded, shared with the test that keeps
/// a handle after handing the renderer to a front end.
#[derive(Clone, Debug, Default)]
pub struct CallLog(Arc<Mutex<Vec<Call>>>);

impl CallLog {
    /// The calls recorded since the last `take`, oldest first.
    pub fn take(&self) -> Vec<Call> {
        std::mem::take(&mut *self.0.lock())
    }

    fn push(&self, call: Call) {
        self.0.lock().push(call);
    }
}

struct NullResource {
    info: ResourceInfo,
    backing: Option<Arc<dyn Backing>>,
}

/// A renderer that keeps tables and draws nothing (see the module docs).
#[derive(Default)]
pub struct NullRenderer {
    log: CallLog,
    contexts: HashMap<CtxId, HashSet<ResId>>,
    resources: HashMap<ResId, NullResource>,
    signalled: Vec<u64>,
}

impl std::fmt::Debug for NullRenderer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NullRenderer")
            .field("contexts", &self.contexts.len())
            .field("resources", &self.resources.len())
            .finish_non_exhaustive()
    }
}

impl NullRenderer {
    /// A renderer with no contexts or resources, recording into `log`.
    pub fn new(log: CallLog) -> Self {
        Self {
            log,
            ..Self::default()
        }
    }

    /// Its call log.
    pub fn log(&self) -> CallLog {
        self.log.clone()
    }

    fn resource(&self, id: ResId) -> Result<&NullResource, LookupError> {
        self.resources.get(&id).ok_or(LookupError::NoResource(id))
    }

    fn context(&mut self, ctx: CtxId) -> Result<&mut HashSet<ResId>, LookupError> {
        self.contexts
            .get_mut(&ctx)
            .ok_or(LookupError::NoContext(ctx))
    }

    /// A transfer's checks: the resource exists and has memory to use.
    fn transfer(&self, id: ResId, given: bool) -> Result<(), BackendError<TransferError>> {
        let r = self
            .resources
            .get(&id)
            .ok_or(TransferError::NoResource(id))?;
        if !given && r.backing.is_none() {
            return Err(TransferError::NoBacking(id).into());
        }
        Ok(())
    }
}

impl RendererBackend for NullRenderer {
    /// Both virgl capsets, all zero: nothing is advertised.
    fn capset(&self, id: u32) -> Option<Vec<u8>> {
        let (v1, v2): (CapsV1, CapsV2) = (Zeroable::zeroed(), Zeroable::zeroed());
        match id {
            capset::VIRGL => Some(bytemuck::bytes_of(&v1).to_vec()),
            capset::VIRGL2 => Some(bytemuck::bytes_of(&v2).to_vec()),
            _ => None,
        }
    }

    fn create_context(
        &mut self,
        ctx: CtxId,
        name: &str,
    ) -> Result<(), BackendError<CreateContextError>> {
        self.log.push(Call::CreateContext {
            ctx,
            name: name.to_owned(),
        });
        if self.contexts.contains_key(&ctx) {
            return Err(CreateContextError::Exists(ctx).into());
        }
        self.contexts.insert(ctx, HashSet::new());
        Ok(())
    }

    fn destroy_context(&mut self, ctx: CtxId) -> Result<(), BackendError<LookupError>> {
        self.log.push(Call::DestroyContext(ctx));
        self.contexts
            .remove(&ctx)
            .map(|_| ())
            .ok_or(LookupError::NoContext(ctx).into())
    }

    fn create_resource(
        &mut self,
        id: ResId,
        info: &ResourceInfo,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), BackendError<CreateResourceError>> {
        self.log.push(Call::CreateResource {
            id,
            info: *info,
            backing: backing.as_ref().map(|b| b.len()),
        });
        if id.0 == 0 {
            return Err(CreateResourceError::ZeroId.into());
        }
        if self.resources.contains_key(&id) {
            return Err(CreateResourceError::Exists(id).into());
        }
        self.resources.insert(
            id,
            NullResource {
                info: *info,
                backing,
            },
        );
        Ok(())
    }

    fn resource_info(&self, id: ResId) -> Result<ResourceInfo, BackendError<LookupError>> {
        Ok(self.resource(id)?.info)
    }

    fn set_backing(
        &mut self,
        id: ResId,
        backing: Option<Arc<dyn Backing>>,
    ) -> Result<(), BackendError<LookupError>> {
        self.log.push(Call::SetBacking {
            id,
            backing: backing.as_ref().map(|b| b.len()),
        });
        let r = self
            .resources
            .get_mut(&id)
            .ok_or(LookupError::NoResource(id))?;
        r.backing = backing;
        Ok(())
    }

    fn attach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), BackendError<LookupError>> {
        self.log.push(Call::AttachResource { ctx, id });
        let exists = self.resources.contains_key(&id);
        let attached = self.context(ctx)?;
        if !exists {
            return Err(LookupError::NoResource(id).into());
        }
        attached.insert(id);
        Ok(())
    }

    fn detach_resource(&mut self, ctx: CtxId, id: ResId) -> Result<(), BackendError<LookupError>> {
        self.log.push(Call::DetachResource { ctx, id });
        let exists = self.resources.contains_key(&id);
        let attached = self.context(ctx)?;
        if !exists {
            return Err(LookupError::NoResource(id).into());
        }
        attached.remove(&id);
        Ok(())
    }

    fn unref_resource(&mut self, id: ResId) -> Result<(), BackendError<LookupError>> {
        self.log.push(Call::UnrefResource(id));
        self.resources
            .remove(&id)
            .ok_or(LookupError::NoResource(id))?;
        for attached in self.contexts.values_mut() {
            attached.remove(&id);
        }
        Ok(())
    }

    fn transfer_in(
        &mut self,
        id: ResId,
        t: &TransferBox,
        src: Option<&dyn Backing>,
    ) -> Result<(), BackendError<TransferError>> {
        let given = src.is_some();
        self.log.push(Call::TransferIn { id, t: *t, given });
        self.transfer(id, given)
    }

    fn transfer_out(
        &mut self,
        id: ResId,
        t: &TransferBox,
        dst: Option<&dyn Backing>,
    ) -> Result<(), BackendError<TransferError>> {
        let given = dst.is_some();
        self.log.push(Call::TransferOut { id, t: *t, given });
        self.transfer(id, given)
    }

    /// A black image of level 0, 4 bytes per texel.
    fn read_image(&mut self, id: ResId) -> Result<Image, BackendError<TransferError>> {
        self.log.push(Call::ReadImage(id));
        let info = self
            .resources
            .get(&id)
            .ok_or(TransferError::NoResource(id))?
            .info;
        if info.is_buffer() {
            return Err(TransferError::Unsupported {
                what: "display read-back of a buffer",
                format: info.format,
            }
            .into());
        }
        let (width, height, _) = info.level_extent(0);
        let stride = width.saturating_mul(4);
        let size = usize::try_from(u64::from(stride) * u64::from(height)).map_err(|_| {
            TransferError::TooLarge {
                bytes: u64::from(stride) * u64::from(height),
            }
        })?;
        Ok(Image {
            width,
            height,
            format: info.format,
            stride,
            data: vec![0; size],
        })
    }

    fn submit(&mut self, ctx: CtxId, commands: &[u8]) -> SubmitReport {
        self.log.push(Call::Submit {
            ctx,
            commands: commands.to_vec(),
        });
        let mut report = SubmitReport {
            commands: 0,
            errors: 0,
            failures: Vec::new(),
            outcome: Ok(()),
        };
        if !self.contexts.contains_key(&ctx) {
            report.outcome = Err(SubmitError::NoContext(ctx).into());
            return report;
        }
        for item in Commands::new(commands) {
            match item {
                Ok(_) => report.commands += 1,
                Err(e) => {
                    report.commands = 0;
                    report.outcome = Err(SubmitError::Decode(e).into());
                    break;
                }
            }
        }
        report
    }

    fn create_fence(&mut self, fence_id: u64) {
        self.log.push(Call::CreateFence(fence_id));
        self.signalled.push(fence_id);
    }

    fn poll_fences(&mut self) -> Vec<u64> {
        std::mem::take(&mut self.signalled)
    }

    fn wait(&mut self, timeout: Option<Duration>) -> bool {
        self.log.push(Call::Wait(timeout));
        true
    }

    fn flush_deferred(&mut self) {
        self.log.push(Call::FlushDeferred);
    }
}
