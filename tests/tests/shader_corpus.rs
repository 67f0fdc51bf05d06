//! Every vertex and fragment shader in the capture corpus (`$PV3D_CAPTURES`,
//! default `../shared/captures`, and our own `tests/captures`) translates and validates, and every VS/FS
//! pair a capture draws with links into a wgpu render pipeline on the Vulkan
//! device (the `gpu_` test; it fails without a Vulkan adapter).
//!
//! Shaders are extracted the way the host will see them: the capture reader
//! gives each connection's client→server stream, the vtest decoder its
//! SUBMIT_CMD bodies, the virgl decoder their commands, and the shader
//! assembler joins CREATE_OBJECT(SHADER) chunks. Bindings are followed per
//! sub-context to find the pairs bound at each DRAW_VBO.

#[allow(dead_code, reason = "the harness is shared with shader_exec")]
mod shader_gpu;

use guest_protocol::capture::Capture;
use guest_protocol::virgl::shader::ShaderAssembler;
use guest_protocol::virgl::{Command, Commands, CreateObject};
use guest_protocol::vtest::{Limits, Request};
use shader_translate::interface::Usage;
use shader_translate::{translate, Options};
use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::OnceLock;

/// Shaders and pairs found in the corpus.
#[derive(Default)]
struct Corpus {
    captures: usize,
    /// CREATE_OBJECT(SHADER) objects completed (VS and FS only).
    objects: usize,
    /// Unique texts, with their stage (0 VS, 1 FS) and a capture using them.
    shaders: BTreeMap<String, (u32, String)>,
    /// Unique (VS text, FS text) pairs bound at a draw.
    pairs: BTreeSet<(String, String)>,
}

/// Reads the whole corpus once.
fn corpus() -> &'static Corpus {
    static CORPUS: OnceLock<Corpus> = OnceLock::new();
    CORPUS.get_or_init(|| {
        let paths = pv3d_tests::all_captures();
        let mut corpus = Corpus::default();
        for path in &paths {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let capture = Capture::open(path).unwrap_or_else(|e| panic!("{name}: {e}"));
            corpus.captures += 1;
            for conn in capture.connections() {
                walk(
                    &name,
                    conn.requests(Limits::default()).filter_map(Result::ok),
                    &mut corpus,
                );
            }
        }
        corpus
    })
}

/// Follows one connection's requests.
fn walk<'a>(
    name: &str,
    requests: impl Iterator<Item = guest_protocol::vtest::RequestFrame<'a>>,
    corpus: &mut Corpus,
) {
    let mut assembler = ShaderAssembler::default();
    let mut sub_ctx = 0;
    // (sub-context, handle) → (stage, text); sub-context → [VS, FS] handles.
    let mut objects: HashMap<(u32, u32), (u32, String)> = HashMap::new();
    let mut bound: HashMap<u32, [u32; 2]> = HashMap::new();
    for frame in requests {
        let Request::SubmitCmd(buf) = frame.request else {
            continue;
        };
        for item in Commands::new(buf.as_bytes()) {
            let (offset, cmd) = item.unwrap_or_else(|e| {
                panic!("{name}: virgl decoding failed (not a translator problem): {e}")
            });
            match cmd {
                Command::SetSubCtx(id) => sub_ctx = id,
                Command::CreateObject(CreateObject::Shader(chunk)) => {
                    let text = assembler
                        .push(&chunk)
                        .unwrap_or_else(|e| panic!("{name} @{}+{offset}: {e}", frame.offset));
                    if let Some(text) = text.filter(|_| chunk.stage.0 < 2) {
                        corpus.objects += 1;
                        let text = text.into_owned();
                        corpus
                            .shaders
                            .entry(text.clone())
                            .or_insert((chunk.stage.0, name.to_owned()));
                        objects.insert((sub_ctx, chunk.handle), (chunk.stage.0, text));
                    }
                }
                Command::BindShader { handle, stage } if stage.0 < 2 => {
                    bound.entry(sub_ctx).or_default()[stage.0 as usize] = handle;
                }
                Command::DrawVbo(_) => {
                    let [vs, fs] = bound.get(&sub_ctx).copied().unwrap_or_default();
                    if let (Some((_, vs)), Some((_, fs))) =
                        (objects.get(&(sub_ctx, vs)), objects.get(&(sub_ctx, fs)))
                    {
                        corpus.pairs.insert((vs.clone(), fs.clone()));
                    }
                }
                _ => {}
            }
        }
    }
}

#[test]
fn every_captured_shader_translates_and_validates() {
    let corpus = corpus();
    assert!(
        corpus.captures > 0 && !corpus.shaders.is_empty(),
        "no shaders found in {} or {}",
        pv3d_tests::captures_dir().display(),
        pv3d_tests::own_captures_dir().display()
    );
    let option_sets = [
        Options::default(),
        Options {
            flatshade: true,
            clamp_vertex_color: true,
            clamp_fragment_color: true,
            ..Options::default()
        },
    ];
    let mut failures = Vec::new();
    for (text, (stage, capture)) in &corpus.shaders {
        for options in &option_sets {
            if let Err(e) = translate(text, options) {
                failures.push(format!("{capture} (stage {stage}):\n{}", e.render(text)));
            }
        }
    }
    let vs = corpus.shaders.values().filter(|(s, _)| *s == 0).count();
    eprintln!(
        "shader corpus: {} captures, {} shader objects, {} unique ({} VS, {} FS), {} VS/FS pairs drawn",
        corpus.captures,
        corpus.objects,
        corpus.shaders.len(),
        vs,
        corpus.shaders.len() - vs,
        corpus.pairs.len()
    );
    assert!(
        failures.is_empty(),
        "{} shaders failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}

#[test]
fn gpu_every_captured_pair_links_into_a_pipeline() {
    let corpus = corpus();
    assert!(!corpus.pairs.is_empty(), "no drawn VS/FS pairs found");
    let mut failures = Vec::new();
    for (vs_text, fs_text) in &corpus.pairs {
        let fs = shader_gpu::tr(fs_text, &Options::default());
        let vs = shader_gpu::tr(
            vs_text,
            &Options {
                next_stage_inputs: fs.interface.inputs.clone(),
                ..Options::default()
            },
        );
        let mut targets = Vec::new();
        for out in &fs.interface.outputs {
            if let Usage::Location { location, .. } = out.usage {
                let at = location as usize;
                if targets.len() <= at {
                    targets.resize(at + 1, None);
                }
                targets[at] = Some(wgpu::TextureFormat::Rgba8Unorm);
            }
        }
        if let Err(e) = shader_gpu::pipeline(&vs, &fs, &targets) {
            failures.push(e);
        }
    }
    eprintln!(
        "shader corpus: {} VS/FS pairs link into wgpu pipelines",
        corpus.pairs.len()
    );
    assert!(
        failures.is_empty(),
        "{} pairs failed:\n{}",
        failures.len(),
        failures.join("\n\n")
    );
}
