//! Streams of string messages: writing them with any checksum, knowing
//! where each frame starts, and reading them back whole or until the first
//! error, through `StreamReader` or `SliceReader`, in either recovery mode.

use std::io::{self, Read};

use flatstream::checksum::Checksum;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{
    Error, FrameReader, ReadStats, Recovery, SliceReader, StreamReader, StreamSerialize,
    StreamWriter,
};

/// Runs `$body` once per checksum algorithm, with `$c` bound to an instance
/// (the caller's `flatstream` needs every checksum feature).
#[macro_export]
macro_rules! for_each_checksum {
    (|$c:ident| $body:block) => {{
        $crate::for_each_checksum!(@each $c $body;
            NoChecksum Crc16 Crc32 Crc64 XxHash64)
    }};
    (@each $c:ident $body:block; $($algorithm:ident)*) => {{
        $({
            let $c = ::flatstream::checksum::$algorithm::new();
            $body
        })*
    }};
}

/// Deterministic messages of varied lengths (0..=max_len bytes of text).
pub fn messages(count: usize, max_len: usize) -> Vec<String> {
    let mut rng = crate::Rng(0x9e37_79b9_7f4a_7c15);
    (0..count)
        .map(|i| {
            let len = (rng.next_u64() as usize) % (max_len + 1);
            let c = char::from(b'a' + (i % 26) as u8);
            format!("{i}:{}", c.to_string().repeat(len))
        })
        .collect()
}

/// Bytes the checksum `c` takes in each frame header.
pub fn wire_size<C: Checksum>(_: &C) -> usize {
    C::SIZE
}

/// Writes `values` as a stream framed with `checksum`.
pub fn write_stream<C: Checksum + Copy, T: StreamSerialize>(checksum: C, values: &[T]) -> Vec<u8> {
    let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(checksum));
    writer.write_batch(values).unwrap();
    writer.flush().unwrap();
    writer.into_inner()
}

/// The FlatBuffer `value` serializes to, as a `FlatBufferBuilder` finishes
/// it.
pub fn payload_of<T: StreamSerialize + ?Sized>(value: &T) -> Vec<u8> {
    payload_with(value, false)
}

/// [`payload_of`], with the builder's `force_defaults` set as given.
fn payload_with<T: StreamSerialize + ?Sized>(value: &T, force_defaults: bool) -> Vec<u8> {
    let mut builder = flatstream::flatbuffers::FlatBufferBuilder::new();
    builder.force_defaults(force_defaults);
    value
        .serialize(&mut builder)
        .expect("derived serialization never fails");
    builder.finished_data().to_vec()
}

/// Writes `values` with a `StreamWriter` (flatstream's encoder) and checks
/// that each frame's payload is byte for byte what `serialize` builds with
/// `FlatBufferBuilder` ([`payload_of`]); then the same with a writer made
/// `with_builder` a builder that forces defaults, against that builder.
pub fn assert_writer_matches_builder<T: StreamSerialize>(values: &[T]) {
    for force_defaults in [false, true] {
        let framer = flatstream::framing::DefaultFramer;
        let mut writer = if force_defaults {
            let mut builder = flatstream::flatbuffers::FlatBufferBuilder::new();
            builder.force_defaults(true);
            StreamWriter::with_builder(Vec::new(), framer, builder)
        } else {
            StreamWriter::new(Vec::new(), framer)
        };
        writer.write_batch(values).unwrap();
        let stream = writer.into_inner();
        let mut rest = &stream[..];
        for (index, value) in values.iter().enumerate() {
            let len = u32::from_le_bytes(rest[..4].try_into().unwrap()) as usize;
            assert_eq!(
                rest[4..4 + len],
                payload_with(value, force_defaults),
                "message {index} differs (force_defaults: {force_defaults})"
            );
            rest = &rest[4 + len..];
        }
        assert!(rest.is_empty());
    }
}

/// Byte offset of each frame in a stream of `messages` framed with `C`.
pub fn frame_offsets<C: Checksum>(messages: &[String]) -> Vec<usize> {
    let mut offsets = Vec::with_capacity(messages.len() + 1);
    let mut at = 0;
    for message in messages {
        offsets.push(at);
        at += 4 + C::SIZE + payload_len(message);
    }
    offsets.push(at);
    offsets
}

/// Length of the FlatBuffer a string message serializes to.
pub fn payload_len(message: &str) -> usize {
    payload_of(message).len()
}

/// Reads every view of a stream until the end or the first error, copying
/// the texts out. Returns them and the error, if any.
pub fn read_all<C: Checksum + Copy, R: Read>(
    checksum: C,
    reader: R,
) -> (Vec<String>, Option<Error>) {
    let outcome = read_stream(checksum, reader, Recovery::Strict);
    (outcome.texts, outcome.error)
}

/// What a reader gave before the end or its first error.
#[derive(Debug)]
pub struct Outcome {
    /// The messages read, copied out.
    pub texts: Vec<String>,
    /// The error that stopped the reading, if any.
    pub error: Option<Error>,
    /// The reader's statistics when it stopped.
    pub stats: ReadStats,
}

impl Outcome {
    /// The outcome with the error as its message, for comparing two
    /// readers.
    pub fn comparable(&self) -> (&[String], Option<String>, &ReadStats) {
        let error = self.error.as_ref().map(ToString::to_string);
        (&self.texts, error, &self.stats)
    }
}

/// Reads `reader` as a stream of strings with `StreamReader` in `recovery`
/// mode, until the end or the first error.
pub fn read_stream<C: Checksum + Copy, R: Read>(
    checksum: C,
    reader: R,
    recovery: Recovery,
) -> Outcome {
    let mut reader = StreamReader::<String, _, _>::new(reader, ChecksumDeframer::new(checksum))
        .with_recovery(recovery);
    let (texts, error) = drain(|| reader.read().map(|text| text.map(str::to_owned)));
    let stats = reader.stats().clone();
    Outcome {
        texts,
        error,
        stats,
    }
}

/// The same as [`read_stream`], through `SliceReader`.
pub fn read_slice<C: Checksum + Copy>(checksum: C, bytes: &[u8], recovery: Recovery) -> Outcome {
    let mut reader = SliceReader::<String, _>::new(bytes, ChecksumDeframer::new(checksum))
        .with_recovery(recovery);
    let (texts, error) = drain(|| reader.read().map(|text| text.map(str::to_owned)));
    Outcome {
        texts,
        error,
        stats: reader.stats().clone(),
    }
}

/// Calls `next` until it gives `None` or an error: what it gave, and the
/// error.
pub fn drain<T>(mut next: impl FnMut() -> Result<Option<T>, Error>) -> (Vec<T>, Option<Error>) {
    let mut items = Vec::new();
    loop {
        match next() {
            Ok(Some(item)) => items.push(item),
            Ok(None) => return (items, None),
            Err(err) => return (items, Some(err)),
        }
    }
}

/// Reads raw payloads (any bytes, no verification) until the end or the
/// first error; returns how many and the error.
pub fn count_payloads<C: Checksum + Copy>(
    checksum: C,
    bytes: &[u8],
    recovery: Recovery,
) -> (usize, Option<Error>) {
    let mut reader =
        FrameReader::new(bytes, ChecksumDeframer::new(checksum)).with_recovery(recovery);
    let (payloads, error) = drain(|| reader.read_message().map(|payload| payload.map(|_| ())));
    (payloads.len(), error)
}

/// Reads a stream in skip mode, which must reach the end; returns the
/// texts and the reader's stats.
pub fn read_skipping<C: Checksum + Copy>(checksum: C, bytes: &[u8]) -> (Vec<String>, ReadStats) {
    let outcome = read_stream(checksum, bytes, Recovery::SkipCorrupted);
    if let Some(err) = outcome.error {
        panic!("skip mode reads to the end, but: {err}");
    }
    (outcome.texts, outcome.stats)
}

/// Each message of `sent` framed on its own, as bytes.
pub fn frames_of<C: Checksum + Copy>(checksum: C, sent: &[String]) -> Vec<Vec<u8>> {
    sent.iter()
        .map(|text| write_stream(checksum, std::slice::from_ref(text)))
        .collect()
}

/// A reader that hands out at most `chunk` bytes per call and, if asked,
/// fails with `Interrupted` before every successful read.
#[derive(Debug)]
pub struct Trickle<'a> {
    data: &'a [u8],
    chunk: usize,
    interrupt: bool,
    interrupt_next: bool,
}

impl<'a> Trickle<'a> {
    pub fn new(data: &'a [u8], chunk: usize, interrupt: bool) -> Self {
        Trickle {
            data,
            chunk,
            interrupt,
            interrupt_next: interrupt,
        }
    }
}

impl Read for Trickle<'_> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        if self.interrupt_next {
            self.interrupt_next = false;
            return Err(io::ErrorKind::Interrupted.into());
        }
        self.interrupt_next = self.interrupt;
        let n = buf.len().min(self.chunk).min(self.data.len());
        buf[..n].copy_from_slice(&self.data[..n]);
        self.data = &self.data[n..];
        Ok(n)
    }
}

/// Three frames of `size`-byte payloads (any bytes, not FlatBuffers);
/// returns the stream and the length of each frame.
pub fn raw_stream<C: Checksum + Copy>(checksum: C, size: usize) -> (Vec<u8>, usize) {
    let mut bytes = Vec::new();
    for seed in 0..3 {
        let payload: Vec<u8> = (0..size).map(|i| (i * 31 + seed * 17 + 1) as u8).collect();
        flatstream::framing::Framer::frame_and_write(
            &ChecksumFramer::new(checksum),
            &mut bytes,
            &payload,
        )
        .unwrap();
    }
    let frame_len = bytes.len() / 3;
    (bytes, frame_len)
}

/// `bytes` with bit `bit` flipped.
pub fn flip_bit(bytes: &[u8], bit: usize) -> Vec<u8> {
    let mut damaged = bytes.to_vec();
    damaged[bit / 8] ^= 1 << (bit % 8);
    damaged
}
