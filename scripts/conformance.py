#!/usr/bin/env python3
"""pv3d's conformance run: one piglit list natively (llvmpipe), through the
reference vtest server (virgl_test_server) and through `pv3d serve`, in one
run, then the per-level pass table and the per-test outcomes.

Started by scripts/conformance (which installs the packages and builds pv3d);
the piglit runs and the level grouping are piglit-vtest.py's
(../shared/conformance), called, not copied.

Outputs in --out (default results/conformance):
  table.md, table.csv    level, tests, native, reference, pv3d (pass counts)
  outcomes.csv           test, level, one result per configuration
  differences.md         tests whose pv3d result differs from the reference's
  renderers.txt          each configuration's GL renderer and version strings
  <config>.csv           piglit-vtest's raw CSV (test, result, seconds)
  logs/<config>/         output of every non-passing test, renderer strings
  selected.list          the tests run (after --filter / --levels)

A smoke list (--expect) marks known failures with comment lines
`# expect-fail: NAME  reason`; every other test in it is expected to pass
through pv3d, and the run exits 1 when one does not.
"""
import argparse
import collections
import csv
import importlib.util
import os
import re
import subprocess
import sys

CONFIGS = ("native", "reference", "pv3d")
EXPECT_FAIL = re.compile(r"^#\s*expect-fail:\s*(\S.*?)(?:\s{2,}.*)?$")


def load_vtest(path):
    """piglit-vtest.py as a module (for its list reader and level grouping)."""
    spec = importlib.util.spec_from_file_location("piglit_vtest", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def level_label(key):
    """'1 GL1.x-2.x' -> 'GL1.x-2.x' (the digit only sorts the levels)."""
    return key.split(" ", 1)[1] if " " in key else key


def level_matches(key, wanted):
    """Whether the level key is one of `wanted` (sort digits or labels)."""
    digit = key.split(" ", 1)[0]
    label = level_label(key).lower()
    return any(w == digit or w.lower() == label for w in wanted)


def select(vtest, list_path, pattern, levels, out_path):
    """Writes the tests of the list that match the filter and levels, in
    piglit-vtest's list format; returns their names."""
    regex = re.compile(pattern) if pattern else None
    with open(list_path) as f:
        lines = [l.rstrip("\n") for l in f
                 if l.strip() and not l.lstrip().startswith("#")]
    # piglit-vtest names the tests (read_list keeps the lines' order).
    tests = vtest.read_list(list_path)
    names = []
    with open(out_path, "w") as dst:
        dst.write("# selected from %s\n" % os.path.abspath(list_path))
        for body, (name, _) in zip(lines, tests):
            if regex and not regex.search(name):
                continue
            if levels and not level_matches(vtest.level_group(name), levels):
                continue
            dst.write(body + "\n")
            names.append(name)
    return names


def expected_failures(list_path):
    """Names the smoke list marks `# expect-fail:`."""
    names = set()
    with open(list_path) as f:
        for line in f:
            m = EXPECT_FAIL.match(line.strip())
            if m:
                names.add(m.group(1).strip())
    return names


def run_config(a, config, selected, out):
    """Runs the selected list under one configuration; returns its CSV path."""
    server = {"native": "native", "reference": "reference",
              "pv3d": "%s serve --socket {SOCK}" % a.pv3d}[config]
    csv_path = os.path.join(out, config + ".csv")
    logs = os.path.join(out, "logs", config)
    os.makedirs(logs, exist_ok=True)
    cmd = [sys.executable, a.vtest, "run", "--list", selected, "--config", server,
           "--out", csv_path, "--workers", str(a.jobs), "--timeout",
           str(a.timeout), "--log-dir", logs]
    if a.verbose:
        cmd.append("-v")
    print("conformance: %s" % config, flush=True)
    subprocess.run(cmd, check=True)
    return csv_path


def write_tables(vtest, names, results, configs, out):
    """table.md, table.csv, outcomes.csv and differences.md."""
    groups = collections.OrderedDict()
    for key in sorted({vtest.level_group(n) for n in names}):
        groups[key] = [n for n in names if vtest.level_group(n) == key]

    def passes(config, tests):
        return sum(1 for t in tests if results[config].get(t) == "pass")

    rows = [[level_label(k), len(t)] + [passes(c, t) for c in configs]
            for k, t in groups.items()]
    rows.append(["total", len(names)] + [passes(c, names) for c in configs])
    header = ["level", "tests"] + list(configs)

    with open(os.path.join(out, "table.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)
    with open(os.path.join(out, "table.md"), "w") as f:
        f.write("| " + " | ".join(header) + " |\n")
        f.write("|---|" + "---:|" * (len(header) - 1) + "\n")
        for r in rows:
            f.write("| " + " | ".join(str(x) for x in r) + " |\n")
    with open(os.path.join(out, "outcomes.csv"), "w", newline="") as f:
        w = csv.writer(f)
        w.writerow(["test", "level"] + list(configs))
        for n in names:
            w.writerow([n, level_label(vtest.level_group(n))] +
                       [results[c].get(n, "-") for c in configs])
    if "pv3d" in configs and "reference" in configs:
        with open(os.path.join(out, "differences.md"), "w") as f:
            f.write("| level | test | reference | pv3d |\n|---|---|---|---|\n")
            for n in sorted(names, key=lambda n: (vtest.level_group(n), n)):
                ref, ours = results["reference"].get(n), results["pv3d"].get(n)
                if ref != ours:
                    f.write("| %s | %s | %s | %s |\n" % (
                        level_label(vtest.level_group(n)), n, ref, ours))
    with open(os.path.join(out, "renderers.txt"), "w") as f:
        for c in configs:
            path = os.path.join(out, "logs", c, "renderer.txt")
            if os.path.exists(path):
                with open(path) as r:
                    f.write("".join("%s: %s\n" % (c, l.strip()) for l in r if l.strip()))
    with open(os.path.join(out, "table.md")) as f:
        sys.stdout.write(f.read())


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--vtest", required=True, help="path of piglit-vtest.py")
    ap.add_argument("--list", required=True, help="piglit list file")
    ap.add_argument("--pv3d", required=True, help="pv3d binary")
    ap.add_argument("--out", default="results/conformance")
    ap.add_argument("--filter", help="regular expression on test names")
    ap.add_argument("--levels", help="comma-separated levels: sort digits "
                    "(1 = GL1.x-2.x ... 9 = ES3.x) or labels")
    ap.add_argument("--configs", default=",".join(CONFIGS),
                    help="comma-separated subset of native,reference,pv3d")
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--timeout", type=float, default=20)
    ap.add_argument("--expect", action="store_true",
                    help="exit 1 when a test the list does not mark "
                    "'# expect-fail:' fails through pv3d")
    ap.add_argument("-v", "--verbose", action="store_true")
    a = ap.parse_args()

    configs = [c.strip() for c in a.configs.split(",") if c.strip()]
    unknown = [c for c in configs if c not in CONFIGS]
    if unknown or not configs:
        ap.error("--configs takes native, reference and/or pv3d, not %s"
                 % ",".join(unknown))
    if a.expect and "pv3d" not in configs:
        ap.error("--expect needs the pv3d configuration")
    vtest = load_vtest(a.vtest)
    os.makedirs(a.out, exist_ok=True)
    selected = os.path.join(a.out, "selected.list")
    levels = [x.strip() for x in a.levels.split(",")] if a.levels else []
    names = select(vtest, a.list, a.filter, levels, selected)
    if not names:
        sys.exit("conformance: no test of %s matches the filter/levels" % a.list)
    print("conformance: %d tests, configurations %s" % (len(names), ",".join(configs)),
          flush=True)

    results = {}
    for config in configs:
        results[config] = vtest.load_csv(run_config(a, config, selected, a.out))
    write_tables(vtest, names, results, configs, a.out)
    print("conformance: tables and outcomes in %s" % a.out)

    if a.expect:
        allowed = expected_failures(a.list)
        bad = [n for n in names
               if n not in allowed and results["pv3d"].get(n) != "pass"]
        for n in bad:
            print("conformance: expected to pass through pv3d: %s: %s (log in %s)"
                  % (n, results["pv3d"].get(n, "not run"),
                     os.path.join(a.out, "logs", "pv3d")))
        if bad:
            sys.exit(1)


if __name__ == "__main__":
    main()
