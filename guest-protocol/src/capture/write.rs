//! Writing captures in the same format (for `pv3d record`).

use super::format::*;
use std::io::{self, Write};
use std::vec::Vec;

/// Writes a `.vtrec` stream: the file header at creation, then one record per call.
#[derive(Debug)]
pub struct CaptureWriter<W: Write> {
    out: W,
}

fn invalid_input(message: &'static str) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, message)
}

impl<W: Write> CaptureWriter<W> {
    /// Writes the magic, version 1 and `header_json` (which should carry at
    /// least `tool` and `label`).
    pub fn new(mut out: W, header_json: &str) -> io::Result<Self> {
        let len =
            u32::try_from(header_json.len()).map_err(|_| invalid_input("header JSON too long"))?;
        out.write_all(&MAGIC)?;
        out.write_all(&FORMAT_VERSION.to_le_bytes())?;
        out.write_all(&len.to_le_bytes())?;
        out.write_all(header_json.as_bytes())?;
        Ok(Self { out })
    }

    /// Writes one record whose payload is the concatenation of `parts`.
    /// fds are only allowed on C2S/S2C records, at most 255.
    pub fn record_parts(
        &mut self,
        kind: RecordKind,
        conn: u16,
        t_ns: u64,
        parts: &[&[u8]],
        fds: &[FdInfo],
    ) -> io::Result<()> {
        if !fds.is_empty() && kind != RecordKind::C2S && kind != RecordKind::S2C {
            return Err(invalid_input("fds on a record that is not C2S/S2C"));
        }
        let n_fds = u8::try_from(fds.len()).map_err(|_| invalid_input("more than 255 fds"))?;
        let len: usize = parts.iter().map(|p| p.len()).sum();
        let len = u32::try_from(len).map_err(|_| invalid_input("record payload over 4 GiB"))?;
        let header = RecordHeader {
            kind: kind.0,
            n_fds,
            conn: conn.into(),
            t_ns: t_ns.into(),
            len: len.into(),
        };
        self.out.write_all(bytemuck::bytes_of(&header))?;
        for part in parts {
            self.out.write_all(part)?;
        }
        self.out.write_all(bytemuck::cast_slice(fds))
    }

    /// Writes one record.
    pub fn record(
        &mut self,
        kind: RecordKind,
        conn: u16,
        t_ns: u64,
        payload: &[u8],
        fds: &[FdInfo],
    ) -> io::Result<()> {
        self.record_parts(kind, conn, t_ns, &[payload], fds)
    }

    /// CONN_OPEN with its JSON.
    pub fn conn_open(&mut self, conn: u16, t_ns: u64, json: &str) -> io::Result<()> {
        self.record(RecordKind::CONN_OPEN, conn, t_ns, json.as_bytes(), &[])
    }

    /// CONN_CLOSE with its JSON.
    pub fn conn_close(&mut self, conn: u16, t_ns: u64, json: &str) -> io::Result<()> {
        self.record(RecordKind::CONN_CLOSE, conn, t_ns, json.as_bytes(), &[])
    }

    /// Client → server bytes; `fds` came with the last byte.
    pub fn c2s(&mut self, conn: u16, t_ns: u64, bytes: &[u8], fds: &[FdInfo]) -> io::Result<()> {
        self.record(RecordKind::C2S, conn, t_ns, bytes, fds)
    }

    /// Server → client bytes; `fds` came with the last byte.
    pub fn s2c(&mut self, conn: u16, t_ns: u64, bytes: &[u8], fds: &[FdInfo]) -> io::Result<()> {
        self.record(RecordKind::S2C, conn, t_ns, bytes, fds)
    }

    /// A SHM_PRE_C2S or SHM_PRE_S2C record (`kind` picks which).
    pub fn shm(
        &mut self,
        kind: RecordKind,
        conn: u16,
        t_ns: u64,
        write: &ShmWrite<'_>,
    ) -> io::Result<()> {
        if kind != RecordKind::SHM_PRE_C2S && kind != RecordKind::SHM_PRE_S2C {
            return Err(invalid_input("shm() needs SHM_PRE_C2S or SHM_PRE_S2C"));
        }
        let header = ShmHeader {
            fd_id: write.fd_id.into(),
            handle: write.handle.into(),
            offset: write.offset.into(),
        };
        self.record_parts(
            kind,
            conn,
            t_ns,
            &[bytemuck::bytes_of(&header), write.data],
            &[],
        )
    }

    /// FD_DROP.
    pub fn fd_drop(&mut self, conn: u16, t_ns: u64, fd_id: u32, handle: u32) -> io::Result<()> {
        let body = FdDropBody {
            fd_id: fd_id.into(),
            handle: handle.into(),
        };
        self.record(
            RecordKind::FD_DROP,
            conn,
            t_ns,
            bytemuck::bytes_of(&body),
            &[],
        )
    }

    /// The underlying writer (e.g. the bytes written so far, for a `Vec<u8>`).
    pub fn get_ref(&self) -> &W {
        &self.out
    }

    /// Flushes the underlying writer.
    pub fn flush(&mut self) -> io::Result<()> {
        self.out.flush()
    }

    /// Flushes and returns the writer.
    pub fn finish(mut self) -> io::Result<W> {
        self.out.flush()?;
        Ok(self.out)
    }
}

/// Compresses a whole capture into one zstd frame (a `.vtrec.zst`).
pub fn compress(raw: &[u8]) -> Vec<u8> {
    ruzstd::encoding::compress_to_vec(raw, ruzstd::encoding::CompressionLevel::Fastest)
}
