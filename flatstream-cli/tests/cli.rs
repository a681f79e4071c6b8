//! The `flatstream` binary run as a user runs it, on files of telemetry
//! events: intact, with a flipped byte, torn, and written with other
//! checksums.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use flatstream::checksum::{Checksum, Crc16, Crc32, Crc64, NoChecksum, XxHash64};
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{StreamReader, StreamWriter};
use flatstream_testkit::telemetry::{events, Event};
use serde_json::Value;

const EVENTS: u64 = 500;

/// The `n`th event of the files the tests write.
fn observe(n: u64) -> Event {
    events(n as usize + 1).swap_remove(n as usize)
}

/// Writes the telemetry events with `writer`; returns each frame's offset
/// and payload length.
fn write_events<W: std::io::Write, C: Checksum + Copy>(
    writer: &mut StreamWriter<Event, W, ChecksumFramer<C>>,
) -> Vec<(u64, u64)> {
    events(EVENTS as usize)
        .iter()
        .map(|event| {
            let offset = writer.bytes_written();
            writer.write(event).unwrap();
            let frame_len = writer.bytes_written() - offset;
            (offset, frame_len - 4 - C::SIZE as u64)
        })
        .collect()
}

/// A telemetry file in a fresh temporary directory, with the offset and
/// payload length of each frame.
struct Recording {
    dir: tempfile::TempDir,
    path: PathBuf,
    frames: Vec<(u64, u64)>,
}

impl Recording {
    fn new<C: Checksum + Copy>(checksum: C) -> Self {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("events.fstream");
        let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(checksum));
        let frames = write_events(&mut writer);
        std::fs::write(&path, writer.into_inner()).unwrap();
        Recording { dir, path, frames }
    }

    fn damage(&self, at: u64) {
        let mut bytes = std::fs::read(&self.path).unwrap();
        bytes[at as usize] ^= 0x5a;
        std::fs::write(&self.path, bytes).unwrap();
    }

    fn truncate(&self, by: u64) {
        let bytes = std::fs::read(&self.path).unwrap();
        std::fs::write(&self.path, &bytes[..bytes.len() - by as usize]).unwrap();
    }

    fn other(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }
}

fn flatstream(args: &[&str], file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flatstream"))
        .args(args)
        .arg(file)
        .output()
        .unwrap()
}

fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_flatstream"))
        .args(args)
        .output()
        .unwrap()
}

/// Runs `recover` with `options` from `from` into `to`, which must
/// succeed.
fn recover(options: &[&str], from: &Path, to: &Path) -> Output {
    let output = Command::new(env!("CARGO_BIN_EXE_flatstream"))
        .arg("recover")
        .args(options)
        .args([from, to])
        .output()
        .unwrap();
    assert!(output.status.success(), "{}", stderr(&output));
    output
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

/// Asserts that the command's standard output contains `needle`.
#[track_caller]
fn assert_stdout_has(output: &Output, needle: impl AsRef<str>) {
    let text = stdout(output);
    assert!(text.contains(needle.as_ref()), "{text}");
}

/// Asserts that the command's standard error contains `needle`.
#[track_caller]
fn assert_stderr_has(output: &Output, needle: impl AsRef<str>) {
    let text = stderr(output);
    assert!(text.contains(needle.as_ref()), "{text}");
}

/// Asserts that the command found damage (exit status 1) and that its
/// report on standard output contains `needle`.
#[track_caller]
fn assert_damage_found(output: &Output, needle: impl AsRef<str>) {
    assert_eq!(output.status.code(), Some(1), "{}", stderr(output));
    assert_stdout_has(output, needle);
}

/// Asserts that the command failed (exit status 2) and that its standard
/// error contains `needle`.
#[track_caller]
fn assert_failure(output: &Output, needle: impl AsRef<str>) {
    assert_eq!(output.status.code(), Some(2), "{}", stdout(output));
    assert_stderr_has(output, needle);
}

#[test]
fn verify_intact_file_exits_zero() {
    let recording = Recording::new(XxHash64::new());
    let output = flatstream(&["verify"], &recording.path);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_stdout_has(&output, format!("ok, {EVENTS} frames"));
}

#[test]
fn verify_flipped_byte_exits_one_with_the_first_bad_offset() {
    let recording = Recording::new(XxHash64::new());
    let (offset, len) = recording.frames[321];
    recording.damage(offset + 12 + len / 2);
    let output = flatstream(&["verify"], &recording.path);
    assert_eq!(output.status.code(), Some(1));
    let out = stdout(&output);
    assert!(
        out.contains(&format!("first bad offset: {offset}\n")),
        "{out}"
    );
    assert!(out.contains("after 321 intact frames"), "{out}");
    assert!(out.contains("checksum mismatch"), "{out}");
}

#[test]
fn verify_torn_tail_exits_one_at_the_last_frame() {
    let recording = Recording::new(Crc32::new());
    recording.truncate(3);
    let output = flatstream(&["verify", "--checksum", "crc32"], &recording.path);
    assert_eq!(output.status.code(), Some(1));
    let last = recording.frames.last().unwrap().0;
    let out = stdout(&output);
    assert!(out.contains(&format!("first bad offset: {last}")), "{out}");
    assert!(out.contains("unexpected end of stream"), "{out}");
}

#[test]
fn verify_with_the_wrong_checksum_fails() {
    let recording = Recording::new(Crc32::new());
    let output = flatstream(&["verify", "--checksum", "xxh3"], &recording.path);
    assert_damage_found(&output, "first bad offset: 0");
}

#[test]
fn verify_every_checksum_kind() {
    fn check<C: Checksum + Copy>(checksum: C, name: &str) {
        let recording = Recording::new(checksum);
        let output = flatstream(&["verify", "--checksum", name], &recording.path);
        assert!(output.status.success(), "{name}: {}", stdout(&output));
    }
    check(Crc16::new(), "crc16");
    check(Crc32::new(), "crc32");
    check(Crc64::new(), "crc64");
    check(XxHash64::new(), "xxh3");
    check(NoChecksum::new(), "none");
}

#[test]
fn verify_frames_over_max_frame_len_are_damage() {
    let recording = Recording::new(XxHash64::new());
    let longest = recording.frames.iter().map(|&(_, len)| len).max().unwrap();
    let limit = (longest - 1).to_string();
    let output = flatstream(&["verify", "--max-frame-len", &limit], &recording.path);
    assert_damage_found(&output, "limit");
    let limit = longest.to_string();
    let output = flatstream(&["verify", "--max-frame-len", &limit], &recording.path);
    assert!(output.status.success());
}

#[test]
fn inspect_prints_a_line_per_frame() {
    let recording = Recording::new(XxHash64::new());
    let output = flatstream(&["inspect"], &recording.path);
    assert!(output.status.success());
    let out = stdout(&output);
    let lines: Vec<&str> = out.lines().collect();
    assert_eq!(
        lines.len(),
        1 + EVENTS as usize + 1,
        "header, frames, summary"
    );
    for (index, line) in lines[1..=EVENTS as usize].iter().enumerate() {
        let fields: Vec<&str> = line.split_whitespace().collect();
        let (offset, len) = recording.frames[index];
        assert_eq!(
            fields,
            [
                index.to_string().as_str(),
                &offset.to_string(),
                &len.to_string(),
                "ok"
            ]
        );
    }
    assert!(lines
        .last()
        .unwrap()
        .starts_with(&format!("{EVENTS} frames")));
}

#[test]
fn inspect_json_reports_frames_and_damage() {
    let recording = Recording::new(Crc64::new());
    let (offset, len) = recording.frames[10];
    recording.damage(offset + 12 + len - 1);
    let output = flatstream(
        &["inspect", "--json", "--checksum", "crc64"],
        &recording.path,
    );
    assert_eq!(output.status.code(), Some(1), "damage found: exit status 1");
    let lines: Vec<Value> = stdout(&output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap())
        .collect();
    let frames: Vec<&Value> = lines.iter().filter(|l| l["type"] == "frame").collect();
    assert_eq!(frames.len(), EVENTS as usize - 1);
    assert_eq!(frames[10]["index"], 10);
    assert_eq!(frames[10]["offset"], recording.frames[11].0);
    assert_eq!(frames[10]["length"], recording.frames[11].1);
    assert!(frames.iter().all(|f| f["checksum"] == "ok"));
    let damaged: Vec<&Value> = lines.iter().filter(|l| l["type"] == "damaged").collect();
    assert_eq!(damaged.len(), 1);
    assert_eq!(damaged[0]["offset"], offset);
    assert_eq!(damaged[0]["length"], len + 12);
    assert!(damaged[0]["error"]
        .as_str()
        .unwrap()
        .contains("checksum mismatch"));
    // The damage is listed in stream order, between frames 9 and 10.
    let position = lines.iter().position(|l| l["type"] == "damaged").unwrap();
    assert_eq!(lines[position - 1]["index"], 9);
    let summary = lines.last().unwrap();
    assert_eq!(summary["type"], "summary");
    assert_eq!(summary["damaged_regions"], 1);
    assert_eq!(
        summary["unchecked_frames"], 0,
        "honest damage is checked in full"
    );
}

#[test]
fn crafted_claims_are_skipped_fast_and_reported_unchecked() {
    // Every fourth offset claims a 4 MiB frame: checking them all would
    // hash 8 TiB; the scan's budget refuses most unchecked and says so.
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("crafted.fst");
    std::fs::write(&path, [0x00, 0x00, 0x40, 0x00].repeat(2 * 1024 * 1024)).unwrap();
    let output = flatstream(&["inspect", "--json", "--checksum", "crc32"], &path);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let summary: Value = serde_json::from_str(stdout(&output).lines().last().unwrap()).unwrap();
    assert_eq!(summary["frames"], 0);
    assert_eq!(summary["damaged_bytes"], 8 * 1024 * 1024);
    assert!(
        summary["unchecked_frames"].as_u64().unwrap() > 1000,
        "{summary}"
    );

    let out = dir.path().join("out.fst");
    let output = recover(&["--checksum", "crc32"], &path, &out);
    assert_stderr_has(&output, "left unchecked (work budget spent)");
}

#[test]
fn inspect_without_checksum_says_none() {
    let recording = Recording::new(NoChecksum::new());
    let output = flatstream(
        &["inspect", "--checksum", "none", "--json"],
        &recording.path,
    );
    let first: Value = serde_json::from_str(stdout(&output).lines().next().unwrap()).unwrap();
    assert_eq!(first["checksum"], "none");
    assert_eq!(first["length"], recording.frames[0].1);
}

#[test]
fn recover_copies_every_intact_frame() {
    let recording = Recording::new(XxHash64::new());
    for damaged in [3, 200, 499] {
        let (offset, len) = recording.frames[damaged];
        recording.damage(offset + 12 + len / 3);
    }
    let out_path = recording.other("recovered.fstream");
    let output = recover(&[], &recording.path, &out_path);
    assert_stderr_has(&output, format!("recovered {} frames", EVENTS - 3));
    assert_stderr_has(&output, "skipped 3 damaged regions");

    assert!(flatstream(&["verify"], &out_path).status.success());
    let file = std::fs::File::open(&out_path).unwrap();
    let recovered: Vec<Event> =
        StreamReader::<Event, _, _>::new(file, ChecksumDeframer::new(XxHash64::new()))
            .collect::<Result<_, _>>()
            .unwrap();
    let expected: Vec<Event> = events(EVENTS as usize)
        .into_iter()
        .enumerate()
        .filter(|(n, _)| ![3, 200, 499].contains(n))
        .map(|(_, event)| event)
        .collect();
    assert_eq!(recovered, expected);
}

#[test]
fn recover_refuses_to_overwrite_its_input() {
    let recording = Recording::new(XxHash64::new());
    let path = recording.path.to_str().unwrap();
    let output = run(&["recover", path, path]);
    assert_failure(&output, "onto itself");
    assert!(flatstream(&["verify"], &recording.path).status.success());
}

#[test]
fn stats_counts_sizes_and_damage() {
    let recording = Recording::new(Crc16::new());
    let (offset, _) = recording.frames[42];
    recording.damage(offset + 5);
    let output = flatstream(&["stats", "--checksum", "crc16", "--json"], &recording.path);
    assert!(output.status.success());
    let stats: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
    let intact: Vec<u64> = recording
        .frames
        .iter()
        .enumerate()
        .filter(|&(i, _)| i != 42)
        .map(|(_, &(_, len))| len)
        .collect();
    assert_eq!(stats["frames"], intact.len());
    assert_eq!(stats["payload_bytes"], intact.iter().sum::<u64>());
    assert_eq!(stats["payload_min"], *intact.iter().min().unwrap());
    assert_eq!(stats["payload_max"], *intact.iter().max().unwrap());
    assert_eq!(stats["damaged_regions"], 1);
    let histogram = stats["histogram"].as_array().unwrap();
    let counted: u64 = histogram
        .iter()
        .map(|b| b["frames"].as_u64().unwrap())
        .sum();
    assert_eq!(counted, intact.len() as u64);
    for bucket in histogram {
        let (low, high) = (
            bucket["min"].as_u64().unwrap(),
            bucket["max"].as_u64().unwrap(),
        );
        let inside = intact.iter().filter(|&&l| low <= l && l <= high).count() as u64;
        assert_eq!(bucket["frames"].as_u64().unwrap(), inside);
    }
    assert!(stats["mib_per_second"].as_f64().unwrap() > 0.0);

    let text = stdout(&flatstream(
        &["stats", "--checksum", "crc16"],
        &recording.path,
    ));
    assert!(
        text.contains(&format!("frames        {}", EVENTS - 1)),
        "{text}"
    );
    assert!(text.contains("MiB/s"));
}

#[test]
fn errors_are_one_readable_line() {
    let dir = tempfile::tempdir().unwrap();
    let missing = dir.path().join("missing.fstream");
    let output = flatstream(&["verify"], &missing);
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("flatstream: error: cannot open"), "{err}");
    assert!(err.contains("missing.fstream"), "{err}");

    let output = flatstream(&["verify", "--checksum", "md5"], &missing);
    assert_failure(&output, "md5");
}

#[test]
fn empty_file_is_an_intact_empty_stream() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.fstream");
    std::fs::write(&path, b"").unwrap();
    let output = flatstream(&["verify"], &path);
    assert!(output.status.success());
    assert_stdout_has(&output, "ok, 0 frames");
}

impl Recording {
    /// The schema of the recording's messages, written beside it.
    fn schema(&self) -> String {
        let path = self.other("event.fbs");
        std::fs::write(&path, flatstream::schema::<Event>()).unwrap();
        path.to_str().unwrap().to_owned()
    }
}

fn lines_as_json(output: &Output) -> Vec<Value> {
    stdout(output)
        .lines()
        .map(|line| serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}")))
        .collect()
}

#[test]
fn cat_prints_every_message_as_a_json_line() {
    let recording = Recording::new(XxHash64::new());
    let schema = recording.schema();
    let output = flatstream(&["cat", "--schema", &schema], &recording.path);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stderr(&output), "");
    let messages = lines_as_json(&output);
    assert_eq!(messages.len(), EVENTS as usize);
    for (n, message) in messages.iter().enumerate() {
        let event = observe(n as u64);
        assert_eq!(message["timestamp"], event.timestamp);
        assert_eq!(message["source"], event.source.as_str());
        assert_eq!(message["tags"].as_array().unwrap().len(), event.tags.len());
        assert_eq!(
            message["readings"][0]["sensor"],
            event.readings[0].sensor.as_str()
        );
        let value = message["readings"][0].get("value").and_then(Value::as_f64);
        assert_eq!(value.unwrap_or(0.0), event.readings[0].value);
        // Enums by name; a field equal to its default is not stored.
        let level = format!("{:?}", event.level);
        match message.get("level") {
            Some(name) => assert_eq!(name, level.as_str()),
            None => assert_eq!(level, "Debug"),
        }
    }
}

#[test]
fn cat_selects_frames_and_adds_offsets() {
    let recording = Recording::new(Crc32::new());
    let schema = recording.schema();
    let output = flatstream(
        &[
            "cat",
            "--schema",
            &schema,
            "--root-type",
            "Event",
            "--checksum",
            "crc32",
            "--frames",
            "100..200",
            "--offsets",
        ],
        &recording.path,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let lines = lines_as_json(&output);
    assert_eq!(lines.len(), 100);
    for (i, line) in lines.iter().enumerate() {
        let n = 100 + i;
        assert_eq!(line["offset"], recording.frames[n].0);
        assert_eq!(line["message"]["timestamp"], observe(n as u64).timestamp);
    }
    let output = flatstream(
        &[
            "cat",
            "--schema",
            &schema,
            "--checksum",
            "crc32",
            "--frames",
            "498..",
        ],
        &recording.path,
    );
    assert_eq!(lines_as_json(&output).len(), 2);
}

#[test]
fn cat_stops_at_a_damaged_frame_unless_told_to_skip() {
    let recording = Recording::new(XxHash64::new());
    let schema = recording.schema();
    let (offset, len) = recording.frames[321];
    recording.damage(offset + 12 + len / 2);

    let output = flatstream(&["cat", "--schema", &schema], &recording.path);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(lines_as_json(&output).len(), 321);
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains(&format!("damaged frame at offset {offset}")),
        "{err}"
    );
    assert!(err.contains("checksum mismatch"), "{err}");

    let output = flatstream(
        &["cat", "--schema", &schema, "--skip-damaged"],
        &recording.path,
    );
    assert!(output.status.success(), "{}", stderr(&output));
    let messages = lines_as_json(&output);
    assert_eq!(messages.len(), EVENTS as usize - 1);
    assert_eq!(messages[321]["timestamp"], observe(322).timestamp);
    let err = stderr(&output);
    assert!(err.contains("skipped 1 damaged regions"), "{err}");
}

#[test]
fn cat_reports_payloads_that_do_not_match_the_schema() {
    // Without a checksum the damage reaches the schema walk: the NUL
    // after a string.
    let recording = Recording::new(NoChecksum::new());
    let schema = recording.schema();
    let mut bytes = std::fs::read(&recording.path).unwrap();
    let (offset, len) = recording.frames[7];
    let frame = offset as usize + 4..(offset + 4 + len) as usize;
    let source = format!("{}\0", observe(7).source);
    let nul = bytes[frame.clone()]
        .windows(source.len())
        .position(|w| w == source.as_bytes())
        .unwrap()
        + frame.start
        + source.len()
        - 1;
    bytes[nul] = b'!';
    std::fs::write(&recording.path, bytes).unwrap();

    let args = ["cat", "--schema", &schema, "--checksum", "none"];
    let output = flatstream(&args, &recording.path);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(lines_as_json(&output).len(), 7);
    let err = stderr(&output);
    assert!(
        err.contains(&format!("frame 7 at offset {offset} is not a valid Event")),
        "{err}"
    );
    assert!(err.contains("Event.source"), "{err}");

    let output = flatstream(&[&args[..], &["--skip-damaged"]].concat(), &recording.path);
    assert!(output.status.success());
    assert_eq!(lines_as_json(&output).len(), EVENTS as usize - 1);
    assert_stderr_has(&output, "1 frames that are not a valid Event");
}

#[test]
fn cat_usage_errors_are_one_line() {
    let recording = Recording::new(XxHash64::new());
    let schema = recording.schema();
    let output = flatstream(
        &["cat", "--schema", &schema, "--root-type", "Nope"],
        &recording.path,
    );
    assert_eq!(output.status.code(), Some(2));
    let err = stderr(&output);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.contains("no table `Nope`"), "{err}");

    let missing = recording.other("missing.fbs");
    let output = flatstream(
        &["cat", "--schema", missing.to_str().unwrap()],
        &recording.path,
    );
    assert_failure(&output, "missing.fbs");

    let output = flatstream(
        &["cat", "--schema", &schema, "--frames", "5..2"],
        &recording.path,
    );
    assert_eq!(output.status.code(), Some(2));
}

/// A self-describing telemetry file (written with a stream header) with
/// `checksum`.
fn self_describing<C: Checksum + Copy>(checksum: C) -> Recording {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("described.fstream");
    let mut writer =
        StreamWriter::<Event, _, _>::create(&path, ChecksumFramer::new(checksum)).unwrap();
    let frames = write_events(&mut writer);
    writer.flush().unwrap();
    drop(writer);
    Recording { dir, path, frames }
}

#[test]
fn commands_take_the_checksum_from_the_header() {
    for recording in [
        self_describing(Crc32::new()),
        self_describing(Crc16::new()),
        self_describing(NoChecksum::new()),
        self_describing(XxHash64::new()),
    ] {
        let output = flatstream(&["verify"], &recording.path);
        assert!(output.status.success(), "{}", stderr(&output));
        let output = flatstream(&["stats", "--json"], &recording.path);
        assert!(output.status.success(), "{}", stderr(&output));
        let stats: Value = serde_json::from_str(stdout(&output).trim()).unwrap();
        assert_eq!(stats["frames"], EVENTS);
        let output = flatstream(&["inspect", "--json"], &recording.path);
        assert!(output.status.success(), "{}", stderr(&output));
        let lines = lines_as_json(&output);
        assert_eq!(lines[0]["type"], "header");
        assert_eq!(lines[0]["root_type"], "Event");
        // The messages start after the header frame.
        assert_eq!(lines[1]["offset"], recording.frames[0].0);
    }
}

#[test]
fn inspect_with_the_wrong_checksum_reports_damage_and_fails() {
    let recording = Recording::new(XxHash64::new());
    let output = flatstream(&["inspect", "--checksum", "crc32"], &recording.path);
    assert_eq!(output.status.code(), Some(1), "{}", stdout(&output));
    let recording = self_describing(XxHash64::new());
    let output = flatstream(&["inspect", "--checksum", "crc32"], &recording.path);
    assert_eq!(output.status.code(), Some(1), "an explicit checksum wins");
}

#[test]
fn schema_prints_the_embedded_schema() {
    let recording = self_describing(Crc64::new());
    let output = flatstream(&["schema"], &recording.path);
    assert!(output.status.success(), "{}", stderr(&output));
    assert_eq!(stdout(&output), flatstream::schema::<Event>());

    let headerless = Recording::new(Crc64::new());
    let output = flatstream(&["schema"], &headerless.path);
    assert_failure(&output, "no stream header");
}

#[test]
fn cat_reads_a_self_describing_file_without_being_told_anything() {
    let recording = self_describing(Crc32::new());
    let output = flatstream(&["cat"], &recording.path);
    assert!(output.status.success(), "{}", stderr(&output));
    let messages = lines_as_json(&output);
    assert_eq!(messages.len(), EVENTS as usize);
    assert_eq!(messages[7]["source"], observe(7).source.as_str());

    let headerless = Recording::new(Crc32::new());
    let output = flatstream(&["cat", "--checksum", "crc32"], &headerless.path);
    assert_failure(&output, "--schema");
}

#[test]
fn recover_keeps_the_header() {
    let recording = self_describing(Crc32::new());
    let (offset, _) = recording.frames[100];
    recording.damage(offset + 9);
    let out = recording.other("recovered.fstream");
    recover(&[], &recording.path, &out);
    let output = flatstream(&["schema"], &out);
    assert_eq!(stdout(&output), flatstream::schema::<Event>());
    let bytes = std::fs::read(&out).unwrap();
    let events: Vec<Event> =
        StreamReader::<Event, _, _>::new(&bytes[..], ChecksumDeframer::new(Crc32::new()))
            .collect::<Result<_, _>>()
            .unwrap();
    assert_eq!(events.len(), EVENTS as usize - 1);
}
