//! Reassembly of shader text sent in several CREATE_OBJECT chunks (virgl-protocol.md §7.2).
//!
//! Mesa splits text that does not fit a command buffer: the first chunk carries
//! the total length, continuations carry their byte offset. One
//! [`ShaderAssembler`] per sub-context tracks at most one shader in progress per
//! stage. Nothing is allocated from the announced total: the buffer grows only
//! with bytes actually received, up to a cap.

use super::cmd::ShaderChunk;
use super::enums::ShaderStage;
use alloc::borrow::Cow;
use alloc::vec::Vec;

/// Default cap on the text of one shader (the largest in the corpus is ~24 KB).
pub const DEFAULT_MAX_TEXT_BYTES: u32 = 1 << 20;

/// Why a chunk was rejected.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum ShaderChunkError {
    /// The announced length is zero or over the cap.
    #[error("shader text length {len} is outside 1..={max}")]
    BadLength {
        /// Announced length.
        len: u32,
        /// Cap.
        max: u32,
    },
    /// A new shader started while another of the same stage was in progress.
    #[error("shader {handle} started while shader {pending} of the same stage is incomplete")]
    Interleaved {
        /// The new shader.
        handle: u32,
        /// The incomplete one.
        pending: u32,
    },
    /// A continuation with no shader of that stage and handle in progress.
    #[error("continuation of shader {handle} with no shader in progress")]
    UnexpectedContinuation {
        /// Its handle.
        handle: u32,
    },
    /// A continuation's offset is not where the previous chunk ended.
    #[error("continuation offset {offset}, expected {expected}")]
    BadOffset {
        /// Offset in the chunk.
        offset: u32,
        /// Bytes received so far.
        expected: u32,
    },
    /// The text is not ASCII/UTF-8.
    #[error("shader text is not valid UTF-8")]
    NotText,
    /// The stage is out of range.
    #[error("invalid shader stage {0}")]
    BadStage(u32),
}

#[derive(Clone, Debug)]
struct Pending {
    handle: u32,
    total: u32,
    text: Vec<u8>,
}

/// Per-sub-context reassembly state.
#[derive(Clone, Debug)]
pub struct ShaderAssembler {
    max_text_bytes: u32,
    pending: [Option<Pending>; ShaderStage::COUNT as usize],
}

impl Default for ShaderAssembler {
    fn default() -> Self {
        Self::new(DEFAULT_MAX_TEXT_BYTES)
    }
}

impl ShaderAssembler {
    /// A new assembler that rejects shaders longer than `max_text_bytes`.
    pub fn new(max_text_bytes: u32) -> Self {
        Self {
            max_text_bytes,
            pending: Default::default(),
        }
    }

    /// Takes one chunk. Returns the complete text (up to its NUL) when this
    /// chunk finishes a shader, `None` while more chunks are expected.
    pub fn push<'a>(
        &mut self,
        chunk: &ShaderChunk<'a>,
    ) -> Result<Option<Cow<'a, str>>, ShaderChunkError> {
        let slot = chunk
            .stage
            .index()
            .and_then(|i| self.pending.get_mut(i))
            .ok_or(ShaderChunkError::BadStage(chunk.stage.0))?;
        if !chunk.offlen.continuation() {
            if let Some(p) = slot.as_ref() {
                return Err(ShaderChunkError::Interleaved {
                    handle: chunk.handle,
                    pending: p.handle,
                });
            }
            let total = chunk.offlen.value();
            if total == 0 || total > self.max_text_bytes {
                return Err(ShaderChunkError::BadLength {
                    len: total,
                    max: self.max_text_bytes,
                });
            }
            if chunk.text.len() as u64 >= u64::from(total) {
                return text_of(Cow::Borrowed(chunk.text), total).map(Some);
            }
            *slot = Some(Pending {
                handle: chunk.handle,
                total,
                text: chunk.text.to_vec(),
            });
            return Ok(None);
        }
        let Some(p) = slot.as_mut().filter(|p| p.handle == chunk.handle) else {
            return Err(ShaderChunkError::UnexpectedContinuation {
                handle: chunk.handle,
            });
        };
        let received = p.text.len() as u32;
        if chunk.offlen.value() != received {
            let expected = received;
            *slot = None;
            return Err(ShaderChunkError::BadOffset {
                offset: chunk.offlen.value(),
                expected,
            });
        }
        let room = (p.total - received) as usize + 3;
        p.text.extend_from_slice(
            chunk
                .text
                .get(..room.min(chunk.text.len()))
                .unwrap_or_default(),
        );
        if p.text.len() as u64 >= u64::from(p.total) {
            let done = slot.take().map(|p| (p.text, p.total));
            return match done {
                Some((text, total)) => text_of(Cow::Owned(text), total).map(Some),
                None => Ok(None),
            };
        }
        Ok(None)
    }

    /// Drops any shader in progress (sub-context destroyed or reset).
    pub fn clear(&mut self) {
        self.pending = Default::default();
    }
}

/// The text up to its first NUL (or `total` bytes), as a string.
fn text_of(bytes: Cow<'_, [u8]>, total: u32) -> Result<Cow<'_, str>, ShaderChunkError> {
    let limit = (total as usize).min(bytes.len());
    let end = bytes
        .get(..limit)
        .and_then(|b| b.iter().position(|&c| c == 0))
        .unwrap_or(limit);
    match bytes {
        Cow::Borrowed(b) => b
            .get(..end)
            .and_then(|t| core::str::from_utf8(t).ok())
            .map(Cow::Borrowed)
            .ok_or(ShaderChunkError::NotText),
        Cow::Owned(mut v) => {
            v.truncate(end);
            alloc::string::String::from_utf8(v)
                .map(Cow::Owned)
                .map_err(|_| ShaderChunkError::NotText)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::virgl::bits::ShaderOffLen;
    use crate::virgl::ShaderExtra;

    fn chunk(handle: u32, offlen: ShaderOffLen, text: &[u8]) -> ShaderChunk<'_> {
        ShaderChunk {
            handle,
            stage: ShaderStage::FRAGMENT,
            offlen,
            num_tokens: 0,
            extra: ShaderExtra::StreamOutput(None),
            text,
        }
    }

    #[test]
    fn single_chunk_borrows() {
        let mut a = ShaderAssembler::default();
        let text = b"FRAG\nEND\n\0\0\0";
        let out = a
            .push(&chunk(3, ShaderOffLen::new().with_value(10), text))
            .unwrap()
            .unwrap();
        assert!(matches!(out, Cow::Borrowed("FRAG\nEND\n")));
    }

    #[test]
    fn continuations_join_and_check_offsets() {
        let mut a = ShaderAssembler::default();
        let first = chunk(5, ShaderOffLen::new().with_value(14), b"FRAG\nMOV ");
        assert_eq!(a.push(&first).unwrap(), None);
        let other = chunk(6, ShaderOffLen::new().with_value(4), b"FRAG");
        assert!(matches!(
            a.push(&other),
            Err(ShaderChunkError::Interleaved { pending: 5, .. })
        ));
        let wrong = chunk(
            5,
            ShaderOffLen::new().with_continuation(true).with_value(4),
            b"x",
        );
        assert!(matches!(
            a.push(&wrong),
            Err(ShaderChunkError::BadOffset { .. })
        ));
        let mut a = ShaderAssembler::default();
        a.push(&first).unwrap();
        let rest = chunk(
            5,
            ShaderOffLen::new().with_continuation(true).with_value(9),
            b"END\n\0\0\0\0",
        );
        assert_eq!(a.push(&rest).unwrap().as_deref(), Some("FRAG\nMOV END\n"));
    }

    #[test]
    fn hostile_lengths() {
        let mut a = ShaderAssembler::new(100);
        let huge = chunk(1, ShaderOffLen::new().with_value(0x7fff_ffff), b"FRAG");
        assert!(matches!(
            a.push(&huge),
            Err(ShaderChunkError::BadLength { .. })
        ));
        let stray = chunk(1, ShaderOffLen::new().with_continuation(true), b"FRAG");
        assert!(matches!(
            a.push(&stray),
            Err(ShaderChunkError::UnexpectedContinuation { .. })
        ));
        let bad_utf8 = chunk(1, ShaderOffLen::new().with_value(2), &[0xff, 0xfe, 0, 0]);
        assert_eq!(a.push(&bad_utf8), Err(ShaderChunkError::NotText));
    }
}
