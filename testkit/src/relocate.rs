//! Moving a table of a FlatBuffer elsewhere in the buffer: the damage that
//! tests of the verifier's shortcut for vectors of plain-scalar tables
//! build, since a message as the encoder writes it never reaches the
//! shortcut's range check.

/// `clean` with a copy of the table at `table` appended at a position
/// `shift` bytes past one with the original's position modulo 8, its
/// soffset pointing at the original's vtable, the last `cut` bytes of the
/// copy left off, and the offset at `offset_at` (one that pointed at the
/// original) pointing at the copy.
///
/// # Panics
///
/// When `table` is not a table of `clean` with its vtable in bounds, or
/// `offset_at` is not before the copy.
pub fn relocated_table(
    clean: &[u8],
    table: usize,
    offset_at: usize,
    shift: usize,
    cut: usize,
) -> Vec<u8> {
    let soffset = i32::from_le_bytes(clean[table..table + 4].try_into().unwrap());
    let vtable = (table as isize - soffset as isize) as usize;
    let size = usize::from(u16::from_le_bytes([clean[vtable + 2], clean[vtable + 3]]));
    let mut out = clean.to_vec();
    while out.len() % 8 != table % 8 {
        out.push(0);
    }
    out.resize(out.len() + shift, 0);
    let copy = out.len();
    out.extend_from_slice(&clean[table..table + size]);
    out[copy..copy + 4].copy_from_slice(&((copy as isize - vtable as isize) as i32).to_le_bytes());
    out.truncate(out.len() - cut);
    out[offset_at..offset_at + 4].copy_from_slice(&((copy - offset_at) as u32).to_le_bytes());
    out
}
