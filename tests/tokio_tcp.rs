//! The async writer, reader and codec over real TCP connections on
//! 127.0.0.1: many concurrent clients, backpressure from a slow reader, a
//! client that dies mid-frame, and frames over the limit. Every test is
//! bounded by a timeout, so a bug shows as a failure, never a hung run.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use bytes::BufMut;
use flatstream::checksum::{Crc32, XxHash64};
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{AsyncStreamReader, AsyncStreamWriter, Error, Message, Recovery, StreamCodec};
use flatstream_testkit::telemetry::{Event, EventView, Level, Reading};
use futures_util::{SinkExt, StreamExt};
use tokio::io::AsyncWriteExt;
use tokio::net::{TcpListener, TcpSocket, TcpStream};
use tokio::time::timeout;
use tokio_util::codec::{FramedRead, FramedWrite};

const LIMIT: Duration = Duration::from_secs(20);

/// Event `seq` of client `client`: the client's number in `source`, `seq`
/// as the timestamp and a `payload_len`-byte payload.
fn event(client: u32, seq: u64, payload_len: usize) -> Event {
    Event {
        timestamp: seq,
        level: if seq.is_multiple_of(7) {
            Level::Warn
        } else {
            Level::Info
        },
        source: format!("client-{client}"),
        payload: vec![(seq % 251) as u8; payload_len],
        values: Vec::new(),
        tags: Vec::new(),
        readings: vec![Reading {
            sensor: "temp".into(),
            value: seq as f64 / 4.0,
        }],
        origin: None,
        note: None,
        ok: true,
    }
}

/// The number of the client that sent `view`.
fn client_of(view: EventView<'_>) -> u32 {
    let number = view.source().strip_prefix("client-");
    number
        .and_then(|n| n.parse().ok())
        .expect("an event of `event`")
}

fn framer() -> ChecksumFramer<XxHash64> {
    ChecksumFramer::new(XxHash64::new())
}

fn deframer() -> ChecksumDeframer<XxHash64> {
    ChecksumDeframer::new(XxHash64::new())
}

/// A listener on a free port of 127.0.0.1, and its address.
async fn listener() -> (TcpListener, SocketAddr) {
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    (listener, addr)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn many_clients_stream_derived_events_concurrently() {
    const CLIENTS: u32 = 16;
    const EVENTS: u64 = 2_000;
    let (listener, addr) = listener().await;

    let server = tokio::spawn(async move {
        let mut connections = Vec::new();
        for _ in 0..CLIENTS {
            let (socket, _) = listener.accept().await.unwrap();
            connections.push(tokio::spawn(async move {
                let (read_half, write_half) = socket.into_split();
                let mut reader = AsyncStreamReader::<Event, _, _>::new(read_half, deframer());
                let mut client = None;
                let mut expected_seq = 0;
                while let Some(view) = reader.read().await.unwrap() {
                    let id = *client.get_or_insert(client_of(view));
                    assert_eq!(client_of(view), id, "one connection, one client");
                    assert_eq!(view.timestamp(), expected_seq, "frames arrive in order");
                    assert_eq!(view.payload().len(), (view.timestamp() % 64) as usize);
                    expected_seq += 1;
                }
                assert_eq!(reader.stats().skipped_regions, 0);
                // Reply on the same connection with what was received.
                let mut writer = AsyncStreamWriter::new(write_half, framer());
                let summary = format!("client {} sent {expected_seq}", client.unwrap());
                writer.write(&summary).await.unwrap();
                writer.shutdown().await.unwrap();
                expected_seq
            }));
        }
        let mut total = 0;
        for connection in connections {
            total += connection.await.unwrap();
        }
        total
    });

    let clients: Vec<_> = (0..CLIENTS)
        .map(|id| {
            tokio::spawn(async move {
                let socket = TcpStream::connect(addr).await.unwrap();
                let (read_half, write_half) = socket.into_split();
                let mut writer = AsyncStreamWriter::new(write_half, framer());
                let events: Vec<Event> = (0..EVENTS)
                    .map(|seq| event(id, seq, (seq % 64) as usize))
                    .collect();
                for chunk in events.chunks(100) {
                    writer.write_batch(chunk).await.unwrap();
                    tokio::task::yield_now().await;
                }
                writer.shutdown().await.unwrap();
                let mut reader = AsyncStreamReader::<String, _, _>::new(read_half, deframer());
                let reply = reader.read_owned().await.unwrap().unwrap();
                assert_eq!(reply, format!("client {id} sent {EVENTS}"));
                assert!(reader.read().await.unwrap().is_none(), "then a clean end");
            })
        })
        .collect();

    timeout(LIMIT, async {
        for client in clients {
            client.await.unwrap();
        }
        assert_eq!(server.await.unwrap(), u64::from(CLIENTS) * EVENTS);
    })
    .await
    .expect("clients and server finish in time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn slow_reader_applies_backpressure_to_the_writer() {
    const EVENTS: u64 = 512;
    const BLOB: usize = 16 * 1024; // 8 MiB in all, far beyond the socket buffers
    let socket = TcpSocket::new_v4().unwrap();
    socket.set_recv_buffer_size(32 * 1024).unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(16).unwrap();
    let addr = listener.local_addr().unwrap();

    let written = Arc::new(AtomicU64::new(0));
    let writer_task = {
        let written = Arc::clone(&written);
        tokio::spawn(async move {
            let socket = TcpSocket::new_v4().unwrap();
            socket.set_send_buffer_size(32 * 1024).unwrap();
            let stream = socket.connect(addr).await.unwrap();
            let mut writer = AsyncStreamWriter::new(stream, framer());
            for seq in 0..EVENTS {
                writer.write(&event(0, seq, BLOB)).await.unwrap();
                written.store(seq + 1, Ordering::SeqCst);
            }
            writer.shutdown().await.unwrap();
        })
    };
    let (stream, _) = timeout(LIMIT, listener.accept()).await.unwrap().unwrap();

    // Nobody reads yet: the writer must stall, not buffer the stream.
    tokio::time::sleep(Duration::from_millis(300)).await;
    let stalled_at = written.load(Ordering::SeqCst);
    tokio::time::sleep(Duration::from_millis(200)).await;
    assert_eq!(written.load(Ordering::SeqCst), stalled_at, "writer waits");
    assert!(
        stalled_at < EVENTS / 4,
        "only what the socket buffers hold was written: {stalled_at} of {EVENTS}"
    );
    println!("writer stalled after {stalled_at} of {EVENTS} events");
    assert!(!writer_task.is_finished());

    // Reading releases it; everything arrives, in order.
    let mut reader = AsyncStreamReader::<Event, _, _>::new(stream, deframer());
    let read_all = async {
        let mut seq = 0;
        while let Some(view) = reader.read().await.unwrap() {
            assert_eq!(view.timestamp(), seq);
            assert_eq!(view.payload().len(), BLOB);
            seq += 1;
        }
        seq
    };
    let read = timeout(LIMIT, read_all).await.expect("reader finishes");
    assert_eq!(read, EVENTS);
    timeout(LIMIT, writer_task).await.unwrap().unwrap();
}

/// Writes `whole` intact events, then the first half of one more, then
/// closes the connection (FIN) or resets it (RST).
async fn die_mid_frame(addr: std::net::SocketAddr, whole: u64, reset: bool) {
    let stream = TcpStream::connect(addr).await.unwrap();
    let mut writer = AsyncStreamWriter::new(stream, ChecksumFramer::new(Crc32::new()));
    for seq in 0..whole {
        writer.write(&event(7, seq, 100)).await.unwrap();
    }
    let mut frame = flatstream::StreamWriter::new(Vec::new(), ChecksumFramer::new(Crc32::new()));
    frame.write(&event(7, whole, 100)).unwrap();
    let frame = frame.into_inner();
    let mut stream = writer.into_inner();
    stream.write_all(&frame[..frame.len() / 2]).await.unwrap();
    stream.flush().await.unwrap();
    if reset {
        // Give the server time to receive the intact frames first.
        tokio::time::sleep(Duration::from_millis(100)).await;
        stream.set_zero_linger().unwrap();
    }
    drop(stream);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn client_dying_mid_frame_is_an_error_after_the_intact_frames() {
    let (listener, addr) = listener().await;
    timeout(LIMIT, async {
        // Closed mid-frame: every intact frame, then UnexpectedEof, never a
        // half message.
        let client = tokio::spawn(die_mid_frame(addr, 10, false));
        let (stream, _) = listener.accept().await.unwrap();
        let mut reader =
            AsyncStreamReader::<Event, _, _>::new(stream, ChecksumDeframer::new(Crc32::new()));
        for seq in 0..10 {
            assert_eq!(reader.read().await.unwrap().unwrap().timestamp(), seq);
        }
        let err = reader.read().await.unwrap_err();
        assert!(matches!(err, Error::UnexpectedEof), "{err}");
        assert!(!AsyncStreamReader::buffered(&reader).is_empty(), "the torn half is kept, not read");
        client.await.unwrap();

        // Reset mid-frame: an I/O error or a torn tail, and the server
        // goes on serving the next client.
        let client = tokio::spawn(die_mid_frame(addr, 3, true));
        let (stream, _) = listener.accept().await.unwrap();
        let mut reader =
            AsyncStreamReader::<Event, _, _>::new(stream, ChecksumDeframer::new(Crc32::new()));
        let mut seq = 0;
        let err = loop {
            match reader.read().await {
                Ok(Some(view)) => {
                    assert_eq!(view.timestamp(), seq);
                    seq += 1;
                }
                Ok(None) => panic!("a reset is never a clean end"),
                Err(err) => break err,
            }
        };
        assert!(seq <= 3);
        assert!(
            matches!(&err, Error::UnexpectedEof)
                || matches!(&err, Error::Io(io) if io.kind() == std::io::ErrorKind::ConnectionReset),
            "{err}"
        );
        client.await.unwrap();

        // The next client is served normally.
        let client = tokio::spawn(async move {
            let stream = TcpStream::connect(addr).await.unwrap();
            let mut writer = AsyncStreamWriter::new(stream, ChecksumFramer::new(Crc32::new()));
            writer.write(&event(8, 0, 1)).await.unwrap();
            writer.shutdown().await.unwrap();
        });
        let (stream, _) = listener.accept().await.unwrap();
        let mut reader =
            AsyncStreamReader::<Event, _, _>::new(stream, ChecksumDeframer::new(Crc32::new()));
        assert_eq!(reader.read_owned().await.unwrap(), Some(event(8, 0, 1)));
        assert!(reader.read().await.unwrap().is_none());
        client.await.unwrap();
    })
    .await
    .expect("finishes in time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn frame_over_the_limit_is_refused_from_its_header() {
    const MAX: usize = 64 * 1024;
    let (listener, addr) = listener().await;
    timeout(LIMIT, async {
        let (done, wait) = tokio::sync::oneshot::channel::<()>();
        let client = tokio::spawn(async move {
            let stream = TcpStream::connect(addr).await.unwrap();
            let mut writer = AsyncStreamWriter::new(stream, framer());
            writer.write(&event(1, 0, 10)).await.unwrap();
            let offset = writer.bytes_written();
            // A frame just over the limit, sent in full.
            writer.write(&event(1, 1, MAX)).await.unwrap();
            // Then a header claiming 4 GiB, with nothing behind it; the
            // connection stays open so only the header can be judged.
            let mut stream = writer.into_inner();
            let mut header = Vec::new();
            header.put_u32_le(u32::MAX);
            header.put_u64_le(0);
            stream.write_all(&header).await.unwrap();
            stream.flush().await.unwrap();
            let _ = wait.await;
            offset
        });
        let (stream, _) = listener.accept().await.unwrap();
        let mut reader =
            AsyncStreamReader::<Event, _, _>::new(stream, deframer().with_max_frame_len(MAX));
        assert_eq!(reader.read().await.unwrap().unwrap().timestamp(), 0);
        let err = reader.read().await.unwrap_err();
        assert!(matches!(err, Error::InvalidFrame { .. }), "{err}");
        let first_bad = reader.position();
        assert_eq!(err.offset(), Some(first_bad));
        assert!(err.to_string().contains("limit"), "{err}");
        // In recovery mode the reader skips both oversized claims; the
        // connection is still open, so it waits for more (the timeout
        // below proves it did not try to buffer 4 GiB first).
        reader.set_recovery(Recovery::SkipCorrupted);
        let waited = timeout(Duration::from_millis(500), reader.read()).await;
        assert!(waited.is_err(), "no intact frame follows yet");
        assert!(AsyncStreamReader::buffered(&reader).len() < 4 * MAX);
        done.send(()).unwrap();
        assert_eq!(client.await.unwrap(), first_bad);
    })
    .await
    .expect("finishes in time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn framed_codec_hands_out_owned_verified_messages() {
    const CLIENTS: u32 = 4;
    const EVENTS: u64 = 500;
    let (listener, addr) = listener().await;
    let (sender, mut received) = tokio::sync::mpsc::channel::<Message<Event>>(64);

    let server = tokio::spawn(async move {
        let mut connections = Vec::new();
        for _ in 0..CLIENTS {
            let (stream, _) = listener.accept().await.unwrap();
            let sender = sender.clone();
            connections.push(tokio::spawn(async move {
                let mut frames =
                    FramedRead::new(stream, StreamCodec::<Event, _>::new(Crc32::new()));
                while let Some(message) = frames.next().await {
                    // Owned: it can leave this task and outlive the buffer.
                    sender.send(message.unwrap()).await.unwrap();
                }
            }));
        }
        for connection in connections {
            connection.await.unwrap();
        }
    });

    for id in 0..CLIENTS {
        tokio::spawn(async move {
            let stream = TcpStream::connect(addr).await.unwrap();
            let mut sink = FramedWrite::new(stream, StreamCodec::<Event, _>::new(Crc32::new()));
            for seq in 0..EVENTS {
                sink.feed(&event(id, seq, 32)).await.unwrap();
            }
            SinkExt::<&Event>::flush(&mut sink).await.unwrap();
        });
    }

    timeout(LIMIT, async {
        let mut next_seq = vec![0u64; CLIENTS as usize];
        for _ in 0..u64::from(CLIENTS) * EVENTS {
            let message = received.recv().await.unwrap();
            let view = message.view();
            let client = client_of(view);
            assert_eq!(view.timestamp(), next_seq[client as usize]);
            next_seq[client as usize] += 1;
            assert_eq!(message.decode(), event(client, view.timestamp(), 32));
        }
        server.await.unwrap();
        assert!(next_seq.iter().all(|&n| n == EVENTS));
    })
    .await
    .expect("finishes in time");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn framed_codec_refuses_a_frame_over_the_limit_and_a_torn_tail() {
    let (listener, addr) = listener().await;
    timeout(LIMIT, async {
        let client = tokio::spawn(async move {
            let stream = TcpStream::connect(addr).await.unwrap();
            let mut sink = FramedWrite::new(stream, StreamCodec::<Event, _>::new(Crc32::new()));
            sink.send(&event(2, 0, 8)).await.unwrap();
            sink.send(&event(2, 1, 4096)).await.unwrap();
        });
        let (stream, _) = listener.accept().await.unwrap();
        let codec = StreamCodec::<Event, _>::new(Crc32::new()).with_max_frame_len(1024);
        let mut frames = FramedRead::new(stream, codec);
        assert_eq!(frames.next().await.unwrap().unwrap().view().timestamp(), 0);
        let err = frames.next().await.unwrap().unwrap_err();
        assert!(matches!(err, Error::InvalidFrame { .. }), "{err}");
        assert!(err.offset().unwrap() > 0);
        client.await.unwrap();

        // A client that closes inside a frame: UnexpectedEof.
        let client = tokio::spawn(die_mid_frame(addr, 2, false));
        let (stream, _) = listener.accept().await.unwrap();
        let mut frames = FramedRead::new(stream, StreamCodec::<Event, _>::new(Crc32::new()));
        for seq in 0..2 {
            assert_eq!(
                frames.next().await.unwrap().unwrap().view().timestamp(),
                seq
            );
        }
        let err = frames.next().await.unwrap().unwrap_err();
        assert!(matches!(err, Error::UnexpectedEof), "{err}");
        client.await.unwrap();
    })
    .await
    .expect("finishes in time");
}
