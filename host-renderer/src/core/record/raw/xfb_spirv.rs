//! Transform-feedback decorations for a vertex shader's SPIR-V: naga's back
//! end writes none, so they are added to its words afterwards —
//! `OpCapability TransformFeedback`, `OpExecutionMode Xfb` on the entry
//! point, and `XfbBuffer`, `XfbStride`, `Offset` on each captured output
//! variable, found by its `Location`.

use crate::core::base::error::RawError;

/// Where one captured output of the shader goes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct XfbOutput {
    /// The output variable's `Location`.
    pub location: u32,
    /// Transform-feedback buffer.
    pub buffer: u32,
    /// Byte offset in the vertex.
    pub offset: u32,
    /// Bytes per vertex in the buffer.
    pub stride: u32,
}

const OP_CAPABILITY: u32 = 17;
const OP_ENTRY_POINT: u32 = 15;
const OP_EXECUTION_MODE: u32 = 16;
const OP_VARIABLE: u32 = 59;
const OP_DECORATE: u32 = 71;
const CAPABILITY_TRANSFORM_FEEDBACK: u32 = 53;
const EXECUTION_MODE_XFB: u32 = 11;
const DECORATION_LOCATION: u32 = 30;
const DECORATION_OFFSET: u32 = 35;
const DECORATION_XFB_BUFFER: u32 = 36;
const DECORATION_XFB_STRIDE: u32 = 37;
const STORAGE_CLASS_OUTPUT: u32 = 3;
/// Words of the module header.
const HEADER: usize = 5;

/// The instructions of `words` after the header: (start, word count, opcode).
fn instructions(words: &[u32]) -> Result<Vec<(usize, usize, u32)>, RawError> {
    let mut out = Vec::new();
    let mut at = HEADER;
    while let Some(&first) = words.get(at) {
        let (count, op) = ((first >> 16) as usize, first & 0xffff);
        if count == 0 || at + count > words.len() {
            return Err(RawError::Missing("well-formed SPIR-V"));
        }
        out.push((at, count, op));
        at += count;
    }
    Ok(out)
}

/// `words` with the decorations that capture `outputs`; every output's
/// location must be an output variable of the module.
pub fn decorate(words: &[u32], outputs: &[XfbOutput]) -> Result<Vec<u32>, RawError> {
    if words.len() < HEADER {
        return Err(RawError::Missing("well-formed SPIR-V"));
    }
    let list = instructions(words)?;
    let word = |i: usize| words.get(i).copied().unwrap_or(0);
    let outputs_vars: Vec<u32> = list
        .iter()
        .filter(|&&(at, count, op)| {
            op == OP_VARIABLE && count >= 4 && word(at + 3) == STORAGE_CLASS_OUTPUT
        })
        .map(|&(at, ..)| word(at + 2))
        .collect();
    // (variable, location) of the output variables.
    let located: Vec<(u32, u32, usize)> = list
        .iter()
        .filter(|&&(at, count, op)| {
            op == OP_DECORATE
                && count == 4
                && word(at + 2) == DECORATION_LOCATION
                && outputs_vars.contains(&word(at + 1))
        })
        .map(|&(at, count, _)| (word(at + 1), word(at + 3), at + count))
        .collect();
    let mut after: Vec<(usize, Vec<u32>)> = Vec::new();
    for o in outputs {
        let &(var, _, end) = located
            .iter()
            .find(|&&(_, l, _)| l == o.location)
            .ok_or(RawError::Missing("captured output variable"))?;
        let mut d = Vec::new();
        for (decoration, value) in [
            (DECORATION_XFB_BUFFER, o.buffer),
            (DECORATION_XFB_STRIDE, o.stride),
            (DECORATION_OFFSET, o.offset),
        ] {
            d.extend([4 << 16 | OP_DECORATE, var, decoration, value]);
        }
        after.push((end, d));
    }
    let last_capability = list
        .iter()
        .filter(|&&(_, _, op)| op == OP_CAPABILITY)
        .map(|&(at, count, _)| at + count)
        .max()
        .unwrap_or(HEADER);
    after.push((
        last_capability,
        vec![2 << 16 | OP_CAPABILITY, CAPABILITY_TRANSFORM_FEEDBACK],
    ));
    let &(entry_at, entry_count, _) = list
        .iter()
        .find(|&&(_, count, op)| op == OP_ENTRY_POINT && count >= 3)
        .ok_or(RawError::Missing("entry point"))?;
    after.push((
        entry_at + entry_count,
        vec![
            3 << 16 | OP_EXECUTION_MODE,
            word(entry_at + 2),
            EXECUTION_MODE_XFB,
        ],
    ));
    after.sort_by_key(|(at, _)| *at);
    let mut out =
        Vec::with_capacity(words.len() + after.iter().map(|(_, w)| w.len()).sum::<usize>());
    let mut from = 0;
    for (at, extra) in after {
        out.extend_from_slice(words.get(from..at).unwrap_or(&[]));
        out.extend(extra);
        from = at;
    }
    out.extend_from_slice(words.get(from..).unwrap_or(&[]));
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal vertex module: capability, entry point, one output
    /// variable at location 3.
    fn module() -> Vec<u32> {
        vec![
            0x0723_0203,
            0x0001_0300,
            0,
            10,
            0,
            2 << 16 | OP_CAPABILITY,
            1,
            4 << 16 | OP_ENTRY_POINT,
            0,
            7,
            0x6e69_616d,
            4 << 16 | OP_DECORATE,
            5,
            DECORATION_LOCATION,
            3,
            4 << 16 | OP_VARIABLE,
            4,
            5,
            STORAGE_CLASS_OUTPUT,
        ]
    }

    #[test]
    fn decorations_follow_their_sections() {
        let out = decorate(
            &module(),
            &[XfbOutput {
                location: 3,
                buffer: 1,
                offset: 8,
                stride: 24,
            }],
        )
        .unwrap();
        let ops: Vec<u32> = instructions(&out)
            .unwrap()
            .iter()
            .map(|&(_, _, op)| op)
            .collect();
        assert_eq!(
            ops,
            [
                OP_CAPABILITY,
                OP_CAPABILITY,
                OP_ENTRY_POINT,
                OP_EXECUTION_MODE,
                OP_DECORATE,
                OP_DECORATE,
                OP_DECORATE,
                OP_DECORATE,
                OP_VARIABLE
            ]
        );
        assert!(out
            .windows(4)
            .any(|w| w == [4 << 16 | OP_DECORATE, 5, DECORATION_XFB_STRIDE, 24]));
        assert!(out
            .windows(3)
            .any(|w| w == [3 << 16 | OP_EXECUTION_MODE, 7, EXECUTION_MODE_XFB]));
    }

    #[test]
    fn unknown_locations_and_broken_words_are_errors() {
        let o = XfbOutput {
            location: 4,
            buffer: 0,
            offset: 0,
            stride: 4,
        };
        assert!(decorate(&module(), &[o]).is_err());
        let mut broken = module();
        broken.push(9 << 16);
        assert!(decorate(&broken, &[]).is_err());
        assert!(decorate(&[1, 2], &[]).is_err());
    }
}
