//! A guest-side virtio-gpu 3D driver on `virtio-drivers` (feature `driver`,
//! `no_std` + `alloc`): feature negotiation (VIRGL required), capsets,
//! contexts, resources, backing pages, SUBMIT_3D, transfers and fences.
//!
//! Requests are encoded with [`GpuCommand::encode`] into one device-readable
//! buffer, responses land in one device-writable buffer (both shared with
//! the device through the [`Hal`]). Every request may be sent without
//! waiting ([`Gpu3d::send`] returns a [`Ticket`]); [`Gpu3d::wait`] pops used
//! buffers in whatever order the device returns them (fenced responses come
//! back when their GPU work is done) and calls the idle hook while nothing
//! is used, so a hosted guest can sleep on its interrupt instead of spinning.

use alloc::boxed::Box;
use alloc::collections::BTreeMap;
use alloc::vec;
use alloc::vec::Vec;
use core::ptr::NonNull;

use virtio_drivers::queue::VirtQueue;
use virtio_drivers::transport::{DeviceStatus, DeviceType, Transport};
use virtio_drivers::{BufferDirection, Hal, PAGE_SIZE};

use super::protocol::*;
use super::{Error, GpuCommand, GpuResponse};
use crate::le::{Le32, Le64};

/// Descriptors per queue.
pub const QUEUE_SIZE: usize = 64;
/// `VIRTIO_F_VERSION_1`.
const F_VERSION_1: u64 = 1 << 32;
/// Features the driver accepts when offered.
const WANTED: u64 = 1 << F_VIRGL | 1 << F_EDID | 1 << F_CONTEXT_INIT | F_VERSION_1;

/// Why a driver operation failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum DriverError {
    /// The transport or queue failed.
    #[error("virtio: {0}")]
    Virtio(#[from] virtio_drivers::Error),
    /// The device is not a GPU, or offers no 3D (`VIRTIO_GPU_F_VIRGL`).
    #[error("the device is not a virtio-gpu with VIRGL")]
    NoVirgl,
    /// The device refused FEATURES_OK.
    #[error("the device did not accept the features")]
    Features,
    /// The device answered with an error or an unexpected response.
    #[error("{cmd}: the device answered {resp}")]
    Response {
        /// The request type.
        cmd: CtrlType,
        /// The response type.
        resp: CtrlType,
    },
    /// The response could not be decoded.
    #[error(transparent)]
    Decode(#[from] Error),
    /// No request with this ticket is in flight.
    #[error("no request with ticket {0}")]
    UnknownTicket(u64),
}

/// A request in flight (or answered, until [`Gpu3d::wait`] takes it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct Ticket(pub u64);

/// One answered request: the used bytes of its response buffer.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reply {
    /// The request type.
    pub cmd: CtrlType,
    /// The response bytes.
    pub bytes: Vec<u8>,
}

impl Reply {
    /// The decoded response.
    pub fn response(&self) -> Result<(CtrlHdr, GpuResponse<'_>), DriverError> {
        Ok(GpuResponse::decode(&self.bytes)?)
    }

    /// `Ok` for `RESP_OK_NODATA`, else the error response.
    pub fn ok(&self) -> Result<(), DriverError> {
        match self.response()? {
            (_, GpuResponse::OkNoData) => Ok(()),
            (hdr, _) => Err(self.unexpected(&hdr)),
        }
    }

    fn unexpected(&self, hdr: &CtrlHdr) -> DriverError {
        DriverError::Response {
            cmd: self.cmd,
            resp: hdr.ctrl_type(),
        }
    }
}

struct InFlight {
    ticket: Ticket,
    cmd: CtrlType,
    request: Vec<u8>,
    response: Vec<u8>,
}

/// Guest pages for a resource's backing (or anything the device reads or
/// writes), allocated through the [`Hal`] and freed on drop.
pub struct DmaBuffer<H: Hal> {
    paddr: u64,
    vaddr: NonNull<u8>,
    pages: usize,
    len: usize,
    _hal: core::marker::PhantomData<H>,
}

// SAFETY: the buffer owns its pages; accesses copy through raw pointers
// inside bounds (the device may write them concurrently: plain bytes).
unsafe impl<H: Hal> Send for DmaBuffer<H> {}

impl<H: Hal> DmaBuffer<H> {
    /// `len` (> 0) bytes of zeroed DMA memory.
    pub fn new(len: usize) -> Result<Self, DriverError> {
        let pages = len.div_ceil(PAGE_SIZE).max(1);
        let (paddr, vaddr) = H::dma_alloc(pages, BufferDirection::Both);
        if paddr == 0 {
            return Err(DriverError::Virtio(virtio_drivers::Error::DmaError));
        }
        Ok(Self {
            paddr,
            vaddr,
            pages,
            len,
            _hal: core::marker::PhantomData,
        })
    }

    /// Size in bytes.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when empty.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Guest-physical address of the first byte.
    pub fn paddr(&self) -> u64 {
        self.paddr
    }

    /// The memory entry for ATTACH_BACKING (one contiguous range).
    pub fn entry(&self) -> MemEntry {
        MemEntry {
            addr: Le64::new(self.paddr),
            length: Le32::new(self.len as u32),
            padding: Le32::new(0),
        }
    }

    /// Copies `src` to `offset`; false when out of range.
    pub fn write(&self, offset: usize, src: &[u8]) -> bool {
        if offset.checked_add(src.len()).is_none_or(|e| e > self.len) {
            return false;
        }
        // SAFETY: `offset..offset + src.len()` is inside our allocation
        // (checked) and `src` is other memory.
        unsafe {
            core::ptr::copy_nonoverlapping(src.as_ptr(), self.vaddr.as_ptr().add(offset), src.len())
        };
        true
    }

    /// Copies `dst.len()` bytes from `offset`; false when out of range.
    pub fn read(&self, offset: usize, dst: &mut [u8]) -> bool {
        if offset.checked_add(dst.len()).is_none_or(|e| e > self.len) {
            return false;
        }
        // SAFETY: as in `write`, reversed.
        unsafe {
            core::ptr::copy_nonoverlapping(
                self.vaddr.as_ptr().add(offset),
                dst.as_mut_ptr(),
                dst.len(),
            )
        };
        true
    }
}

impl<H: Hal> Drop for DmaBuffer<H> {
    fn drop(&mut self) {
        // SAFETY: exactly the allocation made in `new`, no longer used.
        unsafe { H::dma_dealloc(self.paddr, self.vaddr, self.pages) };
    }
}

/// The driver: one control queue (0) and the cursor queue (1).
pub struct Gpu3d<H: Hal, T: Transport> {
    transport: T,
    control: VirtQueue<H, QUEUE_SIZE>,
    cursor: VirtQueue<H, QUEUE_SIZE>,
    in_flight: BTreeMap<u16, InFlight>,
    answered: BTreeMap<Ticket, Reply>,
    next_ticket: u64,
    next_fence: u64,
    features: u64,
    num_capsets: u32,
    idle: Box<dyn FnMut() + Send>,
}

impl<H: Hal, T: Transport> Gpu3d<H, T> {
    /// Initialises the device behind `transport`: VIRGL is required; EDID
    /// and CONTEXT_INIT are taken when offered.
    pub fn new(mut transport: T) -> Result<Self, DriverError> {
        if transport.device_type() != DeviceType::GPU {
            return Err(DriverError::NoVirgl);
        }
        transport.set_status(DeviceStatus::empty());
        transport.set_status(DeviceStatus::ACKNOWLEDGE | DeviceStatus::DRIVER);
        let offered = transport.read_device_features();
        if offered & (1 << F_VIRGL) == 0 {
            transport.set_status(DeviceStatus::FAILED);
            return Err(DriverError::NoVirgl);
        }
        let features = offered & WANTED;
        transport.write_driver_features(features);
        let ok = DeviceStatus::ACKNOWLEDGE | DeviceStatus::DRIVER | DeviceStatus::FEATURES_OK;
        transport.set_status(ok);
        if !transport.get_status().contains(DeviceStatus::FEATURES_OK) {
            transport.set_status(DeviceStatus::FAILED);
            return Err(DriverError::Features);
        }
        let control = VirtQueue::new(&mut transport, CONTROLQ, false, false)?;
        let cursor = VirtQueue::new(&mut transport, CURSORQ, false, false)?;
        let num_capsets: u32 = transport.read_config_space(12)?;
        transport.finish_init();
        Ok(Self {
            transport,
            control,
            cursor,
            in_flight: BTreeMap::new(),
            answered: BTreeMap::new(),
            next_ticket: 1,
            next_fence: 1,
            features,
            num_capsets,
            idle: Box::new(core::hint::spin_loop),
        })
    }

    /// Replaces what [`wait`](Self::wait) does while nothing is used
    /// (default: a spin-loop hint), e.g. sleeping until the interrupt.
    pub fn set_idle(&mut self, idle: Box<dyn FnMut() + Send>) {
        self.idle = idle;
    }

    /// The negotiated feature bits.
    pub fn features(&self) -> u64 {
        self.features
    }

    /// `num_capsets` from the config space.
    pub fn num_capsets(&self) -> u32 {
        self.num_capsets
    }

    /// The transport (to read config or acknowledge interrupts).
    pub fn transport_mut(&mut self) -> &mut T {
        &mut self.transport
    }

    /// A fresh, increasing fence id.
    pub fn next_fence_id(&mut self) -> u64 {
        let id = self.next_fence;
        self.next_fence += 1;
        id
    }

    /// A request header: fenced with a fresh id when `fenced`, on ring
    /// `ring` of the context when given.
    pub fn header(&mut self, ctx: u32, fenced: bool, ring: Option<u8>) -> CtrlHdr {
        let mut flags = 0;
        let mut fence_id = 0;
        if fenced {
            flags |= FLAG_FENCE;
            fence_id = self.next_fence_id();
        }
        if ring.is_some() {
            flags |= FLAG_INFO_RING_IDX;
        }
        CtrlHdr::new(
            CtrlType::UNDEFINED,
            HdrFields {
                flags,
                fence_id,
                ctx_id: ctx,
                ring_idx: ring.unwrap_or(0),
            },
        )
    }

    /// Queues `cmd` on the control queue with room for `response_len` bytes
    /// of response, and notifies the device.
    pub fn send(
        &mut self,
        cmd: &GpuCommand<'_>,
        response_len: usize,
    ) -> Result<Ticket, DriverError> {
        let mut request = Vec::with_capacity(cmd.encoded_len());
        cmd.encode(&mut request);
        self.send_bytes(cmd.ctrl_type(), request, response_len)
    }

    /// Queues request bytes as they are (for tests of the device's checks).
    pub fn send_bytes(
        &mut self,
        cmd: CtrlType,
        request: Vec<u8>,
        response_len: usize,
    ) -> Result<Ticket, DriverError> {
        let mut response = vec![0u8; response_len.max(core::mem::size_of::<CtrlHdr>())];
        // SAFETY: the buffers are heap allocations owned by `in_flight`
        // until `pop_used` returns them (moving a Vec does not move its
        // heap memory), and nothing else touches them meanwhile.
        let token = unsafe { self.control.add(&[&request], &mut [&mut response]) }?;
        let ticket = Ticket(self.next_ticket);
        self.next_ticket += 1;
        self.in_flight.insert(
            token,
            InFlight {
                ticket,
                cmd,
                request,
                response,
            },
        );
        if self.control.should_notify() {
            self.transport.notify(CONTROLQ);
        }
        Ok(ticket)
    }

    /// Waits for the reply to `ticket`.
    pub fn wait(&mut self, ticket: Ticket) -> Result<Reply, DriverError> {
        loop {
            if let Some(r) = self.answered.remove(&ticket) {
                return Ok(r);
            }
            if !self.in_flight.values().any(|f| f.ticket == ticket) {
                return Err(DriverError::UnknownTicket(ticket.0));
            }
            if !self.pop_control()? {
                (self.idle)();
            }
        }
    }

    /// Takes replies already used by the device; true when one came.
    pub fn pop_control(&mut self) -> Result<bool, DriverError> {
        let mut any = false;
        while let Some(token) = self.control.peek_used() {
            let Some(mut f) = self.in_flight.remove(&token) else {
                return Err(DriverError::Virtio(virtio_drivers::Error::WrongToken));
            };
            // SAFETY: the same buffers that were added with this token.
            let len = unsafe {
                self.control
                    .pop_used(token, &[&f.request], &mut [&mut f.response])
            }?;
            f.response.truncate(len as usize);
            self.answered.insert(
                f.ticket,
                Reply {
                    cmd: f.cmd,
                    bytes: f.response,
                },
            );
            any = true;
        }
        Ok(any)
    }

    /// Sends `cmd` and waits for its reply.
    pub fn call(
        &mut self,
        cmd: &GpuCommand<'_>,
        response_len: usize,
    ) -> Result<Reply, DriverError> {
        let t = self.send(cmd, response_len)?;
        self.wait(t)
    }

    fn call_ok(&mut self, cmd: &GpuCommand<'_>) -> Result<(), DriverError> {
        self.call(cmd, core::mem::size_of::<CtrlHdr>())?.ok()
    }

    /// GET_DISPLAY_INFO: the scanouts.
    pub fn display_info(&mut self) -> Result<[DisplayOne; MAX_SCANOUTS], DriverError> {
        let hdr = self.header(0, false, None);
        let r = self.call(
            &GpuCommand::GetDisplayInfo(&hdr),
            core::mem::size_of::<RespDisplayInfo>(),
        )?;
        match r.response()? {
            (_, GpuResponse::OkDisplayInfo(m)) => Ok(*m),
            (h, _) => Err(r.unexpected(&h)),
        }
    }

    /// GET_CAPSET_INFO of `index`: `(id, max_version, max_size)`.
    pub fn capset_info(&mut self, index: u32) -> Result<(CapsetId, u32, u32), DriverError> {
        let c = GetCapsetInfo {
            hdr: self.header(0, false, None),
            capset_index: Le32::new(index),
            padding: Le32::new(0),
        };
        let r = self.call(
            &GpuCommand::GetCapsetInfo(&c),
            core::mem::size_of::<RespCapsetInfo>(),
        )?;
        match r.response()? {
            (
                _,
                GpuResponse::OkCapsetInfo {
                    capset_id,
                    max_version,
                    max_size,
                },
            ) => Ok((capset_id, max_version, max_size)),
            (h, _) => Err(r.unexpected(&h)),
        }
    }

    /// GET_CAPSET: the capset bytes (`size` from [`capset_info`](Self::capset_info)).
    pub fn capset(
        &mut self,
        id: CapsetId,
        version: u32,
        size: u32,
    ) -> Result<Vec<u8>, DriverError> {
        let c = GetCapset {
            hdr: self.header(0, false, None),
            capset_id: Le32::new(id.0),
            capset_version: Le32::new(version),
        };
        let len = core::mem::size_of::<RespCapset>() + size as usize;
        let r = self.call(&GpuCommand::GetCapset(&c), len)?;
        match r.response()? {
            (_, GpuResponse::OkCapset(bytes)) => Ok(bytes.to_vec()),
            (h, _) => Err(r.unexpected(&h)),
        }
    }

    /// CTX_CREATE `ctx` for capset `capset` (0 = the device default).
    pub fn ctx_create(&mut self, ctx: u32, capset: u32, name: &[u8]) -> Result<(), DriverError> {
        let hdr = self.header(ctx, false, None);
        let c = CtxCreate::new(hdr, capset & CONTEXT_INIT_CAPSET_ID_MASK, name);
        self.call_ok(&GpuCommand::CtxCreate(&c))
    }

    /// CTX_DESTROY.
    pub fn ctx_destroy(&mut self, ctx: u32) -> Result<(), DriverError> {
        let hdr = self.header(ctx, false, None);
        self.call_ok(&GpuCommand::CtxDestroy(&hdr))
    }

    /// CTX_ATTACH_RESOURCE (or DETACH when `attach` is false).
    pub fn ctx_resource(
        &mut self,
        ctx: u32,
        resource_id: u32,
        attach: bool,
    ) -> Result<(), DriverError> {
        let c = CtxResource {
            hdr: self.header(ctx, false, None),
            resource_id: Le32::new(resource_id),
            padding: Le32::new(0),
        };
        if attach {
            self.call_ok(&GpuCommand::CtxAttachResource(&c))
        } else {
            self.call_ok(&GpuCommand::CtxDetachResource(&c))
        }
    }

    /// RESOURCE_CREATE_3D (fenced, as the Linux driver sends it); the header
    /// of `c` is filled in.
    pub fn resource_create_3d(&mut self, c: &ResourceCreate3d) -> Result<(), DriverError> {
        let c = ResourceCreate3d {
            hdr: self.header(0, true, None),
            ..*c
        };
        self.call_ok(&GpuCommand::ResourceCreate3d(&c))
    }

    /// RESOURCE_UNREF.
    pub fn resource_unref(&mut self, resource_id: u32) -> Result<(), DriverError> {
        let c = ResourceUnref {
            hdr: self.header(0, false, None),
            resource_id: Le32::new(resource_id),
            padding: Le32::new(0),
        };
        self.call_ok(&GpuCommand::ResourceUnref(&c))
    }

    /// RESOURCE_ATTACH_BACKING with `entries`.
    pub fn attach_backing(
        &mut self,
        resource_id: u32,
        entries: &[MemEntry],
    ) -> Result<(), DriverError> {
        let c = ResourceAttachBacking {
            hdr: self.header(0, false, None),
            resource_id: Le32::new(resource_id),
            nr_entries: Le32::new(entries.len() as u32),
        };
        self.call_ok(&GpuCommand::ResourceAttachBacking { cmd: &c, entries })
    }

    /// RESOURCE_DETACH_BACKING.
    pub fn detach_backing(&mut self, resource_id: u32) -> Result<(), DriverError> {
        let c = ResourceDetachBacking {
            hdr: self.header(0, false, None),
            resource_id: Le32::new(resource_id),
            padding: Le32::new(0),
        };
        self.call_ok(&GpuCommand::ResourceDetachBacking(&c))
    }

    /// TRANSFER_TO_HOST_3D (`to_host`) or TRANSFER_FROM_HOST_3D, fenced on
    /// `ctx`, waiting for completion; the header of `t` is filled in.
    pub fn transfer_3d(
        &mut self,
        ctx: u32,
        t: &TransferHost3d,
        to_host: bool,
    ) -> Result<(), DriverError> {
        let t = TransferHost3d {
            hdr: self.header(ctx, true, None),
            ..*t
        };
        if to_host {
            self.call_ok(&GpuCommand::TransferToHost3d(&t))
        } else {
            self.call_ok(&GpuCommand::TransferFromHost3d(&t))
        }
    }

    /// Queues SUBMIT_3D of `commands` on `ctx`, fenced on `ring` (or the
    /// global timeline), without waiting.
    pub fn submit_3d_async(
        &mut self,
        ctx: u32,
        commands: &[u8],
        ring: Option<u8>,
    ) -> Result<Ticket, DriverError> {
        let c = CmdSubmit {
            hdr: self.header(ctx, true, ring),
            size: Le32::new(commands.len() as u32),
            padding: Le32::new(0),
        };
        self.send(
            &GpuCommand::Submit3d { cmd: &c, commands },
            core::mem::size_of::<CtrlHdr>(),
        )
    }

    /// SUBMIT_3D of `commands` on `ctx`, waiting until the GPU finished it.
    pub fn submit_3d(&mut self, ctx: u32, commands: &[u8]) -> Result<(), DriverError> {
        let t = self.submit_3d_async(ctx, commands, None)?;
        self.wait(t)?.ok()
    }

    /// Sends UPDATE_CURSOR / MOVE_CURSOR on the cursor queue and waits for
    /// the device to use it.
    pub fn cursor(&mut self, c: &UpdateCursor, update: bool) -> Result<(), DriverError> {
        let cmd = if update {
            GpuCommand::UpdateCursor(c)
        } else {
            GpuCommand::MoveCursor(c)
        };
        let mut request = Vec::new();
        cmd.encode(&mut request);
        let mut response = [0u8; core::mem::size_of::<CtrlHdr>()];
        // SAFETY: the buffers live on this frame until the pop below.
        let token = unsafe { self.cursor.add(&[&request], &mut [&mut response]) }?;
        if self.cursor.should_notify() {
            self.transport.notify(CURSORQ);
        }
        while !self.cursor.can_pop() {
            (self.idle)();
        }
        // SAFETY: the buffers added with `token`.
        unsafe {
            self.cursor
                .pop_used(token, &[&request], &mut [&mut response])
        }?;
        Ok(())
    }
}
