//! The typed program a TGSI text parses into. Every item keeps the [`Span`] of
//! its text, so later errors point at the line that caused them.
//!
//! The parser checks grammar only: that registers are declared, operands have
//! the right files and indices fit is checked by the lowering.

pub use crate::image_format::ImageFormat;
use crate::names::named_enum;
pub use crate::opcode::{OpInfo, Opcode};
use naga::Span;

named_enum! {
    /// The shader stage named by the header line.
    pub enum Stage {
        /// `VERT`: vertex shader.
        Vertex = "VERT",
        /// `FRAG`: fragment shader.
        Fragment = "FRAG",
        /// `GEOM`: geometry shader.
        Geometry = "GEOM",
        /// `TESS_CTRL`: tessellation control shader.
        TessCtrl = "TESS_CTRL",
        /// `TESS_EVAL`: tessellation evaluation shader.
        TessEval = "TESS_EVAL",
        /// `COMP`: compute shader.
        Compute = "COMP",
    }
}

named_enum! {
    /// A register file.
    pub enum File {
        /// `CONST`: constant buffers.
        Constant = "CONST",
        /// `IN`: stage inputs.
        Input = "IN",
        /// `OUT`: stage outputs.
        Output = "OUT",
        /// `TEMP`: temporaries.
        Temporary = "TEMP",
        /// `SAMP`: sampler states.
        Sampler = "SAMP",
        /// `SVIEW`: sampler views (textures).
        SamplerView = "SVIEW",
        /// `ADDR`: address registers for indirect addressing.
        Address = "ADDR",
        /// `IMM`: immediates.
        Immediate = "IMM",
        /// `SV`: system values.
        SystemValue = "SV",
        /// `IMAGE`: storage images.
        Image = "IMAGE",
        /// `BUFFER`: shader storage buffers.
        Buffer = "BUFFER",
        /// `MEMORY`: shared or global memory.
        Memory = "MEMORY",
        /// `HWATOMIC`: atomic counters.
        HwAtomic = "HWATOMIC",
        /// `PRED`: legacy predicates.
        Predicate = "PRED",
    }
}

named_enum! {
    /// A semantic name of an input, output or system value.
    pub enum Semantic {
        /// Clip-space position (VS out) or fragment coordinate (FS in).
        Position = "POSITION",
        /// Front colour.
        Color = "COLOR",
        /// Back colour.
        BColor = "BCOLOR",
        /// Fog coordinate.
        Fog = "FOG",
        /// Point size.
        PSize = "PSIZE",
        /// Generic varying.
        Generic = "GENERIC",
        /// Normal.
        Normal = "NORMAL",
        /// Front-facing flag.
        Face = "FACE",
        /// Edge flag.
        EdgeFlag = "EDGEFLAG",
        /// Primitive id.
        PrimId = "PRIM_ID",
        /// Instance id.
        InstanceId = "INSTANCEID",
        /// Vertex id (with base vertex).
        VertexId = "VERTEXID",
        /// Stencil reference output.
        Stencil = "STENCIL",
        /// Clip distances.
        ClipDist = "CLIPDIST",
        /// Clip vertex.
        ClipVertex = "CLIPVERTEX",
        /// Compute grid size.
        GridSize = "GRID_SIZE",
        /// Compute block id.
        BlockId = "BLOCK_ID",
        /// Compute block size.
        BlockSize = "BLOCK_SIZE",
        /// Compute thread id.
        ThreadId = "THREAD_ID",
        /// Texture coordinate varying (`gl_TexCoord`).
        TexCoord = "TEXCOORD",
        /// Point sprite coordinate.
        PCoord = "PCOORD",
        /// Viewport index.
        ViewportIndex = "VIEWPORT_INDEX",
        /// Layer.
        Layer = "LAYER",
        /// Cull distances.
        CullDist = "CULLDIST",
        /// Sample id.
        SampleId = "SAMPLEID",
        /// Sample position.
        SamplePos = "SAMPLEPOS",
        /// Sample mask.
        SampleMask = "SAMPLEMASK",
        /// Invocation id.
        InvocationId = "INVOCATIONID",
        /// Vertex id without base vertex.
        VertexIdNoBase = "VERTEXID_NOBASE",
        /// Base vertex.
        BaseVertex = "BASEVERTEX",
        /// Tessellation patch varying.
        Patch = "PATCH",
        /// Tessellation coordinate.
        TessCoord = "TESSCOORD",
        /// Outer tessellation levels.
        TessOuter = "TESSOUTER",
        /// Inner tessellation levels.
        TessInner = "TESSINNER",
        /// Vertices in the input patch.
        VerticesIn = "VERTICESIN",
        /// Helper invocation flag.
        HelperInvocation = "HELPER_INVOCATION",
        /// Base instance.
        BaseInstance = "BASEINSTANCE",
        /// Draw id.
        DrawId = "DRAWID",
        /// Work dimensions.
        WorkDim = "WORK_DIM",
    }
}

named_enum! {
    /// A texture target (of an `SVIEW` declaration or a texture instruction).
    pub enum TextureTarget {
        /// Texture buffer.
        Buffer = "BUFFER",
        /// 1D texture.
        D1 = "1D",
        /// 2D texture.
        D2 = "2D",
        /// 3D texture.
        D3 = "3D",
        /// Cube map.
        Cube = "CUBE",
        /// Rectangle texture (unnormalised coordinates).
        Rect = "RECT",
        /// 1D depth texture with comparison.
        Shadow1D = "SHADOW1D",
        /// 2D depth texture with comparison.
        Shadow2D = "SHADOW2D",
        /// Rectangle depth texture with comparison.
        ShadowRect = "SHADOWRECT",
        /// 1D array texture.
        D1Array = "1D_ARRAY",
        /// 2D array texture.
        D2Array = "2D_ARRAY",
        /// 1D array depth texture with comparison.
        Shadow1DArray = "SHADOW1D_ARRAY",
        /// 2D array depth texture with comparison.
        Shadow2DArray = "SHADOW2D_ARRAY",
        /// Cube depth texture with comparison.
        ShadowCube = "SHADOWCUBE",
        /// Multisampled 2D texture.
        D2Msaa = "2D_MSAA",
        /// Multisampled 2D array texture.
        D2ArrayMsaa = "2D_ARRAY_MSAA",
        /// Cube map array.
        CubeArray = "CUBEARRAY",
        /// Cube map array depth texture with comparison.
        ShadowCubeArray = "SHADOWCUBEARRAY",
    }
}

named_enum! {
    /// What a sampler view returns.
    pub enum ReturnType {
        /// Unsigned normalised (read as float).
        Unorm = "UNORM",
        /// Signed normalised (read as float).
        Snorm = "SNORM",
        /// Signed integer.
        Sint = "SINT",
        /// Unsigned integer.
        Uint = "UINT",
        /// Float.
        Float = "FLOAT",
    }
}

named_enum! {
    /// How a fragment shader input is interpolated.
    pub enum Interpolation {
        /// Flat (from the provoking vertex).
        Constant = "CONSTANT",
        /// Linear in screen space (`noperspective`).
        Linear = "LINEAR",
        /// Perspective-correct.
        Perspective = "PERSPECTIVE",
        /// Flat when the rasterizer's `flatshade` is set, else perspective.
        Color = "COLOR",
    }
}

named_enum! {
    /// Where in the pixel an input is interpolated.
    pub enum SampleLocation {
        /// Pixel centre.
        Center = "CENTER",
        /// Centroid of the covered samples.
        Centroid = "CENTROID",
        /// Each sample.
        Sample = "SAMPLE",
    }
}

named_enum! {
    /// What a `MEMORY` declaration names (its register index is this type's
    /// number: Mesa declares `MEMORY[1], SHARED`).
    pub enum MemoryType {
        /// Global memory (the default).
        Global = "GLOBAL",
        /// Workgroup-shared memory of a compute shader.
        Shared = "SHARED",
        /// Per-invocation memory.
        Private = "PRIVATE",
        /// Kernel inputs.
        Input = "INPUT",
    }
}

named_enum! {
    /// A memory qualifier of a memory instruction (accepted and ignored:
    /// naga's accesses are coherent within what WebGPU promises).
    pub enum MemoryQualifier {
        /// `coherent`.
        Coherent = "COHERENT",
        /// `restrict`.
        Restrict = "RESTRICT",
        /// `volatile`.
        Volatile = "VOLATILE",
    }
}

named_enum! {
    /// The type of an `IMM` line.
    pub enum ImmType {
        /// 32-bit floats (decimal or `0x` + 8 hex digits of IEEE bits).
        Flt32 = "FLT32",
        /// 32-bit unsigned integers.
        Uint32 = "UINT32",
        /// 32-bit signed integers.
        Int32 = "INT32",
        /// 64-bit floats (two lanes each).
        Flt64 = "FLT64",
        /// 64-bit unsigned integers (two lanes each).
        Uint64 = "UINT64",
        /// 64-bit signed integers (two lanes each).
        Int64 = "INT64",
    }
}

named_enum! {
    /// A property name.
    pub enum PropertyName {
        /// GS input primitive.
        GsInputPrimitive = "GS_INPUT_PRIMITIVE",
        /// GS output primitive.
        GsOutputPrimitive = "GS_OUTPUT_PRIMITIVE",
        /// GS maximum output vertices.
        GsMaxOutputVertices = "GS_MAX_OUTPUT_VERTICES",
        /// GS invocations.
        GsInvocations = "GS_INVOCATIONS",
        /// Origin of the fragment coordinate.
        FsCoordOrigin = "FS_COORD_ORIGIN",
        /// Pixel centre of the fragment coordinate.
        FsCoordPixelCenter = "FS_COORD_PIXEL_CENTER",
        /// Colour 0 is written to every colour buffer.
        FsColor0WritesAllCbufs = "FS_COLOR0_WRITES_ALL_CBUFS",
        /// Conservative depth layout.
        FsDepthLayout = "FS_DEPTH_LAYOUT",
        /// No user clip planes.
        VsProhibitUcps = "VS_PROHIBIT_UCPS",
        /// The VS writes window-space positions.
        VsWindowSpacePosition = "VS_WINDOW_SPACE_POSITION",
        /// TCS output vertices.
        TcsVerticesOut = "TCS_VERTICES_OUT",
        /// TES primitive mode.
        TesPrimMode = "TES_PRIM_MODE",
        /// TES spacing.
        TesSpacing = "TES_SPACING",
        /// TES vertex order.
        TesVertexOrderCw = "TES_VERTEX_ORDER_CW",
        /// TES point mode.
        TesPointMode = "TES_POINT_MODE",
        /// Number of clip distances written.
        NumClipdistEnabled = "NUM_CLIPDIST_ENABLED",
        /// Number of cull distances written.
        NumCulldistEnabled = "NUM_CULLDIST_ENABLED",
        /// Force early depth/stencil tests.
        FsEarlyDepthStencil = "FS_EARLY_DEPTH_STENCIL",
        /// Post-depth coverage.
        FsPostDepthCoverage = "FS_POST_DEPTH_COVERAGE",
        /// The next stage (stripped by virgl).
        NextShader = "NEXT_SHADER",
        /// Compute block width.
        CsFixedBlockWidth = "CS_FIXED_BLOCK_WIDTH",
        /// Compute block height.
        CsFixedBlockHeight = "CS_FIXED_BLOCK_HEIGHT",
        /// Compute block depth.
        CsFixedBlockDepth = "CS_FIXED_BLOCK_DEPTH",
        /// `0 * x = 0` even for infinities and NaN.
        MulZeroWins = "MUL_ZERO_WINS",
        /// Layer relative to the viewport.
        LayerViewportRelative = "LAYER_VIEWPORT_RELATIVE",
        /// Advanced blend equations used.
        FsBlendEquationAdvanced = "FS_BLEND_EQUATION_ADVANCED",
        /// Separable program.
        SeparableProgram = "SEPARABLE_PROGRAM",
    }
}

named_enum! {
    /// A primitive type (`GS_INPUT_PRIMITIVE`, `GS_OUTPUT_PRIMITIVE`), as
    /// Gallium names them.
    pub enum Primitive {
        /// Points.
        Points = "POINTS",
        /// Separate lines.
        Lines = "LINES",
        /// Line loop.
        LineLoop = "LINE_LOOP",
        /// Line strip.
        LineStrip = "LINE_STRIP",
        /// Separate triangles.
        Triangles = "TRIANGLES",
        /// Triangle strip.
        TriangleStrip = "TRIANGLE_STRIP",
        /// Triangle fan.
        TriangleFan = "TRIANGLE_FAN",
        /// Separate quads.
        Quads = "QUADS",
        /// Quad strip.
        QuadStrip = "QUAD_STRIP",
        /// Polygon.
        Polygon = "POLYGON",
        /// Lines with adjacency.
        LinesAdjacency = "LINES_ADJACENCY",
        /// Line strip with adjacency.
        LineStripAdjacency = "LINE_STRIP_ADJACENCY",
        /// Triangles with adjacency.
        TrianglesAdjacency = "TRIANGLES_ADJACENCY",
        /// Triangle strip with adjacency.
        TriangleStripAdjacency = "TRIANGLE_STRIP_ADJACENCY",
    }
}

named_enum! {
    /// Origin of the fragment coordinate (`FS_COORD_ORIGIN`).
    pub enum CoordOrigin {
        /// y = 0 is the first row in memory.
        UpperLeft = "UPPER_LEFT",
        /// y = 0 is the last row in memory.
        LowerLeft = "LOWER_LEFT",
    }
}

named_enum! {
    /// Pixel centre of the fragment coordinate (`FS_COORD_PIXEL_CENTER`).
    pub enum PixelCenter {
        /// Centres at x.5.
        HalfInteger = "HALF_INTEGER",
        /// Centres at integers.
        Integer = "INTEGER",
    }
}

named_enum! {
    /// A vector component (swizzle letter).
    pub enum Component {
        /// First lane.
        X = "x",
        /// Second lane.
        Y = "y",
        /// Third lane.
        Z = "z",
        /// Fourth lane.
        W = "w",
    }
}

impl Component {
    /// The component written as `c` (either case).
    pub const fn from_char(c: char) -> Option<Self> {
        match c {
            'x' | 'X' => Some(Self::X),
            'y' | 'Y' => Some(Self::Y),
            'z' | 'Z' => Some(Self::Z),
            'w' | 'W' => Some(Self::W),
            _ => None,
        }
    }

    /// The lane number, 0 to 3.
    pub const fn lane(self) -> u32 {
        match self {
            Self::X => 0,
            Self::Y => 1,
            Self::Z => 2,
            Self::W => 3,
        }
    }
}

/// A parsed shader.
#[derive(Clone, Debug)]
pub struct Program {
    /// The stage from the header line.
    pub stage: Stage,
    /// Span of the header line.
    pub header_span: Span,
    /// `PROPERTY` lines, in order.
    pub properties: Vec<Property>,
    /// `DCL` lines, in order.
    pub declarations: Vec<Declaration>,
    /// `IMM` lines; `IMM[i]` is element `i`.
    pub immediates: Vec<Immediate>,
    /// Instructions, in order (numbering and indentation dropped).
    pub instructions: Vec<Instruction>,
}

/// A `PROPERTY` line.
#[derive(Clone, Copy, Debug)]
pub struct Property {
    /// Which property.
    pub name: PropertyName,
    /// Its value.
    pub value: PropertyValue,
    /// Where.
    pub span: Span,
}

/// The value of a property.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PropertyValue {
    /// A number.
    Uint(u32),
    /// A fragment-coordinate origin.
    Origin(CoordOrigin),
    /// A fragment-coordinate pixel centre.
    Center(PixelCenter),
    /// A primitive type.
    Primitive(Primitive),
    /// Some other name (a primitive or stage name); only its presence is kept.
    Name,
}

/// An inclusive register range `[first..last]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RegRange {
    /// First register.
    pub first: u32,
    /// Last register (≥ `first`).
    pub last: u32,
}

impl RegRange {
    /// Number of registers in the range.
    pub const fn len(self) -> u64 {
        self.last as u64 - self.first as u64 + 1
    }

    /// Never: a range holds at least one register.
    pub const fn is_empty(self) -> bool {
        false
    }

    /// Whether `index` lies in the range.
    pub const fn contains(self, index: u32) -> bool {
        self.first <= index && index <= self.last
    }
}

/// A semantic name and index, e.g. `GENERIC[1]`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SemanticId {
    /// The name.
    pub name: Semantic,
    /// The index (0 when omitted).
    pub index: u32,
}

/// A `DCL` line.
#[derive(Clone, Copy, Debug)]
pub struct Declaration {
    /// The register file.
    pub file: File,
    /// The first bracket of a two-dimensional declaration (`CONST[1][0..3]`:
    /// buffer 1).
    pub dimension: Option<u32>,
    /// The registers declared.
    pub range: RegRange,
    /// The usage mask (`.xy`), all lanes when omitted.
    pub mask: WriteMask,
    /// `ARRAY(id)`: the range is indirectly addressable array `id`.
    pub array: Option<u32>,
    /// File-specific attributes.
    pub kind: DeclKind,
    /// Where.
    pub span: Span,
}

/// File-specific attributes of a declaration.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeclKind {
    /// No attributes kept (`TEMP`, `ADDR`, `CONST`, `SAMP`, `BUFFER`, whose
    /// `ATOMIC` the translator infers from the instructions, and the files
    /// the translator rejects).
    Plain,
    /// `IN` (FS inputs have a semantic and interpolation; VS inputs none).
    Input {
        /// Semantic, if given.
        semantic: Option<SemanticId>,
        /// Interpolation, if given.
        interpolation: Option<Interpolation>,
        /// Sample location, if given.
        location: Option<SampleLocation>,
    },
    /// `OUT`.
    Output {
        /// Semantic, if given.
        semantic: Option<SemanticId>,
        /// `INVARIANT`.
        invariant: bool,
    },
    /// `SVIEW`.
    SamplerView {
        /// Texture target.
        target: TextureTarget,
        /// Return type (all four lanes).
        return_type: ReturnType,
    },
    /// `MEMORY`.
    Memory(MemoryType),
    /// `IMAGE[i], TARGET, FORMAT[, WR]`.
    Image {
        /// Texture target.
        target: TextureTarget,
        /// Format; `None` for `PIPE_FORMAT_NONE` (GLSL gave none, the
        /// bound image's is [`Options::image_formats`](crate::Options::image_formats)).
        format: Option<ImageFormat>,
        /// `WR`: the shader may write it.
        writable: bool,
    },
    /// `SV`.
    SystemValue {
        /// Which system value.
        semantic: SemanticId,
    },
}

/// An `IMM` line: four raw 32-bit lanes.
#[derive(Clone, Copy, Debug)]
pub struct Immediate {
    /// The type it was written as.
    pub ty: ImmType,
    /// Raw lane bits (floats as IEEE bits, signed integers as two's complement).
    pub lanes: [u32; 4],
    /// Where.
    pub span: Span,
}

/// A set of lanes: a destination write mask or a declaration usage mask.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct WriteMask(u8);

impl WriteMask {
    /// All four lanes.
    pub const ALL: Self = Self(0xf);

    /// The mask with bit `i` for lane `i` (bits above 3 ignored).
    pub const fn from_bits(bits: u8) -> Self {
        Self(bits & 0xf)
    }

    /// The bits, lane `i` at bit `i`.
    pub const fn bits(self) -> u8 {
        self.0
    }

    /// Whether lane `lane` (0..4) is in the mask.
    pub const fn contains(self, lane: u32) -> bool {
        lane < 4 && self.0 & (1 << lane) != 0
    }

    /// Whether all four lanes are in the mask.
    pub const fn is_all(self) -> bool {
        self.0 == 0xf
    }
}

/// How a register is indexed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Index {
    /// A literal index.
    Direct(u32),
    /// `FILE[index].component + offset`: a lane of another register plus a
    /// constant.
    Indirect {
        /// File of the register holding the index (`ADDR` in practice).
        file: File,
        /// Its index.
        index: u32,
        /// Which lane holds the index.
        component: Component,
        /// Constant added.
        offset: i32,
    },
}

/// A register reference, e.g. `CONST[1][ADDR[0].x+3]`.
#[derive(Clone, Copy, Debug)]
pub struct Register {
    /// The file.
    pub file: File,
    /// The (second, for two-dimensional references) index.
    pub index: Index,
    /// The first bracket of a two-dimensional reference.
    pub dimension: Option<Index>,
    /// `(id)` after the brackets: the array the register belongs to.
    pub array_id: Option<u32>,
    /// Where.
    pub span: Span,
}

/// A source operand.
#[derive(Clone, Copy, Debug)]
pub struct Src {
    /// The register read.
    pub reg: Register,
    /// Lane `i` of the operand is lane `swizzle[i]` of the register.
    pub swizzle: [Component; 4],
    /// `-`: negate (after `abs`).
    pub negate: bool,
    /// `|…|`: absolute value.
    pub abs: bool,
    /// Where.
    pub span: Span,
}

/// A destination operand.
#[derive(Clone, Copy, Debug)]
pub struct Dst {
    /// The register written.
    pub reg: Register,
    /// The lanes written.
    pub mask: WriteMask,
    /// Where.
    pub span: Span,
}

/// One instruction.
#[derive(Clone, Debug)]
pub struct Instruction {
    /// The opcode.
    pub opcode: Opcode,
    /// `_SAT`: clamp float results to [0, 1].
    pub saturate: bool,
    /// `_PRECISE`: no reassociation or fusion (naga never does either).
    pub precise: bool,
    /// Destination operands.
    pub dst: Vec<Dst>,
    /// Source operands.
    pub src: Vec<Src>,
    /// Texture target operand of texture instructions, or the target a
    /// memory instruction names.
    pub target: Option<TextureTarget>,
    /// The image format a memory instruction names.
    pub format: Option<ImageFormat>,
    /// Texture offset operands (`TEMP[0].xyz`), in order.
    pub tex_offsets: Vec<Src>,
    /// `:label`: the instruction number a jump goes to (ignored: control flow
    /// comes from nesting).
    pub label: Option<u32>,
    /// The whole instruction.
    pub span: Span,
    /// The opcode word alone.
    pub opcode_span: Span,
}
