//! `flatstream`: look inside flatstream files from the shell.
//!
//! - `flatstream inspect FILE` — a line per frame: index, offset, length,
//!   checksum status (`--json` for one JSON object per line); exit status
//!   1 when it found damage;
//! - `flatstream verify FILE` — exit status 0 only if every frame is
//!   intact, else 1 with the first bad offset;
//! - `flatstream recover IN OUT` — copies every intact frame to a new file;
//! - `flatstream stats FILE` — counts, a size histogram, throughput;
//! - `flatstream cat FILE --schema S.fbs [--root-type T]` — every message
//!   as one line of JSON, as `flatc --json` prints it (`--frames A..B`
//!   selects frames by index, `--offsets` wraps each message as
//!   `{"offset":N,"message":{..}}`, `--skip-damaged` skips damaged frames
//!   and counts them on stderr).
//!
//! - `flatstream schema FILE` — the `.fbs` schema a self-describing stream
//!   carries in its header.
//! - `flatstream publish FILE SUBJECT` — every frame of FILE as one NATS
//!   JetStream message; `flatstream consume SUBJECT FILE` — the messages of
//!   SUBJECT as a stream file (`--server URL`; see the `flatstream-nats`
//!   crate).
//!
//! Every command takes `--checksum xxh3|crc16|crc32|crc64|none` (the
//! framing the file was written with; by default the one its header names,
//! else xxh3) and `--max-frame-len BYTES`. `cat` reads with the header's
//! schema unless given `--schema`. Progress goes to stderr for large files when
//! stderr is a terminal; failures are one line on stderr, exit status 2
//! (1 for the damage `verify` and `cat` report).

use std::fmt::Write as _;
use std::fs::File;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::{Args, Parser, Subcommand, ValueEnum};
use flatstream::checksum::{Checksum, Crc16, Crc32, Crc64, NoChecksum, XxHash64};
use flatstream::framing::{ChecksumDeframer, ChecksumFramer, DEFAULT_MAX_FRAME_LEN};
use flatstream::framing::{Deframer, FrameStatus};
use flatstream::schema::SchemaDoc;
use flatstream::{
    Error, FrameReader, ReadStats, Recovery, SkippedRegion, StreamHeader, StreamWriter,
};
use indicatif::{ProgressBar, ProgressStyle};

mod bridge;

/// Files at least this large get a progress bar (on a terminal).
const PROGRESS_MIN_BYTES: u64 = 32 * 1024 * 1024;

#[derive(Parser, Debug)]
#[command(
    name = "flatstream",
    version,
    about = "Inspect, verify, recover and measure flatstream files",
    long_about = "Inspect, verify, recover and measure flatstream files: streams of \
                  [u32 LE length][checksum][FlatBuffer] frames."
)]
struct Cli {
    #[command(subcommand)]
    command: TopCommand,
}

/// The file commands, and the bridge to NATS JetStream.
#[derive(Subcommand, Debug)]
enum TopCommand {
    #[command(flatten)]
    File(Command),
    /// Publish every frame of FILE to SUBJECT on NATS JetStream, one
    /// message per frame (bytes unchanged, the schema fingerprint of the
    /// file's header in a message header), waiting for JetStream's
    /// acknowledgements.
    Publish(bridge::Publish),
    /// Write the messages of SUBJECT (from a NATS JetStream stream) to
    /// FILE as a stream file, until `--count` messages or `--idle`
    /// seconds without one.
    Consume(bridge::Consume),
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Print a line per frame: index, offset, length, checksum status;
    /// exit 1 when damage was found.
    Inspect {
        /// The stream to read.
        file: PathBuf,
        #[command(flatten)]
        format: Format,
        /// One JSON object per line instead of a table.
        #[arg(long)]
        json: bool,
    },
    /// Check every frame; exit 0 only if all are intact, else print the
    /// first bad offset and exit 1.
    Verify {
        /// The stream to check.
        file: PathBuf,
        #[command(flatten)]
        format: Format,
    },
    /// Copy every intact frame of IN to OUT, skipping damaged bytes.
    Recover {
        /// The damaged stream.
        input: PathBuf,
        /// Where to write the intact frames (must not be IN).
        output: PathBuf,
        #[command(flatten)]
        format: Format,
    },
    /// Frame counts, a payload size histogram and read throughput.
    Stats {
        /// The stream to measure.
        file: PathBuf,
        #[command(flatten)]
        format: Format,
        /// One JSON object instead of text.
        #[arg(long)]
        json: bool,
    },
    /// Print the `.fbs` schema in the stream's header (for a stream
    /// written with one, e.g. by `StreamWriter::create`).
    Schema {
        /// The stream to read.
        file: PathBuf,
        #[command(flatten)]
        format: Format,
    },
    /// Print every message as one line of JSON, read with a `.fbs`
    /// schema (as `flatc --json --strict-json` prints it): the one in the
    /// stream's header, or `--schema`.
    ///
    /// A damaged frame, or one that is not a valid buffer of the root
    /// type, stops the output with a one-line error naming its offset
    /// (exit status 1), unless `--skip-damaged`.
    Cat {
        /// The stream to read.
        file: PathBuf,
        /// The schema of the messages (`flatstream::schema::<T>()`, or
        /// any `.fbs` file); by default the one in the stream's header.
        #[arg(long, value_name = "FBS")]
        schema: Option<PathBuf>,
        /// The table each message is (default: the schema's
        /// `root_type`); with or without its namespace.
        #[arg(long, value_name = "TABLE")]
        root_type: Option<String>,
        #[command(flatten)]
        format: Format,
        /// Only the frames with these indices (from 0, counting intact
        /// frames): `A..B` (B excluded), `A..=B`, `A..`, `..B` or `N`.
        #[arg(long, value_name = "RANGE", value_parser = parse_frames)]
        frames: Option<FrameRange>,
        /// Skip damaged frames and frames that do not match the schema;
        /// report how many on stderr.
        #[arg(long)]
        skip_damaged: bool,
        /// Print `{"offset":N,"message":{..}}`, N the byte offset of the
        /// frame, instead of the message alone.
        #[arg(long)]
        offsets: bool,
    },
}

/// Frame indices `start..end`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct FrameRange {
    start: u64,
    end: u64,
}

fn parse_frames(text: &str) -> Result<FrameRange, String> {
    let number = |n: &str| -> Result<u64, String> {
        n.trim()
            .parse()
            .map_err(|_| format!("`{n}` is not a frame index"))
    };
    let range = match text.split_once("..") {
        None => {
            let n = number(text)?;
            FrameRange {
                start: n,
                end: n.saturating_add(1),
            }
        }
        Some((start, end)) => {
            let start = if start.is_empty() { 0 } else { number(start)? };
            let end = match end.strip_prefix('=') {
                Some(last) => number(last)?.saturating_add(1),
                None if end.is_empty() => u64::MAX,
                None => number(end)?,
            };
            FrameRange { start, end }
        }
    };
    if range.start > range.end {
        return Err(format!("`{text}` is an empty range"));
    }
    Ok(range)
}

/// How the file's frames are laid out.
#[derive(Args, Debug, Clone, Copy)]
struct Format {
    /// The checksum the file was written with [default: the one its
    /// header names, else xxh3].
    #[arg(long, value_enum)]
    checksum: Option<ChecksumKind>,
    /// The longest payload accepted; longer claims are damage.
    #[arg(long, value_name = "BYTES", default_value_t = DEFAULT_MAX_FRAME_LEN)]
    max_frame_len: usize,
}

#[derive(ValueEnum, Debug, Clone, Copy, PartialEq, Eq)]
enum ChecksumKind {
    /// XXH3-64, 8 bytes (flatstream's default).
    Xxh3,
    /// CRC-16/IBM-3740, 2 bytes.
    Crc16,
    /// CRC-32/ISO-HDLC, 4 bytes.
    Crc32,
    /// CRC-64/XZ, 8 bytes.
    Crc64,
    /// No checksum: only the lengths delimit frames.
    None,
}

/// A failure that ends the command: printed as one line, exit status 2.
/// `None` is a reader that went away (`flatstream inspect big | head`):
/// not worth a message.
#[derive(Debug)]
struct Failure(Option<String>);

impl Failure {
    fn new(message: String) -> Self {
        Failure(Some(message))
    }

    fn io(what: &str, path: &Path, err: impl std::fmt::Display) -> Self {
        Failure::new(format!("{what} {}: {err}", path.display()))
    }
}

type Outcome = Result<ExitCode, Failure>;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(Failure(Some(message))) => {
            eprintln!("flatstream: error: {message}");
            ExitCode::from(2)
        }
        Err(Failure(None)) => ExitCode::SUCCESS,
    }
}

fn run(cli: Cli) -> Outcome {
    match cli.command {
        TopCommand::File(command) => run_file(command),
        TopCommand::Publish(args) => bridge::publish(&args),
        TopCommand::Consume(args) => bridge::consume(&args),
    }
}

fn run_file(command: Command) -> Outcome {
    let (file, format) = match &command {
        Command::Inspect { file, format, .. }
        | Command::Verify { file, format, .. }
        | Command::Stats { file, format, .. }
        | Command::Schema { file, format }
        | Command::Cat { file, format, .. } => (file, *format),
        Command::Recover { input, format, .. } => (input, *format),
    };
    let header = read_header(file, format.max_frame_len)?;
    let checksum = format
        .checksum
        .or(header.as_ref().map(|(kind, _)| *kind))
        .unwrap_or(ChecksumKind::Xxh3);
    let header = header.map(|(_, header)| header);
    match checksum {
        ChecksumKind::Xxh3 => dispatch(XxHash64::new(), format, header, command),
        ChecksumKind::Crc16 => dispatch(Crc16::new(), format, header, command),
        ChecksumKind::Crc32 => dispatch(Crc32::new(), format, header, command),
        ChecksumKind::Crc64 => dispatch(Crc64::new(), format, header, command),
        ChecksumKind::None => dispatch(NoChecksum::new(), format, header, command),
    }
}

/// The stream header at the start of `path`, if there is one, and the
/// checksum it was framed with: the first frame is tried with every
/// checksum, and a header counts only under the checksum it names.
fn read_header(
    path: &Path,
    max_frame_len: usize,
) -> Result<Option<(ChecksumKind, StreamHeader)>, Failure> {
    use std::io::Read as _;
    let file = File::open(path).map_err(|err| Failure::io("cannot open", path, err))?;
    let mut start = Vec::new();
    let mut file = file.take(4);
    file.read_to_end(&mut start)
        .map_err(|err| Failure::io("cannot read", path, err))?;
    let Ok(len) = <[u8; 4]>::try_from(&start[..]).map(u32::from_le_bytes) else {
        return Ok(None);
    };
    let len = len as usize;
    if len == 0 || len > max_frame_len {
        return Ok(None);
    }
    // The longest header: length and an 8-byte checksum.
    file.set_limit((4 + 8 + len - 4) as u64);
    file.read_to_end(&mut start)
        .map_err(|err| Failure::io("cannot read", path, err))?;
    let kinds = [
        (ChecksumKind::Xxh3, XxHash64::NAME),
        (ChecksumKind::Crc32, Crc32::NAME),
        (ChecksumKind::Crc64, Crc64::NAME),
        (ChecksumKind::Crc16, Crc16::NAME),
        (ChecksumKind::None, NoChecksum::NAME),
    ];
    for (kind, name) in kinds {
        let payload = match kind {
            ChecksumKind::Xxh3 => first_payload(XxHash64::new(), &start),
            ChecksumKind::Crc32 => first_payload(Crc32::new(), &start),
            ChecksumKind::Crc64 => first_payload(Crc64::new(), &start),
            ChecksumKind::Crc16 => first_payload(Crc16::new(), &start),
            ChecksumKind::None => first_payload(NoChecksum::new(), &start),
        };
        if let Some(header) = payload.and_then(StreamHeader::from_payload) {
            if header.checksum == name {
                return Ok(Some((kind, header)));
            }
        }
    }
    Ok(None)
}

/// The payload of the intact frame at the start of `bytes` under
/// `checksum`.
fn first_payload<C: Checksum>(checksum: C, bytes: &[u8]) -> Option<&[u8]> {
    match ChecksumDeframer::new(checksum).decode_frame(bytes) {
        Ok(FrameStatus::Complete { payload, .. }) => Some(&bytes[payload]),
        _ => None,
    }
}

fn dispatch<C: Checksum + Copy>(
    checksum: C,
    format: Format,
    header: Option<StreamHeader>,
    command: Command,
) -> Outcome {
    let deframer = ChecksumDeframer::new(checksum).with_max_frame_len(format.max_frame_len);
    match command {
        Command::Inspect { file, json, .. } => inspect(&file, deframer, json),
        Command::Verify { file, .. } => verify(&file, deframer),
        Command::Recover { input, output, .. } => recover(
            &input,
            &output,
            deframer,
            ChecksumFramer::new(checksum),
            header.as_ref(),
        ),
        Command::Stats { file, json, .. } => stats(&file, deframer, json),
        Command::Schema { file, .. } => print_schema(&file, header.as_ref()),
        Command::Cat {
            file,
            schema,
            root_type,
            frames,
            skip_damaged,
            offsets,
            ..
        } => {
            let options = CatOptions {
                root_type,
                frames,
                skip_damaged,
                offsets,
            };
            let schema = match (schema, header) {
                (Some(path), _) => {
                    let fbs = std::fs::read_to_string(&path)
                        .map_err(|err| Failure::io("cannot read", &path, err))?;
                    (fbs, path.display().to_string())
                }
                (None, Some(header)) => (header.schema, format!("{} (header)", file.display())),
                (None, None) => {
                    return Err(Failure::new(format!(
                        "{} has no stream header: give its schema with --schema",
                        file.display()
                    )))
                }
            };
            cat(&file, &schema, deframer, &options)
        }
    }
}

/// A reader of raw frames from `path`, with a progress bar for big files.
struct Source<C> {
    reader: FrameReader<File, ChecksumDeframer<C>>,
    progress: ProgressBar,
    len: u64,
}

impl<C: Checksum> Source<C> {
    fn open(
        path: &Path,
        deframer: ChecksumDeframer<C>,
        recovery: Recovery,
        regions: Option<&Regions>,
    ) -> Result<Self, Failure> {
        let file = File::open(path).map_err(|err| Failure::io("cannot open", path, err))?;
        let len = file
            .metadata()
            .map_err(|err| Failure::io("cannot read", path, err))?
            .len();
        let progress = if len >= PROGRESS_MIN_BYTES {
            let bar = ProgressBar::new(len);
            if let Ok(style) = ProgressStyle::with_template(
                "{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
            ) {
                bar.set_style(style.progress_chars("=> "));
            }
            bar.set_message(path.display().to_string());
            bar
        } else {
            ProgressBar::hidden()
        };
        let mut reader = FrameReader::new(file, deframer).with_recovery(recovery);
        if let Some(regions) = regions {
            reader = reader.with_skip_callback(regions.callback());
        }
        Ok(Source {
            reader,
            progress,
            len,
        })
    }

    /// Frame header bytes: length plus checksum.
    fn header_len() -> u64 {
        4 + C::SIZE as u64
    }

    fn tick(&self) {
        if self.reader.stats().frames % 4096 == 0 {
            self.progress.set_position(self.reader.position());
        }
    }
}

impl<C> Drop for Source<C> {
    fn drop(&mut self) {
        self.progress.finish_and_clear();
    }
}

/// Skipped regions as they are reported, to print in stream order.
#[derive(Clone, Default)]
struct Regions(Arc<Mutex<Vec<(u64, u64, String)>>>);

impl Regions {
    fn callback(&self) -> impl FnMut(&SkippedRegion) + Send + 'static {
        let regions = Arc::clone(&self.0);
        move |region| {
            if let Ok(mut regions) = regions.lock() {
                regions.push((region.offset, region.len, region.reason.to_string()));
            }
        }
    }

    fn take(&self) -> Vec<(u64, u64, String)> {
        self.0
            .lock()
            .map(|mut regions| std::mem::take(&mut *regions))
            .unwrap_or_default()
    }
}

fn read_failure(path: &Path, err: Error) -> Failure {
    Failure::io("cannot read", path, err)
}

fn stdout_failure(err: io::Error) -> Failure {
    if err.kind() == io::ErrorKind::BrokenPipe {
        Failure(None)
    } else {
        Failure::new(format!("cannot write to stdout: {err}"))
    }
}

fn inspect<C: Checksum>(path: &Path, deframer: ChecksumDeframer<C>, json: bool) -> Outcome {
    let regions = Regions::default();
    let mut source = Source::open(path, deframer, Recovery::SkipCorrupted, Some(&regions))?;
    let status = if C::SIZE == 0 { "none" } else { "ok" };
    let mut out = BufWriter::new(io::stdout().lock());
    if !json {
        writeln!(
            out,
            "{:>8}  {:>12}  {:>10}  checksum",
            "frame", "offset", "length"
        )
        .map_err(stdout_failure)?;
    }
    let mut index = 0u64;
    let mut header_shown = false;
    loop {
        let payload_len = match source.reader.read_message() {
            Ok(Some(payload)) => Some(payload.len() as u64),
            Ok(None) => None,
            Err(err) => return Err(read_failure(path, err)),
        };
        if let Some(header) = source.reader.header().filter(|_| !header_shown) {
            header_shown = true;
            let line = if json {
                format!(
                    "{{\"type\":\"header\",\"root_type\":{},\"checksum\":{},\"fingerprint\":\"{:#018x}\",\"schema_bytes\":{}}}",
                    json_string(&header.root_type),
                    json_string(&header.checksum),
                    header.fingerprint,
                    header.schema.len()
                )
            } else {
                format!(
                    "header: {} messages, checksum {}, schema fingerprint {:#018x} ({} bytes)",
                    header.root_type,
                    header.checksum,
                    header.fingerprint,
                    header.schema.len()
                )
            };
            writeln!(out, "{line}").map_err(stdout_failure)?;
        }
        for (offset, len, reason) in regions.take() {
            let line = if json {
                format!(
                    "{{\"type\":\"damaged\",\"offset\":{offset},\"length\":{len},\"error\":{}}}",
                    json_string(&reason)
                )
            } else {
                format!(
                    "{:>8}  {offset:>12}  {len:>10}  DAMAGED, skipped: {reason}",
                    "-"
                )
            };
            writeln!(out, "{line}").map_err(stdout_failure)?;
        }
        let Some(payload_len) = payload_len else {
            break;
        };
        let offset = source.reader.position() - Source::<C>::header_len() - payload_len;
        if json {
            writeln!(
                out,
                "{{\"type\":\"frame\",\"index\":{index},\"offset\":{offset},\"length\":{payload_len},\"checksum\":\"{status}\"}}"
            )
        } else {
            writeln!(out, "{index:>8}  {offset:>12}  {payload_len:>10}  {status}")
        }
        .map_err(stdout_failure)?;
        index += 1;
        source.tick();
    }
    let stats = source.reader.stats();
    if json {
        writeln!(
            out,
            "{{\"type\":\"summary\",\"frames\":{},\"bytes\":{},\"damaged_regions\":{},\"damaged_bytes\":{},\"unchecked_frames\":{}}}",
            stats.frames,
            stats.bytes,
            stats.skipped_regions,
            stats.skipped_bytes,
            stats.unchecked_frames
        )
    } else {
        writeln!(
            out,
            "{} frames, {} bytes; {} damaged regions ({} bytes){}",
            stats.frames,
            stats.bytes,
            stats.skipped_regions,
            stats.skipped_bytes,
            unchecked_note(stats)
        )
    }
    .map_err(stdout_failure)?;
    out.flush().map_err(stdout_failure)?;
    // Damage found is the answer a script checks for.
    Ok(if stats.skipped_regions > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Says how many candidate frames the skip-mode scan left unchecked (its
/// work budget spent on lengths the damage claimed), when any were.
fn unchecked_note(stats: &ReadStats) -> String {
    match stats.unchecked_frames {
        0 => String::new(),
        n => format!("; {n} candidate frames in them left unchecked (work budget spent)"),
    }
}

fn verify<C: Checksum>(path: &Path, deframer: ChecksumDeframer<C>) -> Outcome {
    let mut source = Source::open(path, deframer, Recovery::Strict, None)?;
    let (report, code) = loop {
        match source.reader.read_message() {
            Ok(Some(_)) => source.tick(),
            Ok(None) => {
                let stats = source.reader.stats();
                let report = format!(
                    "{}: ok, {} frames, {} bytes",
                    path.display(),
                    stats.frames,
                    stats.bytes
                );
                break (report, ExitCode::SUCCESS);
            }
            Err(Error::Io(err)) => return Err(Failure::io("cannot read", path, err)),
            Err(err) => {
                let offset = source.reader.position();
                let report = format!(
                    "{}: damaged at offset {offset} (after {} intact frames): {err}\n\
                     first bad offset: {offset}",
                    path.display(),
                    source.reader.stats().frames
                );
                break (report, ExitCode::from(1));
            }
        }
    };
    writeln!(io::stdout().lock(), "{report}").map_err(stdout_failure)?;
    Ok(code)
}

fn recover<C: Checksum>(
    input: &Path,
    output: &Path,
    deframer: ChecksumDeframer<C>,
    framer: ChecksumFramer<C>,
    header: Option<&StreamHeader>,
) -> Outcome {
    if let (Ok(a), Ok(b)) = (input.canonicalize(), output.canonicalize()) {
        if a == b {
            return Err(Failure::new(format!(
                "refusing to recover {} onto itself: give another output path",
                input.display()
            )));
        }
    }
    let mut source = Source::open(input, deframer, Recovery::SkipCorrupted, None)?;
    let file = File::create(output).map_err(|err| Failure::io("cannot create", output, err))?;
    let mut writer = StreamWriter::<(), _, _>::new(BufWriter::new(file), framer);
    let write_failure = |err: Error| Failure::io("cannot write", output, err);
    // A self-describing stream stays one.
    if let Some(header) = header {
        writer
            .write_payload(&header.to_payload())
            .map_err(write_failure)?;
    }
    loop {
        match source.reader.read_message() {
            Ok(Some(payload)) => writer.write_payload(payload).map_err(write_failure)?,
            Ok(None) => break,
            Err(err) => return Err(read_failure(input, err)),
        }
        source.tick();
    }
    writer.flush().map_err(write_failure)?;
    let stats = source.reader.stats();
    eprintln!(
        "recovered {} frames ({} bytes) into {}; skipped {} damaged regions ({} bytes){}",
        stats.frames,
        writer.bytes_written(),
        output.display(),
        stats.skipped_regions,
        stats.skipped_bytes,
        unchecked_note(stats)
    );
    Ok(ExitCode::SUCCESS)
}

fn stats<C: Checksum>(path: &Path, deframer: ChecksumDeframer<C>, json: bool) -> Outcome {
    let mut source = Source::open(path, deframer, Recovery::SkipCorrupted, None)?;
    // Bucket i counts payloads of [2^i, 2^(i+1)) bytes.
    let mut histogram = [0u64; 33];
    let (mut min, mut max, mut payload_bytes) = (u64::MAX, 0u64, 0u64);
    let started = Instant::now();
    loop {
        match source.reader.read_message() {
            Ok(Some(payload)) => {
                let len = payload.len() as u64;
                histogram[(u64::BITS - 1 - len.max(1).leading_zeros()) as usize] += 1;
                min = min.min(len);
                max = max.max(len);
                payload_bytes += len;
            }
            Ok(None) => break,
            Err(err) => return Err(read_failure(path, err)),
        }
        source.tick();
    }
    let elapsed = started.elapsed().max(Duration::from_nanos(1));
    let stats = source.reader.stats().clone();
    let frames = stats.frames;
    let mean = payload_bytes.checked_div(frames).unwrap_or(0);
    let min = if frames == 0 { 0 } else { min };
    let mib_per_s = source.len as f64 / (1024.0 * 1024.0) / elapsed.as_secs_f64();
    let frames_per_s = frames as f64 / elapsed.as_secs_f64();
    let buckets = histogram
        .iter()
        .enumerate()
        .filter(|(_, &count)| count > 0)
        .map(|(i, &count)| (1u64 << i, (1u64 << (i + 1)) - 1, count));

    let mut text = String::new();
    if json {
        let buckets: Vec<String> = buckets
            .map(|(low, high, count)| {
                format!("{{\"min\":{low},\"max\":{high},\"frames\":{count}}}")
            })
            .collect();
        let _ = write!(
            text,
            "{{\"file\":{},\"file_bytes\":{},\"frames\":{frames},\"payload_bytes\":{payload_bytes},\
             \"payload_min\":{min},\"payload_max\":{max},\"payload_mean\":{mean},\
             \"damaged_regions\":{},\"damaged_bytes\":{},\"seconds\":{:.6},\
             \"mib_per_second\":{mib_per_s:.1},\"frames_per_second\":{frames_per_s:.0},\
             \"histogram\":[{}]}}",
            json_string(&path.display().to_string()),
            source.len,
            stats.skipped_regions,
            stats.skipped_bytes,
            elapsed.as_secs_f64(),
            buckets.join(",")
        );
    } else {
        let _ = writeln!(text, "file          {}", path.display());
        let _ = writeln!(text, "bytes         {}", source.len);
        let _ = writeln!(text, "frames        {frames}");
        let _ = writeln!(
            text,
            "payload       {payload_bytes} bytes; min {min}, mean {mean}, max {max}"
        );
        let _ = writeln!(
            text,
            "damaged       {} regions, {} bytes",
            stats.skipped_regions, stats.skipped_bytes
        );
        let _ = writeln!(
            text,
            "throughput    {mib_per_s:.1} MiB/s, {frames_per_s:.0} frames/s ({:.3} s)",
            elapsed.as_secs_f64()
        );
        let _ = writeln!(text, "payload sizes");
        let widest = histogram.iter().copied().max().unwrap_or(0).max(1);
        for (low, high, count) in buckets {
            let bar = "#".repeat(((count * 40).div_ceil(widest)) as usize);
            let _ = writeln!(text, "  {low:>10} - {high:<10} {count:>10}  {bar}");
        }
    }
    let mut out = io::stdout().lock();
    writeln!(out, "{}", text.trim_end()).map_err(stdout_failure)?;
    Ok(ExitCode::SUCCESS)
}

struct CatOptions {
    root_type: Option<String>,
    frames: Option<FrameRange>,
    skip_damaged: bool,
    offsets: bool,
}

/// `flatstream schema`: the header's schema, as is.
fn print_schema(path: &Path, header: Option<&StreamHeader>) -> Outcome {
    let Some(header) = header else {
        return Err(Failure::new(format!(
            "{} has no stream header (it was written without one)",
            path.display()
        )));
    };
    let mut out = io::stdout().lock();
    out.write_all(header.schema.as_bytes())
        .map_err(stdout_failure)?;
    Ok(ExitCode::SUCCESS)
}

/// `cat`'s schema: the `.fbs` text and where it came from.
type SchemaText = (String, String);

fn cat<C: Checksum>(
    path: &Path,
    (fbs, origin): &SchemaText,
    deframer: ChecksumDeframer<C>,
    options: &CatOptions,
) -> Outcome {
    let doc = SchemaDoc::parse(fbs).map_err(|err| Failure::new(format!("{origin}: {err}")))?;
    let root = options.root_type.as_deref();
    let root = doc
        .table(root)
        .map_err(|err| Failure::new(format!("{origin}: {err}")))?
        .to_owned();
    let recovery = if options.skip_damaged {
        Recovery::SkipCorrupted
    } else {
        Recovery::Strict
    };
    let range = options.frames.unwrap_or(FrameRange {
        start: 0,
        end: u64::MAX,
    });
    let mut source = Source::open(path, deframer, recovery, None)?;
    let mut out = BufWriter::new(io::stdout().lock());
    let mut line = String::new();
    let mut payload = Vec::new();
    let (mut index, mut mismatched) = (0u64, 0u64);
    while index < range.end {
        // The payload is copied out so that the reader's position can
        // be read: it locates the frame.
        match source.reader.read_message() {
            Ok(Some(bytes)) => {
                payload.clear();
                payload.extend_from_slice(bytes);
            }
            Ok(None) => break,
            Err(Error::Io(err)) => return Err(Failure::io("cannot read", path, err)),
            Err(err) => {
                out.flush().map_err(stdout_failure)?;
                let offset = err.offset().unwrap_or_else(|| source.reader.position());
                eprintln!(
                    "flatstream: {}: damaged frame at offset {offset} (after {index} frames): {err}",
                    path.display()
                );
                return Ok(ExitCode::from(1));
            }
        }
        let offset = source.reader.position() - Source::<C>::header_len() - payload.len() as u64;
        let this = index;
        if this < range.start {
            index += 1;
            continue;
        }
        line.clear();
        if options.offsets {
            let _ = write!(line, "{{\"offset\":{offset},\"message\":");
        }
        match doc.to_json(Some(&root), &payload, &mut line) {
            Ok(()) => {
                if options.offsets {
                    line.push('}');
                }
                writeln!(out, "{line}").map_err(stdout_failure)?;
            }
            Err(_) if options.skip_damaged => mismatched += 1,
            Err(err) => {
                out.flush().map_err(stdout_failure)?;
                eprintln!(
                    "flatstream: {}: frame {this} at offset {offset} is not a valid {root}: {err}",
                    path.display()
                );
                return Ok(ExitCode::from(1));
            }
        }
        index += 1;
        source.tick();
    }
    out.flush().map_err(stdout_failure)?;
    let stats = source.reader.stats();
    if options.skip_damaged && (stats.skipped_regions > 0 || mismatched > 0) {
        eprintln!(
            "flatstream: {}: skipped {} damaged regions ({} bytes) and {mismatched} frames \
             that are not a valid {root}",
            path.display(),
            stats.skipped_regions,
            stats.skipped_bytes
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// `text` as a JSON string literal.
fn json_string(text: &str) -> String {
    let mut quoted = String::with_capacity(text.len() + 2);
    quoted.push('"');
    for c in text.chars() {
        match c {
            '"' => quoted.push_str("\\\""),
            '\\' => quoted.push_str("\\\\"),
            '\n' => quoted.push_str("\\n"),
            '\r' => quoted.push_str("\\r"),
            '\t' => quoted.push_str("\\t"),
            c if u32::from(c) < 0x20 => {
                let _ = write!(quoted, "\\u{:04x}", u32::from(c));
            }
            c => quoted.push(c),
        }
    }
    quoted.push('"');
    quoted
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn json_strings_are_escaped() {
        assert_eq!(json_string("a\"b\\c\nd\u{1}"), "\"a\\\"b\\\\c\\nd\\u0001\"");
    }

    #[test]
    fn frame_ranges_parse() {
        let range = |start, end| Ok(FrameRange { start, end });
        assert_eq!(parse_frames("100..200"), range(100, 200));
        assert_eq!(parse_frames("100..=200"), range(100, 201));
        assert_eq!(parse_frames("5.."), range(5, u64::MAX));
        assert_eq!(parse_frames("..5"), range(0, 5));
        assert_eq!(parse_frames("7"), range(7, 8));
        assert!(parse_frames("9..3").is_err());
        assert!(parse_frames("x..3").is_err());
    }

    #[test]
    fn cli_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
