//! One error enum per renderer operation, with the guest's values in the
//! variants and the cause of a failure kept as its `source` (wgpu's and
//! naga's errors whole), so a log line can say what failed and why
//! ([`ErrorChain`]).
//!
//! Errors are mapped to vtest or virtio-gpu replies only at the transport edge.

mod cause;
mod command;
mod resource;

pub use cause::{ErrorChain, Remote, Shared, WgpuError, WgpuOp};
pub use command::{
    CommandError, ComputeError, DrawError, QuotaError, RawError, ShaderError, SubmitError,
};
pub use resource::{
    BackingError, CreateContextError, CreateResourceError, GpuInitError, LookupError, TransferError,
};
