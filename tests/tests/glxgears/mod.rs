//! glxgears with its clock frozen, its displayed frame read back from the
//! X server, and the server's numbers polled: shared by serve_glxgears.rs
//! and hostile_isolation.rs.

// Each test binary that includes this module uses part of it.
#![allow(dead_code)]

use host_renderer::vtest::{ServerHandle, ServerStats};
use pv3d_tests::gl_client::{Client, Xvfb};
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

/// glxgears with the wall clock frozen (libfaketime preloaded, not the
/// `faketime` wrapper: that forks, and killing it would leave glxgears
/// running): every frame is drawn at angle 0. `env` and the wrapper shell
/// `exec`, so the pid we get is glxgears'.
pub fn frozen_glxgears() -> Vec<String> {
    let lib = std::fs::read_dir("/usr/lib")
        .into_iter()
        .flatten()
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("faketime/libfaketimeMT.so.1"))
        .find(|p| p.is_file())
        .expect("libfaketimeMT.so.1 (package libfaketime) not found under /usr/lib/*/faketime");
    [
        "env".to_string(),
        format!("LD_PRELOAD={}", lib.display()),
        "FAKETIME=2020-01-01 00:00:00".into(),
        "DONT_FAKE_MONOTONIC=1".into(),
        "glxgears".into(),
        "-geometry".into(),
        "300x300+0+0".into(),
    ]
    .into()
}

/// How long a client may take to show its first frame (a loaded 2-core
/// machine compiles llvmpipe and lavapipe shaders first).
pub const FIRST_FRAME: Duration = Duration::from_secs(180);

/// An RGBA8 image (alpha 255), row 0 at the top.
#[derive(Debug, PartialEq)]
pub struct Image {
    /// Width.
    pub w: u32,
    /// Height.
    pub h: u32,
    /// Pixels.
    pub rgba: Vec<u8>,
}

/// The id of the window named `glxgears` on `xvfb`, if there is one.
pub fn glxgears_window(xvfb: &Xvfb) -> Option<String> {
    let out = Command::new("xwininfo")
        .args(["-display", xvfb.display(), "-name", "glxgears"])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&out.stdout);
    let line = text.lines().find(|l| l.contains("Window id:"))?;
    line.split_whitespace()
        .find(|w| w.starts_with("0x"))
        .map(str::to_string)
}

fn be32(b: &[u8], i: usize) -> u32 {
    u32::from_be_bytes(b[i * 4..i * 4 + 4].try_into().unwrap())
}

/// The window's contents (`xwd`, a 32-bit TrueColor ZPixmap) as RGBA.
pub fn xwd(xvfb: &Xvfb, window: &str) -> Option<Image> {
    let out = Command::new("xwd")
        .args(["-silent", "-display", xvfb.display(), "-id", window])
        .output()
        .ok()?;
    let b = out.stdout;
    if !out.status.success() || b.len() < 100 {
        return None;
    }
    // XWDFileHeader: 25 big-endian CARD32s, then the window name.
    let (header_size, format, w, h) = (be32(&b, 0), be32(&b, 2), be32(&b, 4), be32(&b, 5));
    let (byte_order, bpp, stride) = (be32(&b, 7), be32(&b, 11), be32(&b, 12) as usize);
    let masks = [be32(&b, 14), be32(&b, 15), be32(&b, 16)];
    let ncolors = be32(&b, 19) as usize;
    assert!(
        format == 2 && bpp == 32 && masks.iter().all(|m| m.count_ones() == 8),
        "xwd: format {format}, {bpp} bpp, masks {masks:x?}: not a 24-bit TrueColor ZPixmap"
    );
    let start = header_size as usize + ncolors * 12;
    let mut rgba = Vec::with_capacity(w as usize * h as usize * 4);
    for y in 0..h as usize {
        let row = b.get(start + y * stride..start + y * stride + w as usize * 4)?;
        for px in row.chunks_exact(4) {
            let px: [u8; 4] = px.try_into().unwrap();
            let v = if byte_order == 0 {
                u32::from_le_bytes(px)
            } else {
                u32::from_be_bytes(px)
            };
            for m in masks {
                rgba.push(((v & m) >> m.trailing_zeros()) as u8);
            }
            rgba.push(255);
        }
    }
    Some(Image { w, h, rgba })
}

/// Waits until glxgears' window on `xvfb` shows a drawn frame (not all
/// black) twice in a row, and returns it. Fails if the client ends first.
pub fn displayed_frame(xvfb: &Xvfb, client: &mut Client, out: &Path) -> Image {
    let deadline = Instant::now() + FIRST_FRAME;
    let mut last: Option<Image> = None;
    loop {
        if let Some(status) = client.try_wait() {
            let text = std::fs::read_to_string(out).unwrap_or_default();
            panic!(
                "glxgears ({}) ended ({status}) before showing a frame:\n{text}",
                out.display()
            );
        }
        assert!(
            Instant::now() < deadline,
            "glxgears showed no frame in {FIRST_FRAME:?}"
        );
        let img = glxgears_window(xvfb).and_then(|win| xwd(xvfb, &win));
        if let Some(img) = img.filter(|i| i.rgba.chunks(4).any(|p| p[..3] != [0, 0, 0])) {
            if last.as_ref() == Some(&img) {
                return img;
            }
            last = Some(img);
        }
        std::thread::sleep(Duration::from_millis(200));
    }
}

/// Polls the server's numbers until `done` holds or `limit` passes.
pub fn wait_stats(
    server: &ServerHandle,
    limit: Duration,
    done: impl Fn(&ServerStats) -> bool,
) -> ServerStats {
    let deadline = Instant::now() + limit;
    loop {
        let s = server.stats();
        if done(&s) || Instant::now() > deadline {
            return s;
        }
        std::thread::sleep(Duration::from_millis(50));
    }
}

pub fn idle(s: &ServerStats) -> bool {
    (s.clients, s.resources, s.mappings) == (0, 0, 0)
}
