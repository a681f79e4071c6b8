//! Loopback throughput through a `nats-server -js` of the bench's own:
//! flatstream's publisher and consumer against the same payload bytes sent
//! and read with `async-nats` alone, for ~128-byte and ~4 KiB messages.
//!
//! Both sides publish in windows of 256 messages (all sent, then the
//! acknowledgements awaited together) to a file-backed stream, and consume
//! with a pull consumer in batches of 256, acknowledging every message.
//! flatstream's side also serializes each value, computes the XXH3
//! checksum, sets the id and schema headers, and on reading checks the
//! frame, the fingerprint and the FlatBuffer. A third raw case sends
//! flatstream's very bytes (its frames, made before the clock, with its
//! stamped id) and reads them back without checking them, which splits
//! flatstream's overhead into what its wire format costs the client and
//! the server and what its code costs. Consumers are created and
//! subscribed before the clock on every side. Each round runs every case
//! once, in an order that rotates from round to round; the table gives
//! the median of the rounds, and the overhead both as the ratio of the
//! medians and as the median of the ratios within a round (paired).
//!
//! ```text
//! cargo bench -p flatstream-nats --bench nats [-- ROUNDS]
//! ```

use std::time::{Duration, Instant};

use async_nats::jetstream::{self, consumer::pull, consumer::AckPolicy};
use bytes::Bytes;
use flatstream::flatbuffers::FlatBufferBuilder;
use flatstream::StreamSerialize;
use flatstream_nats::{
    fingerprint_of, Consumer, ConsumerOptions, Publisher, Rejects, STAMP_SEPARATOR,
};
use flatstream_testkit::nats::Server;
use futures_util::StreamExt;

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Sample {
    pub seq: u64,
    pub source: String,
    pub data: Vec<u8>,
}

const WINDOW: usize = 256;

/// A value whose FlatBuffer is about `size` bytes.
fn sample(seq: u64, size: usize) -> Sample {
    let data_len = size.saturating_sub(64);
    Sample {
        seq,
        source: "bench-agent".to_owned(),
        data: (0..data_len).map(|i| (i as u64 ^ seq) as u8).collect(),
    }
}

fn payload(value: &Sample) -> Bytes {
    let mut builder = FlatBufferBuilder::new();
    value.serialize(&mut builder).unwrap();
    Bytes::copy_from_slice(builder.finished_data())
}

async fn stream(js: &jetstream::Context, name: &str) {
    let _ = js.delete_stream(name).await;
    js.create_stream(jetstream::stream::Config {
        name: name.to_owned(),
        subjects: vec![name.to_lowercase()],
        ..Default::default()
    })
    .await
    .unwrap();
}

async fn publish_flatstream(js: &jetstream::Context, name: &str, values: &[Sample]) -> Duration {
    stream(js, name).await;
    // Ids as short as the raw side's (`raw-N`), for like-for-like bytes.
    let mut publisher =
        Publisher::<Sample>::new(js.clone(), name.to_lowercase()).with_id_prefix("flat");
    let start = Instant::now();
    for window in values.chunks(WINDOW) {
        publisher.publish_all(window).await.unwrap();
    }
    start.elapsed()
}

/// What a raw message carries besides its payload.
#[derive(Clone, Copy)]
enum Headers<'a> {
    /// Nothing.
    None,
    /// A `Nats-Msg-Id`, `raw-N`, as at-least-once publishing needs,
    /// whatever the client.
    Id,
    /// The header flatstream's publisher sets, `Nats-Msg-Id:
    /// flat-N~FINGERPRINT`: with frames as payloads, the very bytes its
    /// messages hold.
    Flatstream(&'a str),
}

/// The payloads with `async-nats` alone.
async fn publish_raw(
    js: &jetstream::Context,
    name: &str,
    payloads: &[Bytes],
    with: Headers<'_>,
) -> Duration {
    stream(js, name).await;
    let subject = async_nats::Subject::from(name.to_lowercase());
    let start = Instant::now();
    for (w, window) in payloads.chunks(WINDOW).enumerate() {
        let mut acks = Vec::with_capacity(window.len());
        for (i, payload) in window.iter().enumerate() {
            let n = w * WINDOW + i;
            let ack = match with {
                Headers::None => js.publish(subject.clone(), payload.clone()).await,
                Headers::Id => {
                    let mut headers = async_nats::HeaderMap::new();
                    let id = format!("raw-{n}");
                    headers.insert(async_nats::header::NATS_MESSAGE_ID, id.as_str());
                    js.publish_with_headers(subject.clone(), headers, payload.clone())
                        .await
                }
                Headers::Flatstream(fingerprint) => {
                    let mut headers = async_nats::HeaderMap::new();
                    let id = format!("flat-{n}{STAMP_SEPARATOR}{fingerprint}");
                    headers.insert(async_nats::header::NATS_MESSAGE_ID, id.as_str());
                    js.publish_with_headers(subject.clone(), headers, payload.clone())
                        .await
                }
            };
            acks.push(ack.unwrap());
        }
        for ack in acks {
            ack.await.unwrap();
        }
    }
    start.elapsed()
}

async fn consume_flatstream(js: &jetstream::Context, name: &str, count: usize) -> Duration {
    let options = ConsumerOptions {
        batch: WINDOW,
        ..ConsumerOptions::default()
    };
    // Creating the consumer also subscribes to its pull stream, as
    // `consume_raw` does before the clock: both sides time pulling,
    // reading and acknowledging only.
    let mut consumer = Consumer::<Sample>::create(js.clone(), name, &options, Rejects::Error)
        .await
        .unwrap();
    let start = Instant::now();
    let mut sum = 0u64;
    for _ in 0..count {
        let delivery = consumer.next().await.unwrap();
        let view = delivery.view();
        sum = sum.wrapping_add(view.seq() + view.data().len() as u64);
        delivery.ack().await.unwrap();
    }
    let elapsed = start.elapsed();
    std::hint::black_box(sum);
    elapsed
}

async fn consume_raw(js: &jetstream::Context, name: &str, count: usize) -> Duration {
    let stream = js.get_stream(name).await.unwrap();
    let consumer = stream
        .create_consumer(pull::Config {
            ack_policy: AckPolicy::Explicit,
            max_ack_pending: ConsumerOptions::default().max_ack_pending,
            ..Default::default()
        })
        .await
        .unwrap();
    let mut messages = consumer
        .stream()
        .max_messages_per_batch(WINDOW)
        .messages()
        .await
        .unwrap();
    let start = Instant::now();
    let mut sum = 0u64;
    for _ in 0..count {
        let message = messages.next().await.unwrap().unwrap();
        sum = sum.wrapping_add(message.payload.len() as u64);
        message.ack().await.unwrap();
    }
    let elapsed = start.elapsed();
    std::hint::black_box(sum);
    elapsed
}

/// What the publisher does before the network: serialize, checksum, frame.
fn frame_only(js: &jetstream::Context, values: &[Sample]) -> Duration {
    let mut publisher = Publisher::<Sample>::new(js.clone(), "unused");
    let start = Instant::now();
    for value in values {
        std::hint::black_box(publisher.frame(value).unwrap());
    }
    start.elapsed()
}

/// Runs one case; one that stalls (a message or an acknowledgement that
/// never comes) stops the bench, saying which, instead of hanging it.
async fn bounded(what: String, case: impl std::future::Future<Output = Duration>) -> Duration {
    match tokio::time::timeout(Duration::from_secs(120), case).await {
        Ok(time) => time,
        Err(_) => panic!("{what} stalled for 120 s"),
    }
}

fn median(mut values: Vec<f64>) -> f64 {
    values.sort_by(f64::total_cmp);
    values[values.len() / 2]
}

struct Row<'t> {
    what: String,
    count: usize,
    bytes: usize,
    /// Seconds, one per round.
    times: &'t [f64],
}

impl Row<'_> {
    fn print(&self, baseline: Option<&Row<'_>>) {
        let secs = median(self.times.to_vec());
        let rate = self.count as f64 / secs;
        let mb = self.bytes as f64 / secs / 1e6;
        let (of_medians, paired) = baseline.map_or((String::new(), String::new()), |raw| {
            let ratios = self.times.iter().zip(raw.times).map(|(t, r)| t / r);
            (
                format!("{:+.1}%", (secs / median(raw.times.to_vec()) - 1.0) * 100.0),
                format!("{:+.1}%", (median(ratios.collect()) - 1.0) * 100.0),
            )
        });
        println!(
            "| {:<44} | {:>10.0} | {:>8.1} | {:>9} | {:>9} |",
            self.what, rate, mb, of_medians, paired
        );
    }
}

fn main() {
    // `cargo bench` passes `--bench`; a number sets the rounds.
    let rounds: usize = std::env::args()
        .skip(1)
        .find_map(|arg| arg.parse().ok())
        .unwrap_or(5);
    let Some(server) = Server::start() else {
        return;
    };
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        let js = server.jetstream().await;
        println!("rounds: {rounds} (median), window and pull batch: {WINDOW}");
        println!(
            "| {:<44} | {:>10} | {:>8} | {:>9} | {:>9} |",
            "", "msgs/s", "MB/s", "time vs", "paired"
        );
        println!(
            "|{:-<46}|{:->12}|{:->10}|{:->11}|{:->11}|",
            "", "", "", "", ""
        );
        let fingerprint = format!("{:016x}", fingerprint_of::<Sample>().0);
        for (size, count) in [(128usize, 20_000usize), (4096, 5_000)] {
            let values: Vec<Sample> = (0..count as u64).map(|seq| sample(seq, size)).collect();
            let payloads: Vec<Bytes> = values.iter().map(payload).collect();
            let mut framer = Publisher::<Sample>::new(js.clone(), "unused");
            let frames: Vec<Bytes> = values
                .iter()
                .map(|value| framer.frame(value).unwrap())
                .collect();
            let bytes: usize = payloads.iter().map(Bytes::len).sum();
            let mean = bytes / count;
            const SIDES: usize = 4;
            let mut times: [Vec<f64>; 2 * SIDES + 1] = Default::default();
            for round in 0..rounds {
                // Publishing before consuming the same stream; which side
                // goes first rotates.
                for side in 0..SIDES {
                    let case = (round + side) % SIDES;
                    let what = format!("publishing {size} B, case {case}, round {round}");
                    let time = bounded(what, async {
                        match case {
                            0 => publish_raw(&js, "RAW", &payloads, Headers::None).await,
                            1 => publish_raw(&js, "RAWIDS", &payloads, Headers::Id).await,
                            2 => {
                                let with = Headers::Flatstream(&fingerprint);
                                publish_raw(&js, "RAWFRAMES", &frames, with).await
                            }
                            _ => publish_flatstream(&js, "FLAT", &values).await,
                        }
                    })
                    .await;
                    times[case].push(time.as_secs_f64());
                }
                for side in 0..SIDES {
                    let case = (round + side) % SIDES;
                    let what = format!("consuming {size} B, case {case}, round {round}");
                    let time = bounded(what, async {
                        match case {
                            0 => consume_raw(&js, "RAW", count).await,
                            1 => consume_raw(&js, "RAWIDS", count).await,
                            2 => consume_raw(&js, "RAWFRAMES", count).await,
                            _ => consume_flatstream(&js, "FLAT", count).await,
                        }
                    })
                    .await;
                    times[SIDES + case].push(time.as_secs_f64());
                }
                times[2 * SIDES].push(frame_only(&js, &values).as_secs_f64());
            }
            let row = |what: &str, times| Row {
                what: format!("{what}, {mean} B payloads"),
                count,
                bytes,
                times,
            };
            for (verb, times) in [("publish", &times[..SIDES]), ("consume", &times[SIDES..])] {
                let raw = row(&format!("{verb}, async-nats raw"), &times[0]);
                raw.print(None);
                let ids = row(&format!("{verb}, async-nats raw + msg id"), &times[1]);
                ids.print(Some(&raw));
                let same = row(
                    &format!("{verb}, async-nats, flatstream's bytes"),
                    &times[2],
                );
                same.print(Some(&ids));
                let flat = row(&format!("{verb}, flatstream-nats"), &times[3]);
                flat.print(Some(&raw));
                row("  (vs raw + msg id)", &times[3]).print(Some(&ids));
                row("  (vs flatstream's bytes)", &times[3]).print(Some(&same));
            }
            row("serialize + frame only, no network", &times[2 * SIDES]).print(None);
        }
    });
}
