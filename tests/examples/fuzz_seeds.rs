//! Writes small fuzz seeds drawn from the capture corpus into `fuzz/seeds/`:
//! one SUBMIT_CMD buffer per (capture, distinct opcode mix) for `virgl_decode`
//! and, with the resources alive when it was sent, for `context_replay`; and
//! the opening bytes of each capture's client stream for `vtest_framing`;
//! and request sequences for `vhost_user_control` (display and capset
//! queries, a 2D scanout with cursor, a 3D context submitting capture
//! buffers, hostile chain shapes).
//!
//! `cargo run -p pv3d-tests --example fuzz_seeds -- fuzz/seeds`

use guest_protocol::capture::Capture;
use guest_protocol::le::{Le32, Le64};
use guest_protocol::virgl::Commands;
use guest_protocol::virtio_gpu::{
    CapsetId, CmdSubmit, CtrlHdr, CtrlType, CtxCreate, CursorPos, GetCapset, GetCapsetInfo,
    GetEdid, GpuCommand, HdrFields, MemEntry, Rect, ResourceAttachBacking, ResourceCreate2d,
    ResourceFlush, ResourceUnref, SetScanout, TransferToHost2d, UpdateCursor, FLAG_FENCE,
};
use guest_protocol::vtest::{Limits, Request, ResourceCreate};
use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

/// Largest seed kept (bytes): libFuzzer works best with small inputs.
const MAX_SEED: usize = 16 * 1024;
/// Resources a `context_replay` input creates at most (its target's limit).
const MAX_RESOURCES: usize = 16;
/// `context_replay` seeds kept at most.
const MAX_REPLAY_SEEDS: usize = 40;

/// A `context_replay` input: the resources (the latest 16 created), then
/// the command stream (format in fuzz/fuzz_targets/context_replay.rs).
fn replay_seed(live: &BTreeMap<u32, ResourceCreate>, stream: &[u8]) -> Vec<u8> {
    let keep: Vec<_> = live.values().rev().take(MAX_RESOURCES).collect();
    let mut seed = (keep.len() as u32).to_le_bytes().to_vec();
    for rc in keep {
        for v in [
            rc.handle,
            rc.target,
            rc.format,
            rc.bind,
            rc.width,
            rc.height,
            rc.depth,
            rc.array_size,
            rc.last_level,
            rc.nr_samples,
        ] {
            seed.extend_from_slice(&v.get().to_le_bytes());
        }
    }
    seed.extend_from_slice(stream);
    seed
}

/// Scratch guest memory `vhost_user_control` leaves zeroed for backings.
const VHOST_SCRATCH: u64 = 0x80000;

/// One `vhost_user_control` record: shape byte, u16 length, request.
fn record(shape: u8, cmd: &GpuCommand<'_>) -> Vec<u8> {
    let mut req = Vec::new();
    cmd.encode(&mut req);
    let mut r = vec![shape];
    r.extend_from_slice(&(req.len() as u16).to_le_bytes());
    r.extend_from_slice(&req);
    r
}

fn hdr(ctx: u32, fence: Option<u64>) -> CtrlHdr {
    CtrlHdr::new(
        CtrlType::UNDEFINED,
        HdrFields {
            ctx_id: ctx,
            flags: fence.map_or(0, |_| FLAG_FENCE),
            fence_id: fence.unwrap_or(0),
            ..HdrFields::default()
        },
    )
}

fn rect(w: u32, h: u32) -> Rect {
    Rect {
        x: Le32::new(0),
        y: Le32::new(0),
        width: Le32::new(w),
        height: Le32::new(h),
    }
}

/// `vhost_user_control` seeds; `submits` are capture command buffers that
/// need no resources.
fn vhost_seeds(dir: &std::path::Path, submits: &[Vec<u8>]) -> std::io::Result<usize> {
    std::fs::create_dir_all(dir)?;
    // Response room classes (shape bits 4-7): 16 << n bytes.
    let (small, big) = (1u8 << 4, 8u8 << 4);
    let queries = [
        record(small, &GpuCommand::GetDisplayInfo(&hdr(0, None))),
        record(
            big,
            &GpuCommand::GetEdid(&GetEdid {
                hdr: hdr(0, None),
                scanout: Le32::new(0),
                padding: Le32::new(0),
            }),
        ),
        record(
            small,
            &GpuCommand::GetCapsetInfo(&GetCapsetInfo {
                hdr: hdr(0, None),
                capset_index: Le32::new(1),
                padding: Le32::new(0),
            }),
        ),
        record(
            big,
            &GpuCommand::GetCapset(&GetCapset {
                hdr: hdr(0, None),
                capset_id: Le32::new(CapsetId::VIRGL2.0),
                capset_version: Le32::new(2),
            }),
        ),
    ];
    let create = ResourceCreate2d {
        hdr: hdr(0, None),
        resource_id: Le32::new(1),
        format: Le32::new(2),
        width: Le32::new(64),
        height: Le32::new(64),
    };
    let attach = ResourceAttachBacking {
        hdr: hdr(0, None),
        resource_id: Le32::new(1),
        nr_entries: Le32::new(1),
    };
    let entry = [MemEntry {
        addr: Le64::new(VHOST_SCRATCH),
        length: Le32::new(64 * 64 * 4),
        padding: Le32::new(0),
    }];
    let cursor = UpdateCursor {
        hdr: hdr(0, None),
        pos: CursorPos {
            scanout_id: Le32::new(0),
            x: Le32::new(5),
            y: Le32::new(6),
            padding: Le32::new(0),
        },
        resource_id: Le32::new(1),
        hot_x: Le32::new(1),
        hot_y: Le32::new(1),
        padding: Le32::new(0),
    };
    let scanout = [
        record(small, &GpuCommand::ResourceCreate2d(&create)),
        record(
            small,
            &GpuCommand::ResourceAttachBacking {
                cmd: &attach,
                entries: &entry,
            },
        ),
        record(
            small,
            &GpuCommand::TransferToHost2d(&TransferToHost2d {
                hdr: hdr(0, None),
                r: rect(64, 64),
                offset: Le64::new(0),
                resource_id: Le32::new(1),
                padding: Le32::new(0),
            }),
        ),
        record(
            small,
            &GpuCommand::SetScanout(&SetScanout {
                hdr: hdr(0, None),
                r: rect(64, 64),
                scanout_id: Le32::new(0),
                resource_id: Le32::new(1),
            }),
        ),
        record(
            small,
            &GpuCommand::ResourceFlush(&ResourceFlush {
                hdr: hdr(0, Some(1)),
                r: rect(64, 64),
                resource_id: Le32::new(1),
                padding: Le32::new(0),
            }),
        ),
        record(small | 1, &GpuCommand::UpdateCursor(&cursor)),
        record(small | 1, &GpuCommand::MoveCursor(&cursor)),
        record(
            small,
            &GpuCommand::ResourceUnref(&ResourceUnref {
                hdr: hdr(0, None),
                resource_id: Le32::new(1),
                padding: Le32::new(0),
            }),
        ),
    ];
    let hostile = [
        record(small | 6, &GpuCommand::GetDisplayInfo(&hdr(0, None))),
        record(small | 8, &GpuCommand::ResourceCreate2d(&create)),
        record(
            small | 4,
            &GpuCommand::ResourceAttachBacking {
                cmd: &attach,
                entries: &[MemEntry {
                    addr: Le64::new(0x10_0000 - 8),
                    length: Le32::new(64),
                    padding: Le32::new(0),
                }],
            },
        ),
        record(
            small | 2,
            &GpuCommand::ResourceFlush(&ResourceFlush {
                hdr: hdr(0, Some(1)),
                r: rect(64, 64),
                resource_id: Le32::new(1),
                padding: Le32::new(0),
            }),
        ),
        record(
            small,
            &GpuCommand::ResourceFlush(&ResourceFlush {
                hdr: hdr(0, Some(1)),
                r: rect(64, 64),
                resource_id: Le32::new(1),
                padding: Le32::new(0),
            }),
        ),
    ];
    let mut n = 0;
    for (name, records) in [
        ("queries", &queries[..]),
        ("scanout", &scanout[..]),
        ("hostile", &hostile[..]),
    ] {
        std::fs::write(dir.join(format!("seed-{name}")), records.concat())?;
        n += 1;
    }
    for (i, buf) in submits.iter().enumerate() {
        let ctx = CtxCreate::new(hdr(1, None), 2, b"fuzz");
        let cmd = CmdSubmit {
            hdr: hdr(1, Some(1)),
            size: Le32::new(buf.len() as u32),
            padding: Le32::new(0),
        };
        let seed = [
            record(small, &GpuCommand::CtxCreate(&ctx)),
            record(
                small,
                &GpuCommand::Submit3d {
                    cmd: &cmd,
                    commands: buf,
                },
            ),
        ]
        .concat();
        std::fs::write(dir.join(format!("seed-submit-{i}")), seed)?;
        n += 1;
    }
    Ok(n)
}

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/seeds".into()),
    );
    let virgl_dir = out.join("virgl_decode");
    let vtest_dir = out.join("vtest_framing");
    let replay_dir = out.join("context_replay");
    std::fs::create_dir_all(&replay_dir)?;
    std::fs::create_dir_all(&virgl_dir)?;
    std::fs::create_dir_all(&vtest_dir)?;
    let mut mixes = BTreeSet::new();
    let mut replay_mixes = BTreeSet::new();
    let (mut virgl, mut vtest, mut replay) = (0, 0, 0);
    // Command buffers sent while no resource was alive, for vhost_user_control.
    let mut bare_submits: Vec<Vec<u8>> = Vec::new();
    for path in pv3d_tests::all_captures() {
        let capture = Capture::open(&path).expect("corpus capture reads");
        let stem = path
            .file_name()
            .unwrap()
            .to_string_lossy()
            .replace(".vtrec.zst", "");
        for conn in capture.connections() {
            let head = conn.c2s.len().min(MAX_SEED / 4);
            let mut seed = vec![7u8];
            seed.extend_from_slice(&conn.c2s[..head]);
            std::fs::write(vtest_dir.join(format!("seed-{stem}-{}", conn.conn)), seed)?;
            vtest += 1;
            // Resources alive, by handle (handles grow with creation order).
            let mut live = BTreeMap::new();
            for frame in conn.requests(Limits::default()).map_while(Result::ok) {
                let buf = match frame.request {
                    Request::SubmitCmd(buf) => buf,
                    Request::ResourceCreate2(rc) => {
                        live.insert(rc.handle.get(), rc.fields());
                        continue;
                    }
                    Request::ResourceCreate(rc) => {
                        live.insert(rc.handle.get(), rc);
                        continue;
                    }
                    Request::ResourceUnref(u) => {
                        live.remove(&u.handle.get());
                        continue;
                    }
                    _ => continue,
                };
                let bytes = buf.as_bytes();
                if live.is_empty() && bytes.len() <= MAX_SEED && bare_submits.len() < 4 {
                    bare_submits.push(bytes.to_vec());
                }
                let mix: BTreeSet<String> = Commands::new(bytes)
                    .map_while(Result::ok)
                    .map(|(_, c)| c.opcode().to_string())
                    .collect();
                if bytes.len() <= MAX_SEED
                    && replay < MAX_REPLAY_SEEDS
                    && replay_mixes.insert(mix.clone())
                {
                    std::fs::write(
                        replay_dir.join(format!("seed-{stem}-{}", frame.offset)),
                        replay_seed(&live, bytes),
                    )?;
                    replay += 1;
                }
                if bytes.len() <= MAX_SEED && mixes.insert(mix) {
                    std::fs::write(
                        virgl_dir.join(format!("seed-{stem}-{}", frame.offset)),
                        bytes,
                    )?;
                    virgl += 1;
                }
            }
        }
    }
    let vhost = vhost_seeds(&out.join("vhost_user_control"), &bare_submits)?;
    println!(
        "wrote {virgl} virgl_decode, {replay} context_replay, {vtest} vtest_framing and \
         {vhost} vhost_user_control seeds to {}",
        out.display()
    );
    Ok(())
}
