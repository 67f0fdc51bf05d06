//! Writes small fuzz seeds drawn from the capture corpus into `fuzz/seeds/`:
//! one SUBMIT_CMD buffer per (capture, distinct opcode mix) for `virgl_decode`,
//! and the opening bytes of each capture's client stream for `vtest_framing`.
//!
//! `cargo run -p pv3d-tests --example fuzz_seeds -- fuzz/seeds`

use guest_protocol::capture::Capture;
use guest_protocol::virgl::Commands;
use guest_protocol::vtest::{Limits, Request};
use std::collections::BTreeSet;
use std::path::PathBuf;

/// Largest seed kept (bytes): libFuzzer works best with small inputs.
const MAX_SEED: usize = 16 * 1024;

fn main() -> std::io::Result<()> {
    let out = PathBuf::from(
        std::env::args()
            .nth(1)
            .unwrap_or_else(|| "fuzz/seeds".into()),
    );
    let virgl_dir = out.join("virgl_decode");
    let vtest_dir = out.join("vtest_framing");
    std::fs::create_dir_all(&virgl_dir)?;
    std::fs::create_dir_all(&vtest_dir)?;
    let mut mixes = BTreeSet::new();
    let (mut virgl, mut vtest) = (0, 0);
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
            for frame in conn.requests(Limits::default()).map_while(Result::ok) {
                let Request::SubmitCmd(buf) = frame.request else {
                    continue;
                };
                let bytes = buf.as_bytes();
                let mix: BTreeSet<String> = Commands::new(bytes)
                    .map_while(Result::ok)
                    .map(|(_, c)| c.opcode().to_string())
                    .collect();
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
        "wrote {virgl} virgl_decode seeds and {vtest} vtest_framing seeds to {}",
        out.display()
    );
    Ok(())
}
