//! pv3d benchmarks. The criterion micro-benchmarks live in `benches/`; they
//! load the capture corpus through `pv3d-tests`.
