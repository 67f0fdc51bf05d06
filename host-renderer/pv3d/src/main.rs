//! `pv3d`: the pv3d host command line.
//!
//! A thin layer: clap parses the arguments, each subcommand lives in its own
//! module under `cli/` and returns an exit code. Logs go through `tracing`,
//! quiet by default; `RUST_LOG=debug` (or `pv3d=trace`) shows more.

mod cli;

use clap::Parser;
use std::process::ExitCode;

fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(
            tracing_subscriber::EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("warn")),
        )
        .with_writer(std::io::stderr)
        .init();
    let args = cli::Cli::parse();
    match cli::run(args) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("pv3d: error: {err:#}");
            ExitCode::from(2)
        }
    }
}
