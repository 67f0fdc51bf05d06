//! Word-level SPIR-V reading and writing shared by the post-passes that
//! rewrite naga's SPIR-V ([`crate::geometry_spirv`], [`crate::tessellation_spirv`],
//! [`crate::image_atomic_spirv`]): the instruction list, literal strings,
//! opcodes, and the error a malformed module gives.

use crate::error::{Error, ErrorKind};

/// The opcodes the passes read or write.
pub(crate) mod op {
    pub const NOP: u32 = 0;
    pub const SOURCE_CONTINUED: u32 = 2;
    pub const SOURCE: u32 = 3;
    pub const SOURCE_EXTENSION: u32 = 4;
    pub const NAME: u32 = 5;
    pub const MEMBER_NAME: u32 = 6;
    pub const STRING: u32 = 7;
    pub const EXTENSION: u32 = 10;
    pub const EXT_INST_IMPORT: u32 = 11;
    pub const MEMORY_MODEL: u32 = 14;
    pub const ENTRY_POINT: u32 = 15;
    pub const EXECUTION_MODE: u32 = 16;
    pub const CAPABILITY: u32 = 17;
    pub const TYPE_INT: u32 = 21;
    pub const TYPE_IMAGE: u32 = 25;
    pub const TYPE_POINTER: u32 = 32;
    pub const CONSTANT: u32 = 43;
    pub const FUNCTION: u32 = 54;
    pub const FUNCTION_CALL: u32 = 57;
    pub const VARIABLE: u32 = 59;
    pub const IMAGE_TEXEL_POINTER: u32 = 60;
    pub const LOAD: u32 = 61;
    pub const ACCESS_CHAIN: u32 = 65;
    pub const IN_BOUNDS_ACCESS_CHAIN: u32 = 66;
    pub const DECORATE: u32 = 71;
    pub const IMAGE_QUERY_SIZE_LOD: u32 = 103;
    pub const IMAGE_QUERY_SIZE: u32 = 104;
    pub const EMIT_VERTEX: u32 = 218;
    pub const END_PRIMITIVE: u32 = 219;
    pub const CONTROL_BARRIER: u32 = 224;
    pub const ATOMIC_EXCHANGE: u32 = 229;
    pub const ATOMIC_COMPARE_EXCHANGE: u32 = 230;
    pub const ATOMIC_I_ADD: u32 = 234;
    pub const ATOMIC_S_MIN: u32 = 236;
    pub const ATOMIC_U_MIN: u32 = 237;
    pub const ATOMIC_S_MAX: u32 = 238;
    pub const ATOMIC_U_MAX: u32 = 239;
    pub const ATOMIC_AND: u32 = 240;
    pub const ATOMIC_OR: u32 = 241;
    pub const ATOMIC_XOR: u32 = 242;
    pub const MODULE_PROCESSED: u32 = 330;
}

/// Words of the module header; the id bound is word 3.
pub(crate) const HEADER: usize = 5;

/// The error of pass `pass` on a module it cannot rewrite.
pub(crate) fn malformed(pass: &str, what: &str) -> Error {
    Error::new(
        ErrorKind::Validation(format!("{pass} SPIR-V: {what}")),
        naga::Span::UNDEFINED,
    )
}

/// One instruction: its opcode and its words (the first included).
pub(crate) struct Inst<'a> {
    pub(crate) op: u32,
    pub(crate) words: &'a [u32],
}

impl Inst<'_> {
    /// Word `i` (0 past the end).
    pub(crate) fn word(&self, i: usize) -> u32 {
        self.words.get(i).copied().unwrap_or(0)
    }

    /// The words after the opcode word.
    pub(crate) fn operands(&self) -> &[u32] {
        self.words.get(1..).unwrap_or_default()
    }
}

/// The instructions after the header (errors name `pass`).
pub(crate) fn instructions<'a>(words: &'a [u32], pass: &str) -> Result<Vec<Inst<'a>>, Error> {
    let mut out = Vec::new();
    let mut rest = words
        .get(HEADER..)
        .ok_or_else(|| malformed(pass, "no header"))?;
    while let Some(&first) = rest.first() {
        let count = (first >> 16) as usize;
        if count == 0 || count > rest.len() {
            return Err(malformed(pass, "truncated instruction"));
        }
        let (inst, tail) = rest.split_at(count);
        out.push(Inst {
            op: first & 0xffff,
            words: inst,
        });
        rest = tail;
    }
    Ok(out)
}

/// The module's id bound (header word 3).
pub(crate) fn id_bound(words: &[u32], pass: &str) -> Result<u32, Error> {
    words
        .get(3)
        .copied()
        .ok_or_else(|| malformed(pass, "no header"))
}

/// The literal string starting at word `from` of `words`.
pub(crate) fn literal_string(words: &[u32], from: usize) -> String {
    let bytes: Vec<u8> = words
        .iter()
        .skip(from)
        .flat_map(|w| w.to_le_bytes())
        .take_while(|&b| b != 0)
        .collect();
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Appends instruction `op` with `operands`.
pub(crate) fn push_inst(out: &mut Vec<u32>, op: u32, operands: &[u32]) {
    out.push(((operands.len() as u32 + 1) << 16) | op);
    out.extend_from_slice(operands);
}
