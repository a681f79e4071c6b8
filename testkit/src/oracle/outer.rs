//! The oracle, by hand, for
//!
//! ```text
//! enum Kind : ushort { A = 1, B = 2 }
//! table Inner { label: string; kind: Kind = A; numbers: [uint]; }
//! table Outer { id: ulong; inner: Inner (required); inners: [Inner];
//!               kinds: [Kind]; names: [string]; maybe: Outer;
//!               blob: [ubyte]; }
//! ```
//!
//! `R` can leave a rule out, to show that the comparison notices.

use core::marker::PhantomData;

use super::{slot, EachElement, Verified};
use flatstream::flatbuffers::{
    ForwardsUOffset, InvalidFlatbuffer, VOffsetT, Vector, Verifiable, Verifier,
};

/// Which of flatstream's rules on top of `flatc`'s the oracle applies.
pub trait Rules: 'static {
    /// Unknown `Kind` values are refused.
    const KNOWN_KINDS: bool = true;
    /// `Outer::inner` must be present.
    const INNER_REQUIRED: bool = true;
}

/// Every rule.
#[derive(Debug)]
pub enum Strict {}
impl Rules for Strict {}

/// Takes any `Kind` value, as plain `flatc` code does.
#[derive(Debug)]
pub enum AnyKind {}
impl Rules for AnyKind {
    const KNOWN_KINDS: bool = false;
}

/// Lets `inner` be absent, as plain `flatc` code does.
#[derive(Debug)]
pub enum InnerOptional {}
impl Rules for InnerOptional {
    const INNER_REQUIRED: bool = false;
}

/// `Kind`, a `ushort` holding 1 or 2.
#[derive(Debug)]
pub struct Kind<R>(PhantomData<R>);

impl<R: Rules> Verifiable for Kind<R> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
        u16::run_verifier(v, pos)?;
        if R::KNOWN_KINDS {
            let value = u16::from_le_bytes([v.get_u8(pos)?, v.get_u8(pos + 1)?]);
            if !(1..=2).contains(&value) {
                return InvalidFlatbuffer::new_missing_required(format!("Kind {value}"));
            }
        }
        Ok(())
    }
}

/// `[Kind]`: a `[ushort]`, each element a known `Kind`.
pub type Kinds<R> = EachElement<u16, Kind<R>, 2>;

/// `table Inner`.
#[derive(Debug)]
pub struct Inner<R>(PhantomData<R>);

impl<R> Inner<R> {
    pub const LABEL: VOffsetT = slot(0);
    pub const KIND: VOffsetT = slot(1);
    pub const NUMBERS: VOffsetT = slot(2);
}

impl<R: Rules> Verifiable for Inner<R> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
        v.visit_table(pos)?
            .visit_field::<ForwardsUOffset<&str>>("label", Self::LABEL, false)?
            .visit_field::<Kind<R>>("kind", Self::KIND, false)?
            .visit_field::<ForwardsUOffset<Vector<'_, u32>>>("numbers", Self::NUMBERS, false)?
            .finish();
        Ok(())
    }
}

root_table! {
    /// `table Outer`, the root.
    Outer<R = Strict>
}

impl<R> Outer<'_, R> {
    pub const ID: VOffsetT = slot(0);
    pub const INNER: VOffsetT = slot(1);
    pub const INNERS: VOffsetT = slot(2);
    pub const KINDS: VOffsetT = slot(3);
    pub const NAMES: VOffsetT = slot(4);
    pub const MAYBE: VOffsetT = slot(5);
    pub const BLOB: VOffsetT = slot(6);
}

impl<R> Outer<'_, R> {
    /// `id`, as `flatc` reads it.
    pub fn id(&self) -> u64 {
        // SAFETY: the table was verified, `id` as a `ulong`.
        unsafe { self.table.get::<u64>(Self::ID, Some(0)) }.unwrap_or(0)
    }
}

impl<R: Rules> Verifiable for Outer<'_, R> {
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
        v.visit_table(pos)?
            .visit_field::<u64>("id", Self::ID, false)?
            .visit_field::<ForwardsUOffset<Inner<R>>>("inner", Self::INNER, R::INNER_REQUIRED)?
            .visit_field::<ForwardsUOffset<Vector<'_, ForwardsUOffset<Inner<R>>>>>(
                "inners",
                Self::INNERS,
                false,
            )?
            .visit_field::<ForwardsUOffset<Kinds<R>>>("kinds", Self::KINDS, false)?
            .visit_field::<ForwardsUOffset<Vector<'_, ForwardsUOffset<&str>>>>(
                "names",
                Self::NAMES,
                false,
            )?
            .visit_field::<ForwardsUOffset<Outer<'_, R>>>("maybe", Self::MAYBE, false)?
            .visit_field::<ForwardsUOffset<Vector<'_, u8>>>("blob", Self::BLOB, false)?
            .finish();
        Ok(())
    }
}
