//! Queries (virgl-protocol.md §3.8): occlusion counters/predicates through a
//! wgpu occlusion query set (one slot per draw while a query is active), and
//! timestamps / time elapsed through encoder timestamps where the device has
//! `TIMESTAMP_QUERY_INSIDE_ENCODERS`. GET_QUERY_RESULT resolves the query's
//! slots, sums them and writes `virgl_host_query_state { u32 state (1 =
//! DONE); u32 result_size (8); u64 result }` at the query's offset in its
//! buffer resource; GET_QUERY_RESULT_QBO writes the result alone into a
//! buffer object the guest names.

use super::recorder::Recorder;
use super::transfer;
use crate::core::base::error::{CommandError, WgpuOp};
use crate::core::base::ids::ResId;
use crate::core::gpu::device::Gpu;
use crate::core::resources::table::Resource;
use crate::core::state::objects::QueryObj;
use crate::core::state::sub_context::SubContext;
use guest_protocol::virgl::enums::QueryType;
use guest_protocol::virgl::QueryResultQbo;
use parking_lot::Mutex;
use std::sync::Arc;

/// `virgl_host_query_state.query_state` DONE.
pub const QUERY_STATE_DONE: u32 = 1;

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

/// Stream-output queries, counted on the CPU by the draws (see
/// [`count_primitives`]).
fn is_counted(t: QueryType) -> bool {
    matches!(
        t,
        QueryType::PRIMITIVES_GENERATED
            | QueryType::PRIMITIVES_EMITTED
            | QueryType::SO_STATISTICS
            | QueryType::SO_OVERFLOW_PREDICATE
            | QueryType::SO_OVERFLOW_ANY_PREDICATE
    )
}

/// Adds one draw to the sub-context's active stream-output queries:
/// `generated` primitives, and for a capturing draw the primitives it
/// wrote of those it captured.
pub(crate) fn count_primitives(sub: &SubContext, generated: u64, captured: Option<(u64, u64)>) {
    for q in &sub.counted_queries {
        let mut o = q.lock();
        let add = match o.desc.kind.query_type() {
            QueryType::PRIMITIVES_GENERATED => generated,
            QueryType::PRIMITIVES_EMITTED | QueryType::SO_STATISTICS => {
                captured.map_or(0, |(written, _)| written)
            }
            // Overflow predicates: set once a capture stopped early.
            _ => u64::from(captured.is_some_and(|(written, total)| written < total)),
        };
        o.result = o.result.saturating_add(add);
    }
}

/// Checks that a query's type is implemented on this device.
pub fn check_type(gpu: &Gpu, t: QueryType) -> Result<(), CommandError> {
    if is_occlusion(t)
        || (is_counted(t) && gpu.raw.as_ref().is_some_and(|r| r.features().xfb.is_some()))
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

/// The type of query `q`, if implemented on this device.
fn query_type(gpu: &Gpu, q: &Mutex<QueryObj>) -> Result<QueryType, CommandError> {
    let ty = q.lock().desc.kind.query_type();
    check_type(gpu, ty)?;
    Ok(ty)
}

/// BEGIN_QUERY.
pub(crate) fn begin(
    rec: &mut Recorder<'_>,
    sub: &mut SubContext,
    q: &Arc<Mutex<QueryObj>>,
) -> Result<(), CommandError> {
    let ty = query_type(rec.gpu, q)?;
    {
        let mut obj = q.lock();
        let pool = if is_occlusion(ty) {
            rec.caches.queries.occlusion(&rec.gpu.device)
        } else {
            rec.caches.queries.timestamp(&rec.gpu.device)
        };
        pool.release(&mut obj.slots);
        obj.active = true;
        obj.result = 0;
    }
    if is_counted(ty) {
        sub.counted_queries.retain(|a| !Arc::ptr_eq(a, q));
        sub.counted_queries.push(Arc::clone(q));
    } else if is_occlusion(ty) {
        // Passes begun before the set existed cannot count: start a new one.
        rec.work.end_pass();
        sub.active_occlusion = Some(Arc::clone(q));
    } else if ty == QueryType::TIME_ELAPSED {
        write_timestamp(rec, q)?;
    }
    Ok(())
}

/// END_QUERY.
pub(crate) fn end(
    rec: &mut Recorder<'_>,
    sub: &mut SubContext,
    q: &Arc<Mutex<QueryObj>>,
) -> Result<(), CommandError> {
    let ty = query_type(rec.gpu, q)?;
    q.lock().active = false;
    if is_counted(ty) {
        sub.counted_queries.retain(|a| !Arc::ptr_eq(a, q));
    } else if is_occlusion(ty) {
        if sub
            .active_occlusion
            .as_ref()
            .is_some_and(|a| Arc::ptr_eq(a, q))
        {
            sub.active_occlusion = None;
        }
    } else {
        write_timestamp(rec, q)?;
    }
    Ok(())
}

fn write_timestamp(rec: &mut Recorder<'_>, q: &Arc<Mutex<QueryObj>>) -> Result<(), CommandError> {
    let gpu = rec.gpu;
    let pool = rec.caches.queries.timestamp(&gpu.device);
    let slot = pool.alloc()?;
    let set = pool.set.clone();
    q.lock().slots.push(slot);
    let enc = rec.work.encoder(gpu);
    gpu.checked(WgpuOp::Timestamp, || enc.write_timestamp(&set, slot))
        .map_err(CommandError::from)
}

/// GET_QUERY_RESULT: resolves, waits, and writes the result into the
/// query's buffer.
pub(crate) fn get_result(
    rec: &mut Recorder<'_>,
    q: &Arc<Mutex<QueryObj>>,
) -> Result<(), CommandError> {
    let (res, offset) = {
        let o = q.lock();
        (o.desc.res, o.desc.offset)
    };
    rec.resource(res)?;
    let result = value(rec, q)?;
    q.lock().result = result;
    write_state(rec, res, offset, result)
}

/// The query's result as GL reports it (samples, a boolean, nanoseconds):
/// resolves its slots and waits for them.
pub(crate) fn value(rec: &mut Recorder<'_>, q: &Arc<Mutex<QueryObj>>) -> Result<u64, CommandError> {
    let (ty, slots) = {
        let o = q.lock();
        (o.desc.kind.query_type(), o.slots.clone())
    };
    check_type(rec.gpu, ty)?;
    if is_counted(ty) {
        let result = q.lock().result;
        return Ok(match ty {
            QueryType::SO_OVERFLOW_PREDICATE | QueryType::SO_OVERFLOW_ANY_PREDICATE => {
                u64::from(result > 0)
            }
            _ => result,
        });
    }
    let gpu = rec.gpu;
    let values = if slots.is_empty() {
        Vec::new()
    } else {
        read_slots(rec, ty, &slots)?
    };
    Ok(match ty {
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
    })
}

/// Resolves `slots` of the query set of `ty`, waits, and reads them back.
fn read_slots(
    rec: &mut Recorder<'_>,
    ty: QueryType,
    slots: &[u32],
) -> Result<Vec<u64>, CommandError> {
    let gpu = rec.gpu;
    let set = if is_occlusion(ty) {
        rec.caches.queries.occlusion(&gpu.device).set.clone()
    } else {
        rec.caches.queries.timestamp(&gpu.device).set.clone()
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
    let enc = rec.work.encoder(gpu);
    gpu.checked(WgpuOp::ResolveQueries, || {
        for (i, &slot) in slots.iter().enumerate() {
            enc.resolve_query_set(&set, slot..slot + 1, &resolve, i as u64 * align);
        }
        enc.copy_buffer_to_buffer(&resolve, 0, &read, 0, size);
    })?;
    if let Some(e) = rec.work.flush(gpu) {
        return Err(CommandError::Wgpu(e));
    }
    let data = transfer::map_read(gpu, &read)?;
    Ok((0..slots.len())
        .map(|i| {
            let at = i * align as usize;
            data.get(at..at + 8)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map_or(0, u64::from_le_bytes)
        })
        .collect())
}

/// GET_QUERY_RESULT_QBO (ARB_query_buffer_object): the query's result
/// (`index` 0), or whether it is available (`index` −1: always 1, since a
/// result is waited for before it is stored), written at `offset` of buffer
/// `qbo` as the 32- or 64-bit integer `result_type` names, saturated to it.
/// Both wait modes wait: GL lets a no-wait query store a result that has
/// become available.
pub(crate) fn store_result(
    rec: &mut Recorder<'_>,
    q: &Arc<Mutex<QueryObj>>,
    c: &QueryResultQbo,
) -> Result<(), CommandError> {
    rec.resource(c.qbo)?;
    let value = match c.index {
        -1 => 1,
        0 => value(rec, q)?,
        _ => return Err(CommandError::Unsupported("query result index above 0")),
    };
    let bytes = match c.result_type {
        RESULT_I32 => (value.min(i32::MAX as u64) as i32).to_le_bytes().to_vec(),
        RESULT_U32 => (value.min(u64::from(u32::MAX)) as u32)
            .to_le_bytes()
            .to_vec(),
        RESULT_I64 => (value.min(i64::MAX as u64) as i64).to_le_bytes().to_vec(),
        RESULT_U64 => value.to_le_bytes().to_vec(),
        t => {
            return Err(CommandError::OutOfRange {
                what: "query result type",
                value: u64::from(t),
            })
        }
    };
    write_bytes(rec, c.qbo, c.offset, &bytes)
}

/// `PIPE_QUERY_TYPE_*`: the integer a query buffer object receives.
const RESULT_I32: u32 = 0;
const RESULT_U32: u32 = 1;
const RESULT_I64: u32 = 2;
const RESULT_U64: u32 = 3;

/// Writes `virgl_host_query_state` with `result` at `offset` of buffer `res`.
fn write_state(
    rec: &mut Recorder<'_>,
    res: u32,
    offset: u32,
    result: u64,
) -> Result<(), CommandError> {
    let mut state = Vec::with_capacity(16);
    state.extend_from_slice(&QUERY_STATE_DONE.to_le_bytes());
    state.extend_from_slice(&8u32.to_le_bytes());
    state.extend_from_slice(&result.to_le_bytes());
    write_bytes(rec, res, offset, &state)
}

/// Writes `bytes` at `offset` of buffer `res` (its host shadow, sent to the
/// GPU copy before the next use), all inside the buffer.
fn write_bytes(
    rec: &mut Recorder<'_>,
    res: u32,
    offset: u32,
    bytes: &[u8],
) -> Result<(), CommandError> {
    let id = ResId(res);
    let b = rec
        .resources
        .get_mut(&id)
        .and_then(Resource::buffer_mut)
        .ok_or(CommandError::WrongResource {
            res,
            what: "query buffer",
        })?;
    let at = u64::from(offset);
    let len = bytes.len() as u64;
    if at + len > b.size {
        return Err(CommandError::OutOfRange {
            what: "query offset",
            value: at,
        });
    }
    if let Some(d) = b.shadow.get_mut(at as usize..(at + len) as usize) {
        d.copy_from_slice(bytes);
    }
    transfer::mark_dirty(b, at, len);
    Ok(())
}
