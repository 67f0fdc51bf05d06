//! pv3d benchmarks. The criterion micro-benchmarks live in `benches/`; they
//! load the capture corpus through `pv3d-tests`. The `pv3d-bench` harness
//! (src/bin) runs real GL programs and synthetic guest programs natively,
//! through the reference virgl server and through pv3d, and glmark2-es2 in a
//! real guest through pv3d's and QEMU's vhost-user-gpu backends ([`vm`]),
//! with the modules below.

pub mod chart;
pub mod client;
pub mod cpu;
pub mod gears;
pub mod glmark;
pub mod model;
pub mod report;
pub mod servers;
pub mod stats;
pub mod synthetic;
pub mod vm;
