//! Vectors of tables whose fields are all plain scalars take a shortcut in
//! the verifier (one range check for a table sharing the vtable of one
//! checked before): it must decide, and explain, exactly as the full checks
//! do. Each payload is read as `Book`, whose levels take the shortcut, and
//! as `BookFull`, whose levels cannot (an `Option` field) but are checked
//! by the same rules, under damage and under tight limits.

use flatstream::{Error, StreamDeserialize, StreamSerialize, VerifierOptions, VerifyError};
use flatstream_testkit::relocate::relocated_table;

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Level {
    pub price: i64,
    pub quantity: i32,
    pub orders: u16,
    pub open: bool,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Book {
    pub sequence: u32,
    pub levels: Vec<Level>,
}

/// `Level`'s slots and rules, one of its fields an `Option`.
#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct LevelFull {
    pub price: i64,
    pub quantity: i32,
    pub orders: Option<u16>,
    pub open: bool,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct BookFull {
    pub sequence: u32,
    pub levels: Vec<LevelFull>,
}

fn book() -> Book {
    Book {
        sequence: 7,
        levels: (0..12)
            .map(|i| Level {
                // Some defaults, so that some vtables differ.
                price: if i % 5 == 3 { 0 } else { 1_000 + i },
                quantity: -(i as i32) * 3 - 1,
                orders: (i as u16 % 4) + 1,
                open: i != 9,
            })
            .collect(),
    }
}

fn payload() -> Vec<u8> {
    let mut writer =
        flatstream::StreamWriter::<Book, _, _>::new(Vec::new(), flatstream::framing::DefaultFramer);
    writer.write(&book()).unwrap();
    let stream = writer.into_inner();
    // The default framer's header: a u32 length.
    stream[4..].to_vec()
}

fn same(book: &Book, full: &BookFull) -> bool {
    book.sequence == full.sequence
        && book.levels.len() == full.levels.len()
        && book.levels.iter().zip(&full.levels).all(|(a, b)| {
            a.price == b.price
                && a.quantity == b.quantity
                && Some(a.orders).filter(|&o| o != 0) == b.orders.filter(|&o| o != 0)
                && a.open == b.open
        })
}

fn verify_error(err: Error) -> VerifyError {
    match err {
        Error::Verification(err) => err,
        other => panic!("not a verification error: {other}"),
    }
}

/// `payload` read all four ways under `options`: the same outcome, the
/// same error (its path under the other root name).
fn agree(payload: &[u8], options: &VerifierOptions, what: &str) -> bool {
    let view = Book::view_with_options(payload, options);
    let decoded = Book::decode_with_options(payload, options);
    let full = BookFull::decode_with_options(payload, options);
    let full_view = BookFull::view_with_options(payload, options);
    assert_eq!(full.is_ok(), full_view.is_ok(), "{what}");
    match (view, decoded, full) {
        (Ok(view), Ok(decoded), Ok(full)) => {
            assert_eq!(Book::from(view), decoded, "{what}");
            assert!(same(&decoded, &full), "{what}: {decoded:?} / {full:?}");
            true
        }
        (Err(view), Err(decoded), Err(full)) => {
            let (view, decoded, full) = (
                verify_error(view),
                verify_error(decoded),
                verify_error(full),
            );
            assert_eq!(view.to_string(), decoded.to_string(), "{what}");
            assert_eq!(view.kind(), full.kind(), "{what}");
            assert_eq!(view.offset(), full.offset(), "{what}");
            assert_eq!(
                view.path().strip_prefix("Book"),
                full.path().strip_prefix("BookFull"),
                "{what}"
            );
            false
        }
        (view, decoded, full) => panic!(
            "{what}: view {:?}, decode {:?}, full checks {:?}",
            view.map(drop),
            decoded.map(drop),
            full.map(drop)
        ),
    }
}

#[test]
fn the_shortcut_agrees_with_the_full_checks_on_damage() {
    let options = VerifierOptions::default();
    let clean = payload();
    assert!(agree(&clean, &options, "clean"));
    assert_eq!(Book::decode_with_options(&clean, &options).unwrap(), book());
    let (mut accepted, mut refused) = (0, 0);
    for at in 0..clean.len() {
        for change in [0x01, 0x02, 0x04, 0x08, 0x10, 0x80, 0xff] {
            let mut damaged = clean.clone();
            damaged[at] ^= change;
            if agree(&damaged, &options, &format!("byte {at} ^ {change:#x}")) {
                accepted += 1;
            } else {
                refused += 1;
            }
        }
    }
    assert!(accepted > 0 && refused > 0);
    for cut in 0..clean.len() {
        agree(&clean[..cut], &options, &format!("cut at {cut}"));
    }
}

#[test]
fn the_shortcut_agrees_with_the_full_checks_under_limits() {
    let clean = payload();
    for max_tables in 0..16 {
        let options = VerifierOptions {
            max_tables,
            ..VerifierOptions::default()
        };
        agree(&clean, &options, &format!("max_tables {max_tables}"));
    }
    for max_apparent_size in 0..clean.len() * 2 {
        let options = VerifierOptions {
            max_apparent_size,
            ..VerifierOptions::default()
        };
        agree(
            &clean,
            &options,
            &format!("max_apparent_size {max_apparent_size}"),
        );
    }
}

#[test]
fn tables_moved_or_sharing_a_vtable_elsewhere_take_the_full_checks() {
    // Point each level's offset at every 4-aligned position of the
    // payload in turn: tables that share the first level's vtable at
    // another alignment, tables that overrun the end, and garbage.
    let options = VerifierOptions::default();
    let clean = payload();
    for element in [0, 1, 5, 11] {
        let at = level_offset_at(&clean, element);
        for target in (0..clean.len() + 8).step_by(2) {
            let mut damaged = clean.clone();
            let offset = (target as u32).wrapping_sub(at as u32);
            damaged[at..at + 4].copy_from_slice(&offset.to_le_bytes());
            agree(
                &damaged,
                &options,
                &format!("element {element} at {target}"),
            );
        }
    }
}

fn u32_at(buf: &[u8], at: usize) -> usize {
    u32::from_le_bytes(buf[at..at + 4].try_into().unwrap()) as usize
}

/// Where the vtable of the table at `table` is.
fn vtable_of(buf: &[u8], table: usize) -> usize {
    let soffset = i32::from_le_bytes(buf[table..table + 4].try_into().unwrap());
    (table as isize - soffset as isize) as usize
}

/// Where the offset to level `element`'s table is in a `Book` payload.
fn level_offset_at(clean: &[u8], element: usize) -> usize {
    let root = u32_at(clean, 0);
    let vtable = vtable_of(clean, root);
    let levels_slot = u16::from_le_bytes(clean[vtable + 6..vtable + 8].try_into().unwrap());
    let levels_at = root + usize::from(levels_slot);
    levels_at + u32_at(clean, levels_at) + 4 + element * 4
}

/// `clean` with a copy of level `element`'s table appended at a position
/// `shift` bytes past one with the original's alignment modulo 8, its
/// soffset pointing at the original's vtable, the last `cut` bytes of the
/// copy left off, and level `element` pointing at it.
fn relocated(clean: &[u8], element: usize, shift: usize, cut: usize) -> Vec<u8> {
    let at = level_offset_at(clean, element);
    relocated_table(clean, at + u32_at(clean, at), at, shift, cut)
}

#[test]
fn a_table_sharing_the_vtable_but_misplaced_or_cut_short_is_refused() {
    let options = VerifierOptions::default();
    let clean = payload();
    for element in [1, 6, 11] {
        assert!(agree(&relocated(&clean, element, 0, 0), &options, "moved"));
        // Aligned to 4, not 8: the `i64` is misaligned.
        assert!(!agree(
            &relocated(&clean, element, 4, 0),
            &options,
            "shifted by 4"
        ));
        // Cut into its last field (past any padding the table ends with).
        let refused = (1..12)
            .filter(|&cut| {
                let what = format!("element {element} cut by {cut}");
                !agree(&relocated(&clean, element, 0, cut), &options, &what)
            })
            .count();
        assert!(refused > 0, "element {element}");
    }
}

/// `clean` with level `element`'s soffset pointing at a copy of its
/// vtable appended at `align` past a multiple of 8: the copy's inline
/// size set to `size`, byte `damage` of it (if any) flipped, and its last
/// `cut` bytes left off.
fn revtabled(
    clean: &[u8],
    element: usize,
    align: usize,
    size: u16,
    damage: Option<usize>,
    cut: usize,
) -> Vec<u8> {
    let at = level_offset_at(clean, element);
    let table = at + u32_at(clean, at);
    let vtable = vtable_of(clean, table);
    let len = usize::from(u16::from_le_bytes([clean[vtable], clean[vtable + 1]]));
    let mut out = clean.to_vec();
    while out.len() % 8 != align {
        out.push(0);
    }
    let copy = out.len();
    out.extend_from_slice(&clean[vtable..vtable + len]);
    out[copy + 2..copy + 4].copy_from_slice(&size.to_le_bytes());
    if let Some(at) = damage {
        out[copy + at] ^= 0x01;
    }
    out.truncate(out.len() - cut);
    out[table..table + 4].copy_from_slice(&((table as isize - copy as isize) as i32).to_le_bytes());
    out
}

#[test]
fn tables_whose_vtables_differ_only_in_inline_size_agree_with_the_full_checks() {
    // Builders write such vtables where padding before a table differs;
    // the shortcut takes them as the vtable it knows. A copy with another
    // inline size is accepted; one at an odd position, cut short or with
    // another entry or length takes the full checks' verdict.
    let options = VerifierOptions::default();
    let clean = payload();
    for element in [1, 6, 11] {
        for size in [0, 4, 24, 0xffff] {
            for align in [0, 2, 4, 6] {
                let what = format!("element {element}, size {size}, at {align} mod 8");
                assert!(agree(
                    &revtabled(&clean, element, align, size, None, 0),
                    &options,
                    &what
                ));
                assert!(!agree(
                    &revtabled(&clean, element, align + 1, size, None, 0),
                    &options,
                    &what
                ));
                for cut in 1..4 {
                    agree(
                        &revtabled(&clean, element, align, size, None, cut),
                        &options,
                        &what,
                    );
                }
                for damage in [0, 1, 4, 5, 6, 9] {
                    let what = format!("{what}, byte {damage} flipped");
                    agree(
                        &revtabled(&clean, element, align, size, Some(damage), 0),
                        &options,
                        &what,
                    );
                }
            }
        }
    }
    let limits = VerifierOptions {
        max_apparent_size: clean.len(),
        ..VerifierOptions::default()
    };
    agree(
        &revtabled(&clean, 6, 0, 4, None, 0),
        &limits,
        "under a size limit",
    );
}
