//! The results as a Markdown table (with geometric means per workload
//! family) and as CSV.

use crate::model::{Config, Results, Workload};
use crate::stats::geomean;
use std::fmt::Write as _;

/// Header of the CSV file.
pub const CSV_HEADER: &str = "workload,config,median,min,max,unit,errors,wrong_frame";

/// One row per workload and configuration that has samples or failed:
/// `errors` is the count of context errors of its runs (empty where not
/// counted), `wrong_frame` is 1 where glmark2 `--validate` found its frame
/// wrong; a failed configuration has no figures.
pub fn csv(results: &Results) -> String {
    let mut out = format!("{CSV_HEADER}\n");
    for w in &results.workloads {
        for config in Config::ALL {
            let counted = w
                .samples
                .get(&config)
                .is_some_and(|s| s.iter().all(|s| s.errors.is_some()));
            let errors = match w.errors.get(&config) {
                Some(n) => n.to_string(),
                None if counted => "0".to_string(),
                None => String::new(),
            };
            let figures = match w.summary(config) {
                Some(s) => format!("{},{},{}", s.median, s.min, s.max),
                None if w.failed(config).is_some() => ",,".to_string(),
                None => continue,
            };
            let wrong = if w.wrong_frames.contains(&config) {
                "1"
            } else {
                ""
            };
            let _ = writeln!(
                out,
                "{},{},{figures},{},{errors},{wrong}",
                w.name,
                config.name(),
                w.unit.name()
            );
        }
    }
    out
}

/// Three significant digits, without exponent.
fn num(v: f64) -> String {
    let digits = if v.abs() >= 100.0 {
        0
    } else if v.abs() >= 10.0 {
        1
    } else if v.abs() >= 1.0 {
        2
    } else {
        3
    };
    format!("{v:.digits$}")
}

fn cell(w: &Workload, config: Config, measured: &[Config]) -> String {
    if let Some(why) = w.failed(config) {
        return format!("FAILED: {why}");
    }
    match w.summary(config) {
        Some(s) => format!("{} ({}–{})", num(s.median), num(s.min), num(s.max)),
        None if w.failures.contains_key(&config) => "fail".to_string(),
        None if measured.contains(&config) && config != Config::Native => "fail".to_string(),
        None => "—".to_string(),
    }
}

fn ratio(w: &Workload, a: Config, b: Config) -> String {
    w.speedup(a, b)
        .map_or_else(|| "—".to_string(), |r| format!("{r:.2}×"))
}

fn cpu(w: &Workload, config: Config) -> String {
    match w.cpu(config) {
        (Some(c), Some(s)) => format!("{} + {}", num(c), num(s)),
        (Some(c), None) => num(c),
        _ => "—".to_string(),
    }
}

/// The table of every workload: medians (min–max) per configuration,
/// speed ratios (> 1: faster) and CPU ms per frame of client + server,
/// then a geometric-mean summary per family.
pub fn markdown(results: &Results, measured: &[Config]) -> String {
    let mut out = String::new();
    out.push_str(
        "| workload | unit | native | reference | pv3d | ref/native | pv3d/native | pv3d/ref \
         | CPU ms/frame native | reference (client + server) | pv3d (client + server) |\n",
    );
    out.push_str("|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|\n");
    for w in results.workloads.iter().filter(|w| !w.in_vm()) {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} | {} | {} | {} | {} | {} | {} |",
            w.name,
            w.unit.name(),
            cell(w, Config::Native, measured),
            cell(w, Config::Reference, measured),
            cell(w, Config::Pv3d, measured),
            ratio(w, Config::Reference, Config::Native),
            ratio(w, Config::Pv3d, Config::Native),
            ratio(w, Config::Pv3d, Config::Reference),
            cpu(w, Config::Native),
            cpu(w, Config::Reference),
            cpu(w, Config::Pv3d),
        );
    }
    out.push('\n');
    out.push_str(&summary(results));
    out.push_str(&isolated_markdown(results));
    out.push_str(&vm_markdown(results));
    out
}

/// The cost of process isolation, when it was measured: `pv3d serve` with
/// every client in a jailed worker against clients as threads.
pub fn isolated_markdown(results: &Results) -> String {
    let rows: Vec<&Workload> = results
        .workloads
        .iter()
        .filter(|w| w.summary(Config::Pv3dIsolated).is_some())
        .collect();
    if rows.is_empty() {
        return String::new();
    }
    let measured = [Config::Pv3d, Config::Pv3dIsolated];
    let mut out = String::from(
        "\nProcess isolation (`pv3d serve --isolate process`):\n\n\
         | workload | unit | pv3d | pv3d-isolated | isolated/threaded |\n\
         |---|---|---:|---:|---:|\n",
    );
    for w in &rows {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            w.name,
            w.unit.name(),
            cell(w, Config::Pv3d, &measured),
            cell(w, Config::Pv3dIsolated, &measured),
            ratio(w, Config::Pv3dIsolated, Config::Pv3d),
        );
    }
    let r: Vec<f64> = rows
        .iter()
        .filter_map(|w| w.speedup(Config::Pv3dIsolated, Config::Pv3d))
        .collect();
    if let Some(g) = geomean(&r) {
        let _ = writeln!(
            out,
            "\n- geomean pv3d-isolated/pv3d {g:.2}× ({} workloads)",
            r.len()
        );
    }
    out
}

/// The VM columns, when there are any: glmark2-es2-drm in a guest through
/// QEMU's reference vhost-user-gpu backend and through pv3d's.
pub fn vm_markdown(results: &Results) -> String {
    let vm: Vec<&Workload> = results.workloads.iter().filter(|w| w.in_vm()).collect();
    if vm.is_empty() {
        return String::new();
    }
    let measured = [Config::VmReference, Config::VmPv3d];
    let mut out = String::from(
        "\nIn a guest (QEMU 10, TCG, vhost-user-gpu-pci): glmark2-es2-drm --off-screen\n\n\
         | workload | unit | vm-reference | vm-pv3d | vm-pv3d/vm-reference |\n\
         |---|---|---:|---:|---:|\n",
    );
    for w in &vm {
        let _ = writeln!(
            out,
            "| {} | {} | {} | {} | {} |",
            w.name,
            w.unit.name(),
            cell(w, Config::VmReference, &measured),
            cell(w, Config::VmPv3d, &measured),
            ratio(w, Config::VmPv3d, Config::VmReference),
        );
    }
    let r: Vec<f64> = vm
        .iter()
        .filter_map(|w| w.speedup(Config::VmPv3d, Config::VmReference))
        .collect();
    if let Some(g) = geomean(&r) {
        let _ = writeln!(
            out,
            "\n- **in a guest** geomean vm-pv3d/vm-reference {g:.2}× ({})",
            r.len()
        );
    }
    out
}

/// Geometric means of the speed ratios per family (`glmark2-es2-`,
/// `glmark2-`, `synthetic-`), the slowest workload against native, and
/// whether pv3d meets its target on glmark2-es2.
pub fn summary(results: &Results) -> String {
    let mut out = String::new();
    for (family, prefix) in [
        ("glmark2-es2", "glmark2-es2-"),
        ("glmark2 (desktop GL)", "glmark2-"),
        ("synthetic", "synthetic-"),
    ] {
        let members: Vec<&Workload> = results
            .workloads
            .iter()
            .filter(|w| w.name.starts_with(prefix))
            .filter(|w| prefix != "glmark2-" || !w.name.starts_with("glmark2-es2-"))
            .collect();
        if members.is_empty() {
            continue;
        }
        let gm = |a: Config, b: Config| {
            let r: Vec<f64> = members.iter().filter_map(|w| w.speedup(a, b)).collect();
            geomean(&r).map(|g| (g, r.len()))
        };
        let show = |g: Option<(f64, usize)>| {
            g.map_or_else(|| "—".to_string(), |(g, n)| format!("{g:.2}× ({n})"))
        };
        let slowest = |baseline: Config| {
            members
                .iter()
                .filter_map(|w| Some((w.speedup(Config::Pv3d, baseline)?, &w.name)))
                .min_by(|a, b| a.0.total_cmp(&b.0))
        };
        let worst = slowest(Config::Native);
        let _ = writeln!(
            out,
            "- **{family}** geomean (workloads): reference/native {}, pv3d/native {}, \
             pv3d/reference {}{}",
            show(gm(Config::Reference, Config::Native)),
            show(gm(Config::Pv3d, Config::Native)),
            show(gm(Config::Pv3d, Config::Reference)),
            worst.map_or_else(String::new, |(r, n)| format!(
                "; slowest pv3d/native: {n} {r:.2}×"
            ))
        );
        let failed: Vec<&str> = members
            .iter()
            .filter(|w| w.failed(Config::Pv3d).is_some())
            .map(|w| w.name.as_str())
            .collect();
        if !failed.is_empty() {
            let _ = writeln!(
                out,
                "- **{family}** with context errors or wrong frames through pv3d (FAILED, \
                 left out of the geomeans): {}",
                failed.join(", ")
            );
        }
        if prefix == "glmark2-es2-" {
            let native = gm(Config::Pv3d, Config::Native).map(|g| g.0);
            let reference = gm(Config::Pv3d, Config::Reference).map(|g| g.0);
            let met = native.is_some_and(|g| g >= 1.0)
                && reference.is_some_and(|g| g >= 1.2)
                && slowest(Config::Reference).is_some_and(|(r, _)| r >= 0.9)
                && failed.is_empty();
            let _ = writeln!(
                out,
                "- pv3d target on glmark2-es2 (≥ 1.0× native geomean, ≥ 1.2× reference, \
                 no scene below 0.9× the reference, no scene with errors): **{}**",
                if met { "met" } else { "not met" }
            );
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::{Sample, Unit};

    fn sample(value: f64) -> Option<Sample> {
        Some(Sample {
            value,
            client_cpu_ms: Some(1.0),
            server_cpu_ms: None,
            errors: None,
        })
    }

    #[test]
    fn csv_rows_and_ratios() {
        let mut r = Results::default();
        for (c, v) in [
            (Config::Native, 100.0),
            (Config::Pv3d, 50.0),
            (Config::Pv3d, 70.0),
        ] {
            r.record("glmark2-es2-clear", Unit::Fps, c, sample(v));
        }
        r.record("glmark2-es2-clear", Unit::Fps, Config::Reference, None);
        r.record(
            "synthetic-submit-fence-latency",
            Unit::Micros,
            Config::Reference,
            sample(20.0),
        );
        r.record(
            "synthetic-submit-fence-latency",
            Unit::Micros,
            Config::Pv3d,
            sample(10.0),
        );
        assert_eq!(
            csv(&r),
            "workload,config,median,min,max,unit,errors,wrong_frame\n\
             glmark2-es2-clear,native,100,100,100,FPS,,\n\
             glmark2-es2-clear,pv3d,60,50,70,FPS,,\n\
             synthetic-submit-fence-latency,reference,20,20,20,us,,\n\
             synthetic-submit-fence-latency,pv3d,10,10,10,us,,\n"
        );
        let md = markdown(&r, &Config::ALL);
        assert!(md.contains("| glmark2-es2-clear | FPS | 100 (100–100) | fail | 60.0 (50.0–70.0) | — | 0.60× | — |"), "{md}");
        // A lower time is a speed-up.
        assert!(
            md.contains("| 20.0 (20.0–20.0) | 10.0 (10.0–10.0) | — | — | 2.00× |"),
            "{md}"
        );
        assert!(md.contains("pv3d/native 0.60× (1)"), "{md}");
        assert!(md.contains("**not met**"), "{md}");
    }

    #[test]
    fn vm_columns_have_their_own_table() {
        let mut r = Results::default();
        r.record("glmark2-es2-build", Unit::Fps, Config::Pv3d, sample(90.0));
        r.record(
            "vm-glmark2-es2-build",
            Unit::Fps,
            Config::VmReference,
            sample(20.0),
        );
        r.record(
            "vm-glmark2-es2-build",
            Unit::Fps,
            Config::VmPv3d,
            sample(30.0),
        );
        r.record("vm-glmark2-es2-texture", Unit::Fps, Config::VmPv3d, None);
        let md = markdown(&r, &Config::ALL);
        let (host, vm) = md.split_once("In a guest").expect("a VM table");
        assert!(
            host.contains("| glmark2-es2-build |") && !host.contains("vm-glmark2"),
            "{md}"
        );
        assert!(
            vm.contains(
                "| vm-glmark2-es2-build | FPS | 20.0 (20.0–20.0) | 30.0 (30.0–30.0) | 1.50× |"
            ),
            "{md}"
        );
        assert!(
            vm.contains("| vm-glmark2-es2-texture | FPS | fail | fail | — |"),
            "{md}"
        );
        assert!(vm.contains("vm-pv3d/vm-reference 1.50× (1)"), "{md}");
        assert!(csv(&r).contains("vm-glmark2-es2-build,vm-pv3d,30,30,30,FPS,,\n"));
    }

    #[test]
    fn a_run_with_context_errors_fails_the_workload() {
        let mut r = Results::default();
        let counted = |value, errors| {
            Some(Sample {
                value,
                client_cpu_ms: None,
                server_cpu_ms: None,
                errors: Some(errors),
            })
        };
        for (config, value) in [(Config::Native, 10.0), (Config::Reference, 10.0)] {
            r.record("glmark2-es2-refract", Unit::Fps, config, sample(value));
        }
        // Fast, but one of its two runs had errors: failed, not fast.
        r.record(
            "glmark2-es2-refract",
            Unit::Fps,
            Config::Pv3d,
            counted(50.0, 0),
        );
        r.record(
            "glmark2-es2-refract",
            Unit::Fps,
            Config::Pv3d,
            counted(40.0, 3),
        );
        r.record(
            "glmark2-es2-build",
            Unit::Fps,
            Config::Reference,
            counted(10.0, 0),
        );
        r.record(
            "glmark2-es2-build",
            Unit::Fps,
            Config::Pv3d,
            counted(12.0, 0),
        );
        let w = &r.workloads[0];
        assert_eq!(w.summary(Config::Pv3d), None);
        assert_eq!(w.speedup(Config::Pv3d, Config::Reference), None);
        let md = markdown(&r, &Config::ALL);
        assert!(
            md.contains("| glmark2-es2-refract | FPS | 10.0 (10.0–10.0) | 10.0 (10.0–10.0) | FAILED: 3 context errors | 1.00× | — | — |"),
            "{md}"
        );
        assert!(md.contains("with context errors or wrong frames through pv3d (FAILED, left out of the geomeans): glmark2-es2-refract"), "{md}");
        assert!(md.contains("pv3d/reference 1.20× (1)"), "{md}");
        assert!(md.contains("**not met**"), "{md}");
        let csv = csv(&r);
        assert!(
            csv.contains("glmark2-es2-refract,pv3d,,,,FPS,3,\n"),
            "{csv}"
        );
        assert!(
            csv.contains("glmark2-es2-build,pv3d,12,12,12,FPS,0,\n"),
            "{csv}"
        );
        assert!(
            csv.contains("glmark2-es2-refract,native,10,10,10,FPS,,\n"),
            "{csv}"
        );
    }

    #[test]
    fn a_wrong_frame_fails_the_workload() {
        let mut r = Results::default();
        for config in [Config::Native, Config::Reference, Config::Pv3d] {
            r.record("glmark2-es2-loop", Unit::Fps, config, sample(10.0));
        }
        // As fast as the others, but glmark2 --validate saw a wrong frame.
        r.record_wrong_frame("glmark2-es2-loop", Unit::Fps, Config::Pv3d);
        let w = &r.workloads[0];
        assert_eq!(w.summary(Config::Pv3d), None);
        assert!(w.summary(Config::Reference).is_some());
        let md = markdown(&r, &Config::ALL);
        assert!(
            md.contains("| FAILED: wrong frame (glmark2 --validate) |"),
            "{md}"
        );
        assert!(
            md.contains("(FAILED, left out of the geomeans): glmark2-es2-loop"),
            "{md}"
        );
        let csv = csv(&r);
        assert!(csv.contains("glmark2-es2-loop,pv3d,,,,FPS,,1\n"), "{csv}");
        assert!(
            csv.contains("glmark2-es2-loop,reference,10,10,10,FPS,,\n"),
            "{csv}"
        );
    }
}
