//! Publishing: one frame per NATS message, with an id for JetStream's
//! de-duplication, retried until acknowledged.

use std::future::IntoFuture;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use async_nats::jetstream::context::PublishAckFuture;
use async_nats::jetstream::{self, publish::PublishAck};
use async_nats::Subject;
use bytes::Bytes;
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
    jetstream: jetstream::Context,
    subject: Subject,
    stamp: Stamp,
    id_prefix: String,
    next_id: u64,
    retry: Retry,
}

impl FramePublisher {
    /// A publisher of frames guarded by the checksum named `checksum` (see
    /// [`Checksum::NAME`]) to `subject`, stating `schema` (fingerprint and
    /// root type name) when known.
    ///
    /// Message ids are `PREFIX-N` with `N` counting from 0 and a prefix
    /// unique to this publisher (see [`with_id_prefix`](Self::with_id_prefix)).
    pub fn new(
        jetstream: jetstream::Context,
        subject: impl Into<String>,
        checksum: &'static str,
        schema: Option<(u64, String)>,
    ) -> Self {
        FramePublisher {
            jetstream,
            subject: Subject::from(subject.into()),
            stamp: Stamp::new(checksum, schema.as_ref()),
            id_prefix: unique_prefix(),
            next_id: 0,
            retry: Retry::default(),
        }
    }

    /// Names messages `PREFIX-N`. A prefix must not be reused by another
    /// publisher within the stream's de-duplication window (two minutes by
    /// default), or JetStream drops its messages as duplicates.
    #[must_use]
    pub fn with_id_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.id_prefix = prefix.into();
        self
    }

    /// Sets how long unacknowledged messages are resent.
    #[must_use]
    pub fn with_retry(mut self, retry: Retry) -> Self {
        self.retry = retry;
        self
    }

    /// The subject messages go to.
    pub fn subject(&self) -> &str {
        self.subject.as_str()
    }

    /// The id the next message without an explicit id gets.
    pub fn next_id(&self) -> String {
        format!("{}-{}", self.id_prefix, self.next_id)
    }

    fn take_id(&mut self) -> String {
        let id = self.next_id();
        self.next_id += 1;
        id
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
        let id = self.take_id();
        self.publish_frame_with_id(frame, id).await
    }

    /// As [`publish_frame`](Self::publish_frame), with the caller's id.
    ///
    /// # Errors
    ///
    /// As [`publish_frame`](Self::publish_frame).
    pub async fn publish_frame_with_id(&self, frame: Bytes, id: String) -> Result<PublishAck> {
        let mut acks = self.publish_ided(vec![(id, frame)]).await?;
        Ok(acks.pop().expect("one message, one acknowledgement"))
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
        let messages: Vec<(String, Bytes)> = frames
            .into_iter()
            .map(|frame| (self.take_id(), frame))
            .collect();
        self.publish_ided(messages).await
    }

    async fn publish_ided(&self, messages: Vec<(String, Bytes)>) -> Result<Vec<PublishAck>> {
        let start = Instant::now();
        let mut backoff = self.retry.backoff;
        let mut acks: Vec<Option<PublishAck>> = vec![None; messages.len()];
        let mut pending: Vec<usize> = (0..messages.len()).collect();
        let mut attempts = 0u32;
        loop {
            attempts += 1;
            let mut sent: Vec<(usize, PublishAckFuture)> = Vec::with_capacity(pending.len());
            let mut failed: Vec<(usize, BoxError)> = Vec::new();
            let mut unsent = pending.iter().copied();
            for index in unsent.by_ref() {
                let (id, frame) = &messages[index];
                let headers = self.stamp.headers(id);
                match self
                    .jetstream
                    .publish_with_headers(self.subject.clone(), headers, frame.clone())
                    .await
                {
                    Ok(future) => sent.push((index, future)),
                    Err(err) => {
                        // The connection is down: the rest waits for the
                        // next round.
                        failed.push((index, err.into()));
                        break;
                    }
                }
            }
            failed.extend(unsent.map(|index| (index, "not sent: the connection was down".into())));
            // Once one acknowledgement is lost, the connection was lost
            // and the rest are as good as lost too: rather than wait for
            // each in turn, take those already there and resend the others.
            let mut lost = false;
            for (index, future) in sent {
                let outcome = if lost {
                    match tokio::time::timeout(Duration::from_millis(1), future.into_future()).await
                    {
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
            if failed.is_empty() {
                return Ok(acks.into_iter().flatten().collect());
            }
            if start.elapsed() + backoff > self.retry.deadline {
                failed.sort_by_key(|(index, _)| *index);
                let (index, source) = failed.swap_remove(0);
                return Err(Error::Publish {
                    id: messages[index].0.clone(),
                    attempts,
                    source,
                });
            }
            tokio::time::sleep(backoff).await;
            backoff = (backoff * 2).min(self.retry.max_backoff);
            pending = failed.into_iter().map(|(index, _)| index).collect();
            pending.sort_unstable();
        }
    }
}

/// A prefix no other publisher of this or another process is likely to
/// use: the time, the process id and a counter.
fn unique_prefix() -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |since| since.as_nanos());
    let count = COUNTER.fetch_add(1, Ordering::Relaxed);
    format!("{nanos:x}.{:x}.{count:x}", std::process::id())
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
    /// Serializes and frames one message at a time into its reused
    /// buffer: the stream writer's encoder and framer, so a NATS message
    /// holds exactly the bytes a stream file would.
    writer: StreamWriter<T, Vec<u8>, ChecksumFramer<C>>,
}

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
            frames: FramePublisher::new(jetstream, subject, C::NAME, Some(fingerprint_of::<T>())),
            writer: StreamWriter::new(Vec::new(), ChecksumFramer::new(checksum)),
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
        self.writer.clear();
        self.writer.write(value)?;
        Ok(Bytes::copy_from_slice(self.writer.get_ref()))
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
    /// [`FramePublisher::publish_frames`]).
    ///
    /// # Errors
    ///
    /// As [`publish`](Self::publish).
    pub async fn publish_all<'v>(
        &mut self,
        values: impl IntoIterator<Item = &'v T>,
    ) -> Result<Vec<PublishAck>>
    where
        T: 'v,
    {
        let frames = values
            .into_iter()
            .map(|value| self.frame(value))
            .collect::<Result<Vec<_>>>()?;
        self.frames.publish_frames(frames).await
    }
}
