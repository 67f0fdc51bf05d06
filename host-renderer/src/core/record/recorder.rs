//! What recording one command may touch: the device, the pending work, the
//! resource table as the submitting context sees it, and the caches.

use super::caches::Caches;
use super::work::Work;
use crate::core::base::error::CommandError;
use crate::core::base::ids::ResId;
use crate::core::gpu::device::Gpu;
use crate::core::resources::table::{Resource, ResourceTable};
use crate::core::validate::resource::attached;
use std::collections::HashSet;

/// The renderer's parts a command records with.
pub(crate) struct Recorder<'a> {
    /// The device.
    pub gpu: &'a Gpu,
    /// Pending GPU work.
    pub work: &'a mut Work,
    /// All resources.
    pub resources: &'a mut ResourceTable,
    /// The renderer's caches.
    pub caches: &'a mut Caches,
    /// Resources attached to the submitting context.
    pub attached: &'a HashSet<ResId>,
}

impl Recorder<'_> {
    /// Resource `handle`, if it is attached to the submitting context.
    pub fn resource(&self, handle: u32) -> Result<&Resource, CommandError> {
        attached(self.resources, self.attached, handle)
    }
}
