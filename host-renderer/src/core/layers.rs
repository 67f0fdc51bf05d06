//! The core's shape, checked from its source files: every module belongs to
//! the layer named by its top-level folder ([`LAYERS`], lowest first), a
//! module refers only to modules of its own or a lower layer, the graph of
//! module references has no cycle, the core names no front end, and no file
//! or function is longer than [`MAX_FILE_LINES`] / [`MAX_FN_LINES`].
//!
//! References are read from the text: `use` trees and paths starting with
//! `crate::`, `super::`, `self::` or a child module's name, each resolved to
//! the deepest module (file) it names. Test modules at the end of a file
//! (`#[cfg(test)] mod … {`) are left out of the graph.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Top-level modules of `core` by layer, lowest first (`""` is `core`
/// itself, the facade of re-exported paths).
const LAYERS: &[&[&str]] = &[
    &["base"],
    &["gpu"],
    &["resources"],
    &["state"],
    &["validate"],
    &["record"],
    &["exec"],
    &["renderer"],
    &["api", ""],
];

/// Longest file, in lines.
const MAX_FILE_LINES: usize = 600;
/// Longest function, in lines (signature to closing brace).
const MAX_FN_LINES: usize = 150;
/// This file: not part of the graph.
const SELF_FILE: &str = "layers.rs";

/// A module's path below `core` (`[]` is `core` itself).
type ModPath = Vec<String>;

/// One source file of the core.
struct Source {
    module: ModPath,
    file: PathBuf,
    text: String,
}

fn core_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src/core")
}

fn sources() -> Vec<Source> {
    let mut out = Vec::new();
    let mut dirs = vec![core_dir()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("core source folder") {
            let path = entry.expect("folder entry").path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let rel = path.strip_prefix(core_dir()).expect("under core");
                let mut module: ModPath = rel
                    .with_extension("")
                    .components()
                    .map(|c| c.as_os_str().to_string_lossy().into_owned())
                    .collect();
                if module.last().is_some_and(|m| m == "mod") {
                    module.pop();
                }
                let text = std::fs::read_to_string(&path).expect("readable source");
                out.push(Source {
                    module,
                    file: rel.to_path_buf(),
                    text,
                });
            }
        }
    }
    out.sort_by(|a, b| a.module.cmp(&b.module));
    out
}

/// The code of `text` the graph is built from: without line comments and
/// without the test module at its end.
fn graph_code(text: &str) -> String {
    let lines: Vec<&str> = text.lines().collect();
    let mut out = String::new();
    for (i, line) in lines.iter().enumerate() {
        let next = lines.get(i + 1).map_or("", |l| l.trim());
        if line.trim() == "#[cfg(test)]" && next.starts_with("mod ") && next.ends_with('{') {
            break;
        }
        let code = line.find("//").map_or(*line, |at| &line[..at]);
        out.push_str(code);
        out.push('\n');
    }
    out
}

/// Expands a `use` tree (`a::{b, c::{d, e as f}}`) into its paths.
fn expand_use(tree: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    expand_into(tree, &mut Vec::new(), &mut out);
    out
}

fn expand_into(tree: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let tree = tree.trim();
    let segments = |path: &str| -> Vec<String> {
        path.split("::")
            .map(str::trim)
            .filter(|s| !s.is_empty() && *s != "self")
            .map(str::to_owned)
            .collect()
    };
    let Some(open) = tree.find('{') else {
        let path = tree.split(" as ").next().unwrap_or(tree);
        let mut full = prefix.clone();
        full.extend(segments(path));
        out.push(full);
        return;
    };
    let inner = &tree[open + 1..tree.rfind('}').unwrap_or(tree.len())];
    let base_len = prefix.len();
    prefix.extend(segments(&tree[..open]));
    let mut depth = 0;
    let mut start = 0;
    for (i, c) in inner.char_indices() {
        match c {
            '{' => depth += 1,
            '}' => depth -= 1,
            ',' if depth == 0 => {
                expand_item(&inner[start..i], prefix, out);
                start = i + 1;
            }
            _ => {}
        }
    }
    expand_item(&inner[start..], prefix, out);
    prefix.truncate(base_len);
}

fn expand_item(item: &str, prefix: &mut Vec<String>, out: &mut Vec<Vec<String>>) {
    let item = item.trim();
    if item.is_empty() {
        return;
    }
    if item == "self" {
        out.push(prefix.clone());
    } else {
        expand_into(item, prefix, out);
    }
}

/// Every path in `code` that may name a core module: `use` trees, and
/// inline paths of two or more segments.
fn paths(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let mut rest = String::new();
    let mut statement: Option<String> = None;
    for line in code.lines() {
        let t = line.trim();
        let is_use = ["use ", "pub use ", "pub(crate) use ", "pub(super) use "]
            .iter()
            .find(|p| t.starts_with(**p));
        if let Some(p) = is_use.filter(|_| statement.is_none()) {
            statement = Some(t[p.len()..].to_owned());
        } else if let Some(s) = &mut statement {
            s.push_str(t);
        } else {
            rest.push_str(line);
            rest.push('\n');
            continue;
        }
        if statement.as_ref().is_some_and(|s| s.ends_with(';')) {
            let s = statement.take().unwrap_or_default();
            out.extend(expand_use(s.trim_end_matches(';')));
        }
    }
    // Inline paths: identifier runs joined by `::`, not preceded by `::`.
    let bytes = rest.as_bytes();
    let ident = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let mut i = 0;
    while i < bytes.len() {
        let starts = ident(bytes[i]) && (i == 0 || !(ident(bytes[i - 1]) || bytes[i - 1] == b':'));
        if !starts {
            i += 1;
            continue;
        }
        let mut segs = Vec::new();
        let mut j = i;
        loop {
            let s = j;
            while j < bytes.len() && ident(bytes[j]) {
                j += 1;
            }
            segs.push(rest[s..j].to_owned());
            if rest[j..].starts_with("::") && bytes.get(j + 2).is_some_and(|&b| ident(b)) {
                j += 2;
            } else {
                break;
            }
        }
        if segs.len() > 1 {
            out.push(segs);
        }
        i = j.max(i + 1);
    }
    out
}

/// The module `path` (written in `from`) refers to, if it is in the core.
/// `Err` for a path into the crate outside the core.
fn resolve(
    path: &[String],
    from: &ModPath,
    modules: &BTreeSet<ModPath>,
) -> Result<Option<ModPath>, String> {
    let first = path.first().map(String::as_str);
    let (mut abs, rest): (ModPath, &[String]) = match first {
        Some("crate") => match path.get(1).map(String::as_str) {
            Some("core") => (Vec::new(), &path[2..]),
            _ => return Err(path.join("::")),
        },
        Some("super") => {
            let mut base = from.clone();
            let mut k = 0;
            while path.get(k).is_some_and(|s| s == "super") {
                base.pop();
                k += 1;
            }
            (base, &path[k..])
        }
        Some("self") => (from.clone(), &path[1..]),
        Some(child) => {
            let mut m = from.clone();
            m.push(child.to_owned());
            if !modules.contains(&m) {
                return Ok(None);
            }
            (from.clone(), path)
        }
        None => return Ok(None),
    };
    for seg in rest {
        let mut next = abs.clone();
        next.push(seg.clone());
        if modules.contains(&next) {
            abs = next;
        } else {
            break;
        }
    }
    Ok(Some(abs))
}

fn layer(module: &ModPath) -> Option<usize> {
    let top = module.first().map_or("", String::as_str);
    LAYERS.iter().position(|l| l.contains(&top))
}

fn name(module: &ModPath) -> String {
    if module.is_empty() {
        "core".into()
    } else {
        module.join("::")
    }
}

/// The module graph: edges from each module to the core modules it names.
fn graph(sources: &[Source]) -> (BTreeMap<ModPath, BTreeSet<ModPath>>, Vec<String>) {
    let modules: BTreeSet<ModPath> = sources.iter().map(|s| s.module.clone()).collect();
    let mut edges = BTreeMap::new();
    let mut problems = Vec::new();
    for s in sources.iter().filter(|s| s.file != Path::new(SELF_FILE)) {
        let out: &mut BTreeSet<ModPath> = edges.entry(s.module.clone()).or_default();
        for p in paths(&graph_code(&s.text)) {
            match resolve(&p, &s.module, &modules) {
                Ok(Some(to)) if to != s.module => {
                    out.insert(to);
                }
                Ok(_) => {}
                Err(outside) => problems.push(format!(
                    "{} names `{outside}` outside the core (the core knows no front end)",
                    s.file.display()
                )),
            }
        }
    }
    (edges, problems)
}

/// A cycle of `edges`, if any, as the modules along it.
fn find_cycle(edges: &BTreeMap<ModPath, BTreeSet<ModPath>>) -> Option<Vec<ModPath>> {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        Open,
        Done,
    }
    fn visit(
        m: &ModPath,
        edges: &BTreeMap<ModPath, BTreeSet<ModPath>>,
        marks: &mut BTreeMap<ModPath, Mark>,
        stack: &mut Vec<ModPath>,
    ) -> Option<Vec<ModPath>> {
        match marks.get(m) {
            Some(Mark::Done) => return None,
            Some(Mark::Open) => {
                let at = stack.iter().position(|s| s == m).unwrap_or(0);
                let mut cycle = stack[at..].to_vec();
                cycle.push(m.clone());
                return Some(cycle);
            }
            None => {}
        }
        marks.insert(m.clone(), Mark::Open);
        stack.push(m.clone());
        for to in edges.get(m).into_iter().flatten() {
            if let Some(c) = visit(to, edges, marks, stack) {
                return Some(c);
            }
        }
        stack.pop();
        marks.insert(m.clone(), Mark::Done);
        None
    }
    let mut marks = BTreeMap::new();
    edges
        .keys()
        .find_map(|m| visit(m, edges, &mut marks, &mut Vec::new()))
}

/// Functions of `text` longer than [`MAX_FN_LINES`]: (name, first line, lines).
fn long_functions(text: &str) -> Vec<(String, usize, usize)> {
    let lines: Vec<&str> = text.lines().collect();
    let indent = |l: &str| l.len() - l.trim_start().len();
    let mut out = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let t = line.trim_start();
        let after_vis = t
            .strip_prefix("pub(crate) ")
            .or_else(|| t.strip_prefix("pub(super) "))
            .or_else(|| t.strip_prefix("pub "))
            .unwrap_or(t);
        let after_quals = after_vis
            .trim_start_matches("const ")
            .trim_start_matches("unsafe ");
        let Some(sig) = after_quals.strip_prefix("fn ") else {
            continue;
        };
        let fn_name: String = sig
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        let depth = indent(line);
        // The line that ends the signature: `{` opens a body, `;` has none.
        let Some(open) = (i..lines.len()).find(|&k| {
            let l = lines[k].trim_end();
            (k == i || indent(lines[k]) == depth)
                && (l.ends_with('{') || l.ends_with(';') || l.ends_with('}'))
        }) else {
            continue;
        };
        if !lines[open].trim_end().ends_with('{') {
            continue;
        }
        let Some(close) =
            (open + 1..lines.len()).find(|&k| indent(lines[k]) == depth && lines[k].trim() == "}")
        else {
            continue;
        };
        let len = close - i + 1;
        if len > MAX_FN_LINES {
            out.push((fn_name, i + 1, len));
        }
    }
    out
}

#[test]
fn layers_are_respected_and_acyclic() {
    let sources = sources();
    assert!(sources.len() > 20, "core sources not found");
    let (edges, mut problems) = graph(&sources);
    for (from, tos) in &edges {
        let Some(lf) = layer(from) else {
            problems.push(format!("{} is in no layer (add it to LAYERS)", name(from)));
            continue;
        };
        for to in tos {
            match layer(to) {
                Some(lt) if lt > lf => problems.push(format!(
                    "{} (layer {lf}) uses {} (layer {lt}), a higher layer",
                    name(from),
                    name(to)
                )),
                Some(_) => {}
                None => problems.push(format!("{} is in no layer", name(to))),
            }
        }
    }
    if let Some(cycle) = find_cycle(&edges) {
        let names: Vec<String> = cycle.iter().map(name).collect();
        problems.push(format!("module cycle: {}", names.join(" -> ")));
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn files_and_functions_are_short() {
    let mut problems = Vec::new();
    for s in sources() {
        let lines = s.text.lines().count();
        if lines > MAX_FILE_LINES {
            problems.push(format!("{}: {lines} lines", s.file.display()));
        }
        for (f, at, len) in long_functions(&s.text) {
            problems.push(format!("{}:{at}: fn {f} is {len} lines", s.file.display()));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn the_checker_sees_cycles_and_upward_uses() {
    let modules: BTreeSet<ModPath> = [vec![], vec!["base".into()], vec!["record".into()]]
        .into_iter()
        .chain([vec!["record".to_owned(), "draw".to_owned()]])
        .collect();
    let from = vec!["record".to_owned(), "draw".to_owned()];
    let p = |s: &str| s.split("::").map(str::to_owned).collect::<Vec<_>>();
    assert_eq!(
        resolve(&p("super::super::base::Thing"), &from, &modules),
        Ok(Some(vec!["base".to_owned()]))
    );
    assert_eq!(
        resolve(&p("crate::core::record::draw::x"), &from, &modules),
        Ok(Some(from.clone()))
    );
    assert!(resolve(&p("crate::vtest::Server"), &from, &modules).is_err());
    assert_eq!(
        expand_use("super::{a, b::{c, self}, d as e}"),
        vec![
            p("super::a"),
            p("super::b::c"),
            p("super::b"),
            p("super::d")
        ]
    );
    let code = "use super::x;\nfn f() { crate::core::base::y(); let z = a::b; }\n";
    assert_eq!(
        paths(code),
        vec![p("super::x"), p("crate::core::base::y"), p("a::b")]
    );
    let mut edges = BTreeMap::new();
    edges.insert(p("a"), [p("b")].into_iter().collect::<BTreeSet<_>>());
    edges.insert(p("b"), [p("a")].into_iter().collect());
    assert!(find_cycle(&edges).is_some());
    edges.insert(p("b"), BTreeSet::new());
    assert!(find_cycle(&edges).is_none());
    let long = format!("fn big() {{\n{}}}\n", "    x();\n".repeat(MAX_FN_LINES));
    assert_eq!(long_functions(&long).len(), 1);
}
