//! Tables: entering one (its vtable, the depth and table-count limits),
//! finding its fields, and the roots and offsets that lead to tables.

use crate::error::VerifyErrorKind;

use super::{Checked, Checker, FieldAt, TableAt};

/// Where the vtable of the table at `pos` is, from the table's `soffset`
/// (the vtable is at `pos - soffset`); `None` when that is out of `usize`.
#[inline(always)]
pub(super) fn vtable_at(pos: usize, soffset: i32) -> Option<usize> {
    if soffset > 0 {
        pos.checked_sub(soffset.unsigned_abs() as usize)
    } else {
        pos.checked_add(soffset.unsigned_abs() as usize)
    }
}

impl<'a> Checker<'a> {
    /// Decodes the field at `slot` with `present` when it is there;
    /// `None` when absent, which fails only when `required`.
    #[inline(always)]
    pub fn decode<T>(
        &mut self,
        field: FieldAt<'_, '_>,
        present: impl FnOnce(&mut Self, usize) -> Checked<T>,
    ) -> Checked<Option<T>> {
        match self.field(field.table, field.slot) {
            Some(pos) => present(self, pos).map(Some),
            None if field.required => {
                Err(self.fail(VerifyErrorKind::MissingRequiredField, field.table.pos))
            }
            None => Ok(None),
        }
    }

    /// Decodes, with `target`, what the offset in the field at `slot`
    /// points to (a string, vector or table); `None` when the field is
    /// absent, which fails only when `required`.
    #[inline(always)]
    pub fn decode_offset<T>(
        &mut self,
        field: FieldAt<'_, '_>,
        target: impl FnOnce(&mut Self, usize) -> Checked<T>,
    ) -> Checked<Option<T>> {
        self.decode(
            field,
            #[inline(always)]
            |checker, pos| {
                let at = checker.offset(pos)?;
                target(checker, at)
            },
        )
    }

    /// [`decode_offset`](Self::decode_offset) for checks alone.
    #[inline(always)]
    pub fn visit_offset(
        &mut self,
        field: FieldAt<'_, '_>,
        target: impl FnOnce(&mut Self, usize) -> Checked,
    ) -> Checked {
        self.decode_offset(field, target).map(drop)
    }

    /// Enters the table at `pos`: its vtable is in bounds and even-sized,
    /// and the table count, depth and apparent size are within their
    /// limits. Pair with [`leave_table`](Self::leave_table).
    #[inline(always)]
    pub fn enter_table(&mut self, pos: usize) -> Checked<TableAt<'a>> {
        let soffset = i32::from_le_bytes(self.read::<i32, 4>("table", pos)?);
        let vtable = vtable_at(pos, soffset);
        let vtable = match vtable {
            Some(vtable) if vtable < self.buf.len() => vtable,
            _ => {
                let at = vtable.unwrap_or(pos);
                return Err(self.out_of_bounds("vtable", at, 2));
            }
        };
        let vtable_len = usize::from(u16::from_le_bytes(
            self.read::<u16, 2>("vtable length", vtable)?,
        ));
        // `vtable` is even, so this is "`vtable_len` is even".
        if vtable_len % 2 != 0 {
            return Err(self.fail(VerifyErrorKind::VtableOddLength { len: vtable_len }, vtable));
        }
        let table_vtable = match vtable
            .checked_add(vtable_len)
            .and_then(|end| self.buf.get(vtable..end))
        {
            Some(bytes) => bytes,
            None => return Err(self.out_of_bounds("vtable", vtable, vtable_len)),
        };
        self.charge(vtable_len);
        self.within_limit(pos)?;
        match self.tables_left.checked_sub(1) {
            Some(left) => self.tables_left = left,
            None => {
                let max_tables = self.max_tables;
                return Err(self.fail(VerifyErrorKind::TooManyTables { max_tables }, pos));
            }
        }
        match self.depth_left.checked_sub(1) {
            Some(left) => self.depth_left = left,
            None => {
                let max_depth = self.max_depth;
                return Err(self.fail(VerifyErrorKind::TooDeep { max_depth }, pos));
            }
        }
        Ok(TableAt {
            pos,
            vtable: table_vtable,
        })
    }

    /// Leaves the table entered last.
    #[inline(always)]
    pub fn leave_table(&mut self) {
        self.depth_left += 1;
    }

    /// The position of the field at `slot` of `table`, or `None` when the
    /// vtable says it is absent. Slots are even, as is the vtable, so an
    /// entry below the vtable's length is aligned and inside it.
    #[inline(always)]
    pub fn field(&mut self, table: &TableAt<'_>, slot: u16) -> Option<usize> {
        let slot = usize::from(slot);
        debug_assert!(slot % 2 == 0, "slots are even");
        let entry = match table.vtable.get(slot..slot + 2) {
            Some(&[low, high]) => u16::from_le_bytes([low, high]),
            _ => return None,
        };
        self.charge(2);
        if entry == 0 {
            return None;
        }
        Some(table.pos.saturating_add(usize::from(entry)))
    }

    /// The position of `table`, for errors about it.
    #[inline(always)]
    pub fn table_pos(table: &TableAt<'_>) -> usize {
        table.pos
    }

    /// Checks the field at `slot` with `present` when it is there; an
    /// absent field fails only when `required`.
    #[inline(always)]
    pub fn visit<T>(
        &mut self,
        field: FieldAt<'_, '_>,
        present: impl FnOnce(&mut Self, usize) -> Checked<T>,
    ) -> Checked {
        self.decode(field, present).map(drop)
    }

    /// The root: `root` checks (or decodes) what the offset at 0 points
    /// to, then the apparent size of the whole buffer is held to its
    /// limit. Returns the root's position and what `root` returned.
    #[inline(always)]
    pub fn root<T>(
        &mut self,
        root: impl FnOnce(&mut Self, usize) -> Checked<T>,
    ) -> Checked<(usize, T)> {
        let pos = match self.read_u32("root offset", 0) {
            Ok(offset) => offset as usize,
            Err(invalid) => return Err(invalid),
        };
        let value = root(self, pos)?;
        self.within_limit(pos)?;
        Ok((pos, value))
    }

    /// What the offset at `pos` points to, as a root: `target` checks (or
    /// decodes) it, then the apparent size is held to its limit. Returns
    /// the target's position and what `target` returned. For a nested
    /// table or union checked on its own ([`Lazy`](crate::lazy::Lazy)).
    #[inline]
    pub fn offset_root<T>(
        &mut self,
        pos: usize,
        target: impl FnOnce(&mut Self, usize) -> Checked<T>,
    ) -> Checked<(usize, T)> {
        let at = self.offset(pos)?;
        self.at_root(at, target).map(|value| (at, value))
    }

    /// What is at `pos`, as a root: `check` checks (or decodes) it, then
    /// the apparent size is held to its limit. For a nested vector checked
    /// on its own ([`LazyVector`](crate::lazy::LazyVector)).
    #[inline]
    pub fn at_root<T>(
        &mut self,
        pos: usize,
        check: impl FnOnce(&mut Self, usize) -> Checked<T>,
    ) -> Checked<T> {
        let value = check(self, pos)?;
        self.within_limit(pos)?;
        Ok(value)
    }
}
