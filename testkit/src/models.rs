//! Small derived types that more than one test file uses as they are.

use flatstream::StreamSerialize;

/// A closed `i16` enum: negative, positive and wider-than-a-byte values,
/// and no 0 variant, so its default is its first, `Off` (the open `i16`
/// enum is `crate::every_kind::Mode`).
#[derive(StreamSerialize, Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i16)]
pub enum Mode {
    Off = -1,
    On = 1,
    Auto = 300,
}
