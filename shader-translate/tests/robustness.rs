//! Arbitrary text never panics: mutated variants of every fixture shader
//! (truncated at every line, lines dropped and duplicated, tokens swapped,
//! numbers made huge, files and opcodes exchanged, random bytes) go through
//! `translate()` and, when they translate, through the WGSL writer. Each
//! either succeeds or returns an error; a panic fails the test and names
//! the input.

use shader_translate::ast::{File, Opcode};
use shader_translate::{limits, translate, ErrorKind, Options};
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::Path;

fn fixtures() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/in");
    let mut out = Vec::new();
    for sub in [dir.clone(), dir.join("errors")] {
        for entry in std::fs::read_dir(sub).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_some_and(|e| e == "tgsi") {
                out.push(std::fs::read_to_string(path).unwrap());
            }
        }
    }
    out.sort();
    out
}

/// Translates `text` with a few option sets; returns whether the first
/// translated. Panics (with the input) if translation panics.
fn survive(text: &str, stats: &mut (usize, usize)) {
    let options = [
        Options::default(),
        Options {
            flatshade: true,
            clamp_fragment_color: true,
            color_buffers: 3,
            two_sided_color: true,
            samplers: [shader_translate::SamplerOptions {
                depth: true,
                ..shader_translate::SamplerOptions::IDENTITY
            }; limits::MAX_SAMPLERS as usize],
            ..Options::default()
        },
    ];
    for opts in &options {
        let result = catch_unwind(AssertUnwindSafe(|| {
            translate(text, opts).map(|t| t.to_wgsl().map(|_| ()))
        }));
        match result {
            Ok(Ok(Ok(()))) => stats.0 += 1,
            Ok(Ok(Err(e))) | Ok(Err(e)) => {
                stats.1 += 1;
                // Rendering must not panic either.
                let _ = e.render(text);
            }
            Err(_) => panic!("translate() panicked on:\n{text}"),
        }
    }
}

/// Splits into tokens and the text between them (whitespace and
/// punctuation kept), so swapped words stay lexable.
fn words(text: &str) -> Vec<(usize, usize)> {
    let bytes = text.as_bytes();
    let mut out = Vec::new();
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_' {
            let start = i;
            while i < bytes.len() && (bytes[i].is_ascii_alphanumeric() || bytes[i] == b'_') {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

fn replace(text: &str, (start, end): (usize, usize), with: &str) -> String {
    format!("{}{with}{}", &text[..start], &text[end..])
}

#[test]
fn mutated_fixtures_never_panic() {
    let mut stats = (0, 0);
    let opcodes: Vec<&str> = Opcode::ALL.iter().map(|o| o.name()).collect();
    let files: Vec<&str> = File::ALL.iter().map(|f| f.name()).collect();
    let huge = [
        "4294967295",
        "4294967296",
        "2147483648",
        "99999999999999999999",
        "65536",
        "4096",
        "0",
    ];
    let mut rng = 0x9e37_79b9_7f4a_7c15u64;
    let mut next = move || {
        rng ^= rng << 13;
        rng ^= rng >> 7;
        rng ^= rng << 17;
        rng
    };
    for text in fixtures() {
        let lines: Vec<&str> = text.lines().collect();
        // Truncated after every line, and every line dropped or doubled.
        for n in 0..=lines.len() {
            survive(&lines[..n].join("\n"), &mut stats);
            let mut dropped = lines.clone();
            if n < lines.len() {
                dropped.remove(n);
                survive(&dropped.join("\n"), &mut stats);
                let mut doubled = lines.clone();
                doubled.insert(n, lines[n]);
                survive(&doubled.join("\n"), &mut stats);
            }
        }
        let toks = words(&text);
        for (k, &tok) in toks.iter().enumerate() {
            let word = &text[tok.0..tok.1];
            // Adjacent words swapped.
            if let Some(&next_tok) = toks.get(k + 1) {
                let other = &text[next_tok.0..next_tok.1];
                let swapped = format!(
                    "{}{other}{}{word}{}",
                    &text[..tok.0],
                    &text[tok.1..next_tok.0],
                    &text[next_tok.1..]
                );
                survive(&swapped, &mut stats);
            }
            // Numbers made huge.
            if word.bytes().all(|b| b.is_ascii_digit()) {
                for h in huge {
                    survive(&replace(&text, tok, h), &mut stats);
                }
            }
            // Register files exchanged.
            if File::from_name(word).is_some() {
                let with = files[(next() % files.len() as u64) as usize];
                survive(&replace(&text, tok, with), &mut stats);
            }
            // Opcodes exchanged (every opcode meets real operand lists).
            if Opcode::from_name(word.trim_end_matches("_SAT")).is_some() {
                for _ in 0..4 {
                    let with = opcodes[(next() % opcodes.len() as u64) as usize];
                    survive(&replace(&text, tok, with), &mut stats);
                }
            }
        }
        // Random byte edits.
        for _ in 0..200 {
            let mut bytes = text.clone().into_bytes();
            for _ in 0..1 + next() % 4 {
                if bytes.is_empty() {
                    break;
                }
                let at = (next() % bytes.len() as u64) as usize;
                let alphabet = b"[]().,:|+-{}0123456789xyzw_ \nAZ";
                bytes[at] = alphabet[(next() % alphabet.len() as u64) as usize];
            }
            survive(&String::from_utf8_lossy(&bytes), &mut stats);
        }
    }
    for op in &opcodes {
        // Every opcode with too few operands, and alone.
        survive(&format!("FRAG\nDCL TEMP[0]\n{op} TEMP[0]\nEND"), &mut stats);
        survive(&format!("VERT\n{op}"), &mut stats);
    }
    eprintln!(
        "robustness: {} translated, {} rejected, none panicked",
        stats.0, stats.1
    );
    assert!(stats.0 > 1000 && stats.1 > 1000);
}

#[test]
fn oversized_text_is_rejected_before_parsing() {
    let text = format!("FRAG\n{}", "NOP\n".repeat(limits::MAX_TEXT_BYTES / 4));
    let err = translate(&text, &Options::default()).unwrap_err();
    assert!(matches!(
        err.kind(),
        ErrorKind::TooLarge {
            what: "shader text bytes",
            ..
        }
    ));
}

#[test]
fn instruction_and_nesting_limits_hold() {
    let text = format!("FRAG\n{}", "NOP\n".repeat(limits::MAX_INSTRUCTIONS + 1));
    let err = translate(&text, &Options::default()).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::TooLarge {
                what: "instructions",
                ..
            }
        ),
        "{err}"
    );
    let text = format!("FRAG\n{}", "BGNLOOP\n".repeat(limits::MAX_NESTING + 1));
    let err = translate(&text, &Options::default()).unwrap_err();
    assert!(
        matches!(
            err.kind(),
            ErrorKind::TooLarge {
                what: "nesting depth",
                ..
            }
        ),
        "{err}"
    );
    let text = "FRAG\nDCL CONST[0..4294967295]\nEND";
    let err = translate(text, &Options::default()).unwrap_err();
    assert!(matches!(err.kind(), ErrorKind::TooLarge { .. }), "{err}");
}

#[test]
fn text_after_a_nul_is_ignored() {
    let text = "FRAG\nDCL OUT[0], COLOR\nEND\n\0garbage \u{1} that is not TGSI";
    assert!(translate(text, &Options::default()).is_ok());
}

#[test]
fn lod_queries_on_multisampled_targets_are_errors_and_vertex_shaders_get_zeros() {
    let lodq = |stage: &str, target: &str| {
        format!(
            "{stage}\nDCL IN[0]\nDCL OUT[0], {out}\nDCL SAMP[0]\nDCL SVIEW[0], {target}, FLOAT\n\
             DCL TEMP[0]\nLODQ TEMP[0], IN[0], SAMP[0], {target}\nMOV OUT[0], TEMP[0]\nEND\n",
            out = if stage == "VERT" { "POSITION" } else { "COLOR" },
        )
    };
    let msaa = translate(&lodq("FRAG", "2D_MSAA"), &Options::default());
    assert!(msaa.is_err(), "LODQ on a multisampled target translated");
    // No derivatives outside fragment shaders: the query reads zeros.
    let vs = translate(&lodq("VERT", "2D"), &Options::default()).expect("VS LODQ");
    assert!(vs
        .to_wgsl()
        .expect("WGSL")
        .contains("vec4<f32>(0f, 0f, 0f, 0f)"));
}
