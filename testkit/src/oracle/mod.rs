//! Verifiers written by hand the way `flatc` writes Rust accessors, over
//! the `flatbuffers` crate's own `Verifier`, with flatstream's documented
//! rules on top: the references flatstream's generated verifier is
//! compared with (`everything` by the fuzz targets, `outer` and `book` by
//! `tests/verify_oracle.rs`).

use core::marker::PhantomData;
use std::fmt::Debug;

use flatstream::flatbuffers::{
    InvalidFlatbuffer, SimpleToVerifyInSlice, VOffsetT, Vector, Verifiable, Verifier,
};

/// A root table: its `Table` and, as a type, the rules it is verified
/// with; `Follow` finds it at a location.
macro_rules! root_table {
    ($(#[$doc:meta])* $name:ident<$rules:ident = $default:ty>) => {
        $(#[$doc])*
        #[derive(Clone, Copy, Debug)]
        pub struct $name<'a, $rules = $default> {
            pub table: flatstream::flatbuffers::Table<'a>,
            rules: core::marker::PhantomData<$rules>,
        }

        impl<'a, $rules> flatstream::flatbuffers::Follow<'a> for $name<'a, $rules> {
            type Inner = Self;

            unsafe fn follow(buf: &'a [u8], loc: usize) -> Self {
                $name {
                    // SAFETY: the caller guarantees a table at `loc`.
                    table: unsafe { flatstream::flatbuffers::Table::new(buf, loc) },
                    rules: core::marker::PhantomData,
                }
            }
        }
    };
}

pub mod book;
pub mod everything;
pub mod outer;

/// An oracle's verdict.
pub type Verified = Result<(), InvalidFlatbuffer>;

/// The slot of field `id`.
pub const fn slot(id: VOffsetT) -> VOffsetT {
    4 + 2 * id
}

/// The length prefix of a vector at `pos`, read through the verifier (so
/// charged) after the vector itself was verified.
fn vector_len(v: &mut Verifier<'_, '_>, pos: usize) -> Result<usize, InvalidFlatbuffer> {
    Ok(v.get_uoffset(pos)? as usize)
}

/// `[T]` whose elements, `STRIDE` bytes apart, each hold a value `E`
/// verifies `AT` bytes in: the vector's bytes, then each element's value
/// (a vector of enums, or of fixed structs holding one).
#[derive(Debug)]
pub struct EachElement<T, E, const STRIDE: usize, const AT: usize = 0>(PhantomData<(T, E)>);

impl<T, E, const STRIDE: usize, const AT: usize> Verifiable for EachElement<T, E, STRIDE, AT>
where
    T: SimpleToVerifyInSlice,
    E: Verifiable,
{
    fn run_verifier(v: &mut Verifier<'_, '_>, pos: usize) -> Verified {
        Vector::<'_, T>::run_verifier(v, pos)?;
        let len = vector_len(v, pos)?;
        for index in 0..len {
            E::run_verifier(v, pos + 4 + index * STRIDE + AT)?;
        }
        Ok(())
    }
}

/// Asserts that flatstream's verdict on `payload` and the oracle's (an
/// oracle of this module, or another reading taken as the reference)
/// agree: both accept it or both refuse it. Returns whether they accept it.
pub fn same_verdict<T, E: Debug, U, F: Debug>(
    payload: &[u8],
    ours: &Result<T, E>,
    oracle: &Result<U, F>,
) -> bool {
    assert_eq!(
        ours.is_ok(),
        oracle.is_ok(),
        "payload {payload:02x?}: flatstream {:?}, oracle {:?}",
        ours.as_ref().err(),
        oracle.as_ref().err()
    );
    ours.is_ok()
}
