//! The quota and watchdog flags `pv3d serve` and `pv3d vhost-user` share.

use host_renderer::vtest::DEFAULT_GPU_TIMEOUT;
use host_renderer::Quotas;
use std::time::Duration;

/// Limits on one client's (one VM's) renderer and contexts, and the watchdog.
#[derive(Debug, clap::Args)]
pub struct LimitArgs {
    /// Host memory one client's resources may use, in MiB; a resource past
    /// it is refused (that client's other work goes on).
    #[arg(long, default_value_t = Quotas::DEFAULT.resource_memory >> 20)]
    pub memory_quota_mib: u64,
    /// Resources one client may hold at once.
    #[arg(long, default_value_t = Quotas::DEFAULT.resources)]
    pub max_resources: usize,
    /// Objects (state, shaders, surfaces, views, queries) one context may
    /// hold.
    #[arg(long, default_value_t = Quotas::DEFAULT.objects_per_context)]
    pub max_objects: usize,
    /// Largest command buffer a context may submit, in KiB (the default is
    /// the largest Mesa builds); a larger one is refused unexecuted.
    #[arg(long, default_value_t = Quotas::DEFAULT.cmdbuf_bytes >> 10)]
    pub max_cmdbuf_kib: usize,
    /// Watchdog: a client whose GPU work runs longer than this (measured
    /// from its submission whenever the server waits for it) is dropped with
    /// a logged reason and its context destroyed; other clients go on.
    #[arg(long, default_value_t = DEFAULT_GPU_TIMEOUT.as_millis() as u64)]
    pub gpu_timeout_ms: u64,
}

impl LimitArgs {
    /// The renderer quotas.
    pub fn quotas(&self) -> Quotas {
        Quotas {
            resource_memory: self.memory_quota_mib.saturating_mul(1 << 20),
            resources: self.max_resources,
            objects_per_context: self.max_objects,
            cmdbuf_bytes: self.max_cmdbuf_kib.saturating_mul(1 << 10),
        }
    }

    /// The watchdog's limit.
    pub fn gpu_timeout(&self) -> Duration {
        Duration::from_millis(self.gpu_timeout_ms)
    }
}
