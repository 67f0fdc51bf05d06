//! Translation time per shader: every fixture of `shader-translate/tests/in`
//! (the tgsi-text.md examples, captured glmark2/piglit shaders and the
//! feature fixtures), parsed alone and translated (parse + lower + naga
//! validation), with throughput in bytes of TGSI text.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use shader_translate::{parse, translate, Options};
use std::hint::black_box;
use std::path::Path;

/// `(name, text)` of every fixture that translates.
fn corpus() -> Vec<(String, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../shader-translate/tests/in");
    let mut out: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| {
            let path = e.ok()?.path();
            (path.extension()? == "tgsi").then_some(())?;
            let name = path.file_stem()?.to_str()?.to_owned();
            Some((name, std::fs::read_to_string(&path).ok()?))
        })
        .filter(|(_, text)| translate(text, &Options::default()).is_ok())
        .collect();
    out.sort();
    out
}

fn bench(c: &mut Criterion) {
    let corpus = corpus();
    let options = Options::default();
    let mut group = c.benchmark_group("tgsi_translate");
    for (name, text) in &corpus {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name.as_str(), |b| {
            b.iter(|| translate(black_box(text), &options))
        });
    }
    let total: usize = corpus.iter().map(|(_, t)| t.len()).sum();
    group.throughput(Throughput::Bytes(total as u64));
    group.bench_function("whole corpus", |b| {
        b.iter(|| {
            for (_, text) in &corpus {
                let _ = black_box(translate(black_box(text), &options));
            }
        })
    });
    group.bench_function("whole corpus, parse only", |b| {
        b.iter(|| {
            for (_, text) in &corpus {
                let _ = black_box(parse(black_box(text)));
            }
        })
    });
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
