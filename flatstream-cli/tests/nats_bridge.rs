//! `flatstream publish FILE SUBJECT` and `flatstream consume SUBJECT FILE`
//! against a `nats-server -js` of the test's own (skipped without
//! nats-server, except under `CI=true`).

use std::path::Path;
use std::process::{Command, Output, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use flatstream::checksum::XxHash64;
use flatstream::framing::ChecksumFramer;
use flatstream::{StreamHeader, StreamWriter};
use flatstream_nats::{
    fingerprint_of, Consumer, ConsumerOptions, FramePublisher, Publisher, Rejects,
    REJECTED_REASON_HEADER, REJECTED_SEQUENCE_HEADER, REJECTED_STREAM_HEADER,
};
use flatstream_testkit::nats::{add_stream, run, Server};
use flatstream_testkit::telemetry::{events, Event};

/// The longest a run of the binary may take before the test fails.
const COMMAND_LIMIT: Duration = Duration::from_secs(60);

/// Runs the `flatstream` binary; it is killed and the test fails if it
/// runs longer than [`COMMAND_LIMIT`].
fn flatstream(args: &[&str]) -> Output {
    let child = Command::new(env!("CARGO_BIN_EXE_flatstream"))
        .args(args)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the flatstream binary runs");
    let pid = child.id();
    let (done, output) = mpsc::channel();
    std::thread::spawn(move || {
        let _ = done.send(child.wait_with_output());
    });
    match output.recv_timeout(COMMAND_LIMIT) {
        Ok(output) => output.expect("the flatstream binary's output"),
        Err(_) => {
            let _ = Command::new("kill").args(["-9", &pid.to_string()]).status();
            panic!("flatstream {args:?} took longer than {COMMAND_LIMIT:?}");
        }
    }
}

fn path(path: &Path) -> &str {
    path.to_str().expect("a UTF-8 temporary path")
}

/// `flatstream consume SUBJECT OUTPUT --server URL`, then `more` arguments.
fn consume(subject: &str, output: &Path, url: &str, more: &[&str]) -> Output {
    let mut args = vec!["consume", subject, path(output), "--server", url];
    args.extend_from_slice(more);
    flatstream(&args)
}

/// The standard error of a run that succeeded.
fn succeeded(output: &Output) -> String {
    assert!(output.status.success(), "{output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// The standard error of a run that failed with exit code 2.
fn failed(output: &Output) -> String {
    assert_eq!(output.status.code(), Some(2), "{output:?}");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Where frame `index` of a stream framed with an XXH3 checksum starts
/// (each frame a length, the checksum and the payload).
fn frame_start(stream: &[u8], index: usize) -> usize {
    let mut offset = 0;
    for _ in 0..index {
        let len = u32::from_le_bytes(stream[offset..offset + 4].try_into().unwrap()) as usize;
        offset += 4 + 8 + len;
    }
    offset
}

#[test]
fn a_file_goes_through_a_subject_and_back_byte_for_byte() {
    let Some(server) = Server::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("events.fs");
    let output = dir.path().join("copy.fs");
    let values = events(1500);
    // A self-describing file: header frame, then the events.
    let mut writer =
        StreamWriter::<Event, _, _>::with_header(Vec::new(), ChecksumFramer::new(XxHash64::new()))
            .unwrap();
    let with_header_len = writer.get_ref().len();
    writer.write_batch(&values).unwrap();
    let bytes = writer.into_inner();
    std::fs::write(&input, &bytes).unwrap();
    let url = server.url();

    run(Duration::from_secs(60), async {
        let js = server.stream("FILES", &["files.>"]).await;
        for _ in 0..2 {
            let published =
                flatstream(&["publish", path(&input), "files.events", "--server", &url]);
            let stderr = succeeded(&published);
            assert!(stderr.contains("published 1500 messages"), "{stderr}");
        }
        // The same file twice: the second run's ids are duplicates.
        let mut stream = js.get_stream("FILES").await.unwrap();
        assert_eq!(stream.info().await.unwrap().state.messages, 1500);

        // A typed consumer accepts them: the header's fingerprint travels.
        let options = ConsumerOptions::default();
        let mut consumer = Consumer::<Event>::create(js, "FILES", &options, Rejects::Error)
            .await
            .unwrap();
        let first = consumer
            .next_within(Duration::from_secs(10))
            .await
            .unwrap()
            .unwrap();
        assert_eq!(first.decode(), values[0]);
        assert_eq!(first.message_id(), Some("events.fs-0"));
        assert_eq!(
            first.schema_fingerprint(),
            Some(StreamHeader::of::<Event>("xxh3-64").fingerprint)
        );
    });

    let consumed = consume("files.events", &output, &url, &["--idle", "1"]);
    let stderr = succeeded(&consumed);
    assert!(stderr.contains("wrote 1500 messages"), "{stderr}");
    let copy = std::fs::read(&output).unwrap();
    assert_eq!(copy, bytes[with_header_len..], "the frames, byte for byte");
    succeeded(&flatstream(&["verify", path(&output)]));

    // `--count` stops early.
    let partial = dir.path().join("partial.fs");
    let consumed = consume("files.events", &partial, &url, &["--count", "10"]);
    succeeded(&consumed);
    let expected_len = frame_start(&copy, 10);
    assert_eq!(std::fs::read(&partial).unwrap(), copy[..expected_len]);
}

#[test]
fn consume_fails_with_a_message_for_a_subject_no_stream_captures() {
    let Some(server) = Server::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let output = dir.path().join("out.fs");
    let consumed = consume("nowhere", &output, &server.url(), &[]);
    let stderr = failed(&consumed);
    assert!(
        stderr.contains("no stream captures subject nowhere"),
        "{stderr}"
    );
}

#[test]
fn publish_fails_with_a_message_when_no_server_listens() {
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("one.fs");
    let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(XxHash64::new()));
    writer.write(&events(1)[0]).unwrap();
    std::fs::write(&input, writer.into_inner()).unwrap();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("nats://127.0.0.1:{port}");
    let published = flatstream(&["publish", path(&input), "subject", "--server", &url]);
    let stderr = failed(&published);
    assert!(stderr.contains("cannot connect to"), "{stderr}");
}

#[test]
fn publish_stops_at_a_damaged_frame_with_its_offset() {
    let Some(server) = Server::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("damaged.fs");
    let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(XxHash64::new()));
    writer.write_batch(&events(3)).unwrap();
    let mut bytes = writer.into_inner();
    let third = frame_start(&bytes, 2);
    let last = bytes.len() - 1;
    bytes[last] ^= 0x01;
    std::fs::write(&input, &bytes).unwrap();
    let url = server.url();
    run(Duration::from_secs(30), async {
        server.stream("DAMAGED", &["damaged"]).await;
    });
    let published = flatstream(&["publish", path(&input), "damaged", "--server", &url]);
    let stderr = failed(&published);
    assert!(stderr.contains("checksum mismatch"), "{stderr}");
    assert!(stderr.contains(&format!("offset {third}")), "{stderr}");
}

#[test]
fn consume_sends_damaged_and_foreign_messages_to_the_dead_letter_subject() {
    let Some(server) = Server::start() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let stopped = dir.path().join("stopped.fs");
    let output = dir.path().join("good.fs");
    let url = server.url();
    let values = events(4);
    let mut good = Vec::new();
    let mut damaged = Vec::new();
    run(Duration::from_secs(30), async {
        let js = server.stream("IN", &["in"]).await;
        add_stream(&js, "DEAD", &["dead.in"]).await;
        // Sequence 1 and 2 good; 3 a frame whose payload was altered after
        // framing; 4 good; 5 stating another checksum; 6 good.
        let mut publisher = Publisher::<Event>::new(js.clone(), "in");
        let fingerprint = Some(fingerprint_of::<Event>().0);
        let mut frames = FramePublisher::new(js.clone(), "in", "xxh3-64", fingerprint);
        let mut crc = FramePublisher::new(js.clone(), "in", "crc32", fingerprint);
        for value in &values[..2] {
            good.push(publisher.frame(value).unwrap());
            publisher.publish(value).await.unwrap();
        }
        damaged = publisher.frame(&values[2]).unwrap().to_vec();
        let last = damaged.len() - 1;
        damaged[last] ^= 0x40;
        let ack = frames.publish_frame(damaged.clone().into()).await.unwrap();
        assert_eq!(ack.sequence, 3);
        good.push(publisher.frame(&values[2]).unwrap());
        publisher.publish(&values[2]).await.unwrap();
        let ack = crc
            .publish_frame(publisher.frame(&values[3]).unwrap())
            .await
            .unwrap();
        assert_eq!(ack.sequence, 5);
        good.push(publisher.frame(&values[3]).unwrap());
        let ack = publisher.publish(&values[3]).await.unwrap();
        assert_eq!(ack.sequence, 6);
    });

    // Without a dead-letter subject the first damaged message stops the
    // run, naming its sequence number.
    let consumed = consume("in", &stopped, &url, &["--idle", "1"]);
    let stderr = failed(&consumed);
    assert!(stderr.contains("sequence 3"), "{stderr}");
    assert!(stderr.contains("checksum mismatch"), "{stderr}");

    let consumed = consume(
        "in",
        &output,
        &url,
        &["--idle", "1", "--dead-letter", "dead.in"],
    );
    let stderr = succeeded(&consumed);
    assert!(stderr.contains("wrote 4 messages"), "{stderr}");
    assert!(stderr.contains("(2 rejected)"), "{stderr}");
    assert_eq!(
        std::fs::read(&output).unwrap(),
        good.concat(),
        "the good frames, in order, byte for byte"
    );
    succeeded(&flatstream(&["verify", path(&output)]));

    run(Duration::from_secs(30), async {
        let js = server.jetstream().await;
        let dead = js.get_stream("DEAD").await.unwrap();
        let expected = [
            (3, "damaged frame: checksum mismatch", &damaged[..]),
            (5, "checksum `crc32`, expected `xxh3-64`", &good[3][..]),
        ];
        for (dead_sequence, (sequence, reason, payload)) in expected.into_iter().enumerate() {
            let copy = dead
                .get_raw_message(dead_sequence as u64 + 1)
                .await
                .unwrap();
            let header = |name: &str| copy.headers.get(name).unwrap().as_str().to_owned();
            assert_eq!(header(REJECTED_SEQUENCE_HEADER), sequence.to_string());
            assert_eq!(header(REJECTED_STREAM_HEADER), "IN");
            let why = header(REJECTED_REASON_HEADER);
            assert!(why.starts_with(reason), "{why}");
            assert_eq!(copy.payload, payload, "the message's bytes as received");
        }
        assert!(
            dead.get_raw_message(3).await.is_err(),
            "two rejected messages, two copies"
        );
    });
}
