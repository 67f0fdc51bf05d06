//! A vhost-user daemon's vring lent to the device model as its
//! [`DeviceQueue`]: the daemon keeps the ring state (size, addresses,
//! base from QEMU's SET_VRING_* requests; the index it reports back in
//! GET_VRING_BASE), the device pops and answers through it.

use crate::virtio::DeviceQueue;
use vhost_user_backend::{VringRwLock, VringT};
use virtio_queue::DescriptorChain;
use vm_memory::GuestMemoryMmap;

/// One of the daemon's vrings (a shared handle).
pub struct Vring(pub VringRwLock);

impl DeviceQueue for Vring {
    fn pop<'m>(
        &mut self,
        mem: &'m GuestMemoryMmap,
    ) -> Option<DescriptorChain<&'m GuestMemoryMmap>> {
        // A vring QEMU stopped (GET_VRING_BASE) is not ready: nothing pops.
        DeviceQueue::pop(self.0.get_mut().get_queue_mut(), mem)
    }

    fn add_used(
        &mut self,
        mem: &GuestMemoryMmap,
        head: u16,
        len: u32,
    ) -> Result<(), virtio_queue::Error> {
        DeviceQueue::add_used(self.0.get_mut().get_queue_mut(), mem, head, len)
    }

    fn needs_notification(&mut self, mem: &GuestMemoryMmap) -> bool {
        DeviceQueue::needs_notification(self.0.get_mut().get_queue_mut(), mem)
    }
}
