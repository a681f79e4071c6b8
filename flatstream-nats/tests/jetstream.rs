//! Publisher and consumer against a real `nats-server -js` on 127.0.0.1
//! (see `flatstream_testkit::nats`): round trip of every field kind, replay, at least once
//! through a `kill -9` of the server, redelivery of an unacknowledged
//! message, rejected messages, and a bounded buffer for a slow consumer.

use std::collections::HashSet;
use std::future::Future;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use bytes::Bytes;
use flatstream::checksum::XxHash64;
use flatstream::framing::ChecksumFramer;
use flatstream::schema::Schema;
use flatstream::{StreamDeserialize, StreamHeader, StreamSerialize, StreamWriter};
use flatstream_nats::{
    Consumer, ConsumerOptions, Delivery, Error, FramePublisher, Publisher, Rejection, Rejects,
    StartAt, FLATSTREAM_HEADER, LEGACY_FLATSTREAM_HEADER, REJECTED_REASON_HEADER,
    REJECTED_SEQUENCE_HEADER, STAMP_SEPARATOR,
};
use flatstream_testkit::every_kind::{all, sorted, All};
use flatstream_testkit::nats::{add_stream, run, Server};

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Tick {
    pub publisher: u32,
    pub n: u32,
    pub note: String,
}

const WAIT: Duration = Duration::from_secs(10);

fn durable(name: &str, ack_wait: Duration) -> ConsumerOptions {
    ConsumerOptions {
        ack_wait,
        ..ConsumerOptions::durable(name)
    }
}

async fn create_consumer<T: StreamDeserialize + Schema>(
    js: async_nats::jetstream::Context,
    stream: &str,
    options: &ConsumerOptions,
    rejects: Rejects,
) -> Consumer<T> {
    Consumer::create(js, stream, options, rejects)
        .await
        .unwrap()
}

/// The next message, which must come within `WAIT`.
async fn next<T: StreamDeserialize + Schema>(consumer: &mut Consumer<T>) -> Delivery<T> {
    let delivery = consumer.next_within(WAIT).await.unwrap();
    delivery.expect("a message within the wait")
}

/// Runs `test` with the JetStream context of a `nats-server` of its own
/// that holds the stream `name` over `subjects`, within a minute; does
/// nothing where `Server::start` finds no `nats-server`.
fn with_stream<F: Future<Output = ()>>(
    name: &str,
    subjects: &[&str],
    test: impl FnOnce(async_nats::jetstream::Context) -> F,
) {
    let Some(server) = Server::start() else {
        return;
    };
    run(Duration::from_secs(60), async {
        test(server.stream(name, subjects).await).await;
    });
}

/// Asserts that no message comes within `wait`: `why` there is none.
async fn assert_no_more<T: StreamDeserialize + Schema>(
    consumer: &mut Consumer<T>,
    wait: Duration,
    why: &str,
) {
    let delivery = consumer.next_within(wait).await.unwrap();
    assert!(delivery.is_none(), "{why}");
}

/// The bytes a stream file written with XXH3 holds for `value`.
fn file_frame<T: StreamSerialize>(value: &T) -> Vec<u8> {
    let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(XxHash64::new()));
    writer.write(value).unwrap();
    writer.into_inner()
}

#[test]
fn every_field_kind_round_trips_as_the_file_frame() {
    with_stream("KINDS", &["kinds.>"], |js| async move {
        let mut publisher = Publisher::<All>::new(js.clone(), "kinds.a");
        let values: Vec<All> = (0..24).map(all).collect();
        for value in &values {
            publisher.publish(value).await.unwrap();
        }
        let options = durable("kinds", WAIT);
        let mut consumer = create_consumer::<All>(js, "KINDS", &options, Rejects::Error).await;
        let expected_fingerprint = StreamHeader::of::<All>("xxh3-64").fingerprint;
        for (n, value) in values.iter().enumerate() {
            let delivery = next(&mut consumer).await;
            assert_eq!(delivery.stream_sequence(), n as u64 + 1);
            assert_eq!(delivery.decode(), sorted(value.clone()));
            assert_eq!(All::from(delivery.view()), sorted(value.clone()));
            assert_eq!(&delivery.frame()[..], &file_frame(value)[..]);
            assert_eq!(delivery.schema_fingerprint(), Some(expected_fingerprint));
            assert_eq!(delivery.delivered(), 1);
            delivery.ack().await.unwrap();
        }
        let wait = Duration::from_millis(300);
        assert_no_more(&mut consumer, wait, "nothing more was published").await;
    });
}

#[test]
fn the_stamp_is_as_documented_and_older_formats_are_still_read() {
    with_stream("OLD", &["old"], |js| async move {
        let fingerprint = StreamHeader::of::<Tick>("xxh3-64").fingerprint;
        // Messages as the publishers of the first format (`Flatstream`
        // header) and of the second (`Fs` header) sent them: one of this
        // schema and one of another each.
        let older = [
            (
                1,
                LEGACY_FLATSTREAM_HEADER,
                format!("xxh3-64 {fingerprint:016x} Tick"),
            ),
            (
                2,
                LEGACY_FLATSTREAM_HEADER,
                "xxh3-64 0000000000001234 Tick".to_owned(),
            ),
            (3, FLATSTREAM_HEADER, format!("{fingerprint:016x}")),
            (4, FLATSTREAM_HEADER, "0000000000001234".to_owned()),
        ];
        for (n, header, value) in older {
            let mut headers = async_nats::HeaderMap::new();
            headers.insert("Nats-Msg-Id", format!("old-{n}").as_str());
            headers.insert(header, value.as_str());
            let frame = Bytes::from(file_frame(&tick(0, n)));
            js.publish_with_headers("old", headers, frame)
                .await
                .unwrap()
                .await
                .unwrap();
        }
        let mut publisher = Publisher::<Tick>::new(js.clone(), "old");
        publisher.publish(&tick(0, 5)).await.unwrap();
        let stream = js.get_stream("OLD").await.unwrap();
        let raw = stream.get_raw_message(5).await.unwrap();
        assert!(raw.headers.get(FLATSTREAM_HEADER).is_none());
        assert!(raw.headers.get(LEGACY_FLATSTREAM_HEADER).is_none());
        // Looked up by its text: `get` does not find `Nats-Msg-Id` among
        // a stored message's headers.
        let names: Vec<String> = raw
            .headers
            .iter()
            .map(|(name, _)| name.to_string())
            .collect();
        assert_eq!(names, ["Nats-Msg-Id"], "one header");
        let id = raw
            .headers
            .iter()
            .next()
            .map(|(_, values)| values[0].as_str().to_owned())
            .unwrap();
        let (id, stamp) = id.split_once(STAMP_SEPARATOR).unwrap();
        assert_eq!(stamp, format!("{fingerprint:016x}"));
        // The prefix's own alphabet has `-`: the count is after the last.
        let (prefix, count) = id.rsplit_once('-').unwrap();
        assert_eq!(prefix.len(), 11, "{id}");
        assert_eq!(count, "0", "{id}");

        let rejected = Arc::new(Mutex::new(Vec::new()));
        let sink = rejected.clone();
        let rejects = Rejects::Callback(Box::new(move |rejected| {
            let id = rejected.message_id.clone().unwrap();
            sink.lock().unwrap().push((rejected.stream_sequence, id));
        }));
        let mut consumer = create_consumer::<Tick>(js, "OLD", &durable("old", WAIT), rejects).await;
        for (n, expected_id) in [
            (1, "old-1".to_owned()),
            (3, "old-3".to_owned()),
            (5, id.to_owned()),
        ] {
            let delivery = next(&mut consumer).await;
            assert_eq!(delivery.view().n(), n);
            assert_eq!(delivery.schema_fingerprint(), Some(fingerprint));
            assert_eq!(delivery.message_id(), Some(expected_id.as_str()));
            delivery.ack().await.unwrap();
        }
        let rejected = rejected.lock().unwrap().clone();
        assert_eq!(rejected, [(2, "old-2".to_owned()), (4, "old-4".to_owned())]);
    });
}

fn tick(publisher: u32, n: u32) -> Tick {
    Tick {
        publisher,
        n,
        note: format!("tick {n} of {publisher}"),
    }
}

#[test]
fn replay_from_a_sequence_and_from_a_time() {
    with_stream("REPLAY", &["replay"], |js| async move {
        let mut publisher = Publisher::<Tick>::new(js.clone(), "replay");
        for n in 0..10 {
            publisher.publish(&tick(0, n)).await.unwrap();
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
        let midway = SystemTime::now();
        tokio::time::sleep(Duration::from_millis(50)).await;
        for n in 10..20 {
            publisher.publish(&tick(0, n)).await.unwrap();
        }
        for (start, first) in [
            (StartAt::Sequence(6), 5),
            (StartAt::Time(midway), 10),
            (StartAt::First, 0),
        ] {
            let options = ConsumerOptions {
                start,
                ..ConsumerOptions::default()
            };
            let mut consumer =
                create_consumer::<Tick>(js.clone(), "REPLAY", &options, Rejects::Error).await;
            for n in first..20 {
                let delivery = next(&mut consumer).await;
                assert_eq!(delivery.view().n(), n, "{start:?}");
                delivery.ack().await.unwrap();
            }
        }
    });
}

const PUBLISHERS: u32 = 4;
const PER_PUBLISHER: u32 = 50_000;

#[test]
fn at_least_once_through_a_killed_and_restarted_server() {
    let Some(mut server) = Server::start() else {
        return;
    };
    let acked = Arc::new(AtomicU64::new(0));
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    let js = runtime.block_on(server.stream("ALO", &["alo.>"]));
    let tasks: Vec<_> = (0..PUBLISHERS)
        .map(|p| {
            let acked = acked.clone();
            let mut publisher = Publisher::<Tick>::new(js.clone(), format!("alo.{p}"))
                .with_id_prefix(format!("p{p}"));
            runtime.spawn(async move {
                let values: Vec<Tick> = (0..PER_PUBLISHER).map(|n| tick(p, n)).collect();
                for chunk in values.chunks(500) {
                    publisher.publish_all(chunk).await.unwrap();
                    acked.fetch_add(chunk.len() as u64, Ordering::Relaxed);
                }
            })
        })
        .collect();
    // Kill the server once about a third of the messages are stored, and
    // start it again on the same store while the publishers retry.
    let total = u64::from(PUBLISHERS * PER_PUBLISHER);
    let deadline = std::time::Instant::now() + Duration::from_secs(60);
    while acked.load(Ordering::Relaxed) < total / 3 {
        assert!(std::time::Instant::now() < deadline, "publishing stalled");
        std::thread::sleep(Duration::from_millis(5));
    }
    let at_kill = acked.load(Ordering::Relaxed);
    server.kill();
    std::thread::sleep(Duration::from_millis(500));
    server.restart();
    runtime.block_on(async {
        tokio::time::timeout(Duration::from_secs(90), async {
            for task in tasks {
                task.await.unwrap();
            }
        })
        .await
        .expect("publishers finish");
        assert!(at_kill < total, "the server was killed mid-run");
        let mut stream = js.get_stream("ALO").await.unwrap();
        let stored = stream.info().await.unwrap().state.messages;
        assert_eq!(
            stored, total,
            "duplicates are dropped by id, nothing is lost"
        );

        let options = ConsumerOptions {
            batch: 1000,
            max_ack_pending: 5000,
            ..durable("alo", Duration::from_secs(30))
        };
        let mut consumer = create_consumer::<Tick>(js, "ALO", &options, Rejects::Error).await;
        let mut seen: HashSet<(u32, u32)> = HashSet::new();
        let mut deliveries = 0u64;
        tokio::time::timeout(Duration::from_secs(90), async {
            while seen.len() < total as usize {
                let delivery = consumer.next().await.unwrap();
                let view = delivery.view();
                let id = format!("p{}-{}", view.publisher(), view.n());
                assert_eq!(delivery.message_id(), Some(id.as_str()));
                assert_eq!(
                    view.note(),
                    format!("tick {} of {}", view.n(), view.publisher())
                );
                seen.insert((view.publisher(), view.n()));
                deliveries += 1;
                delivery.ack().await.unwrap();
            }
        })
        .await
        .expect("every message arrives");
        assert_eq!(seen.len() as u64, total);
        for p in 0..PUBLISHERS {
            for n in 0..PER_PUBLISHER {
                assert!(seen.contains(&(p, n)), "p{p}-{n} is missing");
            }
        }
        let wait = Duration::from_millis(500);
        assert_no_more(&mut consumer, wait, "nothing beyond the published ids").await;
        eprintln!("killed at {at_kill} of {total} acknowledged; {deliveries} deliveries");
    });
}

#[test]
fn a_message_dropped_before_its_ack_is_delivered_again() {
    with_stream("REDO", &["redo"], |js| async move {
        let mut publisher = Publisher::<Tick>::new(js.clone(), "redo").with_id_prefix("redo");
        publisher.publish(&tick(1, 7)).await.unwrap();
        let options = durable("redo", Duration::from_secs(1));
        {
            // A consumer that receives and dies before acknowledging.
            let mut consumer =
                create_consumer::<Tick>(js.clone(), "REDO", &options, Rejects::Error).await;
            let delivery = next(&mut consumer).await;
            assert_eq!(delivery.message_id(), Some("redo-0"));
            assert_eq!(delivery.delivered(), 1);
        }
        let mut consumer = create_consumer::<Tick>(js, "REDO", &options, Rejects::Error).await;
        let again = next(&mut consumer).await;
        assert_eq!(again.message_id(), Some("redo-0"));
        assert_eq!(again.decode(), tick(1, 7));
        assert_eq!(again.delivered(), 2);
        again.ack().await.unwrap();
        let wait = Duration::from_millis(1500);
        let why = "an acknowledged message is not delivered again";
        assert_no_more(&mut consumer, wait, why).await;
    });
}

/// Publishes, in order: a good tick, one with a payload byte flipped
/// after framing, one cut short, one of another schema, one of another
/// checksum, one whose checksum matches but whose payload is not a Tick,
/// and a last good one. Returns the frame publisher's context.
async fn publish_good_and_bad(js: &async_nats::jetstream::Context, subject: &str) {
    let mut publisher = Publisher::<Tick>::new(js.clone(), subject);
    publisher.publish(&tick(0, 1)).await.unwrap();
    let good = publisher.frame(&tick(0, 2)).unwrap();
    let schema = Some(flatstream_nats::fingerprint_of::<Tick>().0);
    let mut frames = FramePublisher::new(js.clone(), subject, "xxh3-64", schema);
    let mut flipped = good.to_vec();
    let last = flipped.len() - 3;
    flipped[last] ^= 0x20;
    frames.publish_frame(flipped.into()).await.unwrap();
    frames
        .publish_frame(good.slice(..good.len() - 4))
        .await
        .unwrap();
    let mut foreign = FramePublisher::new(js.clone(), subject, "xxh3-64", Some(0x1234));
    foreign.publish_frame(good.clone()).await.unwrap();
    let mut crc = FramePublisher::new(js.clone(), subject, "crc32", schema);
    crc.publish_frame(good.clone()).await.unwrap();
    let not_a_tick = file_frame(&"a string, not a Tick".to_owned());
    frames.publish_frame(Bytes::from(not_a_tick)).await.unwrap();
    publisher.publish(&tick(0, 3)).await.unwrap();
}

#[test]
fn damaged_and_foreign_messages_go_to_the_dead_letter_subject() {
    with_stream("IN", &["in"], |js| async move {
        add_stream(&js, "DEAD", &["dead.in"]).await;
        publish_good_and_bad(&js, "in").await;
        let options = durable("in", WAIT);
        let mut consumer = create_consumer::<Tick>(
            js.clone(),
            "IN",
            &options,
            Rejects::DeadLetter("dead.in".into()),
        )
        .await;
        for (n, sequence) in [(1, 1), (3, 7)] {
            let delivery = next(&mut consumer).await;
            assert_eq!(delivery.view().n(), n);
            assert_eq!(delivery.stream_sequence(), sequence);
            delivery.ack().await.unwrap();
        }
        assert_eq!(consumer.frames().rejected(), 5);

        let dead = js.get_stream("DEAD").await.unwrap();
        let expected = [
            (2, "damaged frame: checksum mismatch"),
            (3, "truncated frame"),
            (4, "schema fingerprint 0000000000001234"),
            (5, "checksum `crc32`, expected `xxh3-64`"),
            (6, "invalid payload"),
        ];
        let fingerprint = format!("{:016x}", flatstream_nats::fingerprint_of::<Tick>().0);
        let crc = format!("{fingerprint};crc32");
        let stamps = [
            &fingerprint,
            &fingerprint,
            "0000000000001234",
            &crc,
            &fingerprint,
        ];
        for (dead_sequence, (sequence, reason)) in expected.iter().enumerate() {
            let copy = dead
                .get_raw_message(dead_sequence as u64 + 1)
                .await
                .unwrap();
            let sequence_header = copy.headers.get(REJECTED_SEQUENCE_HEADER).unwrap();
            assert_eq!(sequence_header.as_str(), sequence.to_string());
            let reason_header = copy.headers.get(REJECTED_REASON_HEADER).unwrap().as_str();
            assert!(reason_header.starts_with(reason), "{reason_header}");
            // The copy's id is its own; the original's stamp moves to a
            // header of its own.
            let stamp = copy.headers.get(FLATSTREAM_HEADER).unwrap().as_str();
            assert_eq!(stamp, stamps[dead_sequence], "sequence {sequence}");
        }
        let more = dead.get_raw_message(6).await;
        assert!(more.is_err(), "five rejected messages, five copies");
        let wait = Duration::from_millis(1500);
        let why = "rejected messages are terminated, not redelivered";
        assert_no_more(&mut consumer, wait, why).await;
    });
}

#[test]
fn rejected_messages_reach_the_callback_or_the_caller() {
    with_stream("CB", &["cb"], |js| async move {
        publish_good_and_bad(&js, "cb").await;
        let seen = Arc::new(Mutex::new(Vec::new()));
        let sink = seen.clone();
        let rejects = Rejects::Callback(Box::new(move |rejected| {
            sink.lock()
                .unwrap()
                .push((rejected.stream_sequence, rejected.payload.len()));
        }));
        let mut consumer =
            create_consumer::<Tick>(js.clone(), "CB", &durable("cb", WAIT), rejects).await;
        for n in [1, 3] {
            let delivery = next(&mut consumer).await;
            assert_eq!(delivery.view().n(), n);
            delivery.ack().await.unwrap();
        }
        let sequences: Vec<u64> = seen.lock().unwrap().iter().map(|(s, _)| *s).collect();
        assert_eq!(sequences, [2, 3, 4, 5, 6]);

        // Under `Rejects::Error` each rejected message is an error, then
        // the consumer goes on.
        let options = ConsumerOptions::durable("cb-errors");
        let mut consumer = create_consumer::<Tick>(js, "CB", &options, Rejects::Error).await;
        let first = next(&mut consumer).await;
        first.ack().await.unwrap();
        let mut reasons = Vec::new();
        loop {
            match consumer.next_within(WAIT).await {
                Err(Error::Rejected(rejected)) => {
                    reasons.push((rejected.stream_sequence, rejected.reason))
                }
                Ok(Some(delivery)) => {
                    assert_eq!(delivery.view().n(), 3);
                    break;
                }
                other => panic!("unexpected {other:?}"),
            }
        }
        assert!(matches!(
            reasons[0],
            (
                2,
                Rejection::Frame(flatstream::Error::ChecksumMismatch { .. })
            )
        ));
        assert!(
            matches!(reasons[1], (3, Rejection::Truncated { len, needed }) if needed == len + 4)
        );
        assert!(matches!(
            reasons[2],
            (
                4,
                Rejection::Schema {
                    found: Some(0x1234),
                    ..
                }
            )
        ));
        assert!(matches!(&reasons[3], (5, Rejection::Checksum { found, .. }) if found == "crc32"));
        assert!(matches!(reasons[4], (6, Rejection::Payload(_))));
    });
}

#[test]
fn a_slow_consumer_keeps_a_bounded_number_of_messages_in_flight() {
    with_stream("SLOW", &["slow"], |js| async move {
        let mut publisher = Publisher::<Tick>::new(js.clone(), "slow");
        let values: Vec<Tick> = (0..5000).map(|n| tick(9, n)).collect();
        for chunk in values.chunks(1000) {
            publisher.publish_all(chunk).await.unwrap();
        }
        let options = ConsumerOptions {
            batch: 20,
            max_ack_pending: 40,
            ..durable("slow", WAIT)
        };
        let mut consumer = create_consumer::<Tick>(js, "SLOW", &options, Rejects::Error).await;
        let mut most_in_flight = 0;
        for n in 0..400u32 {
            let delivery = next(&mut consumer).await;
            assert_eq!(delivery.view().n(), n);
            tokio::time::sleep(Duration::from_millis(1)).await;
            delivery.ack().await.unwrap();
            if n % 25 == 0 {
                let info = consumer.frames().info().await.unwrap();
                most_in_flight = most_in_flight.max(info.num_ack_pending);
                assert!(
                    info.num_ack_pending <= 40,
                    "{} messages delivered and not acknowledged",
                    info.num_ack_pending
                );
                // Everything the consumer has not asked for waits on the server.
                assert!(info.num_pending >= u64::from(5000 - n - 40 - 1));
            }
        }
        assert!(most_in_flight > 0, "the consumer did buffer ahead");
    });
}
