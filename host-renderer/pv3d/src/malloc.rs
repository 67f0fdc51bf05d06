//! glibc allocator settings for the serving commands.
//!
//! Measured (`perf`, pv3d-bench synthetic draws and uploads on lavapipe):
//! lavapipe and wgpu allocate and free command memory and staging buffers
//! of up to megabytes on every submit and transfer. With glibc's defaults,
//! blocks over the mmap threshold are fresh mappings and the heap top is
//! trimmed back to the kernel, so each submit faults in and zeroes the same
//! pages again (`clear_page`, `exc_page_fault` and `madvise` were the top
//! costs of a draw). Keeping freed memory in the process makes it reusable.

/// Largest block glibc still serves from the heap (above it: a mapping).
const MMAP_THRESHOLD: i32 = 256 << 20;
/// Free memory at the heap top kept instead of trimmed.
const TRIM_THRESHOLD: i32 = 1 << 30;

/// Makes glibc keep freed memory for reuse (see the module docs). Call once
/// at start, before threads allocate; a no-op where glibc refuses.
pub fn keep_freed_memory() {
    #[cfg(target_env = "gnu")]
    for (param, value) in [
        (libc::M_MMAP_THRESHOLD, MMAP_THRESHOLD),
        (libc::M_TRIM_THRESHOLD, TRIM_THRESHOLD),
    ] {
        // SAFETY: mallopt only changes allocator parameters; it is called
        // with parameters glibc documents and checks the values itself.
        if unsafe { libc::mallopt(param, value) } != 1 {
            tracing::debug!("mallopt({param}, {value}) refused");
        }
    }
}
