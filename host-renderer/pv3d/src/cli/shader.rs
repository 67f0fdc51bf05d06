//! `pv3d shader`: translate one TGSI shader and print its WGSL (naga's WGSL
//! back end) or, with `--info`, the interface the renderer binds it with;
//! `--spirv FILE` also writes the SPIR-V the renderer passes to Vulkan for
//! modules with image atomics (for `spirv-val` and `spirv-dis`).
//! A translation error is printed with a caret under the TGSI line and makes
//! the exit code 1.

use anyhow::Context;
use shader_translate::{translate, Options};
use std::io::{self, Read, Write};
use std::path::PathBuf;
use std::process::ExitCode;

/// Arguments of `pv3d shader`.
#[derive(Debug, clap::Args)]
pub struct ShaderArgs {
    /// TGSI text file (`-` reads standard input).
    file: PathBuf,
    /// Print the interface (inputs, outputs, bindings) instead of WGSL.
    #[arg(long)]
    info: bool,
    /// Translate as with the rasterizer's `flatshade` set.
    #[arg(long)]
    flatshade: bool,
    /// Translate as with the rasterizer's `clip_halfz` set.
    #[arg(long)]
    clip_halfz: bool,
    /// Number of colour buffers `FS_COLOR0_WRITES_ALL_CBUFS` writes.
    #[arg(long, default_value_t = 1)]
    color_buffers: u32,
    /// Also write the module as SPIR-V (words, little-endian) to this file.
    #[arg(long, value_name = "FILE")]
    spirv: Option<PathBuf>,
}

/// Runs `pv3d shader`.
pub fn run(args: &ShaderArgs) -> anyhow::Result<ExitCode> {
    let mut bytes = Vec::new();
    let name = args.file.display().to_string();
    if name == "-" {
        io::stdin()
            .read_to_end(&mut bytes)
            .context("cannot read standard input")?;
    } else {
        bytes = std::fs::read(&args.file).with_context(|| format!("cannot read {name}"))?;
    }
    // Guest text is ASCII; anything else is reported by the lexer.
    let text = String::from_utf8_lossy(&bytes);
    let options = Options {
        flatshade: args.flatshade,
        clip_halfz: args.clip_halfz,
        color_buffers: args.color_buffers,
        ..Options::default()
    };
    let output = translate(&text, &options).and_then(|t| {
        if let Some(path) = &args.spirv {
            let words = t.spirv()?;
            let bytes: Vec<u8> = words.iter().flat_map(|w| w.to_le_bytes()).collect();
            if let Err(e) = std::fs::write(path, bytes) {
                eprintln!("pv3d shader: cannot write {}: {e}", path.display());
            }
        }
        if args.info {
            Ok(t.interface.to_string())
        } else {
            t.to_wgsl()
        }
    });
    match output {
        Ok(out) => {
            let mut stdout = io::stdout().lock();
            match stdout
                .write_all(out.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.into()),
                _ => Ok(ExitCode::SUCCESS),
            }
        }
        Err(err) => {
            eprint!("{}", err.render_with_path(&text, &name));
            Ok(ExitCode::from(1))
        }
    }
}
