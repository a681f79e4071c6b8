//! `flatstream publish FILE SUBJECT` and `flatstream consume SUBJECT FILE`:
//! the bridge between stream files and NATS JetStream subjects, one frame
//! per message, the bytes unchanged (see the `flatstream-nats` crate).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Duration;

use bytes::Bytes;
use clap::Args;
use flatstream::checksum::{Checksum, Crc16, Crc32, Crc64, NoChecksum, XxHash64};
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::{FrameReader, StreamHeader, StreamWriter};
use flatstream_nats::{
    ConsumerOptions, FrameConsumer, FrameDelivery, FramePublisher, Rejects, StartAt,
};
use indicatif::{ProgressBar, ProgressStyle};

use crate::{read_failure, read_header, ChecksumKind, Failure, Format, Outcome};

/// Where the NATS server is.
#[derive(Args, Debug, Clone)]
pub(crate) struct Server {
    /// The NATS server's URL.
    #[arg(long, value_name = "URL", default_value = "nats://127.0.0.1:4222")]
    server: String,
}

/// `flatstream publish FILE SUBJECT`.
#[derive(Args, Debug, Clone)]
pub(crate) struct Publish {
    /// The stream file to send.
    file: PathBuf,
    /// The subject to publish to; a JetStream stream must capture it.
    subject: String,
    #[command(flatten)]
    format: Format,
    #[command(flatten)]
    server: Server,
    /// Messages sent before their acknowledgements are awaited.
    #[arg(long, default_value_t = 256)]
    window: usize,
    /// Message ids are PREFIX-N, N counting frames from 0 [default: the
    /// file's name]: publishing the same file twice within the stream's
    /// de-duplication window stores it once.
    #[arg(long, value_name = "PREFIX")]
    id_prefix: Option<String>,
}

/// `flatstream consume SUBJECT FILE`.
#[derive(Args, Debug, Clone)]
pub(crate) struct Consume {
    /// The subject to read (wildcards allowed).
    subject: String,
    /// The stream file to write (created or truncated).
    file: PathBuf,
    /// The checksum the messages' frames carry; frames of another are
    /// rejected.
    #[arg(long, value_enum, default_value = "xxh3")]
    checksum: ChecksumKind,
    #[command(flatten)]
    server: Server,
    /// A durable consumer name: a later run goes on where this one stopped.
    #[arg(long, value_name = "NAME")]
    durable: Option<String>,
    /// Start at this stream sequence number (a new consumer only).
    #[arg(long, value_name = "SEQ")]
    from_sequence: Option<u64>,
    /// Stop after this many messages.
    #[arg(long, value_name = "N")]
    count: Option<u64>,
    /// Stop when no message came for this many seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 2.0)]
    idle: f64,
    /// Republish damaged or foreign messages to this subject (it must
    /// belong to a stream) instead of stopping at the first one.
    #[arg(long, value_name = "SUBJECT")]
    dead_letter: Option<String>,
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|err| Failure::new(format!("cannot start the async runtime: {err}")))
}

async fn jetstream(server: &Server) -> Result<async_nats::jetstream::Context, Failure> {
    let client = async_nats::connect(&server.server)
        .await
        .map_err(|err| Failure::new(format!("cannot connect to {}: {err}", server.server)))?;
    Ok(async_nats::jetstream::new(client))
}

fn nats_failure(err: flatstream_nats::Error) -> Failure {
    Failure::new(err.to_string())
}

fn bar(len: Option<u64>, template: &str, what: String) -> ProgressBar {
    let bar = len.map_or_else(ProgressBar::new_spinner, ProgressBar::new);
    if let Ok(style) = ProgressStyle::with_template(template) {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what);
    bar
}

pub(crate) fn publish(args: &Publish) -> Outcome {
    let header = read_header(&args.file, args.format.max_frame_len)?;
    let kind = args
        .format
        .checksum
        .or(header.as_ref().map(|(kind, _)| *kind))
        .unwrap_or(ChecksumKind::Xxh3);
    let header = header.map(|(_, header)| header);
    match kind {
        ChecksumKind::Xxh3 => publish_with(XxHash64::new(), args, header),
        ChecksumKind::Crc16 => publish_with(Crc16::new(), args, header),
        ChecksumKind::Crc32 => publish_with(Crc32::new(), args, header),
        ChecksumKind::Crc64 => publish_with(Crc64::new(), args, header),
        ChecksumKind::None => publish_with(NoChecksum::new(), args, header),
    }
}

fn publish_with<C: Checksum + Copy>(
    checksum: C,
    args: &Publish,
    header: Option<StreamHeader>,
) -> Outcome {
    let path = &args.file;
    let file = File::open(path).map_err(|err| Failure::io("cannot open", path, err))?;
    let len = file.metadata().map_or(0, |meta| meta.len());
    let deframer = ChecksumDeframer::new(checksum).with_max_frame_len(args.format.max_frame_len);
    let mut frames = FrameReader::new(file, deframer);
    let fingerprint = header.as_ref().map(|header| header.fingerprint);
    let prefix = args.id_prefix.clone().unwrap_or_else(|| file_name(path));
    let progress = bar(
        Some(len),
        "{msg} [{bar:40}] {bytes}/{total_bytes} {bytes_per_sec} eta {eta}",
        format!("{} -> {}", path.display(), args.subject),
    );
    runtime()?.block_on(async {
        let jetstream = jetstream(&args.server).await?;
        let mut publisher =
            FramePublisher::new(jetstream, args.subject.clone(), C::NAME, fingerprint)
                .with_id_prefix(prefix);
        // Each payload framed again as the file framed it: the bytes of
        // one frame, the unit a NATS message carries.
        let mut framed = StreamWriter::<(), _, _>::new(Vec::new(), ChecksumFramer::new(checksum));
        let mut window: Vec<Bytes> = Vec::with_capacity(args.window.max(1));
        let mut sent = 0u64;
        loop {
            let payload = frames
                .read_message()
                .map_err(|err| read_failure(path, err))?;
            // The reader passes over a stream header: its schema
            // travels as the fingerprint in every message's headers.
            if let Some(payload) = payload {
                framed.clear();
                framed
                    .write_payload(payload)
                    .map_err(|err| read_failure(path, err))?;
                window.push(Bytes::copy_from_slice(framed.get_ref()));
            }
            let end = payload.is_none();
            if window.len() >= args.window.max(1) || (end && !window.is_empty()) {
                sent += window.len() as u64;
                publisher
                    .publish_frames(window.drain(..))
                    .await
                    .map_err(nats_failure)?;
                progress.set_position(frames.position());
            }
            if end {
                break;
            }
        }
        progress.finish_and_clear();
        eprintln!(
            "published {sent} messages from {} to {}",
            path.display(),
            args.subject
        );
        Ok(ExitCode::SUCCESS)
    })
}

fn file_name(path: &Path) -> String {
    path.file_name().map_or_else(
        || "stream".to_owned(),
        |name| name.to_string_lossy().into_owned(),
    )
}

pub(crate) fn consume(args: &Consume) -> Outcome {
    match args.checksum {
        ChecksumKind::Xxh3 => consume_with(XxHash64::new(), args),
        ChecksumKind::Crc16 => consume_with(Crc16::new(), args),
        ChecksumKind::Crc32 => consume_with(Crc32::new(), args),
        ChecksumKind::Crc64 => consume_with(Crc64::new(), args),
        ChecksumKind::None => consume_with(NoChecksum::new(), args),
    }
}

fn consume_with<C: Checksum>(checksum: C, args: &Consume) -> Outcome {
    let path = &args.file;
    let file = File::create(path).map_err(|err| Failure::io("cannot create", path, err))?;
    let mut out = BufWriter::new(file);
    let idle = Duration::try_from_secs_f64(args.idle)
        .map_err(|err| Failure::new(format!("--idle {}: {err}", args.idle)))?;
    let progress = bar(
        args.count,
        "{msg} {spinner} {pos}/{len} messages {per_sec}",
        format!("{} -> {}", args.subject, path.display()),
    );
    runtime()?.block_on(async {
        let jetstream = jetstream(&args.server).await?;
        let stream = jetstream
            .stream_by_subject(args.subject.clone())
            .await
            .map_err(|err| {
                Failure::new(format!(
                    "no stream captures subject {}: {err}",
                    args.subject
                ))
            })?;
        let options = ConsumerOptions {
            durable: args.durable.clone(),
            filter_subject: Some(args.subject.clone()),
            start: args.from_sequence.map_or(StartAt::First, StartAt::Sequence),
            ..ConsumerOptions::default()
        };
        let rejects = args
            .dead_letter
            .clone()
            .map_or(Rejects::Error, Rejects::DeadLetter);
        let mut consumer =
            FrameConsumer::create(jetstream, &stream, &options, checksum, None, rejects)
                .await
                .map_err(nats_failure)?;
        let mut received = 0u64;
        // Acknowledged once written and flushed: a run that dies before
        // has them delivered again to the next run of a durable consumer.
        let mut unacknowledged = Vec::new();
        while !args.count.is_some_and(|count| received >= count) {
            let Some(delivery) = consumer.next_within(idle).await.map_err(nats_failure)? else {
                break;
            };
            out.write_all(delivery.frame())
                .map_err(|err| Failure::io("cannot write", path, err))?;
            unacknowledged.push(delivery);
            received += 1;
            progress.inc(1);
            if unacknowledged.len() >= ACK_EVERY {
                flush_and_ack(&mut out, path, &mut unacknowledged).await?;
            }
        }
        flush_and_ack(&mut out, path, &mut unacknowledged).await?;
        progress.finish_and_clear();
        eprintln!(
            "wrote {received} messages from {} to {} ({} rejected)",
            args.subject,
            path.display(),
            consumer.rejected()
        );
        Ok(ExitCode::SUCCESS)
    })
}

/// Messages written between two flushes of the output file.
const ACK_EVERY: usize = 256;

async fn flush_and_ack(
    out: &mut BufWriter<File>,
    path: &Path,
    deliveries: &mut Vec<FrameDelivery>,
) -> Result<(), Failure> {
    out.flush()
        .map_err(|err| Failure::io("cannot write", path, err))?;
    for delivery in deliveries.drain(..) {
        delivery.ack().await.map_err(nats_failure)?;
    }
    Ok(())
}
