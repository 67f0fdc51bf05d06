//! The virgl command stream: what Mesa's virgl driver puts in a command buffer.
//!
//! A buffer is a concatenation of commands, each a header dword
//! `(length << 16) | (object_type << 8) | opcode` and `length` payload dwords
//! (virgl-protocol.md §1). [`Commands`] decodes one into typed [`Command`]s that
//! borrow the buffer; [`encode`] writes the exact bytes back.
//!
//! ```
//! use guest_protocol::virgl::{Command, Commands, Encoder};
//!
//! let mut enc = Encoder::new();
//! enc.push(&Command::SetSubCtx(1)).unwrap();
//! enc.push(&Command::SetSampleMask(!0)).unwrap();
//! let cmds: Vec<_> = Commands::new(enc.as_bytes()).collect::<Result<_, _>>().unwrap();
//! assert_eq!(cmds[1], (8, Command::SetSampleMask(!0)));
//! ```

pub mod bits;
pub mod caps;
mod cmd;
mod decode;
mod encode;
pub mod enums;
pub mod format;
pub mod limits;
mod opcode;
pub mod shader;

pub use cmd::*;
pub use decode::{decode_command, Commands, DecodeError, DecodeErrorKind};
pub use encode::{encode, handles, shader_text, EncodeError, Encoder};
pub use format::Format;
pub use opcode::{opcode_name, ObjectType, Opcode};
