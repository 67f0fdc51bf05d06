//! Writes small fuzz seeds drawn from the capture corpus into `fuzz/seeds/`:
//! one SUBMIT_CMD buffer per (capture, distinct opcode mix) for `virgl_decode`
//! and, with the resources alive when it was sent, for `context_replay`; and
//! the opening bytes of each capture's client stream for `vtest_framing`.
//!
//! `cargo run -p pv3d-tests --example fuzz_seeds -- fuzz/seeds`

use guest_protocol::capture::Capture;
use guest_protocol::virgl::Commands;
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
    println!(
        "wrote {virgl} virgl_decode, {replay} context_replay and {vtest} vtest_framing seeds to {}",
        out.display()
    );
    Ok(())
}
