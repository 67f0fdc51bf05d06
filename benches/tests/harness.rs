//! `pv3d-bench` end to end, kept cheap for CI: one short workload of each
//! kind (a glmark2-es2 scene, a glmark2 desktop scene, glxgears, three
//! synthetic programs), one repetition, under all three configurations.
//! Checks the CSV (header, one row per workload and configuration, sane
//! figures, no wrong frame under glmark2 `--validate`), the Markdown table
//! and the chart. Needs what the harness
//! needs (root, Xvfb, glmark2, mesa-utils, virgl-server, lavapipe);
//! ./scripts/test installs them.
//!
//! The two tests take turns ([`ONE_AT_A_TIME`]): a guest under TCG beside
//! the host workloads left glxgears through pv3d without a single 5-second
//! report in its 7 seconds on a 2-core machine.

use std::collections::BTreeMap;
use std::process::Command;
use std::sync::Mutex;

/// Held by each test while it runs its bench.
static ONE_AT_A_TIME: Mutex<()> = Mutex::new(());

const GL_WORKLOADS: [&str; 3] = ["glmark2-es2-clear", "glmark2-build", "glxgears"];
const SYNTHETIC: [(&str, &str); 3] = [
    ("synthetic-draws-state-changes", "draws/s"),
    ("synthetic-texture-upload-64x64", "MB/s"),
    ("synthetic-submit-fence-latency", "us"),
];

#[test]
fn one_repetition_of_each_kind_gives_the_three_way_table() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    pv3d_tests::gl_client::require(&["glmark2-es2", "glmark2", "glxgears", "virgl_test_server"]);
    let dir = tempfile::Builder::new()
        .prefix("pv3d-bench-test-")
        .tempdir()
        .unwrap();
    let xdg = dir.path().join("xdg");
    std::fs::create_dir(&xdg).unwrap();
    let out = dir.path().join("results");
    let csv_path = dir.path().join("bench.csv");
    let only: Vec<&str> = GL_WORKLOADS
        .iter()
        .copied()
        .chain(SYNTHETIC.iter().map(|s| s.0))
        .collect();
    let run = Command::new(env!("CARGO_BIN_EXE_pv3d-bench"))
        .args(["--reps", "1", "--scene-secs", "0.5", "--gears-secs", "7"])
        .args(["--synthetic-secs", "0.2", "--only", &only.join(",")])
        .arg("--out")
        .arg(&out)
        .arg("--csv")
        .arg(&csv_path)
        .env("XDG_RUNTIME_DIR", &xdg)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{}\n{stdout}\n{stderr}", run.status);

    // One frame of each glmark2 scene was checked under every configuration.
    for config in ["native", "reference", "pv3d"] {
        for program in ["glmark2-es2", "glmark2"] {
            let checked = format!("{program} --validate under {config}: ");
            assert!(stderr.contains(&checked), "no `{checked}` line:\n{stderr}");
        }
    }
    assert!(!stderr.contains(", wrong: "), "{stderr}");

    let csv = std::fs::read_to_string(&csv_path).unwrap();
    assert_eq!(
        csv,
        std::fs::read_to_string(out.join("results.csv")).unwrap()
    );
    let mut lines = csv.lines();
    assert_eq!(
        lines.next(),
        Some("workload,config,median,min,max,unit,errors,wrong_frame")
    );
    let mut rows = BTreeMap::new();
    for line in lines {
        let f: Vec<&str> = line.split(',').collect();
        assert_eq!(f.len(), 8, "{line}");
        let [median, min, max] = [f[2], f[3], f[4]].map(|v| v.parse::<f64>().unwrap());
        assert!(min > 0.0 && min <= median && median <= max, "{line}");
        // Errors are counted through both servers (pv3d's stats file, the
        // reference's log), and these workloads have none.
        let counted = if f[1] == "native" { "" } else { "0" };
        assert_eq!(f[6], counted, "{line}");
        // glmark2 --validate found no wrong frame.
        assert_eq!(f[7], "", "{line}");
        rows.insert((f[0].to_string(), f[1].to_string()), f[5].to_string());
    }
    let mut expected = BTreeMap::new();
    for w in GL_WORKLOADS {
        for config in ["native", "reference", "pv3d"] {
            expected.insert((w.to_string(), config.to_string()), "FPS".to_string());
        }
    }
    for (w, unit) in SYNTHETIC {
        for config in ["reference", "pv3d"] {
            expected.insert((w.to_string(), config.to_string()), unit.to_string());
        }
    }
    assert_eq!(rows, expected, "{stderr}");

    let table = std::fs::read_to_string(out.join("table.md")).unwrap();
    assert!(stdout.contains(&table), "the table is printed");
    for w in only {
        assert!(table.contains(&format!("| {w} |")), "{w} missing:\n{table}");
    }
    assert!(table.contains("| workload | unit | native | reference | pv3d |"));
    let chart = std::fs::read_to_string(out.join("chart.svg")).unwrap();
    assert!(chart.starts_with("<svg") && chart.contains("glmark2-es2-clear (vs native)"));
}

/// The VM columns: one short glmark2-es2-drm scene in a guest through
/// QEMU's reference backend and through pv3d's, one boot each.
#[test]
fn vm_columns_compare_both_backends_in_a_guest() {
    let _turn = ONE_AT_A_TIME.lock().unwrap_or_else(|e| e.into_inner());
    if !pv3d_tests::vm::require_vm() {
        return;
    }
    let dir = tempfile::Builder::new()
        .prefix("pv3d-bench-vm-test-")
        .tempdir()
        .unwrap();
    let xdg = dir.path().join("xdg");
    std::fs::create_dir(&xdg).unwrap();
    let out = dir.path().join("results");
    let run = Command::new(env!("CARGO_BIN_EXE_pv3d-bench"))
        .args(["--reps", "1", "--scene-secs", "1", "--quick"])
        .args([
            "--configs",
            "vm-reference,vm-pv3d",
            "--only",
            "vm-glmark2-es2-build",
        ])
        .arg("--out")
        .arg(&out)
        .env("XDG_RUNTIME_DIR", &xdg)
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&run.stdout);
    let stderr = String::from_utf8_lossy(&run.stderr);
    assert!(run.status.success(), "{}\n{stdout}\n{stderr}", run.status);
    let csv = std::fs::read_to_string(out.join("results.csv")).unwrap();
    for config in ["vm-reference", "vm-pv3d"] {
        let row = csv
            .lines()
            .find(|l| l.starts_with(&format!("vm-glmark2-es2-build,{config},")))
            .unwrap_or_else(|| panic!("no {config} row:\n{csv}\n{stderr}"));
        let median: f64 = row.split(',').nth(2).unwrap().parse().unwrap();
        assert!(median > 0.0, "{row}");
    }
    let table = std::fs::read_to_string(out.join("table.md")).unwrap();
    assert!(table.contains("| vm-glmark2-es2-build | FPS |"), "{table}");
    assert!(table.contains("vm-pv3d/vm-reference"), "{table}");
}
