//! Shared helpers for pv3d's end-to-end tests and benchmarks: where the
//! capture corpus lives, real GL clients ([`gl_client`]), a Rust vtest
//! client ([`vtest_client`]) and a real guest under QEMU driving pv3d's
//! vhost-user backend ([`vm`]).

pub mod gl_client;
pub mod vm;
pub mod vtest_client;

use std::path::PathBuf;

/// The capture corpus: `$PV3D_CAPTURES`, else `shared/captures` beside the checkout.
pub fn captures_dir() -> PathBuf {
    if let Some(dir) = std::env::var_os("PV3D_CAPTURES") {
        return PathBuf::from(dir);
    }
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../shared/captures")
}

/// Captures recorded by pv3d's developers against the reference server
/// (`tests/captures`, README.md there): programs the shared corpus lacks.
pub fn own_captures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("captures")
}

/// Every capture file (`*.vtrec` or `*.vtrec.zst`) in the shared corpus and
/// in [`own_captures_dir`], sorted by name.
///
/// Panics when the shared corpus is missing: a test that silently checked
/// nothing would be worse than a failing one.
pub fn all_captures() -> Vec<PathBuf> {
    let mut files = Vec::new();
    for dir in [captures_dir(), own_captures_dir()] {
        let entries = std::fs::read_dir(&dir)
            .unwrap_or_else(|e| panic!("capture corpus {} unreadable: {e}", dir.display()));
        let captures = entries
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| {
                let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                name.ends_with(".vtrec") || name.ends_with(".vtrec.zst")
            });
        let before = files.len();
        files.extend(captures);
        assert!(files.len() > before, "no captures in {}", dir.display());
    }
    files.sort_by_key(|p| p.file_name().map(|n| n.to_owned()));
    files
}

/// Captures whose read-backs do not match the reference yet, with what is
/// known of why (`renderer_replay` fails when one of them starts to match,
/// so the list stays honest).
pub const KNOWN_MISMATCHES: &[(&str, &str)] = &[(
    "glmark2-es2-win320x240-terrain",
    "3 of 6 frames differ from the reference at scattered single pixels, by up \
     to 10/255 (the picture is otherwise the same): its shaders hash positions \
     with 40 FRC (fract) of large values, which magnify last-bit differences \
     in the maths before them; fused MAD made no difference; not tracked down",
)];

/// A capture's name: its file name without `.vtrec(.zst)`.
pub fn capture_name(path: &std::path::Path) -> String {
    let file = path.file_name().and_then(|n| n.to_str()).unwrap_or("");
    file.trim_end_matches(".zst")
        .trim_end_matches(".vtrec")
        .to_owned()
}

/// The capture called `name` (without extension) in the corpus.
pub fn capture(name: &str) -> PathBuf {
    captures_dir().join(format!("{name}.vtrec.zst"))
}

/// Every SUBMIT_CMD command buffer of every capture in the corpus, in order.
pub fn corpus_submit_buffers() -> Vec<Vec<u8>> {
    use guest_protocol::capture::Capture;
    use guest_protocol::vtest::{Limits, Request};
    let mut buffers = Vec::new();
    for path in all_captures() {
        let capture = Capture::open(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        for conn in capture.connections() {
            for frame in conn.requests(Limits::default()).map_while(Result::ok) {
                if let Request::SubmitCmd(buf) = frame.request {
                    buffers.push(buf.as_bytes().to_vec());
                }
            }
        }
    }
    buffers
}
