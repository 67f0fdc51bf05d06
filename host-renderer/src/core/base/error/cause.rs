//! Causes kept whole: what the renderer asked wgpu to do ([`WgpuOp`]) with
//! the error wgpu reported ([`WgpuError`]); errors of
//! other crates shared so that the renderer's error enums stay `Clone` and
//! comparable ([`Shared`]); and an error with its causes on one line for
//! logs ([`ErrorChain`]).

use std::error::Error;
use std::fmt;
use std::sync::Arc;

/// What the renderer asked wgpu to do when wgpu reported an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[non_exhaustive]
pub enum WgpuOp {
    /// Creating a buffer.
    CreateBuffer,
    /// Creating a texture.
    CreateTexture,
    /// Creating a texture view.
    CreateView,
    /// Creating a sampler.
    CreateSampler,
    /// Creating a bind group.
    CreateBindGroup,
    /// Building a render pipeline.
    CreatePipeline,
    /// Beginning a render pass.
    BeginPass,
    /// Copying between textures.
    Copy,
    /// Resolving a multisampled texture.
    Resolve,
    /// Drawing a blit.
    Blit,
    /// Writing a buffer through the queue.
    WriteBuffer,
    /// Writing a texture (through the queue, or a depth-writing pass).
    WriteTexture,
    /// Copying a texture into a read-back buffer.
    Readback,
    /// Writing a timestamp.
    Timestamp,
    /// Resolving query slots.
    ResolveQueries,
    /// Recording a raw Vulkan draw.
    RawDraw,
    /// Building a compute pipeline.
    CreateComputePipeline,
    /// Recording a compute dispatch.
    Dispatch,
    /// Submitting recorded work (and the uniforms it reads).
    Submit,
    /// Unknown: reported to the device's uncaptured-error handler.
    Uncaptured,
}

impl fmt::Display for WgpuOp {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Self::CreateBuffer => "creating a buffer",
            Self::CreateTexture => "creating a texture",
            Self::CreateView => "creating a texture view",
            Self::CreateSampler => "creating a sampler",
            Self::CreateBindGroup => "creating a bind group",
            Self::CreatePipeline => "building a render pipeline",
            Self::BeginPass => "beginning a render pass",
            Self::Copy => "copying between textures",
            Self::Resolve => "resolving a multisampled texture",
            Self::Blit => "drawing a blit",
            Self::WriteBuffer => "writing a buffer",
            Self::WriteTexture => "writing a texture",
            Self::Readback => "reading a resource back",
            Self::Timestamp => "writing a timestamp",
            Self::ResolveQueries => "resolving queries",
            Self::RawDraw => "recording a raw Vulkan draw",
            Self::CreateComputePipeline => "building a compute pipeline",
            Self::Dispatch => "recording a compute dispatch",
            Self::Submit => "submitting work",
            Self::Uncaptured => "outside any error scope",
        })
    }
}

/// A wgpu error caught by an error scope (or the uncaptured-error handler),
/// with what the renderer was doing. Its [`source`](Error::source) is the
/// error wgpu-core reported (`In Device::create_bind_group` …, then the
/// cause); the [`wgpu::Error`] itself is kept too ([`WgpuError::error`]).
#[derive(Clone, Debug)]
pub struct WgpuError {
    op: WgpuOp,
    error: Arc<wgpu::Error>,
}

impl WgpuError {
    /// `error`, reported while doing `op`.
    pub fn new(op: WgpuOp, error: wgpu::Error) -> Self {
        Self {
            op,
            error: Arc::new(error),
        }
    }

    /// What the renderer was doing.
    pub fn op(&self) -> WgpuOp {
        self.op
    }

    /// The error as wgpu reported it.
    pub fn error(&self) -> &wgpu::Error {
        &self.error
    }
}

impl fmt::Display for WgpuError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match *self.error {
            wgpu::Error::Validation { .. } => "validation",
            wgpu::Error::OutOfMemory { .. } => "out-of-memory",
            wgpu::Error::Internal { .. } => "internal",
        };
        write!(f, "wgpu {kind} error {}", self.op)
    }
}

impl Error for WgpuError {
    /// wgpu-core's error: `wgpu::Error`'s own text repeats this chain, on
    /// several lines, so the chain skips it.
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.error.source()
    }
}

impl PartialEq for WgpuError {
    /// The same operation failing with the same message.
    fn eq(&self, other: &Self) -> bool {
        self.op == other.op
            && (Arc::ptr_eq(&self.error, &other.error)
                || self.error.to_string() == other.error.to_string())
    }
}

impl Eq for WgpuError {}

/// An error of another crate that is not `Clone` or `PartialEq` itself,
/// shared so that the error enums holding it stay both; two are equal when
/// their messages are. Display and source are the error's own.
#[derive(Debug)]
pub struct Shared<E>(Arc<E>);

impl<E> Shared<E> {
    /// Shares `error`.
    pub fn new(error: E) -> Self {
        Self(Arc::new(error))
    }

    /// The error.
    pub fn get(&self) -> &E {
        &self.0
    }
}

impl<E> Clone for Shared<E> {
    fn clone(&self) -> Self {
        Self(Arc::clone(&self.0))
    }
}

impl<E: fmt::Display> fmt::Display for Shared<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl<E: Error> Error for Shared<E> {
    fn source(&self) -> Option<&(dyn Error + 'static)> {
        self.0.source()
    }
}

impl<E: fmt::Display> PartialEq for Shared<E> {
    fn eq(&self, other: &Self) -> bool {
        Arc::ptr_eq(&self.0, &other.0) || self.0.to_string() == other.0.to_string()
    }
}

impl<E: fmt::Display> Eq for Shared<E> {}

/// An error a renderer in another process (a render worker) reported: its
/// causes (wgpu's, naga's, the translator's) cannot cross the process
/// boundary, so it is kept as the one-line text of its chain, bounded and
/// stripped of control characters (the worker is not trusted).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Remote(String);

impl Remote {
    /// Longest text kept, in bytes.
    pub const MAX_LEN: usize = 1024;

    /// `text` cut to [`Self::MAX_LEN`] bytes, control characters as spaces.
    pub fn new(text: &str) -> Self {
        let mut kept = String::with_capacity(text.len().min(Self::MAX_LEN));
        for c in text.chars() {
            if kept.len() + c.len_utf8() > Self::MAX_LEN {
                break;
            }
            kept.push(if c.is_control() { ' ' } else { c });
        }
        Self(kept)
    }

    /// The text.
    pub fn text(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Remote {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (reported by the render worker)", self.0)
    }
}

impl Error for Remote {}

/// An error and every cause behind it on one line, `what failed: why: …`
/// (line breaks inside a message become spaces): the form logs use.
#[derive(Clone, Copy)]
pub struct ErrorChain<'a>(pub &'a (dyn Error + 'static));

impl fmt::Display for ErrorChain<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut next = Some(self.0);
        let mut first = true;
        while let Some(e) = next {
            let text = e.to_string();
            let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
            if !text.is_empty() {
                if !first {
                    f.write_str(": ")?;
                }
                f.write_str(&text)?;
                first = false;
            }
            next = e.source();
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, thiserror::Error)]
    #[error("outer\nline")]
    struct Outer(#[source] Inner);

    #[derive(Debug, thiserror::Error)]
    #[error("inner cause")]
    struct Inner;

    #[test]
    fn chains_are_one_line_with_every_cause() {
        let e = Outer(Inner);
        assert_eq!(ErrorChain(&e).to_string(), "outer line: inner cause");
    }

    #[test]
    fn remote_text_is_bounded_and_printable() {
        let r = Remote::new("bad\nline\u{1b}[31m");
        assert_eq!(r.text(), "bad line [31m");
        let long = "é".repeat(Remote::MAX_LEN);
        assert!(Remote::new(&long).text().len() <= Remote::MAX_LEN);
    }

    #[test]
    fn shared_errors_compare_by_message() {
        let a = Shared::new(Inner);
        assert_eq!(a, a.clone());
        assert_eq!(a, Shared::new(Inner));
        assert_eq!(a.to_string(), "inner cause");
    }
}
