//! The device's view of one split virtqueue: where requests come from,
//! where answers go and whether the driver wants to hear about them.
//!
//! The device model owns the ring state when the VMM hands it ring addresses
//! ([`VirtioGpu::set_queue`](super::VirtioGpu::set_queue), the in-process
//! harness); a host that keeps the rings itself (a vhost-user daemon's
//! vrings) lends them through this trait
//! ([`VirtioGpu::attach_queue`](super::VirtioGpu::attach_queue)), so one
//! request loop serves both.

use virtio_queue::{DescriptorChain, Queue, QueueT};
use vm_memory::GuestMemoryMmap;

/// A split virtqueue the device pops requests from and answers on.
pub trait DeviceQueue: Send {
    /// The next available descriptor chain, if the driver made one available
    /// (`None` too when the queue is not ready).
    fn pop<'m>(&mut self, mem: &'m GuestMemoryMmap)
        -> Option<DescriptorChain<&'m GuestMemoryMmap>>;

    /// Puts chain `head` on the used ring, `len` bytes written.
    fn add_used(
        &mut self,
        mem: &GuestMemoryMmap,
        head: u16,
        len: u32,
    ) -> Result<(), virtio_queue::Error>;

    /// Whether the driver asked to be interrupted for the entries just used
    /// (true when that cannot be read).
    fn needs_notification(&mut self, mem: &GuestMemoryMmap) -> bool;
}

impl DeviceQueue for Queue {
    fn pop<'m>(
        &mut self,
        mem: &'m GuestMemoryMmap,
    ) -> Option<DescriptorChain<&'m GuestMemoryMmap>> {
        self.pop_descriptor_chain(mem)
    }

    fn add_used(
        &mut self,
        mem: &GuestMemoryMmap,
        head: u16,
        len: u32,
    ) -> Result<(), virtio_queue::Error> {
        QueueT::add_used(self, mem, head, len)
    }

    fn needs_notification(&mut self, mem: &GuestMemoryMmap) -> bool {
        QueueT::needs_notification(self, mem).unwrap_or(true)
    }
}
