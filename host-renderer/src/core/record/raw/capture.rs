//! Capture buffers: wgpu cannot give a buffer the transform-feedback usage,
//! so each capturing draw writes into a buffer made here on the raw device
//! (`TRANSFORM_FEEDBACK_BUFFER | TRANSFORM_FEEDBACK_COUNTER_BUFFER |
//! TRANSFER_SRC`: geometry shaders' counters go after the regions) and
//! handed to wgpu, which
//! owns it from then on (frees it and its memory once unused) and copies
//! from it like from any buffer of its own.

use crate::core::base::error::RawError;
use crate::core::gpu::raw::RawDevice;
use ash::vk;
use wgpu::hal::api::Vulkan;

/// A capture buffer of `size` bytes (a multiple of 4, not 0).
pub fn capture_buffer(
    raw: &RawDevice,
    device: &wgpu::Device,
    size: u64,
) -> Result<wgpu::Buffer, RawError> {
    let dev = raw.device();
    let vulkan = |what| move |result| RawError::Vulkan { what, result };
    let info = vk::BufferCreateInfo::default()
        .size(size)
        .usage(
            vk::BufferUsageFlags::TRANSFORM_FEEDBACK_BUFFER_EXT
                | vk::BufferUsageFlags::TRANSFORM_FEEDBACK_COUNTER_BUFFER_EXT
                | vk::BufferUsageFlags::TRANSFER_SRC,
        )
        .sharing_mode(vk::SharingMode::EXCLUSIVE);
    // SAFETY: `info` is complete; the device is alive.
    let buffer = unsafe { dev.create_buffer(&info, None) }.map_err(vulkan("vkCreateBuffer"))?;
    // SAFETY: `buffer` was just created from `dev`.
    let needs = unsafe { dev.get_buffer_memory_requirements(buffer) };
    let memory_type = raw
        .memory_type(
            needs.memory_type_bits,
            vk::MemoryPropertyFlags::DEVICE_LOCAL,
        )
        .or_else(|| raw.memory_type(needs.memory_type_bits, vk::MemoryPropertyFlags::empty()));
    let memory = memory_type
        .ok_or(RawError::Missing("memory type for a capture buffer"))
        .and_then(|t| {
            let alloc = vk::MemoryAllocateInfo::default()
                .allocation_size(needs.size)
                .memory_type_index(t);
            // SAFETY: the type index comes from the buffer's requirements.
            unsafe { dev.allocate_memory(&alloc, None) }.map_err(vulkan("vkAllocateMemory"))
        })
        .and_then(|memory| {
            // SAFETY: fresh buffer and memory of the required size and type.
            match unsafe { dev.bind_buffer_memory(buffer, memory, 0) } {
                Ok(()) => Ok(memory),
                Err(e) => {
                    // SAFETY: unused memory, freed once.
                    unsafe { dev.free_memory(memory, None) };
                    Err(vulkan("vkBindBufferMemory")(e))
                }
            }
        });
    let memory = match memory {
        Ok(m) => m,
        Err(e) => {
            // SAFETY: the buffer is used by nothing and destroyed once.
            unsafe { dev.destroy_buffer(buffer, None) };
            return Err(e);
        }
    };
    // SAFETY: `buffer` is bound to all of `memory` (`needs.size` bytes);
    // wgpu-hal takes ownership of both and frees them once the wgpu buffer
    // is dropped and no submission uses it. It is never mapped.
    let hal = unsafe { wgpu::hal::vulkan::Buffer::from_raw_managed(buffer, memory, 0, needs.size) };
    // SAFETY: `hal` was created on the device under `device` with the
    // usages the descriptor names (a copy source).
    Ok(unsafe {
        device.create_buffer_from_hal::<Vulkan>(
            hal,
            &wgpu::BufferDescriptor {
                label: Some("capture"),
                size,
                usage: wgpu::BufferUsages::COPY_SRC,
                mapped_at_creation: false,
            },
        )
    })
}
