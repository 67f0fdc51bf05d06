//! `pv3d dump`: a disassembler for captures.
//!
//! Prints every vtest message of every connection and every virgl command
//! inside SUBMIT_CMD, one per line, or (`--stats`) a count per command. An
//! undecodable message or command is reported with its position and makes the
//! exit code 1.

use anyhow::Context;
use guest_protocol::capture::{Capture, Item, Transcript};
use guest_protocol::virgl::{Command, Commands};
use guest_protocol::vtest::{Limits, Reply, Request};
use std::collections::BTreeMap;
use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `pv3d dump`.
#[derive(Debug, clap::Args)]
pub struct DumpArgs {
    /// Capture file (`.vtrec` or `.vtrec.zst`).
    capture: PathBuf,
    /// Print a count per vtest command and per virgl command instead.
    #[arg(long)]
    stats: bool,
}

fn dump(args: &DumpArgs) -> anyhow::Result<ExitCode> {
    let capture = Capture::open(&args.capture)
        .with_context(|| format!("cannot read capture {}", args.capture.display()))?;
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut stats = Stats::default();
    let mut failed = false;
    for conn in capture.connections() {
        let transcript = conn.transcript(Limits::default());
        if !args.stats {
            writeln!(out, "conn {}", conn.conn)?;
        }
        if let Err(err) = walk(&transcript, args.stats, &mut stats, &mut out) {
            if is_broken_pipe(&err) {
                return Err(err);
            }
            out.flush()?;
            eprintln!(
                "pv3d dump: {}: connection {}: {err}",
                args.capture.display(),
                conn.conn
            );
            failed = true;
            continue;
        }
        if let Some(err) = &transcript.error {
            out.flush()?;
            eprintln!(
                "pv3d dump: {}: connection {}: undecodable vtest message: {err}",
                args.capture.display(),
                conn.conn
            );
            failed = true;
        }
        if transcript.c2s_tail > 0 && !args.stats {
            writeln!(
                out,
                "  (client sent {} bytes of an unfinished last message)",
                transcript.c2s_tail
            )?;
        }
    }
    if args.stats {
        stats.print(&mut out)?;
    }
    out.flush()?;
    Ok(if failed {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Runs `pv3d dump`; a reader that stops early (`| head`) is not an error.
pub fn run(args: &DumpArgs) -> anyhow::Result<ExitCode> {
    match dump(args) {
        Err(e) if is_broken_pipe(&e) => Ok(ExitCode::SUCCESS),
        other => other,
    }
}

fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Counts per vtest command and per virgl command.
#[derive(Default)]
struct Stats {
    vtest: BTreeMap<String, u64>,
    virgl: BTreeMap<String, u64>,
    submit_bytes: u64,
}

impl Stats {
    fn print(&self, out: &mut impl Write) -> io::Result<()> {
        writeln!(out, "vtest requests:")?;
        for (name, n) in sorted_by_count(&self.vtest) {
            writeln!(out, "  {n:>8}  {name}")?;
        }
        writeln!(
            out,
            "virgl commands ({} bytes of command buffers):",
            self.submit_bytes
        )?;
        for (name, n) in sorted_by_count(&self.virgl) {
            writeln!(out, "  {n:>8}  {name}")?;
        }
        Ok(())
    }
}

fn sorted_by_count(map: &BTreeMap<String, u64>) -> Vec<(&str, u64)> {
    let mut v: Vec<_> = map.iter().map(|(k, n)| (k.as_str(), *n)).collect();
    v.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    v
}

/// The name a command is counted under: the opcode, and the object type for
/// CREATE_OBJECT.
fn command_name(cmd: &Command<'_>) -> String {
    match cmd {
        Command::CreateObject(o) => format!("CREATE_OBJECT({})", o.object_type()),
        Command::Video { opcode, .. } => opcode.to_string(),
        other => other.opcode().to_string(),
    }
}

fn walk(
    transcript: &Transcript<'_>,
    stats_only: bool,
    stats: &mut Stats,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    for item in &transcript.items {
        match item {
            Item::Open(json) if !stats_only => writeln!(out, "  open {json}")?,
            Item::Close(json) if !stats_only => writeln!(out, "  close {json}")?,
            Item::Request(frame) => {
                *stats
                    .vtest
                    .entry(frame.header.cmd().to_string())
                    .or_default() += 1;
                if let Request::SubmitCmd(buf) = frame.request {
                    stats.submit_bytes += buf.as_bytes().len() as u64;
                    if !stats_only {
                        writeln!(
                            out,
                            "  c2s @{:<9} SUBMIT_CMD {} dwords",
                            frame.offset,
                            buf.len()
                        )?;
                    }
                    disassemble(buf.as_bytes(), frame.offset, stats_only, stats, out)?;
                } else if let Request::CreateRenderer(r) = frame.request {
                    if !stats_only {
                        let name = String::from_utf8_lossy(r.name);
                        writeln!(out, "  c2s @{:<9} CreateRenderer {name:?}", frame.offset)?;
                    }
                } else if !stats_only {
                    writeln!(out, "  c2s @{:<9} {:?}", frame.offset, frame.request)?;
                }
            }
            Item::Reply { frame, fds } if !stats_only => {
                let fds = if fds.is_empty() {
                    String::new()
                } else {
                    format!(" + {} fd(s) {:?}", fds.len(), fds)
                };
                match frame.reply {
                    Reply::Caps { version, caps } => writeln!(
                        out,
                        "  s2c @{:<9} Caps {{ version: {version:?}, {} bytes }}",
                        frame.offset,
                        caps.len()
                    )?,
                    reply => writeln!(out, "  s2c @{:<9} {reply:?}{fds}", frame.offset)?,
                }
            }
            Item::ShmPreC2s { at, write } | Item::ShmPreS2c { at, write } if !stats_only => {
                let dir = if matches!(item, Item::ShmPreC2s { .. }) {
                    "client wrote shm before c2s"
                } else {
                    "shm changed before s2c"
                };
                writeln!(
                    out,
                    "  {dir} @{at}: fd {} (resource {}) bytes {}..{}",
                    write.fd_id,
                    write.handle,
                    write.offset,
                    write.offset + write.data.len() as u64
                )?;
            }
            Item::FdDrop { fd_id, handle } if !stats_only => {
                writeln!(out, "  fd {fd_id} dropped (resource {handle} unref'd)")?
            }
            _ => {}
        }
    }
    Ok(())
}

fn disassemble(
    buf: &[u8],
    stream_offset: u64,
    stats_only: bool,
    stats: &mut Stats,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    for item in Commands::new(buf) {
        let (offset, cmd) = item.map_err(|e| {
            anyhow::anyhow!(
                "undecodable virgl command in SUBMIT_CMD at stream byte {stream_offset}: {e}"
            )
        })?;
        *stats.virgl.entry(command_name(&cmd)).or_default() += 1;
        if !stats_only {
            writeln!(out, "    +{offset:<6} {cmd:?}")?;
        }
    }
    Ok(())
}
