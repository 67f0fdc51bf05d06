//! Little-endian encoding of the values that cross the worker boundary:
//! a [`Writer`], a bounds-checked [`Reader`] (a short or malformed message is
//! an error, never a panic), and the renderer's own types on top.

use crate::core::error::{
    CreateContextError, CreateResourceError, ErrorChain, LookupError, Remote, SubmitError,
    TransferError,
};
use crate::core::state::context::ContextErrorRecord;
use crate::{BackendError, CtxId, Image, Quotas, ResId, ResourceInfo, SubmitReport, TransferBox};
use guest_protocol::virgl::{opcode_name, Box3, Format, Opcode};

/// A message did not decode.
#[derive(Clone, Copy, Debug, PartialEq, Eq, thiserror::Error)]
#[error("malformed message from the other process")]
pub struct Malformed;

/// Appends values to a message.
#[derive(Debug, Default)]
pub(super) struct Writer(pub Vec<u8>);

impl Writer {
    /// A message starting with `tag`.
    pub fn tagged(tag: u8) -> Self {
        Self(vec![tag])
    }
    pub fn u8(&mut self, v: u8) -> &mut Self {
        self.0.push(v);
        self
    }
    pub fn u32(&mut self, v: u32) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn u64(&mut self, v: u64) -> &mut Self {
        self.0.extend_from_slice(&v.to_le_bytes());
        self
    }
    pub fn bool(&mut self, v: bool) -> &mut Self {
        self.u8(u8::from(v))
    }
    /// A length-prefixed byte string.
    pub fn bytes(&mut self, v: &[u8]) -> &mut Self {
        self.u64(v.len() as u64);
        self.0.extend_from_slice(v);
        self
    }
    pub fn str(&mut self, v: &str) -> &mut Self {
        self.bytes(v.as_bytes())
    }
}

/// Takes values off a message, checking every length.
#[derive(Debug)]
pub(super) struct Reader<'a>(&'a [u8]);

impl<'a> Reader<'a> {
    pub fn new(bytes: &'a [u8]) -> Self {
        Self(bytes)
    }
    fn take(&mut self, n: usize) -> Result<&'a [u8], Malformed> {
        if n > self.0.len() {
            return Err(Malformed);
        }
        let (head, rest) = self.0.split_at(n);
        self.0 = rest;
        Ok(head)
    }
    fn array<const N: usize>(&mut self) -> Result<[u8; N], Malformed> {
        self.take(N)?.try_into().map_err(|_| Malformed)
    }
    pub fn u8(&mut self) -> Result<u8, Malformed> {
        Ok(self.array::<1>()?[0])
    }
    pub fn u32(&mut self) -> Result<u32, Malformed> {
        Ok(u32::from_le_bytes(self.array()?))
    }
    pub fn u64(&mut self) -> Result<u64, Malformed> {
        Ok(u64::from_le_bytes(self.array()?))
    }
    pub fn i32(&mut self) -> Result<i32, Malformed> {
        Ok(i32::from_le_bytes(self.array()?))
    }
    pub fn usize(&mut self) -> Result<usize, Malformed> {
        usize::try_from(self.u64()?).map_err(|_| Malformed)
    }
    pub fn bool(&mut self) -> Result<bool, Malformed> {
        match self.u8()? {
            0 => Ok(false),
            1 => Ok(true),
            _ => Err(Malformed),
        }
    }
    pub fn bytes(&mut self) -> Result<&'a [u8], Malformed> {
        let n = self.usize()?;
        self.take(n)
    }
    pub fn str(&mut self) -> Result<&'a str, Malformed> {
        std::str::from_utf8(self.bytes()?).map_err(|_| Malformed)
    }
    /// Checks that nothing is left.
    pub fn end(&self) -> Result<(), Malformed> {
        if self.0.is_empty() {
            Ok(())
        } else {
            Err(Malformed)
        }
    }
}

pub(super) fn put_info(w: &mut Writer, i: &ResourceInfo) {
    for v in [
        i.target.0,
        i.format.0,
        i.bind,
        i.width,
        i.height,
        i.depth,
        i.array_size,
        i.last_level,
        i.nr_samples,
    ] {
        w.u32(v);
    }
}

pub(super) fn get_info(r: &mut Reader<'_>) -> Result<ResourceInfo, Malformed> {
    let mut d = [0u32; 9];
    for v in &mut d {
        *v = r.u32()?;
    }
    Ok(ResourceInfo::from_wire(d))
}

pub(super) fn put_box(w: &mut Writer, t: &TransferBox) {
    w.u32(t.level);
    let b = &t.region;
    for v in [b.x, b.y, b.z, b.w, b.h, b.d] {
        w.u32(v as u32);
    }
    w.u32(t.stride).u32(t.layer_stride).u64(t.offset);
}

pub(super) fn get_box(r: &mut Reader<'_>) -> Result<TransferBox, Malformed> {
    Ok(TransferBox {
        level: r.u32()?,
        region: Box3 {
            x: r.i32()?,
            y: r.i32()?,
            z: r.i32()?,
            w: r.i32()?,
            h: r.i32()?,
            d: r.i32()?,
        },
        stride: r.u32()?,
        layer_stride: r.u32()?,
        offset: r.u64()?,
    })
}

pub(super) fn put_quotas(w: &mut Writer, q: &Quotas) {
    w.u64(q.resource_memory)
        .u64(q.resources as u64)
        .u64(q.objects_per_context as u64)
        .u64(q.cmdbuf_bytes as u64);
}

pub(super) fn get_quotas(r: &mut Reader<'_>) -> Result<Quotas, Malformed> {
    Ok(Quotas {
        resource_memory: r.u64()?,
        resources: r.usize()?,
        objects_per_context: r.usize()?,
        cmdbuf_bytes: r.usize()?,
    })
}

pub(super) fn put_image(w: &mut Writer, i: &Image) {
    w.u32(i.width)
        .u32(i.height)
        .u32(i.format.0)
        .u32(i.stride)
        .bytes(&i.data);
}

pub(super) fn get_image(r: &mut Reader<'_>) -> Result<Image, Malformed> {
    Ok(Image {
        width: r.u32()?,
        height: r.u32()?,
        format: Format(r.u32()?),
        stride: r.u32()?,
        data: r.bytes()?.to_vec(),
    })
}

/// The renderer's error enums on the wire: the variants a front end picks
/// its reply by, whole; every other one as its text ([`Remote`]).
pub(super) trait WireError: Sized + std::error::Error + 'static {
    /// Writes the error.
    fn put(&self, w: &mut Writer);
    /// Reads one.
    fn get(r: &mut Reader<'_>) -> Result<Self, Malformed>;
}

/// Tag of an error sent as text.
const TEXT: u8 = 255;

fn put_text(w: &mut Writer, e: &(dyn std::error::Error + 'static)) {
    w.u8(TEXT).str(&ErrorChain(e).to_string());
}

fn get_text(r: &mut Reader<'_>) -> Result<Remote, Malformed> {
    Ok(Remote::new(r.str()?))
}

impl WireError for LookupError {
    fn put(&self, w: &mut Writer) {
        match *self {
            Self::NoContext(c) => w.u8(0).u32(c.0),
            Self::NoResource(id) => w.u8(1).u32(id.0),
        };
    }
    fn get(r: &mut Reader<'_>) -> Result<Self, Malformed> {
        match r.u8()? {
            0 => Ok(Self::NoContext(CtxId(r.u32()?))),
            1 => Ok(Self::NoResource(ResId(r.u32()?))),
            _ => Err(Malformed),
        }
    }
}

impl WireError for CreateContextError {
    fn put(&self, w: &mut Writer) {
        match *self {
            Self::Exists(c) => w.u8(0).u32(c.0),
            Self::Quota { max } => w.u8(1).u64(max as u64),
        };
    }
    fn get(r: &mut Reader<'_>) -> Result<Self, Malformed> {
        match r.u8()? {
            0 => Ok(Self::Exists(CtxId(r.u32()?))),
            1 => Ok(Self::Quota { max: r.usize()? }),
            _ => Err(Malformed),
        }
    }
}

impl WireError for CreateResourceError {
    fn put(&self, w: &mut Writer) {
        match *self {
            Self::Exists(id) => w.u8(0).u32(id.0),
            Self::ZeroId => w.u8(1),
            Self::TooMany { max } => w.u8(2).u64(max as u64),
            Self::Quota { bytes, max } => w.u8(3).u64(bytes).u64(max),
            _ => {
                put_text(w, self);
                w
            }
        };
    }
    fn get(r: &mut Reader<'_>) -> Result<Self, Malformed> {
        match r.u8()? {
            0 => Ok(Self::Exists(ResId(r.u32()?))),
            1 => Ok(Self::ZeroId),
            2 => Ok(Self::TooMany { max: r.usize()? }),
            3 => Ok(Self::Quota {
                bytes: r.u64()?,
                max: r.u64()?,
            }),
            TEXT => Ok(Self::Remote(get_text(r)?)),
            _ => Err(Malformed),
        }
    }
}

impl WireError for TransferError {
    fn put(&self, w: &mut Writer) {
        match *self {
            Self::NoResource(id) => w.u8(0).u32(id.0),
            Self::NoBacking(id) => w.u8(1).u32(id.0),
            _ => {
                put_text(w, self);
                w
            }
        };
    }
    fn get(r: &mut Reader<'_>) -> Result<Self, Malformed> {
        match r.u8()? {
            0 => Ok(Self::NoResource(ResId(r.u32()?))),
            1 => Ok(Self::NoBacking(ResId(r.u32()?))),
            TEXT => Ok(Self::Remote(get_text(r)?)),
            _ => Err(Malformed),
        }
    }
}

impl WireError for SubmitError {
    fn put(&self, w: &mut Writer) {
        match *self {
            Self::NoContext(c) => w.u8(0).u32(c.0),
            Self::TooLarge { bytes, max } => w.u8(1).u64(bytes as u64).u64(max as u64),
            _ => {
                put_text(w, self);
                w
            }
        };
    }
    fn get(r: &mut Reader<'_>) -> Result<Self, Malformed> {
        match r.u8()? {
            0 => Ok(Self::NoContext(CtxId(r.u32()?))),
            1 => Ok(Self::TooLarge {
                bytes: r.usize()?,
                max: r.usize()?,
            }),
            TEXT => Ok(Self::Remote(get_text(r)?)),
            _ => Err(Malformed),
        }
    }
}

/// `Result<(), BackendError<E>>` (the worker only answers with
/// [`BackendError::Renderer`]).
pub(super) fn put_result<E: WireError>(w: &mut Writer, r: &Result<(), BackendError<E>>) {
    match r {
        Ok(()) => {
            w.u8(0);
        }
        Err(BackendError::Renderer(e)) => {
            w.u8(1);
            e.put(w);
        }
        Err(e) => {
            w.u8(2).str(&e.to_string());
        }
    }
}

pub(super) fn get_result<E: WireError>(
    r: &mut Reader<'_>,
) -> Result<Result<(), BackendError<E>>, Malformed> {
    match r.u8()? {
        0 => Ok(Ok(())),
        1 => Ok(Err(BackendError::Renderer(E::get(r)?))),
        2 => Ok(Err(BackendError::Transport(
            Remote::new(r.str()?).text().to_owned(),
        ))),
        _ => Err(Malformed),
    }
}

/// Errors of one submit the report carries over, at most.
pub(super) const MAX_FAILURES: usize = 64;

/// The opcode name `name` stands for (a static name from the protocol's
/// table, or the renderer's own `SUBMIT` / `FLUSH`), `UNKNOWN` otherwise.
fn known_opcode(name: &str) -> &'static str {
    match name {
        "SUBMIT" => "SUBMIT",
        "FLUSH" => "FLUSH",
        _ => Opcode::ALL
            .iter()
            .map(|op| opcode_name(u32::from(op.0)))
            .find(|n| *n == name)
            .unwrap_or("UNKNOWN"),
    }
}

pub(super) fn put_report(w: &mut Writer, s: &SubmitReport) {
    w.u64(s.commands).u64(s.errors);
    let failures = s.failures.get(..MAX_FAILURES).unwrap_or(&s.failures);
    w.u64(failures.len() as u64);
    for f in failures {
        w.u64(f.submit).u64(f.offset as u64).str(f.opcode);
        w.str(&ErrorChain(&f.error).to_string());
    }
    put_result(w, &s.outcome);
}

pub(super) fn get_report(r: &mut Reader<'_>) -> Result<SubmitReport, Malformed> {
    let commands = r.u64()?;
    let errors = r.u64()?;
    let n = r.usize()?;
    if n > MAX_FAILURES {
        return Err(Malformed);
    }
    let mut failures = Vec::with_capacity(n);
    for _ in 0..n {
        failures.push(ContextErrorRecord {
            submit: r.u64()?,
            offset: r.usize()?,
            opcode: known_opcode(r.str()?),
            error: Remote::new(r.str()?).into(),
        });
    }
    Ok(SubmitReport {
        commands,
        errors,
        failures,
        outcome: get_result(r)?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::error::CommandError;

    fn round<E: WireError + PartialEq + std::fmt::Debug>(e: E) -> E {
        let mut w = Writer::default();
        e.put(&mut w);
        let mut r = Reader::new(&w.0);
        let back = E::get(&mut r).unwrap();
        r.end().unwrap();
        back
    }

    #[test]
    fn reply_picking_variants_survive_and_others_become_text() {
        let e = CreateResourceError::Quota { bytes: 5, max: 4 };
        assert_eq!(round(e.clone()), e);
        assert_eq!(
            round(LookupError::NoResource(ResId(7))),
            LookupError::NoResource(ResId(7))
        );
        let e = TransferError::BadLevel { level: 3, last: 1 };
        let back = round(e.clone());
        assert!(matches!(back, TransferError::Remote(_)));
        assert!(back.to_string().starts_with(&e.to_string()));
    }

    #[test]
    fn reports_keep_their_failures_as_text() {
        let report = SubmitReport {
            commands: 3,
            errors: 1,
            failures: vec![ContextErrorRecord {
                submit: 2,
                offset: 40,
                opcode: "DRAW_VBO",
                error: CommandError::ZeroHandle,
            }],
            outcome: Err(BackendError::Renderer(SubmitError::NoContext(CtxId(2)))),
        };
        let mut w = Writer::default();
        put_report(&mut w, &report);
        let back = get_report(&mut Reader::new(&w.0)).unwrap();
        assert_eq!(back.commands, 3);
        assert_eq!(back.failures[0].opcode, "DRAW_VBO");
        assert!(back.failures[0].to_string().contains("object handle 0"));
        assert_eq!(back.outcome, report.outcome);
    }

    #[test]
    fn short_messages_are_errors() {
        let mut w = Writer::default();
        w.bytes(&[1, 2, 3]);
        let cut = w.0.get(..w.0.len() - 1).unwrap();
        assert!(Reader::new(cut).bytes().is_err());
        assert!(known_opcode("rm -rf") == "UNKNOWN");
    }
}
