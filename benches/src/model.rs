//! What the harness measures: configurations, units and the samples of each
//! workload.

use crate::stats::{summarize, Summary};
use std::collections::{BTreeMap, BTreeSet};

/// Where the GL (or guest) program runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Config {
    /// On the host driver directly (llvmpipe): what a passthrough GPU gives.
    Native,
    /// Mesa virgl through virglrenderer's `virgl_test_server`.
    Reference,
    /// Mesa virgl through `pv3d serve`.
    Pv3d,
    /// Mesa virgl through `pv3d serve --isolate process` (a jailed render
    /// worker per client).
    Pv3dIsolated,
    /// A guest under QEMU on QEMU's vhost-user-gpu backend (virglrenderer).
    VmReference,
    /// A guest under QEMU on `pv3d vhost-user`.
    VmPv3d,
}

impl Config {
    /// Every configuration, in run order.
    pub const ALL: [Config; 6] = [
        Config::Native,
        Config::Reference,
        Config::Pv3d,
        Config::Pv3dIsolated,
        Config::VmReference,
        Config::VmPv3d,
    ];

    /// Its name in tables, CSV and on the command line.
    pub fn name(self) -> &'static str {
        match self {
            Config::Native => "native",
            Config::Reference => "reference",
            Config::Pv3d => "pv3d",
            Config::Pv3dIsolated => "pv3d-isolated",
            Config::VmReference => "vm-reference",
            Config::VmPv3d => "vm-pv3d",
        }
    }

    /// Whether it runs a guest under QEMU.
    pub fn is_vm(self) -> bool {
        matches!(self, Config::VmReference | Config::VmPv3d)
    }

    /// The configuration called `name`.
    pub fn from_name(name: &str) -> Option<Config> {
        Config::ALL.into_iter().find(|c| c.name() == name)
    }
}

/// The unit of a workload's figure.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// Frames per second.
    Fps,
    /// Draw calls per second.
    DrawsPerSec,
    /// Megabytes (10^6 bytes) per second.
    MegabytesPerSec,
    /// Microseconds per operation.
    Micros,
    /// Milliseconds per operation.
    Millis,
}

impl Unit {
    /// Its name in tables and CSV.
    pub fn name(self) -> &'static str {
        match self {
            Unit::Fps => "FPS",
            Unit::DrawsPerSec => "draws/s",
            Unit::MegabytesPerSec => "MB/s",
            Unit::Micros => "us",
            Unit::Millis => "ms",
        }
    }

    /// Whether a larger figure is better (rates) or worse (times).
    pub fn higher_is_better(self) -> bool {
        matches!(self, Unit::Fps | Unit::DrawsPerSec | Unit::MegabytesPerSec)
    }

    /// How many times faster `a` is than `b` (> 1: `a` is better).
    pub fn speedup(self, a: f64, b: f64) -> f64 {
        if self.higher_is_better() {
            a / b
        } else {
            b / a
        }
    }
}

/// One repetition of one workload under one configuration.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Sample {
    /// The figure, in the workload's unit.
    pub value: f64,
    /// CPU time of the client process per frame (or operation), in ms.
    pub client_cpu_ms: Option<f64>,
    /// CPU time of the server process per frame (or operation), in ms.
    pub server_cpu_ms: Option<f64>,
    /// Context errors the server counted during the run (`None`: not
    /// counted, as natively or in a guest). A run with any is a failure.
    pub errors: Option<u64>,
}

/// Everything measured for one workload.
#[derive(Clone, Debug)]
pub struct Workload {
    /// Its name (`glmark2-es2-build`, `synthetic-draws`, ...).
    pub name: String,
    /// Its unit.
    pub unit: Unit,
    /// Samples by configuration.
    pub samples: BTreeMap<Config, Vec<Sample>>,
    /// Runs that gave no figure (or had context errors), by configuration.
    pub failures: BTreeMap<Config, u32>,
    /// Context errors of all runs, by configuration (only those with any).
    pub errors: BTreeMap<Config, u64>,
    /// Configurations under which glmark2 `--validate` found the frame
    /// wrong.
    pub wrong_frames: BTreeSet<Config>,
}

impl Workload {
    /// Why the workload failed under `config` whatever its speed (context
    /// errors, a wrong frame); `None` when it did not.
    pub fn failed(&self, config: Config) -> Option<String> {
        let mut why = Vec::new();
        if let Some(n) = self.errors.get(&config) {
            why.push(format!("{n} context errors"));
        }
        if self.wrong_frames.contains(&config) {
            why.push("wrong frame (glmark2 --validate)".to_string());
        }
        (!why.is_empty()).then(|| why.join(", "))
    }

    /// Median and range of the figure under `config`; `None` when it failed
    /// under it ([`Workload::failed`]).
    pub fn summary(&self, config: Config) -> Option<Summary> {
        if self.failed(config).is_some() {
            return None;
        }
        let values: Vec<f64> = self.samples.get(&config)?.iter().map(|s| s.value).collect();
        summarize(&values)
    }

    /// Median CPU ms per frame of the client and of the server under `config`.
    pub fn cpu(&self, config: Config) -> (Option<f64>, Option<f64>) {
        let Some(samples) = self.samples.get(&config) else {
            return (None, None);
        };
        let median = |f: fn(&Sample) -> Option<f64>| {
            let v: Vec<f64> = samples.iter().filter_map(f).collect();
            summarize(&v).map(|s| s.median)
        };
        (median(|s| s.client_cpu_ms), median(|s| s.server_cpu_ms))
    }

    /// Whether it was measured in a guest (VM configurations only).
    pub fn in_vm(&self) -> bool {
        self.samples
            .keys()
            .chain(self.failures.keys())
            .any(|c| c.is_vm())
    }

    /// How many times faster `config` is than `baseline` (medians).
    pub fn speedup(&self, config: Config, baseline: Config) -> Option<f64> {
        let a = self.summary(config)?.median;
        let b = self.summary(baseline)?.median;
        let r = self.unit.speedup(a, b);
        r.is_finite().then_some(r)
    }
}

/// All workloads, in the order they were first recorded.
#[derive(Clone, Debug, Default)]
pub struct Results {
    /// The workloads.
    pub workloads: Vec<Workload>,
}

impl Results {
    fn entry(&mut self, name: &str, unit: Unit) -> &mut Workload {
        let i = match self.workloads.iter().position(|w| w.name == name) {
            Some(i) => i,
            None => {
                self.workloads.push(Workload {
                    name: name.to_string(),
                    unit,
                    samples: BTreeMap::new(),
                    failures: BTreeMap::new(),
                    errors: BTreeMap::new(),
                    wrong_frames: BTreeSet::new(),
                });
                self.workloads.len() - 1
            }
        };
        &mut self.workloads[i]
    }

    /// Records one repetition's sample (`None`: the run gave no figure; a
    /// sample with context errors is a failed run too).
    pub fn record(&mut self, name: &str, unit: Unit, config: Config, sample: Option<Sample>) {
        let w = self.entry(name, unit);
        match sample {
            Some(Sample {
                errors: Some(n @ 1..),
                ..
            }) => {
                *w.errors.entry(config).or_default() += n;
                *w.failures.entry(config).or_default() += 1;
            }
            Some(s) => w.samples.entry(config).or_default().push(s),
            None => *w.failures.entry(config).or_default() += 1,
        }
    }

    /// Records that glmark2 `--validate` found the workload's frame wrong
    /// under `config`.
    pub fn record_wrong_frame(&mut self, name: &str, unit: Unit, config: Config) {
        self.entry(name, unit).wrong_frames.insert(config);
    }
}
