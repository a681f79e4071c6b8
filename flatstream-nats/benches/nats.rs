//! Loopback throughput through a `nats-server -js` of the bench's own:
//! flatstream's publisher and consumer against the same payload bytes sent
//! and read with `async-nats` alone, for ~128-byte and ~4 KiB messages.
//!
//! Both sides publish in windows of 256 messages (all sent, then the
//! acknowledgements awaited together) to a file-backed stream, and consume
//! with a pull consumer in batches of 256, acknowledging every message.
//! flatstream's side also serializes each value, computes the XXH3
//! checksum, sets the id and schema headers, and on reading checks the
//! frame, the fingerprint and the FlatBuffer. Each round runs every case
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
use flatstream_nats::{Consumer, ConsumerOptions, Publisher, Rejects};
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

/// The payloads with `async-nats` alone; with `ids`, each with a
/// `Nats-Msg-Id` as at-least-once publishing needs, whatever the client.
async fn publish_raw(
    js: &jetstream::Context,
    name: &str,
    payloads: &[Bytes],
    ids: bool,
) -> Duration {
    stream(js, name).await;
    let subject = async_nats::Subject::from(name.to_lowercase());
    let start = Instant::now();
    for (w, window) in payloads.chunks(WINDOW).enumerate() {
        let mut acks = Vec::with_capacity(window.len());
        for (i, payload) in window.iter().enumerate() {
            let ack = if ids {
                let mut headers = async_nats::HeaderMap::new();
                let id = format!("raw-{}", w * WINDOW + i);
                headers.insert(async_nats::header::NATS_MESSAGE_ID, id.as_str());
                js.publish_with_headers(subject.clone(), headers, payload.clone())
                    .await
            } else {
                js.publish(subject.clone(), payload.clone()).await
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
        println!("|{:-<46}|{:->12}|{:->10}|{:->11}|{:->11}|", "", "", "", "", "");
        for (size, count) in [(128usize, 20_000usize), (4096, 5_000)] {
            let values: Vec<Sample> = (0..count as u64).map(|seq| sample(seq, size)).collect();
            let payloads: Vec<Bytes> = values.iter().map(payload).collect();
            let bytes: usize = payloads.iter().map(Bytes::len).sum();
            let mean = bytes / count;
            let mut times: [Vec<f64>; 7] = Default::default();
            for round in 0..rounds {
                // Publishing before consuming the same stream; which side
                // goes first rotates.
                for side in 0..3 {
                    let time = match (round + side) % 3 {
                        0 => publish_raw(&js, "RAWIDS", &payloads, true).await,
                        1 => publish_raw(&js, "RAW", &payloads, false).await,
                        _ => publish_flatstream(&js, "FLAT", &values).await,
                    };
                    times[(round + side) % 3].push(time.as_secs_f64());
                }
                for side in 0..3 {
                    let time = match (round + side) % 3 {
                        0 => consume_raw(&js, "RAWIDS", count).await,
                        1 => consume_raw(&js, "RAW", count).await,
                        _ => consume_flatstream(&js, "FLAT", count).await,
                    };
                    times[3 + (round + side) % 3].push(time.as_secs_f64());
                }
                times[6].push(frame_only(&js, &values).as_secs_f64());
            }
            let [publish_ids, publish_raw, publish_flat, consume_ids, consume_raw, consume_flat, frame] =
                &times;
            let row = |what: &str, times| Row {
                what: format!("{what}, {mean} B payloads"),
                count,
                bytes,
                times,
            };
            let raw = row("publish, async-nats raw", publish_raw);
            raw.print(None);
            let ids = row("publish, async-nats raw + msg id", publish_ids);
            ids.print(Some(&raw));
            row("publish, flatstream-nats", publish_flat).print(Some(&raw));
            row("  (vs raw + msg id)", publish_flat).print(Some(&ids));
            let raw = row("consume, async-nats raw", consume_raw);
            raw.print(None);
            let ids = row("consume, async-nats raw + msg id", consume_ids);
            ids.print(Some(&raw));
            row("consume, flatstream-nats", consume_flat).print(Some(&raw));
            row("  (vs raw + msg id)", consume_flat).print(Some(&ids));
            row("serialize + frame only, no network", frame).print(None);
        }
    });
}
