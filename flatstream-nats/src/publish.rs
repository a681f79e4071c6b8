//! Publishing: one frame per NATS message, with an id for JetStream's
//! de-duplication, retried until acknowledged.

use std::fmt::Write as _;
use std::future::IntoFuture;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use async_nats::jetstream::context::PublishAckFuture;
use async_nats::jetstream::{self, publish::PublishAck};
use async_nats::Subject;
use bytes::buf::Writer;
use bytes::{BufMut, Bytes, BytesMut};
use flatstream::checksum::{Checksum, XxHash64};
use flatstream::framing::ChecksumFramer;
use flatstream::schema::Schema;
use flatstream::{StreamSerialize, StreamWriter};

use crate::error::{BoxError, Error, Result};
use crate::headers::{fingerprint_of, Stamp};

/// How long a publisher keeps resending a message JetStream has not
/// acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Retry {
    /// Give up after this long from the first attempt.
    pub deadline: Duration,
    /// The first pause between attempts; it doubles up to `max_backoff`.
    pub backoff: Duration,
    /// The longest pause between attempts.
    pub max_backoff: Duration,
}

impl Default for Retry {
    /// Up to a minute, pausing 50 ms, then longer, up to 2 s.
    fn default() -> Self {
        Retry {
            deadline: Duration::from_secs(60),
            backoff: Duration::from_millis(50),
            max_backoff: Duration::from_secs(2),
        }
    }
}

/// Publishes flatstream frames of any type: the layer under [`Publisher`],
/// and the bridge from a stream file to a subject.
#[derive(Debug, Clone)]
pub struct FramePublisher {
    outbox: Outbox,
    /// The `N` of the next counted id, `PREFIX-N`.
    next_id: u64,
}

/// Where and how messages go: all a publisher needs but its id counter,
/// which the messages take from as they are sent.
#[derive(Debug, Clone)]
struct Outbox {
    jetstream: jetstream::Context,
    subject: Subject,
    stamp: Stamp,
    id_prefix: String,
    retry: Retry,
}

impl FramePublisher {
    /// A publisher of frames guarded by the checksum named `checksum` (see
    /// [`Checksum::NAME`]) to `subject`, stating the schema `fingerprint`
    /// (see [`fingerprint_of`](crate::fingerprint_of)) when known.
    ///
    /// Message ids are `PREFIX-N` with `N` counting from 0 in decimal and
    /// a prefix unique to this publisher: 11 characters drawn from the
    /// time, the process id and a counter (see
    /// [`with_id_prefix`](Self::with_id_prefix)). Every id goes into
    /// `Nats-Msg-Id` followed by the stamp (see the crate documentation):
    /// `PREFIX-N~0123456789abcdef`.
    pub fn new(
        jetstream: jetstream::Context,
        subject: impl Into<String>,
        checksum: &'static str,
        fingerprint: Option<u64>,
    ) -> Self {
        FramePublisher {
            outbox: Outbox {
                jetstream,
                subject: Subject::from(subject.into()),
                stamp: Stamp::new(checksum, fingerprint),
                id_prefix: unique_prefix(),
                retry: Retry::default(),
            },
            next_id: 0,
        }
    }

    /// Names messages `PREFIX-N`. A prefix must not be reused by another
    /// publisher within the stream's de-duplication window (two minutes by
    /// default), or JetStream drops its messages as duplicates.
    #[must_use]
    pub fn with_id_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.outbox.id_prefix = prefix.into();
        self
    }

    /// Sets how long unacknowledged messages are resent.
    #[must_use]
    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.outbox.retry = retry;
        self
    }

    /// The subject messages go to.
    pub fn subject(&self) -> &str {
        self.outbox.subject.as_str()
    }

    /// The id the next message without an explicit id gets.
    pub fn next_id(&self) -> String {
        self.outbox.id_text(&Id::Counted(self.next_id))
    }

    /// Publishes one frame (length, checksum, payload) under the next id
    /// and waits for JetStream's acknowledgement, resending with the same
    /// id until it comes or the retry deadline passes.
    ///
    /// # Errors
    ///
    /// [`Error::Publish`] with the id and the attempts when the deadline
    /// passes.
    pub async fn publish_frame(&mut self, frame: Bytes) -> Result<PublishAck> {
        let next_id = &mut self.next_id;
        let message = std::iter::once_with(|| Ok((counted(next_id), frame)));
        one(self.outbox.publish(message).await?)
    }

    /// As [`publish_frame`](Self::publish_frame), with the caller's id.
    ///
    /// # Errors
    ///
    /// As [`publish_frame`](Self::publish_frame).
    pub async fn publish_frame_with_id(&self, frame: Bytes, id: String) -> Result<PublishAck> {
        let message = std::iter::once(Ok((Id::Given(id), frame)));
        one(self.outbox.publish(message).await?)
    }

    /// Publishes frames under consecutive ids, all sent before any
    /// acknowledgement is awaited, and resends those not acknowledged
    /// (with their ids) until every one is or the deadline passes.
    ///
    /// The acknowledgements come back in the frames' order. A resent
    /// message may be stored after later ones.
    ///
    /// # Errors
    ///
    /// [`Error::Publish`] for the first message still unacknowledged at
    /// the deadline; the others may or may not have been stored.
    pub async fn publish_frames(
        &mut self,
        frames: impl IntoIterator<Item = Bytes>,
    ) -> Result<Vec<PublishAck>> {
        let next_id = &mut self.next_id;
        let messages = frames
            .into_iter()
            .map(|frame| Ok((counted(next_id), frame)));
        self.outbox.publish(messages).await
    }
}

/// The next counted id.
fn counted(next_id: &mut u64) -> Id {
    let id = Id::Counted(*next_id);
    *next_id += 1;
    id
}

/// The acknowledgement of the one message published.
fn one(acks: Vec<PublishAck>) -> Result<PublishAck> {
    acks.into_iter().next().ok_or_else(|| Error::Publish {
        id: String::new(),
        attempts: 0,
        source: "no acknowledgement".into(),
    })
}

impl Outbox {
    /// The text of `id`.
    fn id_text(&self, id: &Id) -> String {
        let mut text = String::with_capacity(self.id_len(id));
        self.write_id(id, &mut text);
        text
    }

    /// How long the text of `id` is at most.
    fn id_len(&self, id: &Id) -> usize {
        match id {
            Id::Counted(_) => self.id_prefix.len() + 21,
            Id::Given(text) => text.len(),
        }
    }

    fn write_id(&self, id: &Id, text: &mut String) {
        match id {
            Id::Counted(n) => {
                text.push_str(&self.id_prefix);
                text.push('-');
                // Writing to a `String` cannot fail.
                let _ = write!(text, "{n}");
            }
            Id::Given(given) => text.push_str(given),
        }
    }

    /// Sends each message as soon as `messages` yields it (so that
    /// whatever produces the next one overlaps with the server storing
    /// this one), then awaits the acknowledgements and resends the
    /// messages not acknowledged until every one is or the deadline
    /// passes. Counted ids are taken as the messages are, so a publish
    /// cancelled halfway never leaves an id of a sent message to be taken
    /// again.
    ///
    /// When `messages` yields an error, nothing more is taken from it:
    /// the messages before are still seen through, then the error is
    /// returned.
    async fn publish(
        &self,
        messages: impl Iterator<Item = Result<(Id, Bytes)>>,
    ) -> Result<Vec<PublishAck>> {
        let start = Instant::now();
        let mut backoff = self.retry.backoff;
        let mut taken: Vec<(Id, Bytes)> = Vec::with_capacity(messages.size_hint().0);
        let mut sent: Vec<(usize, PublishAckFuture)> = Vec::with_capacity(taken.capacity());
        let mut failed: Vec<(usize, BoxError)> = Vec::new();
        let mut stopped = None;
        for message in messages {
            let (id, frame) = match message {
                Ok(message) => message,
                Err(err) => {
                    stopped = Some(err);
                    break;
                }
            };
            let index = taken.len();
            taken.push((id, frame));
            if !failed.is_empty() {
                // The connection is down: the rest waits for the next
                // round.
                failed.push((index, "not sent: the connection was down".into()));
                continue;
            }
            match self.send(&taken[index]).await {
                Ok(future) => sent.push((index, future)),
                Err(err) => failed.push((index, err)),
            }
        }
        let mut acks: Vec<Option<PublishAck>> = vec![None; taken.len()];
        let mut attempts = 1u32;
        loop {
            settle(sent, &mut acks, &mut failed).await;
            if failed.is_empty() {
                return match stopped {
                    Some(err) => Err(err),
                    None => Ok(acks.into_iter().flatten().collect()),
                };
            }
            if start.elapsed() + backoff > self.retry.deadline {
                failed.sort_by_key(|(index, _)| *index);
                let (index, source) = failed.swap_remove(0);
                return Err(Error::Publish {
                    id: self.id_text(&taken[index].0),
                    attempts,
                    source,
                });
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(self.retry.max_backoff);
            let mut pending: Vec<usize> = failed.drain(..).map(|(index, _)| index).collect();
            pending.sort_unstable();
            attempts += 1;
            sent = Vec::with_capacity(pending.len());
            let mut unsent = pending.into_iter();
            for index in unsent.by_ref() {
                match self.send(&taken[index]).await {
                    Ok(future) => sent.push((index, future)),
                    Err(err) => {
                        failed.push((index, err));
                        break;
                    }
                }
            }
            failed.extend(unsent.map(|index| (index, "not sent: the connection was down".into())));
        }
    }

    /// Hands one message to the client.
    async fn send(
        &self,
        (id, frame): &(Id, Bytes),
    ) -> std::result::Result<PublishAckFuture, BoxError> {
        let headers = self
            .stamp
            .headers(self.id_len(id), |text| self.write_id(id, text));
        self.jetstream
            .publish_with_headers(self.subject.clone(), headers, frame.clone())
            .await
            .map_err(BoxError::from)
    }
}

/// Awaits the acknowledgements of `sent` into `acks`, adding the messages
/// whose acknowledgement did not come to `failed`.
async fn settle(
    sent: Vec<(usize, PublishAckFuture)>,
    acks: &mut [Option<PublishAck>],
    failed: &mut Vec<(usize, BoxError)>,
) {
    // Once one acknowledgement is lost, the connection was lost and the
    // rest are as good as lost too: rather than wait for each in turn,
    // take those already there and resend the others.
    let mut lost = false;
    for (index, future) in sent {
        let outcome = if lost {
            match tokio::time::timeout(Duration::from_millis(1), future.into_future()).await {
                Ok(outcome) => outcome.map_err(BoxError::from),
                Err(elapsed) => Err(elapsed.into()),
            }
        } else {
            future.await.map_err(BoxError::from)
        };
        match outcome {
            Ok(ack) => acks[index] = Some(ack),
            Err(err) => {
                lost = true;
                failed.push((index, err));
            }
        }
    }
}

/// A message's id: counted by the publisher, or the caller's.
#[derive(Debug)]
enum Id {
    Counted(u64),
    Given(String),
}

/// A prefix no other publisher of this or another process is likely to
/// use: the time in nanoseconds, the process id and a counter, mixed into
/// 64 bits and written as 11 characters of the URL-safe base-64 alphabet
/// (every byte of a message id travels and is stored with the message).
fn unique_prefix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    let seed = (nanos as u64 ^ (nanos >> 64) as u64)
        ^ u64::from(std::process::id()).rotate_left(40)
        ^ count.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    base64_11(mix(seed))
}

/// SplitMix64's finalizer: a bijection of `u64` that spreads every input
/// bit over the output.
fn mix(mut x: u64) -> u64 {
    x = (x ^ (x >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    x = (x ^ (x >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    x ^ (x >> 31)
}

/// `x` in 11 characters of `A-Z a-z 0-9 - _`, six bits each.
fn base64_11(x: u64) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    (0..11)
        .map(|digit| char::from(ALPHABET[((x >> (digit * 6)) & 63) as usize]))
        .collect()
}

/// Publishes values of `T` as flatstream frames guarded by `C`.
///
/// # Examples
///
/// ```no_run
/// # async fn run() -> flatstream_nats::Result<()> {
/// use flatstream_nats::Publisher;
///
/// let client = async_nats::connect("127.0.0.1:4222").await.unwrap();
/// let jetstream = async_nats::jetstream::new(client);
/// let mut publisher = Publisher::<String>::new(jetstream, "events.agent7");
/// let ack = publisher.publish(&"reading".to_owned()).await?;
/// println!("stored as sequence {}", ack.sequence);
/// # Ok(()) }
/// ```
pub struct Publisher<T: ?Sized, C = XxHash64> {
    frames: FramePublisher,
    /// Serializes and frames one message at a time: the stream writer's
    /// encoder and framer, so a NATS message holds exactly the bytes a
    /// stream file would. Each frame is split off the buffer's front as
    /// it is written, sharing the allocation rather than copied.
    writer: StreamWriter<T, Writer<BytesMut>, ChecksumFramer<C>>,
}

/// What the frame buffer grows by when it runs out: frames are split off
/// it, so one allocation serves many small frames.
const FRAME_BUFFER_CHUNK: usize = 64 * 1024;

impl<T: ?Sized, C> std::fmt::Debug for Publisher<T, C> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Publisher")
            .field("frames", &self.frames)
            .finish_non_exhaustive()
    }
}

impl<T: StreamSerialize + Schema + ?Sized> Publisher<T, XxHash64> {
    /// A publisher to `subject` with the default checksum, XXH3-64.
    pub fn new(jetstream: jetstream::Context, subject: impl Into<String>) -> Self {
        Self::with_checksum(jetstream, subject, XxHash64::new())
    }
}

impl<T: StreamSerialize + Schema + ?Sized, C: Checksum> Publisher<T, C> {
    /// A publisher to `subject` whose frames carry `checksum`.
    pub fn with_checksum(
        jetstream: jetstream::Context,
        subject: impl Into<String>,
        checksum: C,
    ) -> Self {
        Publisher {
            frames: FramePublisher::new(jetstream, subject, C::NAME, Some(fingerprint_of::<T>().0)),
            writer: StreamWriter::new(BytesMut::new().writer(), ChecksumFramer::new(checksum)),
        }
    }

    /// See [`FramePublisher::with_id_prefix`].
    #[must_use]
    pub fn with_id_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.frames = self.frames.with_id_prefix(prefix);
        self
    }

    /// See [`FramePublisher::with_retry`].
    #[must_use]
    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.frames = self.frames.with_retry(retry);
        self
    }

    /// The frame publisher underneath.
    pub fn frames(&self) -> &FramePublisher {
        &self.frames
    }

    /// The flatstream frame of `value`: the bytes a stream file written
    /// with `C` holds for it.
    ///
    /// # Errors
    ///
    /// [`Error::Flatstream`] when `value` cannot be serialized.
    pub fn frame(&mut self, value: &T) -> Result<Bytes> {
        frame(&mut self.writer, value)
    }

    /// Publishes `value` as one frame under the next id and waits for
    /// JetStream's acknowledgement, resending with the same id until it
    /// comes (see [`Retry`]).
    ///
    /// # Errors
    ///
    /// [`Error::Flatstream`] when `value` cannot be serialized;
    /// [`Error::Publish`] when no acknowledgement came in time.
    pub async fn publish(&mut self, value: &T) -> Result<PublishAck> {
        let frame = self.frame(value)?;
        self.frames.publish_frame(frame).await
    }

    /// As [`publish`](Self::publish), under the caller's id (a business
    /// key, say), so that a producer that restarts can resend it safely.
    ///
    /// # Errors
    ///
    /// As [`publish`](Self::publish).
    pub async fn publish_with_id(&mut self, value: &T, id: String) -> Result<PublishAck> {
        let frame = self.frame(value)?;
        self.frames.publish_frame_with_id(frame, id).await
    }

    /// Publishes `values` pipelined: every message is sent before the
    /// acknowledgements are awaited (see
    /// [`FramePublisher::publish_frames`]), each as soon as it is
    /// serialized.
    ///
    /// # Errors
    ///
    /// As [`publish`](Self::publish). When a value cannot be serialized,
    /// the values before it are published (acknowledged, or resent until
    /// the deadline) before [`Error::Flatstream`] returns, and none after
    /// it is.
    pub async fn publish_all<'v>(
        &mut self,
        values: impl IntoIterator<Item = &'v T>,
    ) -> Result<Vec<PublishAck>>
    where
        T: 'v,
    {
        // Each frame is sent as soon as it is made, so that serializing
        // the next overlaps with the server storing this one.
        let writer = &mut self.writer;
        let next_id = &mut self.frames.next_id;
        let messages = values
            .into_iter()
            .map(|value| frame(writer, value).map(|frame| (counted(next_id), frame)));
        self.frames.outbox.publish(messages).await
    }
}

/// Serializes and frames `value` at the end of the writer's buffer and
/// splits the frame off.
fn frame<T: StreamSerialize + ?Sized, C: Checksum>(
    writer: &mut StreamWriter<T, Writer<BytesMut>, ChecksumFramer<C>>,
    value: &T,
) -> Result<Bytes> {
    let buffer = writer.get_mut().get_mut();
    if buffer.capacity() < FRAME_BUFFER_CHUNK / 4 {
        buffer.reserve(FRAME_BUFFER_CHUNK);
    }
    let written = writer.write(value);
    let buffer = writer.get_mut().get_mut();
    match written {
        Ok(()) => Ok(buffer.split().freeze()),
        Err(err) => {
            // Whatever part of a frame was written goes.
            buffer.clear();
            Err(err.into())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_prefixes_are_eleven_url_safe_characters_and_differ() {
        let prefixes: Vec<String> = (0..1000).map(|_| unique_prefix()).collect();
        for prefix in &prefixes {
            assert_eq!(prefix.len(), 11, "{prefix}");
            assert!(
                prefix
                    .bytes()
                    .all(|byte| byte.is_ascii_alphanumeric() || byte == b'-' || byte == b'_'),
                "{prefix}"
            );
        }
        let distinct: std::collections::HashSet<&String> = prefixes.iter().collect();
        assert_eq!(distinct.len(), prefixes.len());
    }

    #[test]
    fn base64_digits_are_six_bits_each_low_first() {
        assert_eq!(base64_11(0), "AAAAAAAAAAA");
        assert_eq!(base64_11(1), "BAAAAAAAAAA");
        assert_eq!(base64_11(63 << 6), "A_AAAAAAAAA");
        assert_eq!(base64_11(u64::MAX), "__________P");
    }
}
