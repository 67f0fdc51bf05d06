//! Queries (virgl-protocol.md §3.8): occlusion counters/predicates through a
//! wgpu occlusion query set (one slot per draw while a query is active), and
//! timestamps / time elapsed through encoder timestamps where the device has
//! `TIMESTAMP_QUERY_INSIDE_ENCODERS`. GET_QUERY_RESULT resolves the query's
//! slots, sums them and writes `virgl_host_query_state { u32 state (1 =
//! DONE); u32 result_size (8); u64 result }` at the query's offset in its
//! buffer resource.

use crate::core::base::error::CommandError;
use crate::core::base::ids::ResId;
use crate::core::exec::Exec;
use crate::core::record::transfer;
use crate::core::state::QueryObj;
use guest_protocol::virgl::enums::QueryType;
use parking_lot::Mutex;
use std::sync::Arc;

/// Slots per query set.
pub const SLOTS: u32 = 4096;

/// `virgl_host_query_state.query_state` DONE.
pub const QUERY_STATE_DONE: u32 = 1;

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

    fn timestamp(&mut self, device: &wgpu::Device) -> &mut SlotPool {
        self.timestamp
            .get_or_insert_with(|| SlotPool::new(device, wgpu::QueryType::Timestamp))
    }
}

fn is_occlusion(t: QueryType) -> bool {
    matches!(
        t,
        QueryType::OCCLUSION_COUNTER
            | QueryType::OCCLUSION_PREDICATE
            | QueryType::OCCLUSION_PREDICATE_CONSERVATIVE
    )
}

fn is_time(t: QueryType) -> bool {
    matches!(t, QueryType::TIMESTAMP | QueryType::TIME_ELAPSED)
}

/// Checks that a query's type is implemented on this device.
pub fn check_type(gpu: &crate::core::gpu::Gpu, t: QueryType) -> Result<(), CommandError> {
    if is_occlusion(t)
        || (is_time(t)
            && gpu
                .features
                .contains(wgpu::Features::TIMESTAMP_QUERY_INSIDE_ENCODERS))
    {
        Ok(())
    } else {
        Err(CommandError::Unsupported("this query type"))
    }
}

/// BEGIN_QUERY.
pub fn begin(ex: &mut Exec<'_>, q: &Arc<Mutex<QueryObj>>) -> Result<(), CommandError> {
    let ty = q.lock().desc.kind.query_type();
    check_type(ex.gpu, ty)?;
    {
        let mut obj = q.lock();
        let pool = if is_occlusion(ty) {
            ex.caches.queries.occlusion(&ex.gpu.device)
        } else {
            ex.caches.queries.timestamp(&ex.gpu.device)
        };
        pool.release(&mut obj.slots);
        obj.active = true;
        obj.result = 0;
    }
    if is_occlusion(ty) {
        // Passes begun before the set existed cannot count: start a new one.
        ex.work.end_pass();
        ex.sub().active_occlusion = Some(Arc::clone(q));
    } else if ty == QueryType::TIME_ELAPSED {
        write_timestamp(ex, q)?;
    }
    Ok(())
}

/// END_QUERY.
pub fn end(ex: &mut Exec<'_>, q: &Arc<Mutex<QueryObj>>) -> Result<(), CommandError> {
    let ty = q.lock().desc.kind.query_type();
    check_type(ex.gpu, ty)?;
    q.lock().active = false;
    if is_occlusion(ty) {
        let sub = ex.sub();
        if sub
            .active_occlusion
            .as_ref()
            .is_some_and(|a| Arc::ptr_eq(a, q))
        {
            sub.active_occlusion = None;
        }
    } else {
        write_timestamp(ex, q)?;
    }
    Ok(())
}

fn write_timestamp(ex: &mut Exec<'_>, q: &Arc<Mutex<QueryObj>>) -> Result<(), CommandError> {
    let gpu = ex.gpu;
    let pool = ex.caches.queries.timestamp(&gpu.device);
    let slot = pool.alloc()?;
    let set = pool.set.clone();
    q.lock().slots.push(slot);
    let enc = ex.work.encoder(gpu);
    let ((), err) = gpu.scoped(|| enc.write_timestamp(&set, slot));
    err.map_or(Ok(()), |e| Err(CommandError::Wgpu(e)))
}

/// GET_QUERY_RESULT: resolves, waits, and writes the result into the
/// query's buffer.
pub fn get_result(ex: &mut Exec<'_>, q: &Arc<Mutex<QueryObj>>) -> Result<(), CommandError> {
    let (ty, slots, res, offset) = {
        let o = q.lock();
        (
            o.desc.kind.query_type(),
            o.slots.clone(),
            o.desc.res,
            o.desc.offset,
        )
    };
    check_type(ex.gpu, ty)?;
    ex.resource(res)?;
    let gpu = ex.gpu;
    let values = if slots.is_empty() {
        Vec::new()
    } else {
        let set = if is_occlusion(ty) {
            ex.caches.queries.occlusion(&gpu.device).set.clone()
        } else {
            ex.caches.queries.timestamp(&gpu.device).set.clone()
        };
        let align = wgpu::QUERY_RESOLVE_BUFFER_ALIGNMENT;
        let size = align * slots.len() as u64;
        let resolve = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("query resolve"),
            size,
            usage: wgpu::BufferUsages::QUERY_RESOLVE | wgpu::BufferUsages::COPY_SRC,
            mapped_at_creation: false,
        });
        let read = gpu.device.create_buffer(&wgpu::BufferDescriptor {
            label: Some("query read"),
            size,
            usage: wgpu::BufferUsages::MAP_READ | wgpu::BufferUsages::COPY_DST,
            mapped_at_creation: false,
        });
        let enc = ex.work.encoder(gpu);
        let ((), err) = gpu.scoped(|| {
            for (i, &slot) in slots.iter().enumerate() {
                enc.resolve_query_set(&set, slot..slot + 1, &resolve, i as u64 * align);
            }
            enc.copy_buffer_to_buffer(&resolve, 0, &read, 0, size);
        });
        if let Some(e) = err {
            return Err(CommandError::Wgpu(e));
        }
        if let Some(e) = ex.work.flush(gpu) {
            return Err(CommandError::Wgpu(e));
        }
        let data = transfer::map_read(gpu, &read)?;
        (0..slots.len())
            .map(|i| {
                let at = i * align as usize;
                data.get(at..at + 8)
                    .and_then(|b| <[u8; 8]>::try_from(b).ok())
                    .map_or(0, u64::from_le_bytes)
            })
            .collect()
    };
    let result = match ty {
        QueryType::OCCLUSION_COUNTER => values.iter().sum(),
        QueryType::OCCLUSION_PREDICATE | QueryType::OCCLUSION_PREDICATE_CONSERVATIVE => {
            u64::from(values.iter().any(|&v| v > 0))
        }
        QueryType::TIMESTAMP => {
            let period = f64::from(gpu.queue.get_timestamp_period());
            values.last().map_or(0, |&t| (t as f64 * period) as u64)
        }
        _ => {
            let period = f64::from(gpu.queue.get_timestamp_period());
            match values.as_slice() {
                [a, b, ..] => (b.saturating_sub(*a) as f64 * period) as u64,
                _ => 0,
            }
        }
    };
    q.lock().result = result;
    let mut state = Vec::with_capacity(16);
    state.extend_from_slice(&QUERY_STATE_DONE.to_le_bytes());
    state.extend_from_slice(&8u32.to_le_bytes());
    state.extend_from_slice(&result.to_le_bytes());
    let id = ResId(res);
    let b = ex
        .resources
        .get_mut(&id)
        .and_then(crate::core::resources::Resource::buffer_mut)
        .ok_or(CommandError::WrongResource {
            res,
            what: "query buffer",
        })?;
    let at = u64::from(offset);
    if at + 16 > b.size {
        return Err(CommandError::OutOfRange {
            what: "query offset",
            value: at,
        });
    }
    if let Some(d) = b.shadow.get_mut(at as usize..at as usize + 16) {
        d.copy_from_slice(&state);
    }
    transfer::sync_buffer(gpu, ex.work, id, b, at, 16)?;
    Ok(())
}
