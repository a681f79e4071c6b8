//! An independent verifier for the `Everything` message of `crate::fuzz`, written
//! by hand the way `flatc` writes Rust accessors, over the `flatbuffers`
//! crate's own `Verifier`: the reference the differential target compares
//! flatstream's generated verifier with.
//!
//! The layout comes from `flatstream::schema::<Everything>()` (asserted in
//! `tests/fuzz_harness.rs`): field ids in declaration order, slot
//! `4 + 2 * id`, a union taking two ids (type tag, then value).
//!
//! Plain `flatc` code checks structure only. flatstream documents a few
//! rules on top, applied here by hand:
//!
//! - a table field not in `Option` (or in `Box`) is required, as is a fixed
//!   struct not in `Option`;
//! - an enum without an `other` variant (`Level`) refuses unknown values, in
//!   a field, in a vector and inside a fixed struct; one with `other`
//!   (`Mode`) takes any value;
//! - a union without an `other` variant and not in `Option` is required: an
//!   absent union or tag 0 is an error; an unknown tag is always an error;
//! - fixed structs are range-checked only, with no alignment (as `flatc`'s
//!   Rust structs, whose `align_of` is 1).
//!
//! Apparent-size accounting: everything is charged as the `flatbuffers`
//! crate charges `flatc` code, plus whatever reading an enum value back
//! through the verifier costs (`get_u8` per byte; vector lengths re-read
//! with `get_uoffset`). flatstream charges a little differently (see
//! [`APPARENT_SIZE_SLACK`]); depth and table counts are exact.

use core::marker::PhantomData;

use super::{slot, EachElement, Verified};
use flatstream::flatbuffers::{
    ForwardsUOffset, InvalidFlatbuffer, SimpleToVerifyInSlice, VOffsetT, Vector, Verifiable,
    Verifier,
};

/// How far flatstream's apparent-size charge for a message may lie below
/// and above the oracle's (with [`Flatc`] charges): flatstream also reads
/// back the value of an open enum field (2 bytes more per `Mode` field, at
/// most three in a message) and does not re-read the length of the vector
/// of fixed structs (4 bytes less; `points` is always stored).
/// `tests/fuzz_harness.rs` pins these figures exactly.
pub const APPARENT_SIZE_SLACK: (usize, usize) = (4, 2);

// ---------------------------------------------------------------------------
// Enums.

/// `enum Level : ubyte { Debug, Info, Warn, Error }`, no `other` variant:
/// values 0 to 3 only.
#[derive(Debug)]
pub struct Level;

impl Level {
    const MAX: u8 = 3;
}

impl Verifiable for Level {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
        // What `flatc` verifies for an enum: its scalar.
        u8::run_verifier(v, pos)?;
        let value = v.get_u8(pos)?;
        if value > Level::MAX {
            return InvalidFlatbuffer::new_missing_required(format!("Level {value}"));
        }
        Ok(())
    }
}

/// `[Level]`: a vector of `ubyte`, each element a known `Level`.
pub type LevelVector = EachElement<u8, Level, 1>;

/// `enum Mode : short`, with an `other` variant: any value. `C` chooses
/// whether the value is also read back, as flatstream does.
#[derive(Debug)]
pub struct Mode<C>(PhantomData<C>);

impl<C: Charging> Verifiable for Mode<C> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
        i16::run_verifier(v, pos)?;
        if C::READS_OPEN_ENUMS {
            v.get_u8(pos)?;
            v.get_u8(pos + 1)?;
        }
        Ok(())
    }
}

/// How the oracle charges the apparent size for what flatstream's rules
/// need and `flatc` code does not do.
pub trait Charging: 'static {
    /// Whether an open enum's value is read back after its scalar is
    /// verified.
    const READS_OPEN_ENUMS: bool;
}

/// `flatc`'s charges: an open enum is its scalar.
#[derive(Debug)]
pub enum Flatc {}

impl Charging for Flatc {
    const READS_OPEN_ENUMS: bool = false;
}

/// Open enums read back too, as flatstream charges them.
#[derive(Debug)]
pub enum ReadsOpenEnums {}

impl Charging for ReadsOpenEnums {
    const READS_OPEN_ENUMS: bool = true;
}

// ---------------------------------------------------------------------------
// The fixed struct.

/// `struct Point { level: Level; x: int; corners: [ushort:3]; weight:
/// double; }`: `level` at 0, `x` at 4, `corners` at 8, `weight` at 16, 24
/// bytes, aligned to 8.
#[repr(transparent)]
#[derive(Debug)]
pub struct Point([u8; Point::SIZE]);

impl Point {
    pub const SIZE: usize = 24;
    pub const LEVEL: usize = 0;
}

impl SimpleToVerifyInSlice for Point {}

impl Verifiable for Point {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
        // As `flatc` verifies a struct: its bytes (`align_of` is 1).
        v.in_buffer::<Point>(pos)?;
        Level::run_verifier(v, pos + Point::LEVEL)
    }
}

/// `[Point]`: the vector's bytes, then each element's `level`.
pub type PointVector = EachElement<Point, Level, { Point::SIZE }, { Point::LEVEL }>;

// ---------------------------------------------------------------------------
// Tables.

/// `table Leaf { name: string; value: double; flag: bool = null; }`
#[derive(Debug)]
pub struct Leaf;

impl Leaf {
    pub const NAME: VOffsetT = slot(0);
    pub const VALUE: VOffsetT = slot(1);
    pub const FLAG: VOffsetT = slot(2);
}

impl Verifiable for Leaf {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
        v.visit_table(pos)?
            .visit_field::<ForwardsUOffset<&str>>("name", Leaf::NAME, false)?
            .visit_field::<f64>("value", Leaf::VALUE, false)?
            .visit_field::<bool>("flag", Leaf::FLAG, false)?
            .finish();
        Ok(())
    }
}

/// `table Node { children: [Leaf]; mode: Mode; }`
#[derive(Debug)]
pub struct Node<C>(PhantomData<C>);

impl<C> Node<C> {
    pub const CHILDREN: VOffsetT = slot(0);
    pub const MODE: VOffsetT = slot(1);
}

impl<C: Charging> Verifiable for Node<C> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
        v.visit_table(pos)?
            .visit_field::<ForwardsUOffset<Vector<'_, ForwardsUOffset<Leaf>>>>(
                "children",
                Node::<C>::CHILDREN,
                false,
            )?
            .visit_field::<Mode<C>>("mode", Node::<C>::MODE, false)?
            .finish();
        Ok(())
    }
}

/// `union Shape { Leaf, Node }`: tag 1 is a `Leaf`, 2 a `Node`; no `other`
/// variant, so tag 0 is an error when the union is required and any other
/// tag always is.
fn verify_shape<C: Charging>(
    required: bool,
) -> impl FnOnce(u8, &mut Verifier<'_, '_>, usize) -> Verified {
    move |tag, v, pos| match tag {
        0 if required => InvalidFlatbuffer::new_missing_required("Shape"),
        0 => Ok(()),
        1 => v.verify_union_variant::<ForwardsUOffset<Leaf>>("Shape::Leaf", pos),
        2 => v.verify_union_variant::<ForwardsUOffset<Node<C>>>("Shape::Node", pos),
        tag => InvalidFlatbuffer::new_missing_required(format!("Shape tag {tag}")),
    }
}

root_table! {
    /// The root table, `table Everything`, with `C`'s charges.
    Everything<C = Flatc>
}

impl<C> Everything<'_, C> {
    pub const FLAG: VOffsetT = slot(0);
    pub const BYTE: VOffsetT = slot(1);
    pub const SIGNED_BYTE: VOffsetT = slot(2);
    pub const SHORT: VOffsetT = slot(3);
    pub const SIGNED_SHORT: VOffsetT = slot(4);
    pub const INT: VOffsetT = slot(5);
    pub const SIGNED_INT: VOffsetT = slot(6);
    pub const LONG: VOffsetT = slot(7);
    pub const SIGNED_LONG: VOffsetT = slot(8);
    pub const SINGLE: VOffsetT = slot(9);
    pub const DOUBLE: VOffsetT = slot(10);
    pub const TEXT: VOffsetT = slot(11);
    pub const BYTES: VOffsetT = slot(12);
    pub const FLAGS: VOffsetT = slot(13);
    pub const SHORTS: VOffsetT = slot(14);
    pub const LONGS: VOffsetT = slot(15);
    pub const DOUBLES: VOffsetT = slot(16);
    pub const TEXTS: VOffsetT = slot(17);
    pub const LEAF: VOffsetT = slot(18);
    pub const BOXED: VOffsetT = slot(19);
    pub const LEAVES: VOffsetT = slot(20);
    pub const LEVEL: VOffsetT = slot(21);
    pub const LEVELS: VOffsetT = slot(22);
    pub const MODE: VOffsetT = slot(23);
    pub const MAYBE_INT: VOffsetT = slot(24);
    pub const MAYBE_DOUBLE: VOffsetT = slot(25);
    pub const MAYBE_TEXT: VOffsetT = slot(26);
    pub const MAYBE_BYTES: VOffsetT = slot(27);
    pub const MAYBE_LEAF: VOffsetT = slot(28);
    pub const MAYBE_LEAVES: VOffsetT = slot(29);
    pub const MAYBE_LEVEL: VOffsetT = slot(30);
    pub const MAYBE_TEXTS: VOffsetT = slot(31);
    pub const POINT: VOffsetT = slot(32);
    pub const POINTS: VOffsetT = slot(33);
    pub const MAYBE_POINT: VOffsetT = slot(34);
    pub const SHAPE_TYPE: VOffsetT = slot(35);
    pub const SHAPE: VOffsetT = slot(36);
    pub const MAYBE_SHAPE_TYPE: VOffsetT = slot(37);
    pub const MAYBE_SHAPE: VOffsetT = slot(38);
}

type Strings<'a> = ForwardsUOffset<Vector<'a, ForwardsUOffset<&'a str>>>;
type Leaves<'a> = ForwardsUOffset<Vector<'a, ForwardsUOffset<Leaf>>>;

impl<C: Charging> Verifiable for Everything<'_, C> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
        v.visit_table(pos)?
            .visit_field::<bool>("flag", Self::FLAG, false)?
            .visit_field::<u8>("byte", Self::BYTE, false)?
            .visit_field::<i8>("signed_byte", Self::SIGNED_BYTE, false)?
            .visit_field::<u16>("short", Self::SHORT, false)?
            .visit_field::<i16>("signed_short", Self::SIGNED_SHORT, false)?
            .visit_field::<u32>("int", Self::INT, false)?
            .visit_field::<i32>("signed_int", Self::SIGNED_INT, false)?
            .visit_field::<u64>("long", Self::LONG, false)?
            .visit_field::<i64>("signed_long", Self::SIGNED_LONG, false)?
            .visit_field::<f32>("single", Self::SINGLE, false)?
            .visit_field::<f64>("double", Self::DOUBLE, false)?
            .visit_field::<ForwardsUOffset<&str>>("text", Self::TEXT, false)?
            .visit_field::<ForwardsUOffset<Vector<'_, u8>>>("bytes", Self::BYTES, false)?
            .visit_field::<ForwardsUOffset<Vector<'_, bool>>>("flags", Self::FLAGS, false)?
            .visit_field::<ForwardsUOffset<Vector<'_, i16>>>("shorts", Self::SHORTS, false)?
            .visit_field::<ForwardsUOffset<Vector<'_, u64>>>("longs", Self::LONGS, false)?
            .visit_field::<ForwardsUOffset<Vector<'_, f64>>>("doubles", Self::DOUBLES, false)?
            .visit_field::<Strings<'_>>("texts", Self::TEXTS, false)?
            .visit_field::<ForwardsUOffset<Leaf>>("leaf", Self::LEAF, true)?
            .visit_field::<ForwardsUOffset<Leaf>>("boxed", Self::BOXED, true)?
            .visit_field::<Leaves<'_>>("leaves", Self::LEAVES, false)?
            .visit_field::<Level>("level", Self::LEVEL, false)?
            .visit_field::<ForwardsUOffset<LevelVector>>("levels", Self::LEVELS, false)?
            .visit_field::<Mode<C>>("mode", Self::MODE, false)?
            .visit_field::<u32>("maybe_int", Self::MAYBE_INT, false)?
            .visit_field::<f64>("maybe_double", Self::MAYBE_DOUBLE, false)?
            .visit_field::<ForwardsUOffset<&str>>("maybe_text", Self::MAYBE_TEXT, false)?
            .visit_field::<ForwardsUOffset<Vector<'_, u8>>>(
                "maybe_bytes",
                Self::MAYBE_BYTES,
                false,
            )?
            .visit_field::<ForwardsUOffset<Leaf>>("maybe_leaf", Self::MAYBE_LEAF, false)?
            .visit_field::<Leaves<'_>>("maybe_leaves", Self::MAYBE_LEAVES, false)?
            .visit_field::<Level>("maybe_level", Self::MAYBE_LEVEL, false)?
            .visit_field::<Strings<'_>>("maybe_texts", Self::MAYBE_TEXTS, false)?
            .visit_field::<Point>("point", Self::POINT, true)?
            .visit_field::<ForwardsUOffset<PointVector>>("points", Self::POINTS, false)?
            .visit_field::<Point>("maybe_point", Self::MAYBE_POINT, false)?
            .visit_union::<u8, _>(
                "shape_type",
                Self::SHAPE_TYPE,
                "shape",
                Self::SHAPE,
                true,
                verify_shape::<C>(true),
            )?
            .visit_union::<u8, _>(
                "maybe_shape_type",
                Self::MAYBE_SHAPE_TYPE,
                "maybe_shape",
                Self::MAYBE_SHAPE,
                false,
                verify_shape::<C>(false),
            )?
            .finish();
        Ok(())
    }
}
