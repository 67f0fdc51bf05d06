//! Image atomics' SPIR-V. naga 30's image atomics return no value and have
//! no exchange or compare-exchange, where TGSI's write the texel's old
//! value to `dst`; so an atomic on an r32ui or r32i image is lowered to a
//! call of a **marker function** (see [`marker_name`]) taking the texel
//! coordinate (`vec2<i32>` for 2D images, `vec3<i32>` for 3D and arrayed
//! ones, the layer in z), the value and, for a compare-exchange, the
//! comparator, and returning the texel's old value (its body returns 0).
//! [`image_atomic_spirv`] rewrites each call in naga's SPIR-V of the module
//! (written with names: `WriterFlags::DEBUG`) into
//!
//! ```text
//! %p = OpImageTexelPointer %ptr_image_T %imageN %coordinate %uint_0
//! %r = OpAtomic<op> %T %p %uint_1(Device) %uint_0(None) %value
//! %r = OpAtomicCompareExchange %T %p %uint_1 %uint_0 %uint_0 %value %comparator
//! ```
//!
//! keeping the call's result id. The pointer type (`Image` class) and the
//! constants are new declarations placed before the first function; the
//! marker functions stay, uncalled.
//!
//! The same pass corrects naga's layer count of arrayed storage images
//! (`textureNumLayers`, which image accesses check coordinates against):
//! naga writes `OpImageQuerySizeLod`, which Vulkan allows on sampled images
//! only (VUID-StandaloneSpirv-OpImageQuerySizeLod-04659); on a storage
//! image it becomes `OpImageQuerySize` (same result, no level).

use crate::ast::Opcode;
use crate::error::Error;
use crate::spirv_words::{id_bound, instructions, literal_string, op, push_inst, Inst, HEADER};
use std::collections::btree_map::Entry;
use std::collections::{BTreeMap, HashMap, HashSet};

/// Prefix of every marker function's name.
const MARKER_PREFIX: &str = "pv3d_image_atomic_";
/// What errors name.
const PASS: &str = "image atomic";
const CLASS_UNIFORM_CONSTANT: u32 = 0;
const CLASS_IMAGE: u32 = 11;
const DECORATION_NON_WRITABLE: u32 = 24;
const DECORATION_NON_READABLE: u32 = 25;
const SCOPE_DEVICE: u32 = 1;
/// `OpTypeImage`'s Sampled operand of storage images.
const SAMPLED_STORAGE: u32 = 2;

/// The image atomics: TGSI opcode, operation name in markers, SPIR-V
/// opcode.
const OPERATIONS: [(Opcode, &str, u32); 10] = [
    (Opcode::Atomuadd, "add", op::ATOMIC_I_ADD),
    (Opcode::Atomxchg, "exchange", op::ATOMIC_EXCHANGE),
    (
        Opcode::Atomcas,
        "compare_exchange",
        op::ATOMIC_COMPARE_EXCHANGE,
    ),
    (Opcode::Atomand, "and", op::ATOMIC_AND),
    (Opcode::Atomor, "or", op::ATOMIC_OR),
    (Opcode::Atomxor, "xor", op::ATOMIC_XOR),
    (Opcode::Atomumin, "umin", op::ATOMIC_U_MIN),
    (Opcode::Atomumax, "umax", op::ATOMIC_U_MAX),
    (Opcode::Atomimin, "smin", op::ATOMIC_S_MIN),
    (Opcode::Atomimax, "smax", op::ATOMIC_S_MAX),
];

fn malformed(what: &str) -> Error {
    crate::spirv_words::malformed(PASS, what)
}

/// The name of `IMAGE[index]`'s global variable.
pub(crate) fn image_variable_name(index: u32) -> String {
    format!("image{index}")
}

/// The marker function of atomic `op` on `IMAGE[index]`:
/// `pv3d_image_atomic_{operation}_image{index}`, the operation one of
/// `add`, `exchange`, `compare_exchange`, `and`, `or`, `xor`, `umin`,
/// `umax`, `smin`, `smax` (None for other opcodes, `ATOMFADD` included).
pub(crate) fn marker_name(op: Opcode, index: u32) -> Option<String> {
    let (_, operation, _) = OPERATIONS.iter().find(|(o, _, _)| *o == op)?;
    Some(format!(
        "{MARKER_PREFIX}{operation}_{}",
        image_variable_name(index)
    ))
}

/// The SPIR-V opcode and image variable name a marker's name encodes.
fn parse_marker(name: &str) -> Option<(u32, &str)> {
    let (operation, image) = name.strip_prefix(MARKER_PREFIX)?.rsplit_once('_')?;
    let &(_, _, opcode) = OPERATIONS.iter().find(|(_, n, _)| *n == operation)?;
    Some((opcode, image))
}

/// One marker function: its atomic, the image variable and its texel type.
#[derive(Clone, Copy)]
struct Marker {
    opcode: u32,
    image: u32,
    texel: u32,
}

/// What the rewrite reads of the module.
#[derive(Default)]
struct Scan {
    /// `OpName`s: (target, name).
    names: Vec<(u32, String)>,
    /// `UniformConstant` variables: id → pointer type.
    handles: HashMap<u32, u32>,
    /// Pointer types: id → pointee.
    pointers: HashMap<u32, u32>,
    /// Image types: id → sampled type.
    images: HashMap<u32, u32>,
    /// Storage image types.
    storage_images: HashSet<u32>,
    /// Loads: result → type.
    loads: HashMap<u32, u32>,
    /// `NonReadable` or `NonWritable` ids.
    restricted: HashSet<u32>,
    /// The 32-bit unsigned integer type.
    uint: Option<u32>,
}

impl Scan {
    fn new(list: &[Inst<'_>]) -> Self {
        let mut s = Self::default();
        for i in list {
            match i.op {
                op::NAME => s.names.push((i.word(1), literal_string(i.words, 2))),
                op::VARIABLE if i.word(3) == CLASS_UNIFORM_CONSTANT => {
                    s.handles.insert(i.word(2), i.word(1));
                }
                op::TYPE_POINTER => {
                    s.pointers.insert(i.word(1), i.word(3));
                }
                op::TYPE_IMAGE => {
                    s.images.insert(i.word(1), i.word(2));
                    if i.word(7) == SAMPLED_STORAGE {
                        s.storage_images.insert(i.word(1));
                    }
                }
                op::LOAD => {
                    s.loads.insert(i.word(2), i.word(1));
                }
                op::DECORATE
                    if matches!(i.word(2), DECORATION_NON_READABLE | DECORATION_NON_WRITABLE) =>
                {
                    s.restricted.insert(i.word(1));
                }
                op::TYPE_INT if (i.word(2), i.word(3)) == (32, 0) && s.uint.is_none() => {
                    s.uint = Some(i.word(1));
                }
                _ => {}
            }
        }
        s
    }

    /// Whether image query `query` is of a (loaded) storage image.
    fn queries_storage(&self, query: &Inst<'_>) -> bool {
        self.loads
            .get(&query.word(3))
            .is_some_and(|ty| self.storage_images.contains(ty))
    }

    /// The marker a function named `name` is, if it is one.
    fn marker(&self, name: &str) -> Result<Option<Marker>, Error> {
        let Some((opcode, image_name)) = parse_marker(name) else {
            return Ok(None);
        };
        let image = self
            .names
            .iter()
            .find(|(id, n)| n == image_name && self.handles.contains_key(id))
            .map(|&(id, _)| id)
            .ok_or_else(|| malformed("a marker's image variable"))?;
        if self.restricted.contains(&image) {
            return Err(malformed("an atomic image that is not read_write"));
        }
        let texel = self
            .handles
            .get(&image)
            .and_then(|ty| self.pointers.get(ty))
            .and_then(|ty| self.images.get(ty))
            .copied()
            .ok_or_else(|| malformed("a marker's image variable that is not an image"))?;
        Ok(Some(Marker {
            opcode,
            image,
            texel,
        }))
    }
}

/// A fresh id.
fn fresh(bound: &mut u32) -> Result<u32, Error> {
    let id = *bound;
    *bound = id.checked_add(1).ok_or_else(|| malformed("id bound"))?;
    Ok(id)
}

/// The declarations the rewritten calls use.
struct Declarations {
    /// The `uint` type, and whether it must be declared.
    uint: (u32, bool),
    zero: u32,
    device: u32,
    /// `Image` pointers by texel type.
    pointers: BTreeMap<u32, u32>,
}

impl Declarations {
    fn new(scan: &Scan, markers: &BTreeMap<u32, Marker>, bound: &mut u32) -> Result<Self, Error> {
        let uint = match scan.uint {
            Some(id) => (id, false),
            None => (fresh(bound)?, true),
        };
        let (zero, device) = (fresh(bound)?, fresh(bound)?);
        let mut pointers = BTreeMap::new();
        for m in markers.values() {
            if let Entry::Vacant(e) = pointers.entry(m.texel) {
                e.insert(fresh(bound)?);
            }
        }
        Ok(Self {
            uint,
            zero,
            device,
            pointers,
        })
    }

    fn write(&self, out: &mut Vec<u32>) {
        let (uint, new) = self.uint;
        if new {
            push_inst(out, op::TYPE_INT, &[uint, 32, 0]);
        }
        push_inst(out, op::CONSTANT, &[uint, self.zero, 0]);
        push_inst(out, op::CONSTANT, &[uint, self.device, SCOPE_DEVICE]);
        for (&texel, &id) in &self.pointers {
            push_inst(out, op::TYPE_POINTER, &[id, CLASS_IMAGE, texel]);
        }
    }

    /// The texel pointer and atomic replacing call `call` of `marker`.
    fn atomic(
        &self,
        out: &mut Vec<u32>,
        call: &Inst<'_>,
        marker: Marker,
        bound: &mut u32,
    ) -> Result<(), Error> {
        let &[ty, result, _, coordinate, value, ref comparator @ ..] = call.operands() else {
            return Err(malformed("a marker call without its arguments"));
        };
        let cas = marker.opcode == op::ATOMIC_COMPARE_EXCHANGE;
        let comparator = match (cas, comparator) {
            (true, &[c]) => Some(c),
            (false, &[]) => None,
            _ => return Err(malformed("a marker call with other arguments")),
        };
        let pointer_ty = self
            .pointers
            .get(&marker.texel)
            .copied()
            .filter(|_| ty == marker.texel)
            .ok_or_else(|| malformed("a marker call of another type than its image"))?;
        let pointer = fresh(bound)?;
        push_inst(
            out,
            op::IMAGE_TEXEL_POINTER,
            &[pointer_ty, pointer, marker.image, coordinate, self.zero],
        );
        let (scope, none) = (self.device, self.zero);
        match comparator {
            Some(c) => push_inst(
                out,
                marker.opcode,
                &[ty, result, pointer, scope, none, none, value, c],
            ),
            None => push_inst(
                out,
                marker.opcode,
                &[ty, result, pointer, scope, none, value],
            ),
        }
        Ok(())
    }
}

/// `words` (naga's SPIR-V, with names, of a module whose
/// [`Interface::image_atomics`](crate::Interface::image_atomics) is set)
/// with every image atomic marker call made a real atomic (see the module
/// documentation). Words without marker functions come back unchanged;
/// words it cannot rewrite are an error, never a panic.
pub fn image_atomic_spirv(words: &[u32]) -> Result<Vec<u32>, Error> {
    let list = instructions(words, PASS)?;
    let mut bound = id_bound(words, PASS)?;
    let scan = Scan::new(&list);
    let mut markers = BTreeMap::new();
    for (id, name) in &scan.names {
        if let Some(m) = scan.marker(name)? {
            markers.insert(*id, m);
        }
    }
    if markers.is_empty() {
        return Ok(words.to_vec());
    }
    let declarations = Declarations::new(&scan, &markers, &mut bound)?;
    let mut out = Vec::with_capacity(words.len() + 64);
    out.extend_from_slice(words.get(..HEADER).unwrap_or_default());
    let mut declared = false;
    for i in &list {
        if i.op == op::FUNCTION && !declared {
            declared = true;
            declarations.write(&mut out);
        }
        match markers.get(&i.word(3)) {
            Some(&m) if i.op == op::FUNCTION_CALL => {
                declarations.atomic(&mut out, i, m, &mut bound)?;
            }
            _ if i.op == op::IMAGE_QUERY_SIZE_LOD && scan.queries_storage(i) => {
                let operands = i.operands();
                push_inst(
                    &mut out,
                    op::IMAGE_QUERY_SIZE,
                    operands.get(..3).unwrap_or_default(),
                );
            }
            _ => out.extend_from_slice(i.words),
        }
    }
    if let Some(b) = out.get_mut(3) {
        *b = bound;
    }
    Ok(out)
}
