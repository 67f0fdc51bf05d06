//! The TGSI opcodes Mesa may send, with their operand counts (from
//! virglrenderer 0.10.4's `tgsi_info.c`, which its text parser follows).

/// How an opcode's operands are written.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OpInfo {
    /// Destination operands.
    pub num_dst: u8,
    /// Source operands (for texture opcodes, including the `SAMP`).
    pub num_src: u8,
    /// A texture target operand follows the sources.
    pub texture: bool,
    /// A `:label` may follow.
    pub label: bool,
    /// Memory qualifiers, a target and a format may follow (memory opcodes).
    pub memory: bool,
}

macro_rules! opcodes {
    ( $( $variant:ident = $text:literal ($dst:literal, $src:literal $(, $flag:ident)*); )* ) => {
        /// A TGSI opcode.
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
        #[allow(missing_docs, reason = "the TGSI mnemonic is the documentation; see tgsi-text.md §6")]
        pub enum Opcode {
            $( $variant, )*
        }

        impl Opcode {
            /// Every opcode.
            pub const ALL: &'static [Self] = &[$(Self::$variant,)*];

            /// The mnemonic.
            pub const fn name(self) -> &'static str {
                match self {
                    $( Self::$variant => $text, )*
                }
            }

            /// Operand counts and extras.
            pub const fn info(self) -> OpInfo {
                match self {
                    $( Self::$variant => OpInfo {
                        num_dst: $dst,
                        num_src: $src,
                        texture: opcodes!(@has T $($flag)*),
                        label: opcodes!(@has L $($flag)*),
                        memory: opcodes!(@has M $($flag)*),
                    }, )*
                }
            }

            /// The opcode called `text`, ignoring ASCII case.
            pub fn from_name(text: &str) -> Option<Self> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|op| op.name().eq_ignore_ascii_case(text))
            }
        }

        impl core::fmt::Display for Opcode {
            fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
                f.write_str(self.name())
            }
        }
    };
    (@has T T $($rest:ident)*) => { true };
    (@has L L $($rest:ident)*) => { true };
    (@has M M $($rest:ident)*) => { true };
    (@has $want:ident $other:ident $($rest:ident)*) => { opcodes!(@has $want $($rest)*) };
    (@has $want:ident) => { false };
}

opcodes! {
    Arl = "ARL" (1, 1);
    Mov = "MOV" (1, 1);
    Lit = "LIT" (1, 1);
    Rcp = "RCP" (1, 1);
    Rsq = "RSQ" (1, 1);
    Exp = "EXP" (1, 1);
    Log = "LOG" (1, 1);
    Mul = "MUL" (1, 2);
    Add = "ADD" (1, 2);
    Dp3 = "DP3" (1, 2);
    Dp4 = "DP4" (1, 2);
    Dst = "DST" (1, 2);
    Min = "MIN" (1, 2);
    Max = "MAX" (1, 2);
    Slt = "SLT" (1, 2);
    Sge = "SGE" (1, 2);
    Mad = "MAD" (1, 3);
    Sub = "SUB" (1, 2);
    Lrp = "LRP" (1, 3);
    Fma = "FMA" (1, 3);
    Sqrt = "SQRT" (1, 1);
    Frc = "FRC" (1, 1);
    Flr = "FLR" (1, 1);
    Round = "ROUND" (1, 1);
    Ex2 = "EX2" (1, 1);
    Lg2 = "LG2" (1, 1);
    Pow = "POW" (1, 2);
    Xpd = "XPD" (1, 2);
    Abs = "ABS" (1, 1);
    Dph = "DPH" (1, 2);
    Cos = "COS" (1, 1);
    Ddx = "DDX" (1, 1);
    Ddy = "DDY" (1, 1);
    Kill = "KILL" (0, 0);
    Pk2h = "PK2H" (1, 1);
    Pk2us = "PK2US" (1, 1);
    Pk4b = "PK4B" (1, 1);
    Pk4ub = "PK4UB" (1, 1);
    Seq = "SEQ" (1, 2);
    Sgt = "SGT" (1, 2);
    Sin = "SIN" (1, 1);
    Sle = "SLE" (1, 2);
    Sne = "SNE" (1, 2);
    Tex = "TEX" (1, 2, T);
    Txd = "TXD" (1, 4, T);
    Txp = "TXP" (1, 2, T);
    Up2h = "UP2H" (1, 1);
    Up2us = "UP2US" (1, 1);
    Up4b = "UP4B" (1, 1);
    Up4ub = "UP4UB" (1, 1);
    Arr = "ARR" (1, 1);
    Cal = "CAL" (0, 0, L);
    Ret = "RET" (0, 0);
    Ssg = "SSG" (1, 1);
    Cmp = "CMP" (1, 3);
    Scs = "SCS" (1, 1);
    Txb = "TXB" (1, 2, T);
    Fbfetch = "FBFETCH" (1, 1);
    Div = "DIV" (1, 2);
    Dp2 = "DP2" (1, 2);
    Txl = "TXL" (1, 2, T);
    Brk = "BRK" (0, 0);
    If = "IF" (0, 1, L);
    Uif = "UIF" (0, 1, L);
    Else = "ELSE" (0, 0, L);
    Endif = "ENDIF" (0, 0);
    DdxFine = "DDX_FINE" (1, 1);
    DdyFine = "DDY_FINE" (1, 1);
    Ceil = "CEIL" (1, 1);
    I2f = "I2F" (1, 1);
    Not = "NOT" (1, 1);
    Trunc = "TRUNC" (1, 1);
    Shl = "SHL" (1, 2);
    And = "AND" (1, 2);
    Or = "OR" (1, 2);
    Mod = "MOD" (1, 2);
    Xor = "XOR" (1, 2);
    Txf = "TXF" (1, 2, T);
    Txq = "TXQ" (1, 2, T);
    Cont = "CONT" (0, 0);
    Emit = "EMIT" (0, 1);
    Endprim = "ENDPRIM" (0, 1);
    Bgnloop = "BGNLOOP" (0, 0, L);
    Bgnsub = "BGNSUB" (0, 0);
    Endloop = "ENDLOOP" (0, 0, L);
    Endsub = "ENDSUB" (0, 0);
    Txqs = "TXQS" (1, 1, T);
    Resq = "RESQ" (1, 1, M);
    Nop = "NOP" (0, 0);
    Fseq = "FSEQ" (1, 2);
    Fsge = "FSGE" (1, 2);
    Fslt = "FSLT" (1, 2);
    Fsne = "FSNE" (1, 2);
    Membar = "MEMBAR" (0, 1);
    KillIf = "KILL_IF" (0, 1);
    End = "END" (0, 0);
    Dfma = "DFMA" (1, 3);
    F2i = "F2I" (1, 1);
    Idiv = "IDIV" (1, 2);
    Imax = "IMAX" (1, 2);
    Imin = "IMIN" (1, 2);
    Ineg = "INEG" (1, 1);
    Isge = "ISGE" (1, 2);
    Ishr = "ISHR" (1, 2);
    Islt = "ISLT" (1, 2);
    F2u = "F2U" (1, 1);
    U2f = "U2F" (1, 1);
    Uadd = "UADD" (1, 2);
    Udiv = "UDIV" (1, 2);
    Umad = "UMAD" (1, 3);
    Umax = "UMAX" (1, 2);
    Umin = "UMIN" (1, 2);
    Umod = "UMOD" (1, 2);
    Umul = "UMUL" (1, 2);
    Useq = "USEQ" (1, 2);
    Usge = "USGE" (1, 2);
    Ushr = "USHR" (1, 2);
    Uslt = "USLT" (1, 2);
    Usne = "USNE" (1, 2);
    Switch = "SWITCH" (0, 1);
    Case = "CASE" (0, 1);
    Default = "DEFAULT" (0, 0);
    Endswitch = "ENDSWITCH" (0, 0);
    Sample = "SAMPLE" (1, 3);
    SampleI = "SAMPLE_I" (1, 2);
    SampleIMs = "SAMPLE_I_MS" (1, 3);
    SampleB = "SAMPLE_B" (1, 4);
    SampleC = "SAMPLE_C" (1, 4);
    SampleCLz = "SAMPLE_C_LZ" (1, 4);
    SampleD = "SAMPLE_D" (1, 5);
    SampleL = "SAMPLE_L" (1, 4);
    Gather4 = "GATHER4" (1, 3);
    Sviewinfo = "SVIEWINFO" (1, 2);
    SamplePos = "SAMPLE_POS" (1, 2);
    SampleInfo = "SAMPLE_INFO" (1, 1);
    Uarl = "UARL" (1, 1);
    Ucmp = "UCMP" (1, 3);
    Iabs = "IABS" (1, 1);
    Issg = "ISSG" (1, 1);
    Load = "LOAD" (1, 2, M);
    Store = "STORE" (1, 2, M);
    Barrier = "BARRIER" (0, 0);
    Atomuadd = "ATOMUADD" (1, 3, M);
    Atomxchg = "ATOMXCHG" (1, 3, M);
    Atomcas = "ATOMCAS" (1, 4, M);
    Atomand = "ATOMAND" (1, 3, M);
    Atomor = "ATOMOR" (1, 3, M);
    Atomxor = "ATOMXOR" (1, 3, M);
    Atomumin = "ATOMUMIN" (1, 3, M);
    Atomumax = "ATOMUMAX" (1, 3, M);
    Atomimin = "ATOMIMIN" (1, 3, M);
    Atomimax = "ATOMIMAX" (1, 3, M);
    Atomfadd = "ATOMFADD" (1, 3, M);
    AtomincWrap = "ATOMINC_WRAP" (1, 3, M);
    AtomdecWrap = "ATOMDEC_WRAP" (1, 3, M);
    TexLz = "TEX_LZ" (1, 2, T);
    TxfLz = "TXF_LZ" (1, 2, T);
    Tex2 = "TEX2" (1, 3, T);
    Txb2 = "TXB2" (1, 3, T);
    Txl2 = "TXL2" (1, 3, T);
    ImulHi = "IMUL_HI" (1, 2);
    UmulHi = "UMUL_HI" (1, 2);
    Tg4 = "TG4" (1, 3, T);
    Lodq = "LODQ" (1, 2, T);
    Ibfe = "IBFE" (1, 3);
    Ubfe = "UBFE" (1, 3);
    Bfi = "BFI" (1, 4);
    Brev = "BREV" (1, 1);
    Popc = "POPC" (1, 1);
    Lsb = "LSB" (1, 1);
    Imsb = "IMSB" (1, 1);
    Umsb = "UMSB" (1, 1);
    InterpCentroid = "INTERP_CENTROID" (1, 1);
    InterpSample = "INTERP_SAMPLE" (1, 2);
    InterpOffset = "INTERP_OFFSET" (1, 2);
    Clock = "CLOCK" (1, 0);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_flags_are_set() {
        for &op in Opcode::ALL {
            assert_eq!(Opcode::from_name(op.name()), Some(op));
        }
        assert_eq!(Opcode::from_name("kill_if"), Some(Opcode::KillIf));
        assert!(Opcode::Tex.info().texture && !Opcode::Tex.info().label);
        assert!(Opcode::Bgnloop.info().label && !Opcode::Bgnloop.info().texture);
        assert_eq!(Opcode::Mad.info().num_src, 3);
    }
}
