//! Helpers shared by the stream integration tests.
#![allow(dead_code)]

use std::io::{self, Read};

use flatstream::checksum::Checksum;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{Error, StreamReader, StreamWriter};

/// Runs `$body` once per checksum algorithm, with `$c` bound to an instance.
#[macro_export]
macro_rules! for_each_checksum {
    (|$c:ident| $body:block) => {{
        {
            let $c = flatstream::checksum::NoChecksum::new();
            $body
        }
        {
            let $c = flatstream::checksum::Crc16::new();
            $body
        }
        {
            let $c = flatstream::checksum::Crc32::new();
            $body
        }
        {
            let $c = flatstream::checksum::Crc64::new();
            $body
        }
        {
            let $c = flatstream::checksum::XxHash64::new();
            $body
        }
    }};
}

/// Deterministic messages of varied lengths (0..=max_len bytes of text).
pub fn messages(count: usize, max_len: usize) -> Vec<String> {
    let mut state = 0x9e37_79b9_7f4a_7c15u64;
    (0..count)
        .map(|i| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let len = (state as usize) % (max_len + 1);
            let c = char::from(b'a' + (i % 26) as u8);
            format!("{i}:{}", c.to_string().repeat(len))
        })
        .collect()
}

/// Bytes the checksum `c` takes in each frame header.
pub fn wire_size<C: Checksum>(_: &C) -> usize {
    C::SIZE
}

/// Writes `messages` as a stream framed with `checksum`.
pub fn write_stream<C: Checksum + Copy>(checksum: C, messages: &[String]) -> Vec<u8> {
    let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(checksum));
    writer.write_batch(messages).unwrap();
    writer.flush().unwrap();
    writer.into_inner()
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
    let mut builder = flatbuffers::FlatBufferBuilder::new();
    flatstream::StreamSerialize::serialize(message, &mut builder).unwrap();
    builder.finished_data().len()
}

/// Reads every view of a stream until the end or the first error, copying
/// the texts out. Returns them and the error, if any.
pub fn read_all<C: Checksum + Copy, R: Read>(
    checksum: C,
    reader: R,
) -> (Vec<String>, Option<Error>) {
    let mut reader = StreamReader::<String, _, _>::new(reader, ChecksumDeframer::new(checksum));
    let mut texts = Vec::new();
    loop {
        match reader.read() {
            Ok(Some(text)) => texts.push(text.to_owned()),
            Ok(None) => return (texts, None),
            Err(err) => return (texts, Some(err)),
        }
    }
}

/// A reader that hands out at most `chunk` bytes per call and, if asked,
/// fails with `Interrupted` before every successful read.
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
