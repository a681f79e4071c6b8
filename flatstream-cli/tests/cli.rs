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
        let mut frames = Vec::new();
        for event in events(EVENTS as usize) {
            let offset = writer.bytes_written();
            writer.write(&event).unwrap();
            let frame_len = writer.bytes_written() - offset;
            frames.push((offset, frame_len - 4 - C::SIZE as u64));
        }
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

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

#[test]
fn verify_intact_file_exits_zero() {
    let recording = Recording::new(XxHash64::new());
    let output = flatstream(&["verify"], &recording.path);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stdout(&output).contains(&format!("ok, {EVENTS} frames")));
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
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("first bad offset: 0"));
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
    assert_eq!(output.status.code(), Some(1));
    assert!(stdout(&output).contains("limit"), "{}", stdout(&output));
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
    assert!(output.status.success());
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
    let output = run(&[
        "recover",
        recording.path.to_str().unwrap(),
        out_path.to_str().unwrap(),
    ]);
    assert!(output.status.success(), "{}", stderr(&output));
    assert!(stderr(&output).contains(&format!("recovered {} frames", EVENTS - 3)));
    assert!(stderr(&output).contains("skipped 3 damaged regions"));

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
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("onto itself"));
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
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("md5"));
}

#[test]
fn empty_file_is_an_intact_empty_stream() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.fstream");
    std::fs::write(&path, b"").unwrap();
    let output = flatstream(&["verify"], &path);
    assert!(output.status.success());
    assert!(stdout(&output).contains("ok, 0 frames"));
}
