//! Subcommands of the `pv3d` binary.

mod dump;
mod isolate;
mod limits;
mod replay;
mod serve;
mod shader;
mod vhost_user;

use clap::{Parser, Subcommand};
use std::process::ExitCode;

/// pv3d: a paravirtual 3D host that replays Mesa virgl command streams on wgpu.
#[derive(Debug, Parser)]
#[command(name = "pv3d", version)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Print every vtest message and virgl command of a capture, one per line.
    Dump(dump::DumpArgs),
    /// Replay captures through the renderer and compare read-backs with the reference.
    Replay(replay::ReplayArgs),
    /// Serve Mesa's virpipe clients over the vtest socket (a drop-in virgl_test_server).
    Serve(serve::ServeArgs),
    /// Translate a TGSI shader and print its WGSL (or interface with --info).
    Shader(shader::ShaderArgs),
    /// Serve QEMU's vhost-user-gpu-pci: the virtio-gpu 3D device for a real VM.
    VhostUser(vhost_user::VhostUserArgs),
    /// A render worker: started by `serve`/`vhost-user --isolate process`
    /// with its socket as stdin; not for use by hand.
    #[command(hide = true)]
    Worker,
}

/// Runs the chosen subcommand.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Dump(args) => dump::run(&args),
        Command::Replay(args) => replay::run(&args),
        Command::Serve(args) => serve::run(&args),
        Command::Shader(args) => shader::run(&args),
        Command::VhostUser(args) => vhost_user::run(&args),
        Command::Worker => isolate::worker(),
    }
}
