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

/// Every capture file (`*.vtrec` or `*.vtrec.zst`) in the corpus, sorted by name.
///
/// Panics when the corpus is missing: a test that silently checked nothing
/// would be worse than a failing one.
pub fn all_captures() -> Vec<PathBuf> {
    let dir = captures_dir();
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("capture corpus {} unreadable: {e}", dir.display()));
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| {
            let name = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            name.ends_with(".vtrec") || name.ends_with(".vtrec.zst")
        })
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no captures in {}", dir.display());
    files
}

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
