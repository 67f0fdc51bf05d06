//! TGSI text → [`Program`]: grammar only (tgsi-text.md §3–§5), following
//! virglrenderer's reference parser where it is lenient (case-insensitive
//! names, instruction numbers and labels accepted and ignored, unknown
//! properties skipped).

use crate::ast::{
    Component, CoordOrigin, DeclKind, Declaration, Dst, File, ImageFormat, ImmType, Immediate,
    Index, Instruction, Interpolation, MemoryQualifier, MemoryType, Opcode, PixelCenter, Primitive,
    Program, Property, PropertyName, PropertyValue, RegRange, Register, ReturnType, SampleLocation,
    Semantic, SemanticId, Src, Stage, TextureTarget, WriteMask,
};
use crate::error::{Error, ErrorKind};
use crate::lex::{Lexer, Tok, Token};
use crate::limits;
use naga::Span;

/// Parses a whole shader.
///
/// The text must already be within [`limits::MAX_TEXT_BYTES`]; counts of
/// items are checked against the other limits as they are parsed.
pub fn parse(text: &str) -> Result<Program, Error> {
    let mut p = Parser::new(text);
    let (stage, header_span) = p.header()?;
    let mut program = Program {
        stage,
        header_span,
        properties: Vec::new(),
        declarations: Vec::new(),
        immediates: Vec::new(),
        instructions: Vec::new(),
    };
    loop {
        let token = p.peek()?;
        match token.tok {
            Tok::Eof => return Ok(program),
            Tok::Word(w) if w.eq_ignore_ascii_case("PROPERTY") => {
                check_count(
                    "properties",
                    program.properties.len(),
                    limits::MAX_PROPERTIES,
                    token.span,
                )?;
                if let Some(property) = p.property()? {
                    program.properties.push(property);
                }
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("DCL") => {
                check_count(
                    "declarations",
                    program.declarations.len(),
                    limits::MAX_DECLARATIONS,
                    token.span,
                )?;
                program.declarations.push(p.declaration()?);
            }
            Tok::Word(w) if w.eq_ignore_ascii_case("IMM") => {
                check_count(
                    "immediates",
                    program.immediates.len(),
                    limits::MAX_IMMEDIATES,
                    token.span,
                )?;
                let index = program.immediates.len();
                program.immediates.push(p.immediate(index)?);
            }
            Tok::Word(_) => {
                check_count(
                    "instructions",
                    program.instructions.len(),
                    limits::MAX_INSTRUCTIONS,
                    token.span,
                )?;
                program.instructions.push(p.instruction()?);
            }
            Tok::Punct(_) => {
                return Err(syntax(
                    "a declaration, immediate, property or instruction",
                    token,
                ))
            }
        }
    }
}

fn check_count(what: &'static str, have: usize, max: usize, span: Span) -> Result<(), Error> {
    if have >= max {
        return Err(Error::too_large(what, have as u64 + 1, max as u64, span));
    }
    Ok(())
}

fn syntax(expected: &'static str, found: Token<'_>) -> Error {
    Error::new(
        ErrorKind::Syntax {
            expected,
            found: found.tok.describe(),
        },
        found.span,
    )
}

fn unknown(what: &'static str, name: &str, span: Span) -> Error {
    Error::new(
        ErrorKind::UnknownName {
            what,
            name: name.to_owned(),
        },
        span,
    )
}

/// Strips a case-insensitive ASCII `suffix` from `word`.
fn strip_suffix_ci<'a>(word: &'a str, suffix: &str) -> Option<&'a str> {
    let cut = word.len().checked_sub(suffix.len())?;
    let (head, tail) = (word.get(..cut)?, word.get(cut..)?);
    tail.eq_ignore_ascii_case(suffix).then_some(head)
}

/// One declaration attribute: `NAME`, `NAME[n]` or `NAME(a, b, …)`.
struct Attr<'a> {
    word: &'a str,
    span: Span,
    /// `[n]` or the first of `(a, …)`.
    arg: Option<u32>,
}

/// Where the attribute walk of a `DCL` line is: attributes must come in
/// this order (tgsi-text.md §4), each at most once.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum AttrStep {
    Array,
    Local,
    Semantic,
    Stream,
    Interpolation,
    Location,
    Invariant,
    Done,
}

struct Parser<'a> {
    lex: Lexer<'a>,
    /// End of the last token consumed, for instruction spans.
    last_end: u32,
}

impl<'a> Parser<'a> {
    const fn new(text: &'a str) -> Self {
        Self {
            lex: Lexer::new(text),
            last_end: 0,
        }
    }

    fn next(&mut self) -> Result<Token<'a>, Error> {
        let token = self.lex.next_token()?;
        if let Some(range) = token.span.to_range() {
            self.last_end = u32::try_from(range.end).unwrap_or(u32::MAX);
        }
        Ok(token)
    }

    fn peek(&self) -> Result<Token<'a>, Error> {
        self.lex.peek()
    }

    fn peek_punct(&self, c: char) -> Result<bool, Error> {
        Ok(self.peek()?.tok == Tok::Punct(c))
    }

    /// Consumes `c` if it is next.
    fn eat(&mut self, c: char) -> Result<bool, Error> {
        let found = self.peek_punct(c)?;
        if found {
            self.next()?;
        }
        Ok(found)
    }

    fn expect(&mut self, c: char, expected: &'static str) -> Result<Span, Error> {
        let token = self.next()?;
        if token.tok == Tok::Punct(c) {
            Ok(token.span)
        } else {
            Err(syntax(expected, token))
        }
    }

    fn word(&mut self, expected: &'static str) -> Result<(&'a str, Span), Error> {
        let token = self.next()?;
        match token.tok {
            Tok::Word(w) => Ok((w, token.span)),
            _ => Err(syntax(expected, token)),
        }
    }

    fn uint(&mut self) -> Result<(u32, Span), Error> {
        let token = self.next()?;
        match token.tok {
            Tok::Word(w) if w.bytes().all(|b| b.is_ascii_digit()) => w
                .parse::<u32>()
                .map(|v| (v, token.span))
                .map_err(|_| syntax("an unsigned 32-bit integer", token)),
            _ => Err(syntax("an unsigned integer", token)),
        }
    }

    fn named<T>(
        &mut self,
        what: &'static str,
        lookup: fn(&str) -> Option<T>,
    ) -> Result<(T, Span), Error> {
        let (w, span) = self.word(what)?;
        lookup(w)
            .map(|v| (v, span))
            .ok_or_else(|| unknown(what, w, span))
    }

    fn header(&mut self) -> Result<(Stage, Span), Error> {
        self.named("shader stage", Stage::from_name)
    }

    /// `PROPERTY NAME value`; `None` for unknown names (skipped with their
    /// value, as the reference parser does).
    fn property(&mut self) -> Result<Option<Property>, Error> {
        let start = self.next()?.span;
        let (word, _) = self.word("a property name")?;
        let Some(name) = PropertyName::from_name(word) else {
            self.word("a property value")?;
            return Ok(None);
        };
        let value = match name {
            PropertyName::FsCoordOrigin => {
                PropertyValue::Origin(self.named("coordinate origin", CoordOrigin::from_name)?.0)
            }
            PropertyName::FsCoordPixelCenter => {
                PropertyValue::Center(self.named("pixel centre", PixelCenter::from_name)?.0)
            }
            PropertyName::GsInputPrimitive | PropertyName::GsOutputPrimitive if matches!(self.peek()?.tok, Tok::Word(w) if Primitive::from_name(w).is_some()) => {
                PropertyValue::Primitive(self.named("primitive", Primitive::from_name)?.0)
            }
            PropertyName::GsInputPrimitive
            | PropertyName::GsOutputPrimitive
            | PropertyName::NextShader
            | PropertyName::TesPrimMode => {
                if matches!(self.peek()?.tok, Tok::Word(w) if w.bytes().all(|b| b.is_ascii_digit()))
                {
                    PropertyValue::Uint(self.uint()?.0)
                } else {
                    self.word("a property value")?;
                    PropertyValue::Name
                }
            }
            _ => PropertyValue::Uint(self.uint()?.0),
        };
        Ok(Some(Property {
            name,
            value,
            span: start.until(&self.span_to_here()),
        }))
    }

    fn span_to_here(&self) -> Span {
        Span::new(self.last_end, self.last_end)
    }

    fn range(&mut self) -> Result<RegRange, Error> {
        let (first, first_span) = self.uint()?;
        let last = if self.eat('.')? {
            self.expect('.', "`..`")?;
            self.uint()?.0
        } else {
            first
        };
        if last < first {
            return Err(Error::invalid(
                format!("register range {first}..{last} is backwards"),
                first_span.until(&self.span_to_here()),
            ));
        }
        Ok(RegRange { first, last })
    }

    fn write_mask(&mut self) -> Result<WriteMask, Error> {
        let (letters, span) = self.word("a write mask")?;
        let mut bits = 0u8;
        let mut last = None;
        for c in letters.chars() {
            let lane = Component::from_char(c)
                .ok_or_else(|| unknown("write mask", letters, span))?
                .lane();
            if last.is_some_and(|l| l >= lane) {
                return Err(unknown("write mask", letters, span));
            }
            last = Some(lane);
            bits |= 1 << lane;
        }
        Ok(WriteMask::from_bits(bits))
    }

    fn attribute(&mut self) -> Result<Attr<'a>, Error> {
        let (word, span) = self.word("a declaration attribute")?;
        let arg = if self.eat('[')? {
            let (n, _) = self.uint()?;
            self.expect(']', "`]`")?;
            Some(n)
        } else if self.eat('(')? {
            let (n, _) = self.uint()?;
            while self.eat(',')? {
                self.uint()?;
            }
            self.expect(')', "`)`")?;
            Some(n)
        } else {
            None
        };
        Ok(Attr { word, span, arg })
    }

    fn declaration(&mut self) -> Result<Declaration, Error> {
        let start = self.next()?.span;
        let (file, _) = self.named("register file", File::from_name)?;
        self.expect('[', "`[`")?;
        // `IN[][r]`: a geometry shader's input, one per vertex.
        if self.eat(']')? {
            self.expect('[', "`[`")?;
        }
        let mut range = self.range()?;
        self.expect(']', "`]`")?;
        let mut dimension = None;
        if self.eat('[')? {
            let inner = self.range()?;
            self.expect(']', "`]`")?;
            if range.len() != 1 {
                return Err(Error::invalid(
                    "the first bracket of a two-dimensional declaration names one register",
                    start.until(&self.span_to_here()),
                ));
            }
            dimension = Some(range.first);
            range = inner;
        }
        let mask = if self.eat('.')? {
            self.write_mask()?
        } else {
            WriteMask::ALL
        };
        let mut attrs = Vec::new();
        while self.eat(',')? {
            // At most a handful of attributes are meaningful; more is garbage.
            if attrs.len() >= 8 {
                return Err(Error::too_large(
                    "declaration attributes",
                    attrs.len() as u64 + 1,
                    8,
                    self.peek()?.span,
                ));
            }
            attrs.push(self.attribute()?);
        }
        let span = start.until(&self.span_to_here());
        let (array, kind) = Self::decl_kind(file, &attrs)?;
        Ok(Declaration {
            file,
            dimension,
            range,
            mask,
            array,
            kind,
            span,
        })
    }

    /// Interprets the attributes of a declaration of `file`.
    fn decl_kind(file: File, attrs: &[Attr<'_>]) -> Result<(Option<u32>, DeclKind), Error> {
        match file {
            File::SamplerView => return Self::sview_kind(attrs),
            File::Memory => return Self::memory_kind(attrs),
            File::Image => return Self::image_kind(attrs),
            // `BUFFER`'s `ATOMIC` follows from the instructions; `HWATOMIC`
            // is rejected by the lowering.
            File::Buffer | File::HwAtomic => return Ok((None, DeclKind::Plain)),
            _ => {}
        }
        let io = matches!(file, File::Input | File::Output | File::SystemValue);
        let mut step = AttrStep::Array;
        let mut array = None;
        let mut semantic = None;
        let mut interpolation = None;
        let mut location = None;
        let mut invariant = false;
        for attr in attrs {
            let w = attr.word;
            let at = |s: AttrStep| step <= s;
            if at(AttrStep::Array) && w.eq_ignore_ascii_case("ARRAY") {
                array = Some(attr.arg.unwrap_or(0));
                step = AttrStep::Local;
            } else if at(AttrStep::Local) && w.eq_ignore_ascii_case("LOCAL") {
                step = AttrStep::Semantic;
            } else if let Some(name) =
                Semantic::from_name(w).filter(|_| io && at(AttrStep::Semantic))
            {
                semantic = Some(SemanticId {
                    name,
                    index: attr.arg.unwrap_or(0),
                });
                step = AttrStep::Stream;
            } else if at(AttrStep::Stream) && io && w.eq_ignore_ascii_case("STREAM") {
                step = AttrStep::Interpolation;
            } else if let Some(i) =
                Interpolation::from_name(w).filter(|_| io && at(AttrStep::Interpolation))
            {
                interpolation = Some(i);
                step = AttrStep::Location;
            } else if let Some(l) =
                SampleLocation::from_name(w).filter(|_| io && at(AttrStep::Location))
            {
                location = Some(l);
                step = AttrStep::Invariant;
            } else if at(AttrStep::Invariant) && io && w.eq_ignore_ascii_case("INVARIANT") {
                invariant = true;
                step = AttrStep::Done;
            } else {
                return Err(unknown("declaration attribute", w, attr.span));
            }
        }
        let kind = match file {
            File::Input => DeclKind::Input {
                semantic,
                interpolation,
                location,
            },
            File::Output => DeclKind::Output {
                semantic,
                invariant,
            },
            File::SystemValue => DeclKind::SystemValue {
                semantic: semantic.ok_or_else(|| {
                    Error::invalid("an SV declaration needs a semantic", attrs_span(attrs))
                })?,
            },
            _ => DeclKind::Plain,
        };
        Ok((array, kind))
    }

    /// `MEMORY[i][, TYPE]` (`GLOBAL` when omitted).
    fn memory_kind(attrs: &[Attr<'_>]) -> Result<(Option<u32>, DeclKind), Error> {
        let mut ty = MemoryType::Global;
        for (i, attr) in attrs.iter().enumerate() {
            match MemoryType::from_name(attr.word) {
                Some(t) if i == 0 => ty = t,
                _ => return Err(unknown("memory type", attr.word, attr.span)),
            }
        }
        Ok((None, DeclKind::Memory(ty)))
    }

    /// `IMAGE[i], TARGET, FORMAT[, WR]`: after the target, the reference
    /// parser takes `WR`, `RAW` and the format in any order.
    fn image_kind(attrs: &[Attr<'_>]) -> Result<(Option<u32>, DeclKind), Error> {
        let mut iter = attrs.iter();
        let target_attr = iter.next().ok_or_else(|| {
            Error::invalid("an IMAGE declaration needs a target", attrs_span(attrs))
        })?;
        let target = TextureTarget::from_name(target_attr.word)
            .ok_or_else(|| unknown("texture target", target_attr.word, target_attr.span))?;
        let mut format = None;
        let mut writable = false;
        for attr in iter {
            if attr.word.eq_ignore_ascii_case("WR") {
                writable = true;
            } else if attr.word.eq_ignore_ascii_case("RAW") {
                return Err(Error::unsupported("RAW images", attr.span));
            } else {
                format = Some(image_format(attr.word, attr.span, "image attribute")?);
            }
        }
        let format = format.ok_or_else(|| {
            Error::invalid("an IMAGE declaration needs a format", attrs_span(attrs))
        })?;
        Ok((
            None,
            DeclKind::Image {
                target,
                format,
                writable,
            },
        ))
    }

    /// `SVIEW[i], TARGET, RETTYPE[, RETTYPE ×3]`.
    fn sview_kind(attrs: &[Attr<'_>]) -> Result<(Option<u32>, DeclKind), Error> {
        let mut iter = attrs.iter();
        let target_attr = iter.next().ok_or_else(|| {
            Error::invalid("an SVIEW declaration needs a target", attrs_span(attrs))
        })?;
        let target = TextureTarget::from_name(target_attr.word)
            .ok_or_else(|| unknown("texture target", target_attr.word, target_attr.span))?;
        let mut return_type = None;
        for attr in iter {
            let ty = ReturnType::from_name(attr.word)
                .ok_or_else(|| unknown("return type", attr.word, attr.span))?;
            if return_type.is_some_and(|t| t != ty) {
                return Err(Error::unsupported(
                    "an SVIEW with different return types per channel",
                    attr.span,
                ));
            }
            return_type = Some(ty);
        }
        Ok((
            None,
            DeclKind::SamplerView {
                target,
                return_type: return_type.unwrap_or(ReturnType::Float),
            },
        ))
    }

    fn immediate(&mut self, index: usize) -> Result<Immediate, Error> {
        let start = self.next()?.span;
        if self.eat('[')? {
            let (n, span) = self.uint()?;
            self.expect(']', "`]`")?;
            if n as usize != index {
                return Err(Error::invalid(
                    format!("IMM[{n}] declared as immediate number {index}"),
                    span,
                ));
            }
        }
        let (ty, ty_span) = self.named("immediate type", ImmType::from_name)?;
        if matches!(ty, ImmType::Flt64 | ImmType::Uint64 | ImmType::Int64) {
            return Err(Error::unsupported(
                format!("{ty} immediates (64-bit types)"),
                ty_span,
            ));
        }
        self.expect('{', "`{`")?;
        let mut lanes = [0u32; 4];
        for (i, lane) in lanes.iter_mut().enumerate() {
            if i > 0 {
                self.expect(',', "`,` (immediates have four values)")?;
            }
            let (raw, span) = self.lex.raw_value();
            self.last_end = span
                .to_range()
                .map_or(self.last_end, |r| u32::try_from(r.end).unwrap_or(u32::MAX));
            *lane = parse_lane(ty, raw).ok_or_else(|| {
                Error::new(
                    ErrorKind::Syntax {
                        expected: immediate_syntax(ty),
                        found: format!("`{}`", raw.escape_debug()),
                    },
                    span,
                )
            })?;
        }
        self.expect('}', "`}` (immediates have four values)")?;
        Ok(Immediate {
            ty,
            lanes,
            span: start.until(&self.span_to_here()),
        })
    }

    fn instruction(&mut self) -> Result<Instruction, Error> {
        let first = self.next()?;
        let start = first.span;
        let (word, opcode_span) = match first.tok {
            Tok::Word(w) if w.bytes().all(|b| b.is_ascii_digit()) => {
                self.expect(':', "`:` after an instruction number")?;
                self.word("an opcode")?
            }
            Tok::Word(w) => (w, first.span),
            _ => return Err(syntax("an opcode", first)),
        };
        let (name, saturate, precise) = split_modifiers(word);
        let opcode = Opcode::from_name(name).ok_or_else(|| unknown("opcode", word, opcode_span))?;
        let info = opcode.info();
        let mut dst = Vec::with_capacity(usize::from(info.num_dst));
        let mut src = Vec::with_capacity(usize::from(info.num_src));
        for i in 0..info.num_dst + info.num_src {
            if i > 0 {
                self.expect(',', "`,` and another operand")?;
            }
            if i < info.num_dst {
                dst.push(self.dst()?);
            } else {
                src.push(self.src()?);
            }
        }
        let mut target = None;
        let mut tex_offsets = Vec::new();
        if info.texture {
            self.expect(',', "`,` and a texture target")?;
            target = Some(self.named("texture target", TextureTarget::from_name)?.0);
            while self.peek_punct(',')? && tex_offsets.len() < 4 {
                self.next()?;
                tex_offsets.push(self.tex_offset()?);
            }
        }
        let mut format = None;
        if info.memory {
            let mut count = 0;
            while self.peek_punct(',')? && count < 8 {
                self.next()?;
                let (word, span) = self.word("a memory qualifier, target or format")?;
                if let Some(t) = TextureTarget::from_name(word) {
                    target = Some(t);
                } else if MemoryQualifier::from_name(word).is_none() {
                    format = image_format(word, span, "memory qualifier, target or format")?;
                }
                count += 1;
            }
        }
        let mut label = None;
        if info.label && self.eat(':')? {
            label = Some(self.uint()?.0);
        }
        Ok(Instruction {
            opcode,
            saturate,
            precise,
            dst,
            src,
            target,
            format,
            tex_offsets,
            label,
            span: start.until(&self.span_to_here()),
            opcode_span,
        })
    }

    fn dst(&mut self) -> Result<Dst, Error> {
        let reg = self.register()?;
        let mask = if self.eat('.')? {
            self.write_mask()?
        } else {
            WriteMask::ALL
        };
        Ok(Dst {
            reg,
            mask,
            span: reg.span.until(&self.span_to_here()),
        })
    }

    fn src(&mut self) -> Result<Src, Error> {
        let start = self.peek()?.span;
        let negate = self.eat('-')?;
        let abs = self.eat('|')?;
        let reg = self.register()?;
        let mut swizzle = [Component::X, Component::Y, Component::Z, Component::W];
        if self.eat('.')? {
            self.swizzle_letters(&mut swizzle)?;
        }
        if abs {
            self.expect('|', "`|` closing an absolute value")?;
        }
        Ok(Src {
            reg,
            swizzle,
            negate,
            abs,
            span: start.until(&self.span_to_here()),
        })
    }

    /// A texel offset operand: a register and three swizzle letters
    /// (`IMM[0].xyz`, as Mesa's TGSI dump writes them); lane w reads w.
    fn tex_offset(&mut self) -> Result<Src, Error> {
        let reg = self.register()?;
        self.expect('.', "`.` and the three lanes of a texel offset")?;
        let mut swizzle = [Component::X, Component::Y, Component::Z];
        self.swizzle_letters(&mut swizzle)?;
        let [x, y, z] = swizzle;
        Ok(Src {
            reg,
            swizzle: [x, y, z, Component::W],
            negate: false,
            abs: false,
            span: reg.span.until(&self.span_to_here()),
        })
    }

    /// Exactly `lanes.len()` swizzle letters.
    fn swizzle_letters(&mut self, lanes: &mut [Component]) -> Result<(), Error> {
        let (letters, span) = self.word("a swizzle")?;
        let mut chars = letters.chars();
        for lane in lanes.iter_mut() {
            *lane = chars
                .next()
                .and_then(Component::from_char)
                .ok_or_else(|| unknown("swizzle", letters, span))?;
        }
        if chars.next().is_some() {
            return Err(unknown("swizzle", letters, span));
        }
        Ok(())
    }

    fn register(&mut self) -> Result<Register, Error> {
        let (file, start) = self.named("register file", File::from_name)?;
        self.expect('[', "`[`")?;
        let mut index = self.index()?;
        self.expect(']', "`]`")?;
        let mut dimension = None;
        if self.eat('[')? {
            dimension = Some(index);
            index = self.index()?;
            self.expect(']', "`]`")?;
        }
        let mut array_id = None;
        if self.eat('(')? {
            array_id = Some(self.uint()?.0);
            self.expect(')', "`)`")?;
        }
        Ok(Register {
            file,
            index,
            dimension,
            array_id,
            span: start.until(&self.span_to_here()),
        })
    }

    fn index(&mut self) -> Result<Index, Error> {
        let token = self.peek()?;
        let Tok::Word(w) = token.tok else {
            return Err(syntax("a register index", token));
        };
        if w.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Index::Direct(self.uint()?.0));
        }
        let (file, _) = self.named("register file", File::from_name)?;
        self.expect('[', "`[`")?;
        let (index, _) = self.uint()?;
        self.expect(']', "`]`")?;
        let mut component = Component::X;
        if self.eat('.')? {
            let (letter, span) = self.word("a component")?;
            let mut chars = letter.chars();
            component = match (chars.next().and_then(Component::from_char), chars.next()) {
                (Some(c), None) => c,
                _ => return Err(unknown("component", letter, span)),
            };
        }
        let sign: i64 = if self.eat('+')? {
            1
        } else if self.eat('-')? {
            -1
        } else {
            0
        };
        let mut offset = 0i64;
        if sign != 0 {
            let (n, span) = self.uint()?;
            offset = sign * i64::from(n);
            if offset.abs() > limits::MAX_INDEX_OFFSET {
                return Err(Error::too_large(
                    "index offset",
                    offset.unsigned_abs(),
                    limits::MAX_INDEX_OFFSET as u64,
                    span,
                ));
            }
        }
        Ok(Index::Indirect {
            file,
            index,
            component,
            offset: i32::try_from(offset).unwrap_or(0),
        })
    }
}

/// A `PIPE_FORMAT_*` name: one a storage texture can have, `None` for
/// `PIPE_FORMAT_NONE` (GLSL gave none: the bound image's), `Unsupported`
/// for the other formats, an unknown `what` for other words.
fn image_format(word: &str, span: Span, what: &'static str) -> Result<Option<ImageFormat>, Error> {
    if let Some(f) = ImageFormat::from_name(word) {
        return Ok(Some(f));
    }
    if word.eq_ignore_ascii_case("PIPE_FORMAT_NONE") {
        return Ok(None);
    }
    let is_format = word
        .get(..12)
        .is_some_and(|p| p.eq_ignore_ascii_case("PIPE_FORMAT_"));
    if is_format {
        Err(Error::unsupported(
            format!("image format {}", word.to_ascii_uppercase()),
            span,
        ))
    } else {
        Err(unknown(what, word, span))
    }
}

fn attrs_span(attrs: &[Attr<'_>]) -> Span {
    Span::total_span(attrs.iter().map(|a| a.span))
}

/// Splits `_SAT` / `_PRECISE` suffixes off an opcode word.
fn split_modifiers(word: &str) -> (&str, bool, bool) {
    let (mut name, mut saturate, mut precise) = (word, false, false);
    loop {
        if let Some(head) = strip_suffix_ci(name, "_SAT").filter(|_| !saturate) {
            name = head;
            saturate = true;
        } else if let Some(head) = strip_suffix_ci(name, "_PRECISE").filter(|_| !precise) {
            name = head;
            precise = true;
        } else {
            return (name, saturate, precise);
        }
    }
}

const fn immediate_syntax(ty: ImmType) -> &'static str {
    match ty {
        ImmType::Flt32 => "a float (decimal or 0x and 8 hex digits)",
        ImmType::Int32 => "a signed 32-bit integer",
        _ => "an unsigned 32-bit integer",
    }
}

/// One lane of an immediate, as raw bits.
fn parse_lane(ty: ImmType, raw: &str) -> Option<u32> {
    match ty {
        ImmType::Flt32 => {
            let hex = raw.strip_prefix("0x").or_else(|| raw.strip_prefix("0X"));
            match hex {
                Some(digits) if digits.len() == 8 => u32::from_str_radix(digits, 16).ok(),
                Some(_) => None,
                None => raw.parse::<f32>().ok().map(f32::to_bits),
            }
        }
        ImmType::Uint32 => raw.parse::<u32>().ok(),
        // Two's complement bits of the signed value.
        ImmType::Int32 => raw.parse::<i32>().ok().map(|v| v as u32),
        ImmType::Flt64 | ImmType::Uint64 | ImmType::Int64 => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_glxgears_fragment_shader() {
        let p = parse(
            "FRAG\nPROPERTY FS_COLOR0_WRITES_ALL_CBUFS 1\nDCL IN[0], COLOR, COLOR\n\
             DCL OUT[0], COLOR\nDCL TEMP[0..3]\n  0: MOV OUT[0], IN[0]\n  1: END\n",
        )
        .unwrap();
        assert_eq!(p.stage, Stage::Fragment);
        assert_eq!(p.properties.len(), 1);
        assert_eq!(p.declarations.len(), 3);
        let input = p.declarations.first().unwrap();
        assert_eq!(
            input.kind,
            DeclKind::Input {
                semantic: Some(SemanticId {
                    name: Semantic::Color,
                    index: 0
                }),
                interpolation: Some(Interpolation::Color),
                location: None,
            }
        );
        assert_eq!(p.instructions.len(), 2);
        assert_eq!(p.instructions.first().unwrap().opcode, Opcode::Mov);
    }

    #[test]
    fn parses_operands_modifiers_and_indirection() {
        let p = parse(
            "FRAG\n 27: MOV_SAT TEMP[23].xz, -|TEMP[ADDR[0].x+9](4).wzyx|\n\
             BGNLOOP :0\nTEX TEMP[0], IN[1].xyyy, SAMP[0], 2D\nCONST[1][ADDR[0].y-2]\nEND",
        );
        // The last line is not an instruction.
        let err = p.unwrap_err();
        assert!(matches!(
            err.kind(),
            ErrorKind::UnknownName { what: "opcode", .. }
        ));

        let p = parse(
            "FRAG\n 27: MOV_SAT TEMP[23].xz, -|TEMP[ADDR[0].x+9](4).wzyx|\n\
             BGNLOOP :0\nTEX TEMP[0], IN[1].xyyy, SAMP[0], 2D\nMOV TEMP[0], CONST[1][ADDR[0].y-2]\nEND",
        )
        .unwrap();
        let mov = p.instructions.first().unwrap();
        assert!(mov.saturate);
        assert_eq!(mov.dst.first().unwrap().mask, WriteMask::from_bits(0b0101));
        let src = mov.src.first().unwrap();
        assert!(src.negate && src.abs);
        assert_eq!(
            src.swizzle,
            [Component::W, Component::Z, Component::Y, Component::X]
        );
        assert_eq!(src.reg.array_id, Some(4));
        assert_eq!(
            src.reg.index,
            Index::Indirect {
                file: File::Address,
                index: 0,
                component: Component::X,
                offset: 9
            }
        );
        assert_eq!(p.instructions.get(1).unwrap().label, Some(0));
        assert_eq!(
            p.instructions.get(2).unwrap().target,
            Some(TextureTarget::D2)
        );
        let cst = p.instructions.get(3).unwrap().src.first().unwrap().reg;
        assert_eq!(cst.dimension, Some(Index::Direct(1)));
        assert!(matches!(
            cst.index,
            Index::Indirect {
                offset: -2,
                component: Component::Y,
                ..
            }
        ));
    }

    #[test]
    fn parses_texel_offsets_with_three_lanes() {
        let p = parse("FRAG\nTXF TEMP[0], IN[0], SAMP[0], 2D, IMM[1].yzx\nEND").unwrap();
        let offset = p.instructions.first().unwrap().tex_offsets.first().unwrap();
        assert_eq!(offset.reg.file, File::Immediate);
        assert_eq!(offset.reg.index, Index::Direct(1));
        assert_eq!(
            offset.swizzle,
            [Component::Y, Component::Z, Component::X, Component::W]
        );
        for bad in ["IMM[1].xyzw", "IMM[1].xy", "IMM[1]"] {
            let text = format!("FRAG\nTEX TEMP[0], IN[0], SAMP[0], 2D, {bad}\nEND");
            assert!(parse(&text).is_err(), "{bad}");
        }
    }

    #[test]
    fn parses_immediates_in_every_32_bit_syntax() {
        let p = parse(
            "VERT\nIMM[0] FLT32 {0x3f800000, -2.5, 1e3, 0x00000000}\n\
             IMM[1] UINT32 {0, 1065353216, 4294967295, 7}\nIMM INT32 {-1, 2, -3, 4}\n",
        )
        .unwrap();
        let lanes: Vec<[u32; 4]> = p.immediates.iter().map(|i| i.lanes).collect();
        assert_eq!(
            lanes,
            vec![
                [0x3f80_0000, (-2.5f32).to_bits(), 1000f32.to_bits(), 0],
                [0, 1_065_353_216, u32::MAX, 7],
                [u32::MAX, 2, (-3i32) as u32, 4],
            ]
        );
        let err = parse("VERT\nIMM[3] FLT32 {0, 0, 0, 0}").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Invalid(_)));
        let err = parse("VERT\nIMM[0] FLT64 {0, 0}").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Unsupported(_)));
    }

    #[test]
    fn parses_declaration_attributes_in_order() {
        let p = parse(
            "FRAG\nDCL IN[1].xy, GENERIC[3], PERSPECTIVE, CENTROID\nDCL TEMP[0..2], ARRAY(1), LOCAL\n\
             DCL SVIEW[0], 2D, FLOAT\nDCL CONST[1][0..3]\nDCL SV[0], FACE\nDCL OUT[0], POSITION, INVARIANT\n\
             PROPERTY FS_COORD_ORIGIN LOWER_LEFT\nPROPERTY SOMETHING_NEW 3\n",
        )
        .unwrap();
        let kinds: Vec<DeclKind> = p.declarations.iter().map(|d| d.kind).collect();
        assert_eq!(
            kinds.first(),
            Some(&DeclKind::Input {
                semantic: Some(SemanticId {
                    name: Semantic::Generic,
                    index: 3
                }),
                interpolation: Some(Interpolation::Perspective),
                location: Some(SampleLocation::Centroid),
            })
        );
        assert_eq!(p.declarations.get(1).unwrap().array, Some(1));
        assert_eq!(
            kinds.get(2),
            Some(&DeclKind::SamplerView {
                target: TextureTarget::D2,
                return_type: ReturnType::Float
            })
        );
        let cb = p.declarations.get(3).unwrap();
        assert_eq!(
            (cb.dimension, cb.range),
            (Some(1), RegRange { first: 0, last: 3 })
        );
        assert_eq!(
            kinds.get(5),
            Some(&DeclKind::Output {
                semantic: Some(SemanticId {
                    name: Semantic::Position,
                    index: 0
                }),
                invariant: true
            })
        );
        assert_eq!(p.properties.len(), 1, "unknown properties are skipped");
        let err = parse("FRAG\nDCL IN[0], PERSPECTIVE, GENERIC[0]").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::UnknownName { .. }));
    }

    #[test]
    fn parses_memory_types() {
        let p =
            parse("COMP\nDCL MEMORY[1], SHARED\nDCL MEMORY[0]\nDCL BUFFER[2], ATOMIC\n").unwrap();
        let kinds: Vec<DeclKind> = p.declarations.iter().map(|d| d.kind).collect();
        assert_eq!(
            kinds,
            [
                DeclKind::Memory(MemoryType::Shared),
                DeclKind::Memory(MemoryType::Global),
                DeclKind::Plain
            ]
        );
        let err = parse("COMP\nDCL MEMORY[1], SHARED, SHARED\n").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::UnknownName { .. }));
    }

    #[test]
    fn parses_image_declarations_and_memory_operands() {
        let p = parse(
            "COMP\nDCL IMAGE[0], CUBEARRAY, wr, pipe_format_r32_sint\n\
             DCL IMAGE[1], 2D, PIPE_FORMAT_R8G8B8A8_UNORM\n\
             LOAD TEMP[0], IMAGE[1], TEMP[1], COHERENT, VOLATILE, 2D, PIPE_FORMAT_R8G8B8A8_UNORM\n",
        )
        .unwrap();
        let kinds: Vec<DeclKind> = p.declarations.iter().map(|d| d.kind).collect();
        assert_eq!(
            kinds,
            [
                DeclKind::Image {
                    target: TextureTarget::CubeArray,
                    format: Some(ImageFormat::R32Sint),
                    writable: true
                },
                DeclKind::Image {
                    target: TextureTarget::D2,
                    format: Some(ImageFormat::Rgba8Unorm),
                    writable: false
                },
            ]
        );
        let none = parse("COMP\nDCL IMAGE[0], 2D, PIPE_FORMAT_NONE, WR\n").unwrap();
        assert!(matches!(
            none.declarations.first().map(|d| d.kind),
            Some(DeclKind::Image { format: None, .. })
        ));
        let load = p.instructions.first().unwrap();
        assert_eq!(load.target, Some(TextureTarget::D2));
        assert_eq!(load.format, Some(ImageFormat::Rgba8Unorm));
        for (text, unsupported) in [
            ("COMP\nDCL IMAGE[0], 2D, PIPE_FORMAT_B5G6R5_UNORM\n", true),
            ("COMP\nDCL IMAGE[0], 2D\n", false),
            ("COMP\nDCL IMAGE[0], 2D, PIPE_FORMAT_R32_UINT, RAW\n", true),
            ("COMP\nDCL IMAGE[0], PIPE_FORMAT_R32_UINT\n", false),
            ("COMP\nLOAD TEMP[0], IMAGE[0], TEMP[1], SHINY\n", false),
        ] {
            let err = parse(text).unwrap_err();
            let is_unsupported = matches!(err.kind(), ErrorKind::Unsupported(_));
            assert_eq!(is_unsupported, unsupported, "{text}: {err}");
        }
    }

    #[test]
    fn reports_syntax_errors_with_places() {
        let err = parse("FRAG\nMOV TEMP[0] IN[0]\n").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Syntax { .. }));
        assert_eq!(err.span().to_range(), Some(17..19));
        let err = parse("FRAG\nMOV TEMP[0], IN[0].xyz\n").unwrap_err();
        assert!(matches!(
            err.kind(),
            ErrorKind::UnknownName {
                what: "swizzle",
                ..
            }
        ));
        let err = parse("FRAG\nMOV TEMP[0].yx, IN[0]\n").unwrap_err();
        assert!(matches!(
            err.kind(),
            ErrorKind::UnknownName {
                what: "write mask",
                ..
            }
        ));
        let err = parse("FRAG\nMOV TEMP[99999999999], IN[0]\n").unwrap_err();
        assert!(matches!(err.kind(), ErrorKind::Syntax { .. }));
    }
}
