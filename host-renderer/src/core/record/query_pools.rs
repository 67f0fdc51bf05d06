//! Query sets of a renderer, one per query type, with a free list of slots
//! (each active query takes a slot per draw or timestamp).

use crate::core::base::error::CommandError;

/// Slots per query set.
pub const SLOTS: u32 = 4096;

/// A query set with a free list of slots.
pub struct SlotPool {
    /// The wgpu set.
    pub set: wgpu::QuerySet,
    free: Vec<u32>,
}

impl SlotPool {
    fn new(device: &wgpu::Device, ty: wgpu::QueryType) -> Self {
        Self {
            set: device.create_query_set(&wgpu::QuerySetDescriptor {
                label: None,
                ty,
                count: SLOTS,
            }),
            free: (0..SLOTS).rev().collect(),
        }
    }

    /// A free slot.
    pub fn alloc(&mut self) -> Result<u32, CommandError> {
        self.free.pop().ok_or(CommandError::OutOfRange {
            what: "query slots in flight",
            value: u64::from(SLOTS),
        })
    }

    /// Returns slots.
    pub fn release(&mut self, slots: &mut Vec<u32>) {
        self.free.append(slots);
    }
}

/// The renderer's query sets.
#[derive(Default)]
pub struct Queries {
    occlusion: Option<SlotPool>,
    timestamp: Option<SlotPool>,
}

impl Queries {
    /// The occlusion pool (created on first use).
    pub fn occlusion(&mut self, device: &wgpu::Device) -> &mut SlotPool {
        self.occlusion
            .get_or_insert_with(|| SlotPool::new(device, wgpu::QueryType::Occlusion))
    }

    /// The occlusion set, if created (render passes attach it).
    pub fn occlusion_set(&self) -> Option<&wgpu::QuerySet> {
        self.occlusion.as_ref().map(|p| &p.set)
    }

    /// The timestamp pool (created on first use).
    pub fn timestamp(&mut self, device: &wgpu::Device) -> &mut SlotPool {
        self.timestamp
            .get_or_insert_with(|| SlotPool::new(device, wgpu::QueryType::Timestamp))
    }
}
