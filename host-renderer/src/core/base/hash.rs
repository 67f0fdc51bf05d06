//! The hasher of the per-draw caches. Their keys are built from guest state
//! the renderer has already checked and the maps are bounded, so they need
//! speed rather than the DoS resistance of std's SipHash (measured: hashing
//! a pipeline key with SipHash was a tenth of a draw's recording).

/// A `HashMap` with foldhash's fast, per-map randomly seeded hasher.
pub type FastMap<K, V> = std::collections::HashMap<K, V, foldhash::fast::RandomState>;
