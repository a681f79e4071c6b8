//! Cross-language round trip: the schema flatstream exports goes through
//! `flatc --python`; Python reads a Rust-written stream field by field and
//! writes the same values through its generated builders; Rust reads them
//! back as views. `flatc` itself also decodes a Rust payload to JSON.
//!
//! A second test does the same with `flatc --cpp` and g++: the C++
//! verifier (required fields, alignment, unions) accepts every Rust payload,
//! and Rust reads the events C++ writes.
//!
//! Needs `flatc` and `/usr/bin/python3` with the `flatbuffers` module
//! (Debian: `flatbuffers-compiler`, `python3-flatbuffers`), and for C++
//! `g++` and `libflatbuffers-dev`. Without them the tests are skipped
//! locally and fail when `CI=true`.

use std::fs::File;
use std::io::{BufReader, BufWriter};
use std::path::{Path, PathBuf};
use std::process::Command;

use flatstream::checksum::Crc32;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{StreamReader, StreamWriter};
use flatstream_testkit::interop::{
    self as types, sample_event, sample_monster, Event, EventView, Monster,
};
use flatstream_testkit::tools::{available, flatc, run, succeeds};

const PYTHON: &str = "/usr/bin/python3";
const MONSTERS: u32 = 6;

fn write_stream<T: flatstream::StreamSerialize>(path: &Path, values: impl IntoIterator<Item = T>) {
    let file = BufWriter::new(File::create(path).unwrap());
    let mut writer = StreamWriter::new(file, ChecksumFramer::new(Crc32::new()));
    for value in values {
        writer.write(&value).unwrap();
    }
    writer.flush().unwrap();
}

/// Reads the stream at `path` as verified views, calling `check` with
/// each one's index; returns how many there were.
fn for_each_view<T: flatstream::StreamDeserialize>(
    path: &Path,
    mut check: impl FnMut(u32, T::View<'_>),
) -> u32 {
    let file = BufReader::new(File::open(path).unwrap());
    let mut reader = StreamReader::<T, _, _>::new(file, ChecksumDeframer::new(Crc32::new()));
    let mut count = 0;
    while let Some(view) = reader.read().unwrap() {
        check(count, view);
        count += 1;
    }
    count
}

#[test]
fn python_reads_rust_streams_and_rust_reads_python_streams() {
    let python = succeeds(Command::new(PYTHON).args(["-c", "import flatbuffers"]));
    if !available(
        "the cross-language test",
        &[flatc(), ("python3-flatbuffers", python)],
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| -> PathBuf { dir.path().join(name) };

    // The exported schemas compile; Python classes come from the event
    // schema, which reaches every type.
    std::fs::write(at("event.fbs"), flatstream::schema::<Event>()).unwrap();
    std::fs::write(at("monster.fbs"), flatstream::schema::<Monster>()).unwrap();
    run(Command::new("flatc")
        .arg("--python")
        .arg("-o")
        .arg(at("py"))
        .arg(at("event.fbs")));

    write_stream(&at("monsters.rs.bin"), (0..MONSTERS).map(sample_monster));
    write_stream(&at("events.rs.bin"), (0..MONSTERS + 1).map(sample_event));

    // flatc decodes a Rust-written payload with the exported schema.
    let mut builder = flatstream::flatbuffers::FlatBufferBuilder::new();
    flatstream::StreamSerialize::serialize(&sample_monster(3), &mut builder).unwrap();
    std::fs::write(at("monster3.bin"), builder.finished_data()).unwrap();
    run(Command::new("flatc")
        .args(["--json", "--strict-json", "--raw-binary", "-o"])
        .arg(at("json"))
        .arg(at("monster.fbs"))
        .arg("--")
        .arg(at("monster3.bin")));
    let json = std::fs::read_to_string(at("json/monster3.json")).unwrap();
    assert!(json.contains(r#""name": "monster 3 \u2713""#), "{json}");
    assert!(json.contains("\"equipped_type\": \"Stat\""), "{json}");

    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/interop.py");
    let out = run(Command::new(PYTHON)
        .arg(script)
        .arg(at("py"))
        .arg(at("monsters.rs.bin"))
        .arg(at("events.rs.bin"))
        .arg(at("monsters.py.bin"))
        .arg(at("events.py.bin"))
        .arg(MONSTERS.to_string()));
    assert!(out.contains("python: read"), "{out}");

    // Python's monsters, as verified views and as owned values.
    let count = for_each_view::<Monster>(&at("monsters.py.bin"), |index, view| {
        let expected = sample_monster(index);
        assert_eq!(view, expected, "monster {index}");
        assert_eq!(view.name(), expected.name);
        assert_eq!(Monster::from(view), expected);
    });
    assert_eq!(count, MONSTERS);

    // Python's events: one stream, several message kinds.
    let count = for_each_view::<Event>(&at("events.py.bin"), |index, view| {
        assert_eq!(view, sample_event(index), "event {index}");
        let kind = match view {
            EventView::Monster(monster) => monster.name().len(),
            EventView::Weapon(weapon) => weapon.name().len(),
            EventView::Stat(stat) => stat.id().len(),
        };
        assert!(kind > 0);
    });
    assert_eq!(count, MONSTERS + 1);
}

#[test]
fn cpp_verifies_rust_streams_and_rust_reads_cpp_streams() {
    let headers = Path::new("/usr/include/flatbuffers/flatbuffers.h").exists();
    let gxx = succeeds(Command::new("g++").arg("--version"));
    if !available(
        "the cross-language test",
        &[flatc(), ("g++", gxx), ("libflatbuffers-dev", headers)],
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let at = |name: &str| -> PathBuf { dir.path().join(name) };

    std::fs::write(at("event.fbs"), flatstream::schema::<Event>()).unwrap();
    run(Command::new("flatc")
        .arg("--cpp")
        .arg("-o")
        .arg(dir.path())
        .arg(at("event.fbs")));
    let source = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/interop/interop.cpp");
    run(Command::new("g++")
        .args(["-std=c++17", "-O1", "-I"])
        .arg(dir.path())
        .arg("-o")
        .arg(at("interop_cpp"))
        .arg(source));

    write_stream(&at("monsters.rs.bin"), (0..MONSTERS).map(sample_monster));
    write_stream(&at("events.rs.bin"), (0..MONSTERS + 1).map(sample_event));
    let out = run(Command::new(at("interop_cpp"))
        .arg(at("monsters.rs.bin"))
        .arg(at("events.rs.bin"))
        .arg(at("events.cpp.bin"))
        .arg(MONSTERS.to_string()));
    assert!(out.contains("c++: verified"), "{out}");

    let count = for_each_view::<Event>(&at("events.cpp.bin"), |index, view| match view {
        EventView::Monster(monster) => {
            assert_eq!(index % 3, 0);
            assert_eq!(monster.name(), "from c++");
            assert_eq!(
                monster.pos(),
                types::Vec3 {
                    x: 1.0,
                    y: 2.0,
                    z: 3.0
                }
            );
            assert_eq!(monster.path().get(1).map(|v| v.z), Some(6.0));
            assert_eq!(monster.level(), Some(42));
            assert_eq!(monster.color(), types::Color::Blue);
            assert_eq!(monster.mana(), 150);
            assert!(monster.pose().is_none() && monster.spare().is_none());
            match monster.equipped() {
                types::EquipmentView::Weapon(weapon) => {
                    assert_eq!((weapon.name(), weapon.damage()), ("club", 3))
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        other => assert_eq!(other, sample_event(index), "event {index}"),
    });
    assert_eq!(count, MONSTERS + 1);
}
