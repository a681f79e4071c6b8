//! Vectors of [`VectorElement`]s: an offset in the table slot to a
//! length-prefixed run of elements, read through [`Vector`].

use core::fmt;

use flatbuffers::VOffsetT;

use super::field::{offset_pushes, Field};
use super::table::{offset_target, ViewTable};
use crate::encode::{Builder, Offset};
use crate::lazy::EMPTY_VECTOR;
use crate::verify::{Checked, Checker, FieldAt};
use crate::view::{Vector, VectorElement};

// SAFETY: `get` follows the field's offset to a vector whose elements only
// `T::read_element` reads; `check` checks the offset and then the vector
// with `T::check_vector`, which `VectorElement`'s contract ties to
// `read_element`, and with a shallow checker to `shallow_vector`.
unsafe impl<T: VectorElement> Field for Vec<T> {
    type Prepared = Offset;
    type View<'a> = Vector<'a, T>;
    type Shallow<'a> = T::ShallowVector<'a>;
    type Default = ();
    const DEFAULT: () = ();
    const WIDTH: usize = 4;

    #[inline]
    fn prepare<B: Builder>(&self, builder: &mut B) -> Offset {
        T::build_vector(self, builder)
    }

    offset_pushes!();

    #[inline]
    unsafe fn get<'a>(table: &ViewTable<'a>, slot: VOffsetT, _default: ()) -> Vector<'a, T> {
        // SAFETY: per the caller, the slot holds a verified vector offset.
        match unsafe { offset_target(table, slot) } {
            // SAFETY: the offset points to a verified vector of `T`.
            Some(loc) => unsafe { Vector::from_raw(table.buf(), loc) },
            None => Vector::empty(),
        }
    }

    #[inline]
    unsafe fn get_shallow<'a>(
        table: &ViewTable<'a>,
        slot: VOffsetT,
        _default: (),
    ) -> T::ShallowVector<'a> {
        // SAFETY: per the caller, the slot holds a checked vector offset.
        match unsafe { offset_target(table, slot) } {
            // SAFETY: the offset points to a vector of `T` that
            // `T::check_vector` accepted, shallowly or not.
            Some(loc) => unsafe { T::shallow_vector(table.buf(), loc) },
            // SAFETY: an empty vector, which every `check_vector` accepts.
            None => unsafe { T::shallow_vector(EMPTY_VECTOR.0, EMPTY_VECTOR.1) },
        }
    }

    #[inline(always)]
    fn check(checker: &mut Checker<'_>, field: FieldAt<'_, '_>) -> Checked {
        checker.visit_offset(
            field,
            #[inline(always)]
            |checker, at| T::check_vector(checker, at),
        )
    }

    #[inline(always)]
    fn decode_present(
        checker: &mut Checker<'_>,
        field: FieldAt<'_, '_>,
    ) -> Checked<Option<Vec<T>>> {
        checker.decode_offset(
            field,
            #[inline(always)]
            |checker, at| T::decode_vector(checker, at),
        )
    }

    #[inline(always)]
    fn absent((): ()) -> Vec<T> {
        Vec::new()
    }

    fn to_owned(view: Vector<'_, T>) -> Vec<T> {
        view.to_vec()
    }

    fn view_eq(view: Vector<'_, T>, owned: &Vec<T>) -> bool {
        view == *owned
    }

    fn fmt_view(view: Vector<'_, T>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&view, f)
    }

    fn fmt_shallow(view: T::ShallowVector<'_>, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&view, f)
    }
}

/// Writes each item with `build`, then the vector of their offsets. Each
/// item must be finished before the vector starts, so the offsets are
/// gathered first: on the stack for short vectors, else on a per-thread
/// scratch stack that keeps its capacity, so steady-state writing does not
/// allocate whatever the vector's length (nested vectors stack up on it).
pub fn build_offset_vector<T, B: Builder>(
    items: &[T],
    builder: &mut B,
    mut build: impl FnMut(&T, &mut B) -> Offset,
) -> Offset {
    const ON_STACK: usize = 32;
    if items.len() <= ON_STACK {
        let mut offsets = [Offset::new(0); ON_STACK];
        for (offset, item) in offsets.iter_mut().zip(items) {
            *offset = build(item, builder);
        }
        return builder.create_vector(&offsets[..items.len()]);
    }
    std::thread_local! {
        static SCRATCH: core::cell::RefCell<Vec<Offset>> = const {
            core::cell::RefCell::new(Vec::new())
        };
    }
    let base = SCRATCH.with(|scratch| scratch.borrow().len());
    for item in items {
        let offset = build(item, builder);
        SCRATCH.with(|scratch| scratch.borrow_mut().push(offset));
    }
    SCRATCH.with(|scratch| {
        let mut scratch = scratch.borrow_mut();
        let vector = builder.create_vector(&scratch[base..]).as_union_value();
        scratch.truncate(base);
        vector
    })
}
