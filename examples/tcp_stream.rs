//! Stream derived events over TCP with tokio: a collector server and a few
//! sensor clients on 127.0.0.1.
//!
//! - clients write with `AsyncStreamWriter` (one frame per `write`, waiting
//!   whenever the server falls behind: that is the backpressure);
//! - the server reads each connection with `AsyncStreamReader`, whose views
//!   borrow its buffer, and answers with a summary on the same socket;
//! - one more connection shows `StreamCodec` with `Framed`, whose messages
//!   own their bytes and can be sent to another task.
//!
//! Run it with `cargo run --release --example tcp_stream`.

use std::time::Instant;

use flatstream::checksum::XxHash64;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{AsyncStreamReader, AsyncStreamWriter, Message, StreamCodec, StreamSerialize};
use futures_util::{SinkExt, StreamExt};
use tokio::net::{TcpListener, TcpStream};
use tokio_util::codec::Framed;

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Reading {
    pub sensor: String,
    pub value: f64,
}

#[derive(StreamSerialize, Debug, Clone, PartialEq)]
pub struct Event {
    pub sensor_id: u32,
    pub seq: u64,
    pub readings: Vec<Reading>,
    pub note: Option<String>,
}

const SENSORS: u32 = 4;
const EVENTS: u64 = 50_000;

/// Reads one sensor's events and replies with what it received.
async fn serve(socket: TcpStream) -> flatstream::Result<u64> {
    let (read_half, write_half) = socket.into_split();
    let deframer = ChecksumDeframer::new(XxHash64::new()).with_max_frame_len(64 * 1024);
    let mut reader = AsyncStreamReader::<Event, _, _>::new(read_half, deframer);
    let (mut events, mut total) = (0u64, 0.0);
    while let Some(event) = reader.read().await? {
        events += 1;
        total += event.readings().iter().map(|r| r.value()).sum::<f64>();
    }
    let mut writer = AsyncStreamWriter::new(write_half, ChecksumFramer::new(XxHash64::new()));
    writer
        .write(&format!(
            "received {events} events, readings sum {total:.1}"
        ))
        .await?;
    writer.shutdown().await?;
    Ok(events)
}

/// A sensor: streams its events, then waits for the server's summary.
async fn sensor(addr: std::net::SocketAddr, id: u32) -> flatstream::Result<String> {
    let (read_half, write_half) = TcpStream::connect(addr).await?.into_split();
    let mut writer = AsyncStreamWriter::new(write_half, ChecksumFramer::new(XxHash64::new()));
    for seq in 0..EVENTS {
        let event = Event {
            sensor_id: id,
            seq,
            readings: vec![Reading {
                sensor: "temp".into(),
                value: 20.0 + (seq % 100) as f64 / 10.0,
            }],
            note: (seq % 1000 == 0).then(|| format!("checkpoint {seq}")),
        };
        writer.write(&event).await?;
    }
    writer.shutdown().await?; // FIN: the server's reader sees a clean end
    let mut reader =
        AsyncStreamReader::<String, _, _>::new(read_half, ChecksumDeframer::new(XxHash64::new()));
    Ok(reader.read_owned().await?.unwrap_or_default())
}

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let listener = TcpListener::bind("127.0.0.1:0").await?;
    let addr = listener.local_addr()?;
    let started = Instant::now();

    let server = tokio::spawn(async move {
        let mut connections = Vec::new();
        for _ in 0..SENSORS {
            let (socket, _) = listener.accept().await?;
            connections.push(tokio::spawn(serve(socket)));
        }
        let mut events = 0;
        for connection in connections {
            events += connection.await.expect("server task")?;
        }
        // The last connection uses the codec: owned messages go to a task.
        let (socket, _) = listener.accept().await?;
        let mut framed = Framed::new(socket, StreamCodec::<Event, _>::new(XxHash64::new()));
        let (sender, mut inbox) = tokio::sync::mpsc::channel::<Message<Event>>(16);
        let printer = tokio::spawn(async move {
            while let Some(message) = inbox.recv().await {
                let event = message.view();
                println!(
                    "codec: event {} of sensor {}",
                    event.seq(),
                    event.sensor_id()
                );
            }
        });
        while let Some(message) = framed.next().await {
            sender.send(message?).await.expect("printer is running");
        }
        drop(sender);
        printer.await.expect("printer task");
        Ok::<_, flatstream::Error>(events)
    });

    let sensors: Vec<_> = (0..SENSORS)
        .map(|id| tokio::spawn(sensor(addr, id)))
        .collect();
    for (id, sensor) in sensors.into_iter().enumerate() {
        println!("sensor {id}: server {}", sensor.await??);
    }

    let mut framed = Framed::new(
        TcpStream::connect(addr).await?,
        StreamCodec::<Event, _>::new(XxHash64::new()),
    );
    for seq in 0..3 {
        let event = Event {
            sensor_id: 99,
            seq,
            readings: Vec::new(),
            note: None,
        };
        framed.send(&event).await?;
    }
    drop(framed);

    let events = server.await??;
    let elapsed = started.elapsed();
    println!(
        "{events} events from {SENSORS} sensors in {:.0} ms ({:.2} M events/s)",
        elapsed.as_secs_f64() * 1e3,
        events as f64 / elapsed.as_secs_f64() / 1e6
    );
    Ok(())
}
