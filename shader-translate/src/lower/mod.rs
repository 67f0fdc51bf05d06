//! [`Program`] → `naga::Module` built directly in IR.
//!
//! One entry point, `main`, per module. Registers become function-local
//! variables (`TEMP`, `OUT`: `vec4<f32>`; `ADDR`: `vec4<i32>`; indexable
//! `TEMP` arrays: `array<vec4<f32>, n>`), constant buffers uniform arrays,
//! immediates literals. TGSI registers are untyped 32-bit lanes: integer
//! opcodes bitcast their operands and results, `MOV` copies bits.
//!
//! Every instruction re-reads the registers it uses, so no expression is ever
//! used outside the block that emitted it; the only expressions shared across
//! blocks are literals, arguments and variables (which naga evaluates on
//! entry) and the input values computed at the top of the function.
//!
//! Submodules: `decl` (properties and register declarations), `io`
//! (entry-point arguments, result and linking), `reg` (reading and writing
//! registers), `alu`, `tex`, `flow` (instructions), `memory` and `atomic`
//! (storage buffers and shared memory), `image` (shader images), `compute` (workgroup size, compute
//! system values, barriers), `geometry` and `tessellation` (those stages'
//! properties and instructions), `stage_vars` (their inputs and outputs as
//! private variables), `gl` (GL conventions applied on entry and
//! exit) and `expr` (expression helpers).

mod alu;
mod atomic;
mod compute;
mod decl;
mod expr;
mod flow;
mod geometry;
mod gl;
mod image;
mod indirect;
mod io;
mod memory;
mod reg;
mod stage_vars;
mod tessellation;
mod tex;
mod tex_buffer;
mod tex_gather;
mod tex_int;
mod tex_lod;
mod tex_offset;

use crate::ast::{Instruction, Opcode, Program, Stage};
use crate::error::Error;
use crate::interface::{bind_group, Interface};
use crate::options::Options;
use naga::proc::Emitter;
use naga::{Block, Expression, Function, Handle, Module, Span, Statement};
use std::collections::HashMap;

pub(crate) use expr::{Kind, Value};
pub(crate) use geometry::{EMIT_VERTEX, END_PRIMITIVE};

/// Lowers a parsed program; the caller validates the result.
pub(crate) fn lower(program: &Program, options: &Options) -> Result<(Module, Interface), Error> {
    let stage = match program.stage {
        s @ (Stage::Vertex
        | Stage::Fragment
        | Stage::Geometry
        | Stage::TessCtrl
        | Stage::TessEval
        | Stage::Compute) => s,
    };
    let mut l = Lowerer::new(program, options, stage);
    l.declare()?;
    for inst in &program.instructions {
        l.instruction(inst)?;
    }
    l.finish()
}

/// What a control-flow frame is building.
enum FrameKind {
    /// The function body.
    Body,
    /// `IF`/`UIF`: the condition, and the accept block once `ELSE` was seen.
    If {
        condition: Handle<Expression>,
        accept: Option<Block>,
        span: Span,
    },
    /// `BGNLOOP`.
    Loop { span: Span },
    /// A block the lowering of one instruction builds (see
    /// [`Lowerer::nested`]).
    Nested,
}

/// An open block.
struct Frame {
    kind: FrameKind,
    block: Block,
    /// A terminator (`RET`, `BRK`, `CONT`, `KILL`) was pushed: the rest of the
    /// block is unreachable and dropped.
    dead: bool,
}

impl Frame {
    fn new(kind: FrameKind) -> Self {
        Self {
            kind,
            block: Block::new(),
            dead: false,
        }
    }
}

/// The state of one translation.
pub(crate) struct Lowerer<'a> {
    program: &'a Program,
    options: &'a Options,
    stage: Stage,
    /// The bind group of this stage's resources.
    group: u32,
    module: Module,
    fun: Function,
    emitter: Emitter,
    frames: Vec<Frame>,
    /// Literal expressions by (kind, bits): evaluated on entry, shareable.
    literals: HashMap<(Kind, u32), Handle<Expression>>,
    /// Span given to the expressions and statements being built.
    span: Span,
    regs: reg::Registers,
    io: io::Io,
    units: tex::Units,
    memory: memory::Memory,
    /// `IMAGE[i]`, by index.
    images: Vec<Option<image::Image>>,
    interface: Interface,
    /// `END` was reached at the top level.
    ended: bool,
    /// GS: the geometry stage's state.
    gs: Option<geometry::Gs>,
    /// GS, TCS, TES: inputs and outputs as private variables.
    staged: stage_vars::StageVars,
    /// TCS, TES: the tessellation stage's state.
    tess: Option<tessellation::Tess>,
}

impl<'a> Lowerer<'a> {
    fn new(program: &'a Program, options: &'a Options, stage: Stage) -> Self {
        let fun = Function {
            name: Some("main".to_owned()),
            ..Function::default()
        };
        let mut emitter = Emitter::default();
        emitter.start(&fun.expressions);
        Self {
            program,
            options,
            stage,
            group: bind_group(stage).unwrap_or(0),
            module: Module::default(),
            fun,
            emitter,
            frames: vec![Frame::new(FrameKind::Body)],
            literals: HashMap::new(),
            span: program.header_span,
            regs: reg::Registers::default(),
            io: io::Io::default(),
            units: tex::Units::default(),
            memory: memory::Memory::default(),
            images: Vec::new(),
            interface: Interface::new(stage),
            ended: false,
            gs: None,
            staged: stage_vars::StageVars::default(),
            tess: None,
        }
    }

    /// Lowers one instruction.
    fn instruction(&mut self, inst: &Instruction) -> Result<(), Error> {
        self.span = inst.span;
        if self.ended {
            return Err(Error::unsupported(
                "instructions after END (subroutines)",
                inst.opcode_span,
            ));
        }
        if matches!(self.stage, Stage::TessCtrl | Stage::TessEval) {
            if let Some(at) = indirect::indirect_io_operand(inst) {
                return self.indirect_io(inst, at);
            }
        }
        use Opcode as O;
        match inst.opcode {
            O::If
            | O::Uif
            | O::Else
            | O::Endif
            | O::Bgnloop
            | O::Endloop
            | O::Brk
            | O::Cont
            | O::Kill
            | O::KillIf
            | O::Ret
            | O::End
            | O::Nop => self.flow(inst),
            O::Tex
            | O::Txp
            | O::Txb
            | O::Txl
            | O::Txd
            | O::Txf
            | O::Txq
            | O::Txqs
            | O::TexLz
            | O::TxfLz
            | O::Tex2
            | O::Txb2
            | O::Txl2
            | O::Tg4
            | O::Lodq => self.texture(inst),
            O::Emit | O::Endprim => self.geometry_instruction(inst),
            O::Load | O::Store | O::Resq => self.memory_access(inst),
            op if memory::is_atomic(op) => self.atomic(inst),
            O::Barrier | O::Membar => self.barrier(inst),
            _ => self.alu(inst),
        }
    }

    /// Closes the function: checks blocks are closed, adds the epilogue if
    /// `END` did not, and assembles the module.
    fn finish(mut self) -> Result<(Module, Interface), Error> {
        if let Some(open) = self.frames.get(1) {
            let span = match open.kind {
                FrameKind::If { span, .. } | FrameKind::Loop { span } => span,
                FrameKind::Body | FrameKind::Nested => self.span,
            };
            return Err(Error::invalid(
                "block not closed before the end of the shader",
                span,
            ));
        }
        if !self.ended {
            self.span = self
                .program
                .instructions
                .last()
                .map_or(self.program.header_span, |i| i.span);
            self.epilogue()?;
        }
        self.flush();
        let body = self.frames.pop().map(|f| f.block).unwrap_or_default();
        self.fun.body = body;
        self.assemble()
    }

    /// Ends the current run of expressions with an `Emit` statement.
    fn flush(&mut self) {
        if let Some((emit, span)) = self.emitter.finish(&self.fun.expressions) {
            self.push_raw(emit, span);
        }
        self.emitter.start(&self.fun.expressions);
    }

    fn push_raw(&mut self, stmt: Statement, span: Span) {
        if let Some(frame) = self.frames.last_mut() {
            if !frame.dead {
                frame.block.push(stmt, span);
            }
        }
    }

    /// The statements `build` pushes, as a block of their own (for a
    /// statement nested in the current block).
    fn nested<R>(&mut self, build: impl FnOnce(&mut Self) -> R) -> (Block, R) {
        self.flush();
        self.frames.push(Frame::new(FrameKind::Nested));
        let r = build(self);
        self.flush();
        let block = self.frames.pop().map(|f| f.block).unwrap_or_default();
        (block, r)
    }

    /// Pushes a statement (after emitting the expressions it uses).
    fn stmt(&mut self, stmt: Statement) {
        let terminates = matches!(
            stmt,
            Statement::Return { .. } | Statement::Break | Statement::Continue | Statement::Kill
        );
        self.flush();
        self.push_raw(stmt, self.span);
        if terminates {
            if let Some(frame) = self.frames.last_mut() {
                frame.dead = true;
            }
        }
    }
}
