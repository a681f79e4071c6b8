//! The schemas of the cross-language test's types are committed under
//! `tests/interop/`; this test fails when a schema changes (refresh the
//! snapshot with `FLATSTREAM_BLESS=1`), and before that when the change
//! would break readers of the committed schema. (The examples check their
//! own schemas against the snapshots there: `cargo test --example NAME`.)

use std::path::Path;

use flatstream::schema::{assert_compatible, check_compatible};
use flatstream_testkit::interop::{Event, Monster};

fn check_snapshot(name: &str, current: &str) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/interop")
        .join(name);
    if std::env::var_os("FLATSTREAM_BLESS").is_some() {
        std::fs::write(&path, current).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_else(|e| {
        panic!(
            "{}: {e}; run with FLATSTREAM_BLESS=1 to create it",
            path.display()
        )
    });
    assert_compatible(&committed, current);
    assert_eq!(
        committed, current,
        "the schema of {name} changed compatibly; refresh the snapshot with FLATSTREAM_BLESS=1"
    );
}

#[test]
fn monster_schema_matches_snapshot() {
    check_snapshot("monster.fbs", &flatstream::schema::<Monster>());
}

#[test]
fn event_schema_matches_snapshot() {
    check_snapshot("event.fbs", &flatstream::schema::<Event>());
}

#[test]
fn schema_is_deterministic() {
    assert_eq!(
        flatstream::schema::<Monster>(),
        flatstream::schema::<Monster>()
    );
    assert_eq!(flatstream::schema::<Event>(), flatstream::schema::<Event>());
}

#[test]
fn breaking_changes_to_the_snapshot_are_caught() {
    let fbs = flatstream::schema::<Monster>();
    let cases = [
        (
            "hp: short = 100 (id: 2)",
            "hp: int = 100 (id: 2)",
            "retyped",
        ),
        (
            "hp: short = 100 (id: 2)",
            "hp: short = 90 (id: 2)",
            "default",
        ),
        (
            "friendly: bool (id: 4, deprecated)",
            "fresh: bool (id: 4)",
            "reused",
        ),
        ("  name: string (id: 3, required);\n", "", "removed"),
        ("  z: float;\n", "", "struct"),
        ("Blue = 8", "Blue = 9", "enum"),
        ("  Weapon,\n  Stat\n", "  Stat,\n  Weapon\n", "union"),
    ];
    for (from, to, what) in cases {
        assert!(
            fbs.contains(from),
            "{what}: `{from}` not in the schema:\n{fbs}"
        );
        let changed = fbs.replace(from, to);
        assert!(
            check_compatible(&fbs, &changed).is_err(),
            "{what} not caught"
        );
    }
    let compatible = [
        (
            "  deltas: [int] (id: 33);\n",
            "  deltas: [int] (id: 33);\n  added: string (id: 34);\n",
        ),
        (
            "  name: string (id: 3, required);",
            "  name: string (id: 3, deprecated);",
        ),
        ("Blue = 8\n", "Blue = 8,\n  Violet = 9\n"),
    ];
    for (from, to) in compatible {
        assert!(fbs.contains(from), "`{from}` not in the schema:\n{fbs}");
        let changed = fbs.replace(from, to);
        assert_compatible(&fbs, &changed);
    }
}
