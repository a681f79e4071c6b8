//! [`StreamWriter`]: serializes messages and writes them as frames.

use std::fmt;
use std::fs::{File, OpenOptions};
use std::io::{BufWriter, Seek, SeekFrom, Write};
use std::marker::PhantomData;
use std::path::Path;

use crate::decode::Recovery;
use crate::error::Result;
use crate::framing::{Deframer, Framer};
use crate::header::StreamHeader;
use crate::reader::FrameReader;
use crate::schema::Schema;
use crate::serialize::StreamSerialize;
#[cfg(test)]
use crate::sink::CONTIGUOUS_FRAME_LEN;
use crate::sink::{writer_accessors, FrameSink};

/// `new` and `with_builder` of a writer whose `sink` is a [`FrameSink`]:
/// written once for the blocking and async writers.
macro_rules! writer_constructors {
    ($writer:ident) => {
        /// A writer of frames made by `framer` to `writer`.
        pub fn new(writer: W, framer: F) -> Self {
            Self::with_message_builder(writer, framer, crate::encode::MessageBuilder::default())
        }

        /// A writer that lays out every message as `builder` does (one
        /// made with `force_defaults`, say): a hand-written
        /// [`StreamSerialize`](crate::StreamSerialize) is handed `builder`
        /// itself, and derived types are written by flatstream's own
        /// encoder set as `builder` is (its `force_defaults`), which lays
        /// out the same bytes, faster.
        ///
        /// [`new`](Self::new) is the same with a `FlatBufferBuilder::new()`.
        pub fn with_builder(
            writer: W,
            framer: F,
            builder: ::flatbuffers::FlatBufferBuilder<'static>,
        ) -> Self {
            let builder = crate::encode::MessageBuilder::with_builder(builder);
            Self::with_message_builder(writer, framer, builder)
        }

        /// A writer, and the payload of the header `header` makes from
        /// `T`'s and the framer's, for the caller to write first.
        fn with_header_payload(
            writer: W,
            framer: F,
            header: impl FnOnce(crate::StreamHeader) -> crate::StreamHeader,
        ) -> (Self, Vec<u8>)
        where
            T: crate::schema::Schema,
        {
            let stream = Self::new(writer, framer);
            let header = header(crate::StreamHeader::of::<T>(
                stream.framer().checksum_name(),
            ));
            (stream, header.to_payload())
        }

        fn with_message_builder(
            writer: W,
            framer: F,
            builder: crate::encode::MessageBuilder,
        ) -> Self {
            $writer {
                sink: crate::sink::FrameSink::new(writer, framer, builder),
                _message: ::core::marker::PhantomData,
            }
        }
    };
}
#[cfg(feature = "tokio")]
pub(crate) use writer_constructors;

/// Writes a stream of `T` messages to `W`, framed by `F`.
///
/// Derived types are serialized by flatstream's own encoder, which lays out
/// the bytes `FlatBufferBuilder` would, faster, and leaves room in front of
/// the payload for the frame header; other [`StreamSerialize`]
/// implementations get a reused `FlatBufferBuilder`. The writer reuses both
/// and one scratch buffer, so writing allocates nothing once they have
/// grown to the largest message. Each frame of up to 256 KiB reaches `W` in
/// a single `write_all` (header and payload contiguous), so a failing
/// `BufWriter` flush never leaves half a header behind.
///
/// `T` is fixed by the first write (or by annotation); it may be unsized
/// (`StreamWriter<str, _, _>`).
///
/// # Examples
///
/// ```
/// use flatstream::{checksum::XxHash64, framing::ChecksumFramer, StreamWriter};
///
/// let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(XxHash64::new()));
/// writer.write(&"first event")?;
/// writer.write_batch(&["second", "third"])?;
/// writer.flush()?;
/// let bytes: Vec<u8> = writer.into_inner();
/// assert!(!bytes.is_empty());
/// # Ok::<(), flatstream::Error>(())
/// ```
pub struct StreamWriter<T: ?Sized, W, F> {
    sink: FrameSink<W, F>,
    _message: PhantomData<fn(&T)>,
}

impl<T: ?Sized, W: Write, F: Framer> StreamWriter<T, W, F> {
    writer_constructors!(StreamWriter);

    /// Serializes `message` and writes it as one frame.
    ///
    /// # Errors
    ///
    /// What `message`'s serialization reports, [`Error::InvalidFrame`] if
    /// the payload cannot be framed (empty, or over `u32::MAX` bytes), and
    /// [`Error::Io`] if the underlying writer fails.
    ///
    /// [`Error::InvalidFrame`]: crate::Error::InvalidFrame
    /// [`Error::Io`]: crate::Error::Io
    pub fn write(&mut self, message: &T) -> Result<()>
    where
        T: StreamSerialize,
    {
        self.sink.write(message)
    }

    /// Writes an already finished FlatBuffer as one frame, as is.
    ///
    /// Useful to copy frames between streams, or for buffers built by hand.
    ///
    /// # Errors
    ///
    /// As [`write`](Self::write).
    pub fn write_payload(&mut self, payload: &[u8]) -> Result<()> {
        self.sink.write_payload(payload)
    }

    /// Flushes the underlying writer.
    ///
    /// # Errors
    ///
    /// [`Error::Io`](crate::Error::Io) if the flush fails.
    pub fn flush(&mut self) -> Result<()> {
        self.sink.writer.flush()?;
        Ok(())
    }
}

/// Self-describing streams.
impl<T: Schema + ?Sized, W: Write, F: Framer> StreamWriter<T, W, F> {
    /// A writer whose stream starts with a [`StreamHeader`]: the checksum
    /// kind, `T`'s root type and its `.fbs` schema, written at once as the
    /// first frame. Typed readers check it against their type; tools such
    /// as `flatstream cat` read the stream without being told what it
    /// holds.
    ///
    /// # Errors
    ///
    /// [`Error::Io`](crate::Error::Io) when writing the header fails.
    ///
    /// # Examples
    ///
    /// ```
    /// use flatstream::{checksum::Crc32, framing::*, StreamReader, StreamSerialize, StreamWriter};
    ///
    /// #[derive(StreamSerialize, Debug, Clone, PartialEq)]
    /// pub struct Ping { pub seq: u32 }
    ///
    /// let mut writer = StreamWriter::<Ping, _, _>::with_header(Vec::new(), ChecksumFramer::new(Crc32::new()))?;
    /// writer.write(&Ping { seq: 1 })?;
    /// let bytes = writer.into_inner();
    ///
    /// let mut reader = StreamReader::<Ping, _, _>::new(&bytes[..], ChecksumDeframer::new(Crc32::new()));
    /// assert_eq!(reader.read()?.map(|ping| ping.seq()), Some(1));
    /// let header = reader.header().expect("a self-describing stream");
    /// assert_eq!((header.root_type.as_str(), header.checksum.as_str()), ("Ping", "crc32"));
    /// # Ok::<(), flatstream::Error>(())
    /// ```
    pub fn with_header(writer: W, framer: F) -> Result<Self> {
        Self::with_header_from(writer, framer, |header| header)
    }

    /// A writer whose stream starts with `header`, as made by `header`
    /// from `T`'s and the framer's (the layers add their fields).
    pub(crate) fn with_header_from(
        writer: W,
        framer: F,
        header: impl FnOnce(StreamHeader) -> StreamHeader,
    ) -> Result<Self> {
        let (mut stream, header) = Self::with_header_payload(writer, framer, header);
        stream.sink.write_header_frame(&header)?;
        Ok(stream)
    }
}

impl<T: Schema + ?Sized, F: Framer> StreamWriter<T, BufWriter<File>, F> {
    /// Creates (or truncates) the file at `path` and starts a
    /// self-describing stream in it (see [`with_header`](Self::with_header)),
    /// buffered.
    ///
    /// # Errors
    ///
    /// [`Error::Io`](crate::Error::Io) when the file cannot be created or
    /// the header written.
    pub fn create(path: impl AsRef<Path>, framer: F) -> Result<Self> {
        Self::with_header(BufWriter::new(File::create(path)?), framer)
    }
}

/// What [`StreamWriter::append`] found in the existing file.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
#[non_exhaustive]
pub struct AppendReport {
    /// Intact frames already in the file.
    pub frames: u64,
    /// Length of the file kept: the end of its last intact frame.
    pub kept_bytes: u64,
    /// Bytes cut off the end: a torn or zeroed tail.
    pub truncated_bytes: u64,
    /// Damaged regions found (and left in place) between intact frames.
    pub damaged_regions: u64,
}

impl<T: ?Sized, F: Framer> StreamWriter<T, BufWriter<File>, F> {
    /// Opens the stream at `path` for appending, creating it if needed.
    ///
    /// The existing file is scanned with `deframer` (which must match
    /// `framer`) in [`Recovery::SkipCorrupted`] mode to find the end of its
    /// last intact frame. Whatever follows — a frame torn by a crash, a
    /// zeroed tail left by a file system — is truncated away, so new frames
    /// continue a readable stream. Damaged regions between intact frames
    /// are left in place for a skipping reader to pass over.
    ///
    /// Without a checksum only the length fields delimit frames, and the
    /// bytes of a torn frame can happen to look like a shorter frame: use
    /// a checksum for logs that must survive crashes.
    ///
    /// # Errors
    ///
    /// [`Error::Io`](crate::Error::Io) when the file cannot be opened,
    /// read, truncated or positioned.
    ///
    /// # Examples
    ///
    /// ```
    /// use flatstream::{checksum::Crc32, framing::*, StreamWriter};
    ///
    /// let dir = std::env::temp_dir().join(format!("flatstream-append-doc-{}", std::process::id()));
    /// std::fs::create_dir_all(&dir)?;
    /// let path = dir.join("log.bin");
    /// let _ = std::fs::remove_file(&path);
    ///
    /// let (mut writer, report) =
    ///     StreamWriter::<&str, _, _>::append(&path, ChecksumFramer::new(Crc32::new()), ChecksumDeframer::new(Crc32::new()))?;
    /// assert_eq!(report.frames, 0);
    /// writer.write(&"first")?;
    /// writer.sync()?;
    /// drop(writer);
    ///
    /// // A crash left half a frame behind.
    /// let mut bytes = std::fs::read(&path)?;
    /// let kept = bytes.len() as u64;
    /// bytes.extend_from_slice(&[9, 0, 0, 0, 1, 2]);
    /// std::fs::write(&path, &bytes)?;
    ///
    /// let (mut writer, report) =
    ///     StreamWriter::<&str, _, _>::append(&path, ChecksumFramer::new(Crc32::new()), ChecksumDeframer::new(Crc32::new()))?;
    /// assert_eq!((report.frames, report.kept_bytes, report.truncated_bytes), (1, kept, 6));
    /// writer.write(&"second")?;
    /// writer.sync()?;
    /// # std::fs::remove_dir_all(&dir)?;
    /// # Ok::<(), flatstream::Error>(())
    /// ```
    pub fn append<D: Deframer>(
        path: impl AsRef<Path>,
        framer: F,
        deframer: D,
    ) -> Result<(Self, AppendReport)> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        let file_len = file.metadata()?.len();
        let mut scanner =
            FrameReader::new(&mut file, deframer).with_recovery(Recovery::SkipCorrupted);
        let mut report = AppendReport::default();
        while scanner.read_message()?.is_some() {
            report.frames += 1;
            report.kept_bytes = scanner.position();
        }
        let damaged = scanner.stats().skipped_regions;
        // A damaged tail is one of the regions found; the others stay.
        report.truncated_bytes = file_len - report.kept_bytes;
        report.damaged_regions = damaged - u64::from(report.truncated_bytes > 0);
        drop(scanner);
        if report.truncated_bytes > 0 {
            file.set_len(report.kept_bytes)?;
            file.sync_data()?;
        }
        file.seek(SeekFrom::Start(report.kept_bytes))?;
        let writer = Self::new(BufWriter::new(file), framer);
        Ok((writer, report))
    }

    /// Flushes buffered frames and asks the OS to put the file's data on
    /// disk (`File::sync_data`). After it returns, the frames written so
    /// far survive a crash.
    ///
    /// # Errors
    ///
    /// [`Error::Io`](crate::Error::Io) when the flush or the sync fails.
    pub fn sync(&mut self) -> Result<()> {
        self.sink.writer.flush()?;
        self.sink.writer.get_ref().sync_data()?;
        Ok(())
    }
}

impl<T: ?Sized, F: Framer> StreamWriter<T, File, F> {
    /// Asks the OS to put the file's data on disk (`File::sync_data`).
    ///
    /// # Errors
    ///
    /// [`Error::Io`](crate::Error::Io) when the sync fails.
    pub fn sync(&mut self) -> Result<()> {
        self.sink.writer.sync_data()?;
        Ok(())
    }
}

impl<T, W: Write, F: Framer> StreamWriter<T, W, F> {
    /// Writes every message of `messages`, in order.
    ///
    /// # Errors
    ///
    /// As [`write`](Self::write); messages before the failing one have been
    /// written.
    pub fn write_batch(&mut self, messages: &[T]) -> Result<()>
    where
        T: StreamSerialize,
    {
        messages.iter().try_for_each(|message| self.write(message))
    }
}

impl<T: ?Sized, W, F> StreamWriter<T, W, F> {
    writer_accessors!(sink);
}

/// An in-memory stream that can be emptied.
impl<T: ?Sized, F> StreamWriter<T, Vec<u8>, F> {
    /// Empties the buffer written to, for instance after sending its
    /// frames, and starts the counters again from zero.
    ///
    /// # Examples
    ///
    /// ```
    /// use flatstream::{framing::DefaultFramer, StreamWriter};
    ///
    /// let mut writer = StreamWriter::new(Vec::new(), DefaultFramer);
    /// writer.write(&"batch one")?;
    /// writer.clear();
    /// assert_eq!((writer.messages_written(), writer.bytes_written()), (0, 0));
    /// writer.write(&"batch two")?;
    /// assert_eq!(writer.bytes_written(), writer.get_ref().len() as u64);
    /// # Ok::<(), flatstream::Error>(())
    /// ```
    pub fn clear(&mut self) {
        self.sink.writer.clear();
        self.sink.messages = 0;
        self.sink.bytes = 0;
    }
}

impl<T: ?Sized, W: fmt::Debug, F: fmt::Debug> fmt::Debug for StreamWriter<T, W, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.sink.debug("StreamWriter", f)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::framing::DefaultFramer;

    /// A writer that records the size of each `write` call.
    #[derive(Default)]
    struct CallRecorder {
        calls: Vec<usize>,
        data: Vec<u8>,
    }

    impl Write for CallRecorder {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.calls.push(buf.len());
            self.data.extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn each_small_frame_is_one_write_call() {
        let mut writer = StreamWriter::new(CallRecorder::default(), DefaultFramer);
        writer.write("hello").unwrap();
        writer.write("world!").unwrap();
        let recorder = writer.into_inner();
        assert_eq!(recorder.calls.len(), 2);
        assert_eq!(recorder.calls.iter().sum::<usize>(), recorder.data.len());
    }

    #[test]
    fn counts_messages_and_bytes() {
        let mut writer = StreamWriter::new(Vec::new(), DefaultFramer);
        writer.write_batch(&["a", "bb", "ccc"]).unwrap();
        let big = "x".repeat(CONTIGUOUS_FRAME_LEN + 10);
        writer.write(&big.as_str()).unwrap();
        assert_eq!(writer.messages_written(), 4);
        assert_eq!(writer.bytes_written(), writer.get_ref().len() as u64);
    }

    #[test]
    fn write_payload_refuses_empty() {
        let mut writer = StreamWriter::<str, _, _>::new(Vec::new(), DefaultFramer);
        assert!(writer.write_payload(&[]).is_err());
        assert_eq!(writer.messages_written(), 0);
        assert!(writer.get_ref().is_empty());
    }

    /// A writer that takes `room` bytes, at most `chunk` per call, then
    /// fails.
    struct Filling {
        data: Vec<u8>,
        room: usize,
        chunk: usize,
    }

    impl Write for Filling {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            let n = buf.len().min(self.chunk).min(self.room - self.data.len());
            if n == 0 {
                return Err(std::io::Error::other("disk full"));
            }
            self.data.extend_from_slice(&buf[..n]);
            Ok(n)
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn a_failed_write_counts_the_bytes_the_writer_took() {
        let big = "y".repeat(CONTIGUOUS_FRAME_LEN + 100);
        for message in ["a small message", big.as_str()] {
            for room in [0, 3, 4, 9, 30, 5000] {
                let filling = Filling {
                    data: Vec::new(),
                    room,
                    chunk: 7,
                };
                let mut writer = StreamWriter::new(filling, DefaultFramer);
                let _ = writer.write(&message);
                let _ = writer.write(&message);
                assert_eq!(writer.bytes_written(), writer.get_ref().data.len() as u64);
            }
        }
    }

    #[test]
    fn reset_and_clear_keep_the_counters_true() {
        let mut writer = StreamWriter::new(Vec::new(), DefaultFramer);
        writer.write_batch(&["one", "two"]).unwrap();
        let first = writer.reset(Vec::new());
        assert!(!first.is_empty());
        assert_eq!((writer.messages_written(), writer.bytes_written()), (0, 0));
        writer.write(&"three").unwrap();
        assert_eq!(writer.messages_written(), 1);
        assert_eq!(writer.bytes_written(), writer.get_ref().len() as u64);
        writer.clear();
        assert!(writer.get_ref().is_empty());
        assert_eq!((writer.messages_written(), writer.bytes_written()), (0, 0));
        writer.write(&"four").unwrap();
        assert_eq!(writer.bytes_written(), writer.get_ref().len() as u64);
    }
}
