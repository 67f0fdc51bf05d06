//! `pv3d replay CAPTURE...`: drives the renderer in-process with the client
//! side of each capture and compares every read-back with the reference's.

use anyhow::Context as _;
use host_renderer::Gpu;
use pv3d::replay::{replay_capture, ReplayOptions, Tolerance, Via};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `pv3d replay`.
#[derive(Debug, clap::Args)]
pub struct ReplayArgs {
    /// Capture files (`.vtrec` or `.vtrec.zst`).
    #[arg(required = true)]
    pub captures: Vec<PathBuf>,
    /// Write ours/reference/diff PNGs of mismatching read-backs (and the last one) here.
    #[arg(long)]
    pub png_dir: Option<PathBuf>,
    /// Largest allowed per-channel (per-byte) difference.
    #[arg(long, default_value_t = Tolerance::default().max_channel_diff)]
    pub max_channel_diff: u8,
    /// Largest fraction of one read-back's bytes allowed to differ by more
    /// than --max-channel-diff (edge pixels).
    #[arg(long, default_value_t = Tolerance::default().max_outlier_fraction)]
    pub max_outlier_fraction: f64,
    /// How requests reach the renderer: `direct` calls, or `virtio` (the
    /// virtio-gpu device on its thread, driven by the guest driver over
    /// split rings in guest RAM).
    #[arg(long, value_enum, default_value_t = Via::Direct)]
    pub via: Via,
    /// Print the first renderer errors of each capture.
    #[arg(long, short)]
    pub verbose: bool,
}

/// Replays each capture; exit 1 on a mismatch beyond the tolerance, 2 on an error.
pub fn run(args: &ReplayArgs) -> anyhow::Result<ExitCode> {
    if let Some(dir) = &args.png_dir {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    }
    let gpu = Gpu::new().context("opening the wgpu device")?;
    let opts = ReplayOptions {
        tolerance: Tolerance {
            max_channel_diff: args.max_channel_diff,
            max_outlier_fraction: args.max_outlier_fraction,
        },
        png_dir: args.png_dir.clone(),
        via: args.via,
    };
    let mut code = ExitCode::SUCCESS;
    let mut mismatched = false;
    for path in &args.captures {
        let report = match replay_capture(&gpu, path, &opts) {
            Ok(r) => r,
            Err(e) => {
                eprintln!("{}: error: {e}", path.display());
                code = ExitCode::from(2);
                continue;
            }
        };
        println!(
            "{}: {} transfers compared, {} mismatched, worst channel diff {}; {} submits, {} commands, {} command errors, {} request errors",
            path.display(),
            report.transfers.len(),
            report.mismatches(),
            report.worst(),
            report.submits,
            report.commands,
            report.command_errors,
            report.request_errors,
        );
        if args.verbose {
            for e in &report.error_samples {
                println!("    {e}");
            }
            for t in report.transfers.iter().filter(|t| !t.ok).take(10) {
                println!(
                    "    read-back {} of res {}: {} of {} bytes differ ({} beyond tolerance), worst {}",
                    t.index, t.handle, t.differing, t.bytes, t.outliers, t.worst
                );
            }
        }
        mismatched |= report.mismatches() > 0;
    }
    if mismatched && code == ExitCode::SUCCESS {
        code = ExitCode::from(1);
    }
    Ok(code)
}
