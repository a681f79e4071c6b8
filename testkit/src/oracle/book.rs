//! The oracle, by hand, for
//!
//! ```text
//! table Level { price: long; volume: double; quantity: uint;
//!               orders: ushort; side: byte; open: bool; }
//! table Book { bids: [Level]; sequence: uint; venue: string;
//!              asks: [Level]; }
//! ```
//!
//! Every field of `Level` is an inline scalar, so flatstream verifies a
//! vector of more than four of them with a shortcut (a table at the same
//! position modulo 8 as one it checked, with the same vtable, gets a range
//! check only). `flatc` code checks every table in full, and so does this
//! oracle with [`Strict`] rules. flatstream has no rule of its own on top
//! of `flatc`'s for these types.
//!
//! `R` can give the oracle a shortcut of its own with a check left out, to
//! show that the comparison notices a shortcut that goes wrong.

use core::marker::PhantomData;

use super::{slot, vector_len, Verified};
use flatstream::flatbuffers::{
    Follow, ForwardsUOffset, Table, VOffsetT, Vector, Verifiable, Verifier,
};

/// What the oracle does with a table of a `[Level]` that has the vtable of
/// the last one it checked in full in the same vector.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shortcut {
    /// None: every table is checked in full, as `flatc` code does.
    Never,
    /// At the same position modulo 8, the table is not checked at all: a
    /// shortcut without its range check.
    Unchecked,
    /// At any position, the table's fields are checked for their bounds
    /// only: a shortcut that forgets the position modulo 8 (and so the
    /// alignment of the fields).
    AnyPosition,
}

/// The oracle's rules.
pub trait Rules: 'static {
    /// How a table sharing a vtable is checked.
    const SHORTCUT: Shortcut = Shortcut::Never;
}

/// Every check, as `flatc` code makes them.
#[derive(Debug)]
pub enum Strict {}
impl Rules for Strict {}

/// [`Shortcut::Unchecked`].
#[derive(Debug)]
pub enum Unchecked {}
impl Rules for Unchecked {
    const SHORTCUT: Shortcut = Shortcut::Unchecked;
}

/// [`Shortcut::AnyPosition`].
#[derive(Debug)]
pub enum AnyPosition {}
impl Rules for AnyPosition {
    const SHORTCUT: Shortcut = Shortcut::AnyPosition;
}

/// `table Level`: its `Table`; `Follow` finds it at a location.
#[derive(Clone, Copy, Debug)]
pub struct Level<'a>(pub Table<'a>);

impl<'a> Follow<'a> for Level<'a> {
    type Inner = Self;

    unsafe fn follow(buf: &'a [u8], loc: usize) -> Self {
        // SAFETY: the caller guarantees a table at `loc`.
        Level(unsafe { Table::new(buf, loc) })
    }
}

impl Level<'_> {
    pub const PRICE: VOffsetT = slot(0);
    pub const VOLUME: VOffsetT = slot(1);
    pub const QUANTITY: VOffsetT = slot(2);
    pub const ORDERS: VOffsetT = slot(3);
    pub const SIDE: VOffsetT = slot(4);
    pub const OPEN: VOffsetT = slot(5);

    /// The fields, as `flatc` reads them (the volume as its bits, so that
    /// a NaN compares equal to itself).
    pub fn values(&self) -> LevelValues {
        // SAFETY: the table was verified, each field as its type.
        unsafe {
            LevelValues {
                price: self.0.get::<i64>(Self::PRICE, Some(0)).unwrap_or(0),
                volume: self
                    .0
                    .get::<f64>(Self::VOLUME, Some(0.0))
                    .unwrap_or(0.0)
                    .to_bits(),
                quantity: self.0.get::<u32>(Self::QUANTITY, Some(0)).unwrap_or(0),
                orders: self.0.get::<u16>(Self::ORDERS, Some(0)).unwrap_or(0),
                side: self.0.get::<i8>(Self::SIDE, Some(0)).unwrap_or(0),
                open: self.0.get::<bool>(Self::OPEN, Some(false)).unwrap_or(false),
            }
        }
    }
}

/// A `Level`'s fields, `volume` as its bits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelValues {
    pub price: i64,
    pub volume: u64,
    pub quantity: u32,
    pub orders: u16,
    pub side: i8,
    pub open: bool,
}

/// `table Level`, every field checked in full.
impl Verifiable for Level<'_> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
        v.visit_table(pos)?
            .visit_field::<i64>("price", Self::PRICE, false)?
            .visit_field::<f64>("volume", Self::VOLUME, false)?
            .visit_field::<u32>("quantity", Self::QUANTITY, false)?
            .visit_field::<u16>("orders", Self::ORDERS, false)?
            .visit_field::<i8>("side", Self::SIDE, false)?
            .visit_field::<bool>("open", Self::OPEN, false)?
            .finish();
        Ok(())
    }
}

/// `N` bytes, checked for their bounds only.
#[derive(Debug)]
struct Bytes<const N: usize>;

impl<const N: usize> Verifiable for Bytes<N> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
        v.range_in_buffer(pos, N)
    }
}

/// `table Level` with each field's bounds checked, not its alignment.
#[derive(Debug)]
struct UnalignedLevel;

impl Verifiable for UnalignedLevel {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
        v.visit_table(pos)?
            .visit_field::<Bytes<8>>("price", Level::PRICE, false)?
            .visit_field::<Bytes<8>>("volume", Level::VOLUME, false)?
            .visit_field::<Bytes<4>>("quantity", Level::QUANTITY, false)?
            .visit_field::<Bytes<2>>("orders", Level::ORDERS, false)?
            .visit_field::<Bytes<1>>("side", Level::SIDE, false)?
            .visit_field::<Bytes<1>>("open", Level::OPEN, false)?
            .finish();
        Ok(())
    }
}

/// Where the vtable of the table at `pos` is, read through the verifier;
/// `None` when its soffset is not in the buffer or points out of it.
fn vtable_of(v: &mut Verifier<'_, '_>, pos: usize) -> Option<usize> {
    let mut soffset = [0; 4];
    for (at, byte) in soffset.iter_mut().enumerate() {
        *byte = v.get_u8(pos.checked_add(at)?).ok()?;
    }
    let soffset = i32::from_le_bytes(soffset);
    if soffset > 0 {
        pos.checked_sub(soffset.unsigned_abs() as usize)
    } else {
        pos.checked_add(soffset.unsigned_abs() as usize)
    }
}

/// `[Level]`: with [`Strict`] rules, the `flatbuffers` crate's own checks
/// of a vector of tables; with another, its shortcut for a table with the
/// vtable of the last one checked in full.
#[derive(Debug)]
pub struct Levels<R>(PhantomData<R>);

impl<R: Rules> Verifiable for Levels<R> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
        if R::SHORTCUT == Shortcut::Never {
            return Vector::<'_, ForwardsUOffset<Level<'_>>>::run_verifier(v, pos);
        }
        // The vector's offsets, as `u32`s: the same size and alignment.
        Vector::<'_, u32>::run_verifier(v, pos)?;
        let len = vector_len(v, pos)?;
        // The vtable and position modulo 8 of the last table checked in
        // full.
        let mut last: Option<(usize, usize)> = None;
        for index in 0..len {
            let at = pos + 4 + 4 * index;
            let table = at.saturating_add(v.get_uoffset(at)? as usize);
            if let Some((vtable, residue)) = last {
                if vtable_of(v, table) == Some(vtable) {
                    match R::SHORTCUT {
                        Shortcut::Unchecked if table % 8 == residue => continue,
                        Shortcut::AnyPosition => {
                            UnalignedLevel::run_verifier(v, table)?;
                            continue;
                        }
                        _ => {}
                    }
                }
            }
            Level::run_verifier(v, table)?;
            last = vtable_of(v, table).map(|vtable| (vtable, table % 8));
        }
        Ok(())
    }
}

root_table! {
    /// `table Book`, the root.
    Book<R = Strict>
}

impl<R> Book<'_, R> {
    pub const BIDS: VOffsetT = slot(0);
    pub const SEQUENCE: VOffsetT = slot(1);
    pub const VENUE: VOffsetT = slot(2);
    pub const ASKS: VOffsetT = slot(3);
}

impl<'a, R> Book<'a, R> {
    /// `sequence`, as `flatc` reads it.
    pub fn sequence(&self) -> u32 {
        // SAFETY: the table was verified, `sequence` as a `uint`.
        unsafe { self.table.get::<u32>(Self::SEQUENCE, Some(0)) }.unwrap_or(0)
    }

    /// `venue`, as `flatc` reads it (absent reads as empty).
    pub fn venue(&self) -> &'a str {
        // SAFETY: the table was verified, `venue` as a string.
        unsafe { self.table.get::<ForwardsUOffset<&str>>(Self::VENUE, None) }.unwrap_or("")
    }

    /// `bids`, as `flatc` reads them (absent reads as empty).
    pub fn bids(&self) -> Vec<LevelValues> {
        self.levels(Self::BIDS)
    }

    /// `asks`, as `flatc` reads them (absent reads as empty).
    pub fn asks(&self) -> Vec<LevelValues> {
        self.levels(Self::ASKS)
    }

    fn levels(&self, slot: VOffsetT) -> Vec<LevelValues> {
        // SAFETY: the table was verified, the field as a `[Level]`.
        let levels = unsafe {
            self.table
                .get::<ForwardsUOffset<Vector<'a, ForwardsUOffset<Level<'a>>>>>(slot, None)
        };
        levels
            .map(|levels| levels.iter().map(|level| level.values()).collect())
            .unwrap_or_default()
    }
}

impl<R: Rules> Verifiable for Book<'_, R> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
        v.visit_table(pos)?
            .visit_field::<ForwardsUOffset<Levels<R>>>("bids", Self::BIDS, false)?
            .visit_field::<u32>("sequence", Self::SEQUENCE, false)?
            .visit_field::<ForwardsUOffset<&str>>("venue", Self::VENUE, false)?
            .visit_field::<ForwardsUOffset<Levels<R>>>("asks", Self::ASKS, false)?
            .finish();
        Ok(())
    }
}
