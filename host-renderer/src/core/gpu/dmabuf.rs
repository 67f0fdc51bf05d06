//! Scanout textures whose memory can leave the process as a Linux dmabuf,
//! so that a VMM's display (QEMU's `DMABUF_SCANOUT`) shows them without a
//! read-back.
//!
//! Where the Vulkan device has `VK_KHR_external_memory_fd` and
//! `VK_EXT_external_memory_dma_buf` ([`raw::open`](super::raw::open) enables
//! them), a resource the guest created for scanout gets a single-level,
//! linear 2D image on dedicated, exportable memory, handed to wgpu as a hal
//! texture (wgpu-hal frees the image and memory with it). Linear tiling keeps
//! the layout one stride and one offset, which every importer understands
//! (modifier `DRM_FORMAT_MOD_LINEAR`). Devices without the extensions
//! (lavapipe) have no exporter and scanouts go as pixels.

use ash::vk;
use guest_protocol::virgl::Format;
use std::os::fd::{FromRawFd, OwnedFd};
use wgpu::hal::api::Vulkan;

/// `DRM_FORMAT_MOD_LINEAR`.
pub const MODIFIER_LINEAR: u64 = 0;

/// A dmabuf of a scanout resource's level 0, as a display imports it.
#[derive(Debug)]
pub struct Dmabuf {
    /// The dmabuf (a new file descriptor each export).
    pub fd: OwnedFd,
    /// Width in pixels.
    pub width: u32,
    /// Height in pixels.
    pub height: u32,
    /// Bytes per row.
    pub stride: u32,
    /// Byte offset of the first row.
    pub offset: u32,
    /// DRM fourcc of the pixel format.
    pub fourcc: u32,
    /// DRM format modifier.
    pub modifier: u64,
}

/// The exportable memory under one scanout texture (owned by the texture).
#[derive(Clone, Copy, Debug)]
pub struct ScanoutMemory {
    memory: vk::DeviceMemory,
    width: u32,
    height: u32,
    stride: u32,
    offset: u32,
    fourcc: u32,
}

const fn fourcc(code: &[u8; 4]) -> u32 {
    u32::from_le_bytes(*code)
}

/// The DRM fourcc of a virgl scanout format (byte order in memory, as DRM
/// names it from the most significant end), `None` for formats a display
/// does not take.
pub fn drm_fourcc(format: Format) -> Option<u32> {
    Some(match format {
        Format::B8G8R8A8_UNORM => fourcc(b"AR24"),
        Format::B8G8R8X8_UNORM => fourcc(b"XR24"),
        Format::R8G8B8A8_UNORM => fourcc(b"AB24"),
        Format::R8G8B8X8_UNORM => fourcc(b"XB24"),
        _ => return None,
    })
}

/// Creates and exports scanout memory on a device that can (see the
/// module docs).
pub struct DmabufExporter {
    instance: ash::Instance,
    phys: vk::PhysicalDevice,
    device: ash::Device,
    external_fd: ash::khr::external_memory_fd::Device,
    adapter: wgpu::Adapter,
}

impl std::fmt::Debug for DmabufExporter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DmabufExporter").finish_non_exhaustive()
    }
}

impl DmabufExporter {
    /// The exporter of `device`, opened by [`raw::open`](super::raw::open)
    /// with the dmabuf extensions (`enabled`); `None` without them.
    pub fn new(adapter: &wgpu::Adapter, device: &wgpu::Device, enabled: bool) -> Option<Self> {
        if !enabled {
            return None;
        }
        // SAFETY: the hal objects are only read here for handles that stay
        // valid while `device` lives; the exporter lives in the same `Gpu`.
        let hal_device = unsafe { device.as_hal::<Vulkan>() }?;
        // SAFETY: as above.
        let hal_adapter = unsafe { adapter.as_hal::<Vulkan>() }?;
        let instance = hal_adapter.shared_instance().raw_instance().clone();
        let raw = hal_device.raw_device().clone();
        let external_fd = ash::khr::external_memory_fd::Device::new(&instance, &raw);
        Some(Self {
            phys: hal_adapter.raw_physical_device(),
            instance,
            device: raw,
            external_fd,
            adapter: adapter.clone(),
        })
    }

    /// A texture for `desc` (2D, one level, one sample, one layer) on
    /// exportable memory with `fourcc`, cleared later by the caller; `None`
    /// when the device cannot export such an image.
    pub fn create_texture(
        &self,
        device: &wgpu::Device,
        desc: &wgpu::TextureDescriptor<'_>,
        fourcc: u32,
    ) -> Result<Option<(wgpu::Texture, ScanoutMemory)>, vk::Result> {
        if desc.dimension != wgpu::TextureDimension::D2
            || desc.mip_level_count != 1
            || desc.sample_count != 1
            || desc.size.depth_or_array_layers != 1
        {
            return Ok(None);
        }
        // SAFETY: only a format mapping is asked of the hal adapter.
        let format = unsafe { self.adapter.as_hal::<Vulkan>() }
            .map_or(vk::Format::UNDEFINED, |a| {
                a.texture_format_as_raw(desc.format)
            });
        let usage = vk::ImageUsageFlags::COLOR_ATTACHMENT
            | vk::ImageUsageFlags::TRANSFER_SRC
            | vk::ImageUsageFlags::TRANSFER_DST
            | vk::ImageUsageFlags::SAMPLED;
        let flags = if desc.view_formats.is_empty() {
            vk::ImageCreateFlags::empty()
        } else {
            vk::ImageCreateFlags::MUTABLE_FORMAT
        };
        if !self.exportable(format, usage, flags)? {
            return Ok(None);
        }
        let handle = vk::ExternalMemoryHandleTypeFlags::DMA_BUF_EXT;
        let mut external = vk::ExternalMemoryImageCreateInfo::default().handle_types(handle);
        let info = vk::ImageCreateInfo::default()
            .push_next(&mut external)
            .flags(flags)
            .image_type(vk::ImageType::TYPE_2D)
            .format(format)
            .extent(vk::Extent3D {
                width: desc.size.width,
                height: desc.size.height,
                depth: 1,
            })
            .mip_levels(1)
            .array_layers(1)
            .samples(vk::SampleCountFlags::TYPE_1)
            .tiling(vk::ImageTiling::LINEAR)
            .usage(usage)
            .sharing_mode(vk::SharingMode::EXCLUSIVE)
            .initial_layout(vk::ImageLayout::UNDEFINED);
        // SAFETY: `info` describes an image the device reported exportable
        // for these parameters; every pointer in it lives until the call
        // returns.
        let image = unsafe { self.device.create_image(&info, None) }?;
        let memory = match self.bind_memory(image) {
            Ok(memory) => memory,
            Err(e) => {
                // SAFETY: the image was created above and is used nowhere.
                unsafe { self.device.destroy_image(image, None) };
                return Err(e);
            }
        };
        let subresource = vk::ImageSubresource {
            aspect_mask: vk::ImageAspectFlags::COLOR,
            mip_level: 0,
            array_layer: 0,
        };
        // SAFETY: a linear image with bound memory, its colour aspect.
        let layout = unsafe { self.device.get_image_subresource_layout(image, subresource) };
        let Some(texture) = self.wrap(device, desc, image, memory) else {
            return Ok(None);
        };
        let (Ok(stride), Ok(offset)) = (
            u32::try_from(layout.row_pitch),
            u32::try_from(layout.offset),
        ) else {
            return Ok(None);
        };
        Ok(Some((
            texture,
            ScanoutMemory {
                memory,
                width: desc.size.width,
                height: desc.size.height,
                stride,
                offset,
                fourcc,
            },
        )))
    }

    /// A new dmabuf file descriptor for `memory`.
    pub fn export(&self, memory: &ScanoutMemory) -> Result<Dmabuf, vk::Result> {
        let info = vk::MemoryGetFdInfoKHR::default()
            .memory(memory.memory)
            .handle_type(vk::ExternalMemoryHandleTypeFlags::DMA_BUF_EXT);
        // SAFETY: the memory was allocated exportable as a dmabuf and lives
        // as long as its texture, which the caller holds.
        let raw = unsafe { self.external_fd.get_memory_fd(&info) }?;
        // SAFETY: vkGetMemoryFdKHR returns a new descriptor that the caller
        // owns and must close.
        let fd = unsafe { OwnedFd::from_raw_fd(raw) };
        Ok(Dmabuf {
            fd,
            width: memory.width,
            height: memory.height,
            stride: memory.stride,
            offset: memory.offset,
            fourcc: memory.fourcc,
            modifier: MODIFIER_LINEAR,
        })
    }

    /// True when a linear image of `format` with `usage` can be exported as
    /// a dmabuf.
    fn exportable(
        &self,
        format: vk::Format,
        usage: vk::ImageUsageFlags,
        flags: vk::ImageCreateFlags,
    ) -> Result<bool, vk::Result> {
        if format == vk::Format::UNDEFINED {
            return Ok(false);
        }
        let mut external_info = vk::PhysicalDeviceExternalImageFormatInfo::default()
            .handle_type(vk::ExternalMemoryHandleTypeFlags::DMA_BUF_EXT);
        let info = vk::PhysicalDeviceImageFormatInfo2::default()
            .push_next(&mut external_info)
            .format(format)
            .ty(vk::ImageType::TYPE_2D)
            .tiling(vk::ImageTiling::LINEAR)
            .usage(usage)
            .flags(flags);
        let mut external = vk::ExternalImageFormatProperties::default();
        let mut props = vk::ImageFormatProperties2::default().push_next(&mut external);
        // SAFETY: `phys` belongs to `instance`; both chains hold valid
        // structs of extensions the device has enabled.
        let result = unsafe {
            self.instance
                .get_physical_device_image_format_properties2(self.phys, &info, &mut props)
        };
        match result {
            Ok(()) => {}
            Err(vk::Result::ERROR_FORMAT_NOT_SUPPORTED) => return Ok(false),
            Err(e) => return Err(e),
        }
        let features = external.external_memory_properties.external_memory_features;
        Ok(features.contains(vk::ExternalMemoryFeatureFlags::EXPORTABLE))
    }

    /// Allocates dedicated exportable memory for `image` (device-local where
    /// a fitting type is) and binds it.
    fn bind_memory(&self, image: vk::Image) -> Result<vk::DeviceMemory, vk::Result> {
        // SAFETY: `image` was created on this device.
        let needs = unsafe { self.device.get_image_memory_requirements(image) };
        // SAFETY: `phys` belongs to `instance`.
        let types = unsafe {
            self.instance
                .get_physical_device_memory_properties(self.phys)
        };
        let fits = |i: u32, want: vk::MemoryPropertyFlags| {
            needs.memory_type_bits & (1 << i) != 0
                && types
                    .memory_types
                    .get(i as usize)
                    .is_some_and(|t| t.property_flags.contains(want))
        };
        let count = types.memory_type_count.min(vk::MAX_MEMORY_TYPES as u32);
        let index = (0..count)
            .find(|&i| fits(i, vk::MemoryPropertyFlags::DEVICE_LOCAL))
            .or_else(|| (0..count).find(|&i| fits(i, vk::MemoryPropertyFlags::empty())))
            .ok_or(vk::Result::ERROR_OUT_OF_DEVICE_MEMORY)?;
        let mut export = vk::ExportMemoryAllocateInfo::default()
            .handle_types(vk::ExternalMemoryHandleTypeFlags::DMA_BUF_EXT);
        let mut dedicated = vk::MemoryDedicatedAllocateInfo::default().image(image);
        let info = vk::MemoryAllocateInfo::default()
            .push_next(&mut export)
            .push_next(&mut dedicated)
            .allocation_size(needs.size)
            .memory_type_index(index);
        // SAFETY: `info` asks for a memory type the image accepts; the
        // chained structs live until the call returns.
        let memory = unsafe { self.device.allocate_memory(&info, None) }?;
        // SAFETY: fresh memory of the image's required size, offset 0.
        if let Err(e) = unsafe { self.device.bind_image_memory(image, memory, 0) } {
            // SAFETY: the memory is bound to nothing.
            unsafe { self.device.free_memory(memory, None) };
            return Err(e);
        }
        Ok(memory)
    }

    /// Hands `image` and its dedicated `memory` to wgpu (which destroys
    /// both with the texture); `None` (both released) when the device is
    /// not a Vulkan one.
    fn wrap(
        &self,
        device: &wgpu::Device,
        desc: &wgpu::TextureDescriptor<'_>,
        image: vk::Image,
        memory: vk::DeviceMemory,
    ) -> Option<wgpu::Texture> {
        let hal_desc = wgpu::hal::TextureDescriptor {
            label: desc.label,
            size: desc.size,
            mip_level_count: 1,
            sample_count: 1,
            dimension: desc.dimension,
            format: desc.format,
            usage: wgpu::TextureUses::COLOR_TARGET
                | wgpu::TextureUses::COPY_SRC
                | wgpu::TextureUses::COPY_DST
                | wgpu::TextureUses::RESOURCE,
            memory_flags: wgpu::hal::MemoryFlags::empty(),
            view_formats: desc.view_formats.to_vec(),
        };
        // SAFETY: the hal device outlives this call; the hal texture takes
        // ownership of `image` (no drop callback) and `memory` (dedicated).
        let hal_texture = unsafe {
            device.as_hal::<Vulkan>().map(|d| {
                d.texture_from_raw(
                    image,
                    &hal_desc,
                    None,
                    wgpu::hal::vulkan::TextureMemory::Dedicated(memory),
                )
            })
        };
        match hal_texture {
            // SAFETY: the image was created with the usages and format of
            // `desc`, bound to memory, and is in no queue's use yet.
            Some(t) => Some(unsafe {
                device.create_texture_from_hal::<Vulkan>(t, desc, wgpu::TextureUses::UNINITIALIZED)
            }),
            None => {
                // SAFETY: neither was handed to anything.
                unsafe {
                    self.device.destroy_image(image, None);
                    self.device.free_memory(memory, None);
                }
                None
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scanout_formats_have_drm_fourccs() {
        // DRM's codes: fourcc_code('A','R','2','4') = 0x34325241, …
        assert_eq!(drm_fourcc(Format::B8G8R8A8_UNORM), Some(0x3432_5241));
        assert_eq!(drm_fourcc(Format::B8G8R8X8_UNORM), Some(0x3432_5258));
        assert_eq!(drm_fourcc(Format::R8G8B8A8_UNORM), Some(0x3432_4241));
        assert_eq!(drm_fourcc(Format::R8G8B8X8_UNORM), Some(0x3432_4258));
        assert_eq!(drm_fourcc(Format::Z24_UNORM_S8_UINT), None);
    }
}
