//! Consuming: a durable pull consumer whose messages are checked (frame,
//! checksum, schema fingerprint, FlatBuffer) before the caller sees them,
//! acknowledged once the caller has handled them; the messages that fail
//! a check go to the [`Rejects`] policy instead of stalling the consumer.

use std::fmt;
use std::marker::PhantomData;
use std::ops::{Deref, Range};
use std::time::{Duration, SystemTime};

use async_nats::jetstream::consumer::pull::{self, Stream as Messages};
use async_nats::jetstream::consumer::{AckPolicy, DeliverPolicy, PullConsumer};
use async_nats::jetstream::{self, AckKind};
use bytes::Bytes;
use flatstream::checksum::{Checksum, XxHash64};
use flatstream::framing::{ChecksumDeframer, Deframer, FrameStatus, DEFAULT_MAX_FRAME_LEN};
use flatstream::schema::Schema;
use flatstream::{DecodeOwned, Message, StreamDeserialize};
use futures_util::StreamExt;

use crate::error::{Error, Rejection, Result};
use crate::headers::{self, fingerprint_of};

/// Where a new consumer starts in the stream (replay).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[non_exhaustive]
pub enum StartAt {
    /// The first message the stream holds.
    #[default]
    First,
    /// Only messages published after the consumer is created.
    New,
    /// The message with this stream sequence number, or the first after it.
    Sequence(u64),
    /// The first message published at or after this time.
    Time(SystemTime),
}

/// How a consumer is set up on the server.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConsumerOptions {
    /// The durable consumer's name: the server remembers its progress
    /// across restarts of the consumer and of the server. `None` makes an
    /// ephemeral consumer. An existing durable consumer is reused as it is
    /// (its start position included).
    pub durable: Option<String>,
    /// Only messages whose subject matches (wildcards allowed).
    pub filter_subject: Option<String>,
    /// Where a new consumer starts.
    pub start: StartAt,
    /// How long the server waits for an acknowledgement before delivering
    /// a message again.
    pub ack_wait: Duration,
    /// Messages asked for per pull request: the most the client buffers.
    pub batch: usize,
    /// The most messages delivered and not yet acknowledged; the server
    /// stops delivering at this count, whatever the client asks.
    pub max_ack_pending: i64,
    /// Frames longer than this are rejected (see
    /// [`ChecksumDeframer::with_max_frame_len`]).
    pub max_frame_len: usize,
}

impl ConsumerOptions {
    /// A durable consumer named `name`, with the defaults otherwise.
    pub fn durable(name: impl Into<String>) -> Self {
        ConsumerOptions {
            durable: Some(name.into()),
            ..ConsumerOptions::default()
        }
    }
}

impl Default for ConsumerOptions {
    /// Ephemeral, from the first message, 30 s ack wait, batches of 256,
    /// at most 1,024 unacknowledged messages, 16 MiB frames.
    fn default() -> Self {
        ConsumerOptions {
            durable: None,
            filter_subject: None,
            start: StartAt::First,
            ack_wait: Duration::from_secs(30),
            batch: 256,
            max_ack_pending: 1024,
            max_frame_len: DEFAULT_MAX_FRAME_LEN,
        }
    }
}

/// A message a consumer refused, with where it was.
#[derive(Debug)]
pub struct Rejected {
    /// The stream that holds it.
    pub stream: String,
    /// Its stream sequence number.
    pub stream_sequence: u64,
    /// The subject it was published to.
    pub subject: String,
    /// Its id, when it has one (without the stamp; see
    /// [`FrameDelivery::message_id`]).
    pub message_id: Option<String>,
    /// Why it was refused.
    pub reason: Rejection,
    /// Its bytes, as received.
    pub payload: Bytes,
}

impl fmt::Display for Rejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "message at stream {} sequence {} (subject {}) rejected: {}",
            self.stream, self.stream_sequence, self.subject, self.reason
        )
    }
}

/// What a consumer does with a message that fails a check. In every case
/// the message is then terminated (`+TERM`): the server does not deliver
/// it again, and the consumer goes on.
pub enum Rejects {
    /// `next` returns [`Error::Rejected`]; the next call goes on.
    Error,
    /// The callback is called, and the consumer goes on.
    Callback(Box<dyn FnMut(&Rejected) + Send>),
    /// The message is republished, bytes and headers as received, to this
    /// subject, with its origin in `Flatstream-Rejected-*` headers (see
    /// [`REJECTED_SEQUENCE_HEADER`]); the subject must belong to a stream.
    /// The message is terminated only once JetStream has stored the copy.
    DeadLetter(String),
}

impl fmt::Debug for Rejects {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejects::Error => f.write_str("Error"),
            Rejects::Callback(_) => f.write_str("Callback(..)"),
            Rejects::DeadLetter(subject) => f.debug_tuple("DeadLetter").field(subject).finish(),
        }
    }
}

/// A dead-lettered message's stream sequence number.
pub const REJECTED_SEQUENCE_HEADER: &str = "Flatstream-Rejected-Sequence";
/// A dead-lettered message's stream.
pub const REJECTED_STREAM_HEADER: &str = "Flatstream-Rejected-Stream";
/// A dead-lettered message's subject.
pub const REJECTED_SUBJECT_HEADER: &str = "Flatstream-Rejected-Subject";
/// Why a message was dead-lettered.
pub const REJECTED_REASON_HEADER: &str = "Flatstream-Rejected-Reason";

/// Consumes flatstream frames of any type from a durable pull consumer:
/// the layer under [`Consumer`], and the bridge from a subject to a
/// stream file.
pub struct FrameConsumer<C = XxHash64> {
    jetstream: jetstream::Context,
    consumer: PullConsumer,
    messages: Option<Messages>,
    batch: usize,
    deframer: ChecksumDeframer<C>,
    schema: Option<u64>,
    rejects: Rejects,
    rejected: u64,
}

impl<C> fmt::Debug for FrameConsumer<C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameConsumer")
            .field("batch", &self.batch)
            .field("schema", &self.schema)
            .field("rejects", &self.rejects)
            .field("rejected", &self.rejected)
            .finish_non_exhaustive()
    }
}

impl<C: Checksum> FrameConsumer<C> {
    /// Creates (or, for an existing durable name, reuses) a pull consumer
    /// on `stream`, reading frames guarded by `checksum`; when `schema` is
    /// given, messages whose stated schema fingerprint (see
    /// [`STAMP_SEPARATOR`](crate::STAMP_SEPARATOR)) differs, or that
    /// state none, are rejected.
    ///
    /// # Errors
    ///
    /// [`Error::Nats`] when the stream does not exist, or the consumer
    /// cannot be created or subscribed to.
    pub async fn create(
        jetstream: jetstream::Context,
        stream: &str,
        options: &ConsumerOptions,
        checksum: C,
        schema: Option<u64>,
        rejects: Rejects,
    ) -> Result<Self> {
        let deliver_policy = match options.start {
            StartAt::First => DeliverPolicy::All,
            StartAt::New => DeliverPolicy::New,
            StartAt::Sequence(start_sequence) => DeliverPolicy::ByStartSequence { start_sequence },
            StartAt::Time(time) => DeliverPolicy::ByStartTime {
                start_time: time::OffsetDateTime::from(time),
            },
        };
        let config = pull::Config {
            durable_name: options.durable.clone(),
            deliver_policy,
            ack_policy: AckPolicy::Explicit,
            ack_wait: options.ack_wait,
            max_ack_pending: options.max_ack_pending,
            filter_subject: options.filter_subject.clone().unwrap_or_default(),
            ..pull::Config::default()
        };
        let handle = jetstream
            .get_stream(stream)
            .await
            .map_err(|err| Error::nats("cannot find the stream", err))?;
        let consumer = match &options.durable {
            Some(name) => handle.get_or_create_consumer(name, config).await,
            None => handle.create_consumer(config).await,
        }
        .map_err(|err| Error::nats("cannot create the consumer", err))?;
        let mut frames = FrameConsumer {
            jetstream,
            consumer,
            messages: None,
            batch: options.batch.max(1),
            deframer: ChecksumDeframer::new(checksum).with_max_frame_len(options.max_frame_len),
            schema,
            rejects,
            rejected: 0,
        };
        // Subscribed now, so that the first `next` only pulls; the first
        // pull request goes out when `next` first asks for a message.
        frames.messages().await?;
        Ok(frames)
    }

    /// How many messages this consumer has rejected.
    pub fn rejected(&self) -> u64 {
        self.rejected
    }

    /// The consumer's state on the server: among others
    /// `num_ack_pending`, the messages delivered and not yet acknowledged
    /// (those the client buffers included), and `num_pending`, those not
    /// yet delivered.
    ///
    /// # Errors
    ///
    /// [`Error::Nats`] when the server does not answer.
    pub async fn info(&mut self) -> Result<jetstream::consumer::Info> {
        self.consumer
            .info()
            .await
            .cloned()
            .map_err(|err| Error::nats("cannot read the consumer's state", err))
    }

    /// The next intact frame, waiting for one as long as it takes.
    ///
    /// # Errors
    ///
    /// [`Error::Nats`] when the pull fails (the next call pulls anew);
    /// [`Error::Rejected`] under [`Rejects::Error`]; [`Error::Publish`]
    /// when a dead-letter copy was not stored (the message is then
    /// delivered again after the ack wait).
    pub async fn next(&mut self) -> Result<FrameDelivery> {
        loop {
            let message = self.receive().await?;
            match self.check(message) {
                Ok(delivery) => return Ok(delivery),
                Err((message, reason)) => self.reject(message, reason).await?,
            }
        }
    }

    /// As [`next`](Self::next), or `None` when no message comes within
    /// `timeout`.
    ///
    /// # Errors
    ///
    /// As [`next`](Self::next).
    pub async fn next_within(&mut self, timeout: Duration) -> Result<Option<FrameDelivery>> {
        match tokio::time::timeout(timeout, self.next()).await {
            Ok(delivery) => delivery.map(Some),
            Err(_elapsed) => Ok(None),
        }
    }

    /// The stream of pulled messages, subscribed anew after a failure.
    async fn messages(&mut self) -> Result<&mut Messages> {
        let messages = match self.messages.take() {
            Some(messages) => messages,
            None => self
                .consumer
                .stream()
                .max_messages_per_batch(self.batch)
                .messages()
                .await
                .map_err(|err| Error::nats("cannot pull messages", err))?,
        };
        Ok(self.messages.insert(messages))
    }

    async fn receive(&mut self) -> Result<jetstream::Message> {
        match self.messages().await?.next().await {
            Some(Ok(message)) => Ok(message),
            Some(Err(err)) => {
                self.messages = None;
                Err(Error::nats("pulling messages failed", err))
            }
            None => {
                self.messages = None;
                Err(Error::nats("the message stream ended", "closed"))
            }
        }
    }

    /// The message as a delivery, or why it is refused.
    #[allow(clippy::result_large_err)]
    fn check(
        &self,
        message: jetstream::Message,
    ) -> std::result::Result<FrameDelivery, (jetstream::Message, Rejection)> {
        let stated = headers::stamped(message.headers.as_ref()).stated;
        if let Some(found) = stated.checksum.filter(|found| *found != C::NAME) {
            let found = found.to_owned();
            return Err((
                message,
                Rejection::Checksum {
                    expected: C::NAME,
                    found,
                },
            ));
        }
        if let Some(expected) = self.schema {
            let found = stated.fingerprint;
            if found != Some(expected) {
                return Err((message, Rejection::Schema { expected, found }));
            }
        }
        let bytes = &message.payload;
        let reason = match self.deframer.decode_frame(bytes) {
            Ok(FrameStatus::Complete { frame_len, payload }) if frame_len == bytes.len() => {
                return Ok(FrameDelivery { message, payload });
            }
            Ok(FrameStatus::Complete { frame_len, .. }) => Rejection::TrailingBytes {
                frame_len,
                extra: bytes.len() - frame_len,
            },
            Ok(FrameStatus::Incomplete { needed }) => Rejection::Truncated {
                len: bytes.len(),
                needed,
            },
            Err(err) => Rejection::Frame(err),
        };
        Err((message, reason))
    }

    async fn reject(&mut self, message: jetstream::Message, reason: Rejection) -> Result<()> {
        let (stream, stream_sequence) = message.info().map_or((String::new(), 0), |info| {
            (info.stream.to_owned(), info.stream_sequence)
        });
        let rejected = Rejected {
            stream,
            stream_sequence,
            subject: message.subject.to_string(),
            message_id: headers::stamped(message.headers.as_ref())
                .id
                .map(str::to_owned),
            reason,
            payload: message.payload.clone(),
        };
        match &mut self.rejects {
            Rejects::Error => {}
            Rejects::Callback(callback) => callback(&rejected),
            Rejects::DeadLetter(subject) => {
                dead_letter(&self.jetstream, subject, &message, &rejected).await?;
            }
        }
        message
            .ack_with(AckKind::Term)
            .await
            .map_err(|err| Error::nats("cannot terminate a rejected message", err))?;
        self.rejected += 1;
        match self.rejects {
            Rejects::Error => Err(Error::Rejected(Box::new(rejected))),
            _ => Ok(()),
        }
    }
}

/// Stores a copy of a rejected message under `subject`, with its origin.
async fn dead_letter(
    jetstream: &jetstream::Context,
    subject: &str,
    message: &jetstream::Message,
    rejected: &Rejected,
) -> Result<()> {
    let mut copy = message.headers.clone().unwrap_or_default();
    // The copy's id is its own, so the stamp the original's id held, if
    // any, goes into a header of its own.
    let stamp = headers::Stamp::header_value(&headers::stamped(message.headers.as_ref()).stated);
    let id = format!("rejected.{}.{}", rejected.stream, rejected.stream_sequence);
    copy.insert(headers::MESSAGE_ID, id.as_str());
    if let Some(stamp) = stamp {
        copy.insert(crate::FLATSTREAM_HEADER, stamp);
    }
    copy.insert(REJECTED_STREAM_HEADER, rejected.stream.as_str());
    copy.insert(
        REJECTED_SEQUENCE_HEADER,
        rejected.stream_sequence.to_string().as_str(),
    );
    copy.insert(REJECTED_SUBJECT_HEADER, rejected.subject.as_str());
    copy.insert(
        REJECTED_REASON_HEADER,
        rejected
            .reason
            .to_string()
            .replace(['\r', '\n'], " ")
            .as_str(),
    );
    let stored = async {
        jetstream
            .publish_with_headers(subject.to_owned(), copy, message.payload.clone())
            .await?
            .await
    }
    .await;
    stored.map(drop).map_err(|err| Error::Publish {
        id,
        attempts: 1,
        source: err.into(),
    })
}

/// One intact frame from a [`FrameConsumer`]; acknowledge it with
/// [`ack`](Self::ack) once handled. Dropped without an acknowledgement, it
/// is delivered again after the consumer's ack wait.
pub struct FrameDelivery {
    message: jetstream::Message,
    payload: Range<usize>,
}

impl fmt::Debug for FrameDelivery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("FrameDelivery")
            .field("subject", &self.message.subject)
            .field("stream_sequence", &self.stream_sequence())
            .field("message_id", &self.message_id())
            .field("frame_len", &self.message.payload.len())
            .finish()
    }
}

impl FrameDelivery {
    /// The whole frame (length, checksum, payload): the bytes to append to
    /// a stream file written with the same checksum.
    pub fn frame(&self) -> &Bytes {
        &self.message.payload
    }

    /// The payload, one finished FlatBuffer (not verified at this layer).
    pub fn payload(&self) -> Bytes {
        self.message.payload.slice(self.payload.clone())
    }

    /// The stream sequence number (0 if the server's reply subject does
    /// not say it, which JetStream's always does).
    pub fn stream_sequence(&self) -> u64 {
        self.message.info().map_or(0, |info| info.stream_sequence)
    }

    /// The message id, when it has one: the publisher's id, without the
    /// stamp that follows it in `Nats-Msg-Id`.
    pub fn message_id(&self) -> Option<&str> {
        headers::stamped(self.message.headers.as_ref()).id
    }

    /// The subject it was published to.
    pub fn subject(&self) -> &str {
        self.message.subject.as_str()
    }

    /// The schema fingerprint it states, when it states one.
    pub fn schema_fingerprint(&self) -> Option<u64> {
        headers::stamped(self.message.headers.as_ref())
            .stated
            .fingerprint
    }

    /// How many times the server has delivered it (1 the first time).
    pub fn delivered(&self) -> i64 {
        self.message.info().map_or(1, |info| info.delivered)
    }

    /// Acknowledges the message: the server will not deliver it again.
    ///
    /// # Errors
    ///
    /// [`Error::Nats`] when the acknowledgement cannot be sent.
    pub async fn ack(&self) -> Result<()> {
        self.message
            .ack()
            .await
            .map_err(|err| Error::nats("cannot acknowledge", err))
    }

    /// Asks the server to deliver the message again (after `delay`, or at
    /// once).
    ///
    /// # Errors
    ///
    /// [`Error::Nats`] when the request cannot be sent.
    pub async fn nak(&self, delay: Option<Duration>) -> Result<()> {
        self.message
            .ack_with(AckKind::Nak(delay))
            .await
            .map_err(|err| Error::nats("cannot ask for redelivery", err))
    }
}

/// Consumes values of `T` whose frames carry `C`: a [`FrameConsumer`]
/// that also checks the schema fingerprint and verifies each payload as a
/// `T`.
///
/// # Examples
///
/// ```no_run
/// # async fn run() -> flatstream_nats::Result<()> {
/// use flatstream_nats::{Consumer, ConsumerOptions, Rejects};
///
/// let client = async_nats::connect("127.0.0.1:4222").await.unwrap();
/// let jetstream = async_nats::jetstream::new(client);
/// let options = ConsumerOptions::durable("archiver");
/// let mut consumer = Consumer::<String>::create(
///     jetstream, "EVENTS", &options, Rejects::DeadLetter("dead.events".into()),
/// ).await?;
/// loop {
///     let delivery = consumer.next().await?;
///     println!("{} at {}", delivery.view(), delivery.stream_sequence());
///     delivery.ack().await?;
/// }
/// # }
/// ```
pub struct Consumer<T, C = XxHash64> {
    frames: FrameConsumer<C>,
    _message: PhantomData<fn() -> T>,
}

impl<T, C> fmt::Debug for Consumer<T, C> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("Consumer").field(&self.frames).finish()
    }
}

impl<T: StreamDeserialize + Schema> Consumer<T, XxHash64> {
    /// A consumer of `T` framed with XXH3-64 (see
    /// [`with_checksum`](Self::with_checksum)).
    ///
    /// # Errors
    ///
    /// As [`FrameConsumer::create`].
    pub async fn create(
        jetstream: jetstream::Context,
        stream: &str,
        options: &ConsumerOptions,
        rejects: Rejects,
    ) -> Result<Self> {
        Self::with_checksum(jetstream, stream, options, XxHash64::new(), rejects).await
    }
}

impl<T: StreamDeserialize + Schema, C: Checksum> Consumer<T, C> {
    /// A consumer of `T` framed with `checksum`, on `stream`; it rejects
    /// messages whose schema fingerprint is not `T`'s.
    ///
    /// # Errors
    ///
    /// As [`FrameConsumer::create`].
    pub async fn with_checksum(
        jetstream: jetstream::Context,
        stream: &str,
        options: &ConsumerOptions,
        checksum: C,
        rejects: Rejects,
    ) -> Result<Self> {
        let (fingerprint, _root) = fingerprint_of::<T>();
        let frames = FrameConsumer::create(
            jetstream,
            stream,
            options,
            checksum,
            Some(fingerprint),
            rejects,
        )
        .await?;
        Ok(Consumer {
            frames,
            _message: PhantomData,
        })
    }

    /// The frame consumer underneath.
    pub fn frames(&mut self) -> &mut FrameConsumer<C> {
        &mut self.frames
    }

    /// The next message that passes every check, waiting as long as it
    /// takes.
    ///
    /// # Errors
    ///
    /// As [`FrameConsumer::next`].
    pub async fn next(&mut self) -> Result<Delivery<T>> {
        loop {
            let frame = self.frames.next().await?;
            match Message::<T>::new(frame.payload()) {
                Ok(message) => return Ok(Delivery { frame, message }),
                Err(err) => {
                    self.frames
                        .reject(frame.message, Rejection::Payload(err))
                        .await?;
                }
            }
        }
    }

    /// As [`next`](Self::next), or `None` when no message comes within
    /// `timeout`.
    ///
    /// # Errors
    ///
    /// As [`FrameConsumer::next`].
    pub async fn next_within(&mut self, timeout: Duration) -> Result<Option<Delivery<T>>> {
        match tokio::time::timeout(timeout, self.next()).await {
            Ok(delivery) => delivery.map(Some),
            Err(_elapsed) => Ok(None),
        }
    }
}

/// One verified message of `T` from a [`Consumer`]; the
/// [`FrameDelivery`] methods (`ack`, `stream_sequence`, `frame`, ...) are
/// reachable through it.
pub struct Delivery<T> {
    frame: FrameDelivery,
    message: Message<T>,
}

impl<T> fmt::Debug for Delivery<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.frame.fmt(f)
    }
}

impl<T: StreamDeserialize> Delivery<T> {
    /// The verified zero-copy view.
    pub fn view(&self) -> T::View<'_> {
        self.message.view()
    }

    /// The message decoded into an owned `T`.
    pub fn decode(&self) -> T
    where
        T: DecodeOwned,
    {
        self.message.decode()
    }

    /// The verified message, which owns its bytes (cheap to clone).
    pub fn message(&self) -> &Message<T> {
        &self.message
    }
}

impl<T> Deref for Delivery<T> {
    type Target = FrameDelivery;

    fn deref(&self) -> &FrameDelivery {
        &self.frame
    }
}
