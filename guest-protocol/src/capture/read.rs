//! Loading a capture: decompress (if zstd) fully into memory, check every
//! record's bounds once, then hand out borrowed [`Record`]s.

use super::format::*;
use super::json;
use std::fs;
use std::io::Read;
use std::ops::Range;
use std::path::Path;
use std::string::{String, ToString};
use std::vec::Vec;

/// Why a capture could not be read. Offsets are in the uncompressed file.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum CaptureError {
    /// Reading the file failed.
    #[error("reading capture")]
    Io(#[from] std::io::Error),
    /// The zstd stream is corrupt.
    #[error("zstd frame at compressed byte {offset}: {message}")]
    Zstd {
        /// Offset of the failing frame in the compressed input.
        offset: u64,
        /// The decoder's message.
        message: String,
    },
    /// Decompressed data would exceed [`ReadOptions::max_bytes`].
    #[error("capture exceeds {max} bytes uncompressed")]
    TooLarge {
        /// The limit.
        max: u64,
    },
    /// The file does not start with `VTESTREC`.
    #[error("not a vtest capture (magic {found:02x?})")]
    BadMagic {
        /// The first bytes found.
        found: Vec<u8>,
    },
    /// A format version other than [`FORMAT_VERSION`].
    #[error("unsupported capture format version {0}")]
    Version(u32),
    /// The file ends inside a structure.
    #[error("{what} at byte {offset} truncated: needs {need} bytes, {have} left")]
    Truncated {
        /// The structure.
        what: &'static str,
        /// Its start.
        offset: u64,
        /// Bytes it needs.
        need: u64,
        /// Bytes left in the file.
        have: u64,
    },
    /// A record or the header holds an invalid value.
    #[error("{what} at byte {offset}: {problem}")]
    Invalid {
        /// The structure.
        what: &'static str,
        /// Its start.
        offset: u64,
        /// What is wrong.
        problem: String,
    },
}

/// Limits for [`Capture::open`] / [`Capture::from_bytes`].
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ReadOptions {
    /// Most uncompressed bytes accepted (default 4 GiB).
    pub max_bytes: u64,
}

impl Default for ReadOptions {
    fn default() -> Self {
        Self { max_bytes: 4 << 30 }
    }
}

/// The file header.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CaptureHeader {
    /// `format_version` (1).
    pub format_version: u32,
    /// The header JSON, verbatim.
    pub json: String,
    /// Its `label` field (the client command), if present.
    pub label: Option<String>,
}

/// One record, borrowing the capture.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Record<'a> {
    /// Offset of the record header in the uncompressed file.
    pub offset: u64,
    /// What it holds.
    pub kind: RecordKind,
    /// Connection number.
    pub conn: u16,
    /// Nanoseconds since the recorder started.
    pub t_ns: u64,
    /// The payload.
    pub payload: &'a [u8],
    /// fds passed with the payload (C2S/S2C only): they belong to its last byte.
    pub fds: &'a [FdInfo],
}

impl<'a> Record<'a> {
    /// The SHM change of a SHM_PRE_C2S / SHM_PRE_S2C record.
    pub fn shm(&self) -> Option<ShmWrite<'a>> {
        match self.kind {
            RecordKind::SHM_PRE_C2S | RecordKind::SHM_PRE_S2C => ShmWrite::parse(self.payload),
            _ => None,
        }
    }

    /// `(fd_id, handle)` of an FD_DROP record.
    pub fn fd_drop(&self) -> Option<FdDropBody> {
        if self.kind != RecordKind::FD_DROP {
            return None;
        }
        bytemuck::try_pod_read_unaligned(self.payload.get(..core::mem::size_of::<FdDropBody>())?)
            .ok()
    }

    /// The JSON of a CONN_OPEN / CONN_CLOSE record.
    pub fn json(&self) -> Option<&'a str> {
        match self.kind {
            RecordKind::CONN_OPEN | RecordKind::CONN_CLOSE => {
                core::str::from_utf8(self.payload).ok()
            }
            _ => None,
        }
    }
}

/// Where a record's parts lie in [`Capture::bytes`].
#[derive(Clone, Debug)]
struct RecordIndex {
    offset: usize,
    kind: RecordKind,
    conn: u16,
    t_ns: u64,
    payload: Range<usize>,
    fds: Range<usize>,
}

/// A whole capture in memory, records checked and indexed.
#[derive(Clone, Debug)]
pub struct Capture {
    bytes: Vec<u8>,
    header: CaptureHeader,
    records: Vec<RecordIndex>,
}

fn truncated(what: &'static str, offset: usize, need: usize, have: usize) -> CaptureError {
    CaptureError::Truncated {
        what,
        offset: offset as u64,
        need: need as u64,
        have: have as u64,
    }
}

fn invalid(what: &'static str, offset: usize, problem: impl ToString) -> CaptureError {
    CaptureError::Invalid {
        what,
        offset: offset as u64,
        problem: problem.to_string(),
    }
}

/// `bytes[offset..offset + len]`, or a truncation error naming `what`.
fn take<'a>(
    bytes: &'a [u8],
    offset: usize,
    len: usize,
    what: &'static str,
) -> Result<&'a [u8], CaptureError> {
    let have = bytes.len().saturating_sub(offset);
    offset
        .checked_add(len)
        .and_then(|end| bytes.get(offset..end))
        .ok_or_else(|| truncated(what, offset, len, have))
}

fn read_u32(bytes: &[u8], offset: usize, what: &'static str) -> Result<u32, CaptureError> {
    let raw = take(bytes, offset, 4, what)?;
    let mut a = [0u8; 4];
    a.copy_from_slice(raw);
    Ok(u32::from_le_bytes(a))
}

/// Decompresses every zstd frame of `input`, at most `max` bytes in all.
fn decompress(input: &[u8], max: u64) -> Result<Vec<u8>, CaptureError> {
    let mut out = Vec::new();
    let mut rest = input;
    while !rest.is_empty() {
        let offset = (input.len() - rest.len()) as u64;
        let zerr = |e: &dyn core::fmt::Display| CaptureError::Zstd {
            offset,
            message: e.to_string(),
        };
        let decoder = ruzstd::decoding::StreamingDecoder::new(&mut rest).map_err(|e| zerr(&e))?;
        let room = max.saturating_sub(out.len() as u64);
        let got = decoder
            .take(room.saturating_add(1))
            .read_to_end(&mut out)
            .map_err(|e| zerr(&e))?;
        if got as u64 > room {
            return Err(CaptureError::TooLarge { max });
        }
    }
    Ok(out)
}

impl Capture {
    /// Reads a `.vtrec` or `.vtrec.zst` file (told apart by content).
    pub fn open(path: impl AsRef<Path>) -> Result<Self, CaptureError> {
        Self::open_with(path, ReadOptions::default())
    }

    /// [`open`](Self::open) with explicit limits.
    pub fn open_with(path: impl AsRef<Path>, options: ReadOptions) -> Result<Self, CaptureError> {
        Self::from_bytes_with(fs::read(path)?, options)
    }

    /// Parses a capture held in memory, zstd-compressed or not.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Self, CaptureError> {
        Self::from_bytes_with(bytes, ReadOptions::default())
    }

    /// [`from_bytes`](Self::from_bytes) with explicit limits.
    pub fn from_bytes_with(bytes: Vec<u8>, options: ReadOptions) -> Result<Self, CaptureError> {
        if bytes.starts_with(&ZSTD_MAGIC) {
            Self::parse(decompress(&bytes, options.max_bytes)?)
        } else if bytes.len() as u64 > options.max_bytes {
            Err(CaptureError::TooLarge {
                max: options.max_bytes,
            })
        } else {
            Self::parse(bytes)
        }
    }

    /// Parses an uncompressed capture, checking every record.
    pub fn parse(bytes: Vec<u8>) -> Result<Self, CaptureError> {
        let magic =
            take(&bytes, 0, MAGIC.len(), "file header").map_err(|_| CaptureError::BadMagic {
                found: bytes
                    .get(..MAGIC.len().min(bytes.len()))
                    .unwrap_or_default()
                    .to_vec(),
            })?;
        if magic != MAGIC {
            return Err(CaptureError::BadMagic {
                found: magic.to_vec(),
            });
        }
        let format_version = read_u32(&bytes, 8, "file header")?;
        if format_version != FORMAT_VERSION {
            return Err(CaptureError::Version(format_version));
        }
        let json_len = read_u32(&bytes, 12, "file header")? as usize;
        let json_bytes = take(&bytes, FILE_HEADER_BYTES, json_len, "header JSON")?;
        let json = core::str::from_utf8(json_bytes)
            .map_err(|e| invalid("header JSON", FILE_HEADER_BYTES, e))?
            .to_string();
        let label = json::string_field(&json, "label");
        let header = CaptureHeader {
            format_version,
            json,
            label,
        };
        let mut records = Vec::new();
        let mut pos = FILE_HEADER_BYTES + json_len;
        while pos < bytes.len() {
            let (index, next) = Self::index_record(&bytes, pos)?;
            records.push(index);
            pos = next;
        }
        Ok(Self {
            bytes,
            header,
            records,
        })
    }

    /// Checks the record at `pos`; returns its index and the next position.
    fn index_record(bytes: &[u8], pos: usize) -> Result<(RecordIndex, usize), CaptureError> {
        let raw = take(bytes, pos, RECORD_HEADER_BYTES, "record header")?;
        let h: RecordHeader = bytemuck::try_pod_read_unaligned(raw)
            .map_err(|_| truncated("record header", pos, RECORD_HEADER_BYTES, raw.len()))?;
        let kind = RecordKind(h.kind);
        if !kind.is_known() {
            return Err(invalid(
                "record",
                pos,
                format_args!("unknown kind {}", h.kind),
            ));
        }
        let n_fds = usize::from(h.n_fds);
        if n_fds > 0 && kind != RecordKind::C2S && kind != RecordKind::S2C {
            return Err(invalid(
                "record",
                pos,
                format_args!("{kind} record with {n_fds} fd(s)"),
            ));
        }
        let payload_start = pos + RECORD_HEADER_BYTES;
        let len = h.len.get() as usize;
        let payload = take(bytes, payload_start, len, "record payload")?;
        let fds_start = payload_start + len;
        take(bytes, fds_start, n_fds * FD_INFO_BYTES, "record fd infos")?;
        if n_fds > 0 && payload.is_empty() {
            return Err(invalid("record", pos, "fds attached to an empty payload"));
        }
        match kind {
            RecordKind::SHM_PRE_C2S | RecordKind::SHM_PRE_S2C if len < SHM_HEADER_BYTES => {
                return Err(invalid(
                    "record",
                    pos,
                    format_args!("{kind} payload of {len} bytes"),
                ));
            }
            RecordKind::FD_DROP if len < core::mem::size_of::<FdDropBody>() => {
                return Err(invalid(
                    "record",
                    pos,
                    format_args!("FD_DROP payload of {len} bytes"),
                ));
            }
            RecordKind::CONN_OPEN | RecordKind::CONN_CLOSE => {
                core::str::from_utf8(payload)
                    .map_err(|e| invalid("record JSON", payload_start, e))?;
            }
            _ => {}
        }
        let end = fds_start + n_fds * FD_INFO_BYTES;
        let index = RecordIndex {
            offset: pos,
            kind,
            conn: h.conn.get(),
            t_ns: h.t_ns.get(),
            payload: payload_start..fds_start,
            fds: fds_start..end,
        };
        Ok((index, end))
    }

    /// The file header.
    pub fn header(&self) -> &CaptureHeader {
        &self.header
    }

    /// The uncompressed file.
    pub fn bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// Number of records.
    pub fn len(&self) -> usize {
        self.records.len()
    }

    /// True when there are no records.
    pub fn is_empty(&self) -> bool {
        self.records.is_empty()
    }

    fn record(&self, index: &RecordIndex) -> Record<'_> {
        Record {
            offset: index.offset as u64,
            kind: index.kind,
            conn: index.conn,
            t_ns: index.t_ns,
            payload: self.bytes.get(index.payload.clone()).unwrap_or_default(),
            fds: self
                .bytes
                .get(index.fds.clone())
                .and_then(|b| bytemuck::try_cast_slice(b).ok())
                .unwrap_or_default(),
        }
    }

    /// Every record, in file order.
    pub fn records(&self) -> impl ExactSizeIterator<Item = Record<'_>> + '_ {
        self.records.iter().map(|r| self.record(r))
    }

    /// Connection numbers in order of first appearance.
    pub fn connection_ids(&self) -> Vec<u16> {
        let mut ids: Vec<u16> = Vec::new();
        for r in &self.records {
            if !ids.contains(&r.conn) {
                ids.push(r.conn);
            }
        }
        ids
    }
}
