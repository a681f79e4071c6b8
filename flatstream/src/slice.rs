//! [`SliceReader`]: reads a stream held in memory — a buffer, or a file
//! mapped with `memmap2` — handing out views that borrow the slice itself.

use std::fmt;
use std::marker::PhantomData;

use crate::decode::{read_settings, verifier_setting, Next, ReadState, Verify};
use crate::error::{Error, Result};
use crate::framing::Deframer;
use crate::lazy::ShallowDeserialize;
use crate::reader::decode_into;
use crate::serialize::{DecodeOwned, StreamDeserialize};

/// Reads a stream of `T` messages from a byte slice, without copying.
///
/// The same reader as [`StreamReader`](crate::StreamReader) (same methods,
/// errors, recovery and counters) over bytes already in memory, which is
/// why it has no reader type parameter. Its views borrow the slice, not
/// the reader: they live as long as the bytes, so they can be collected,
/// sorted or kept while reading goes on. That is also why, as an
/// `Iterator`, it yields views (`Result<T::View<'a>>`) where a
/// `StreamReader` yields owned values; [`read_owned`](Self::read_owned)
/// decodes when an owned value is wanted. Reading raw payloads is
/// [`read_message`](Self::read_message), with `T = ()` if no type applies.
///
/// # Examples
///
/// ```
/// use flatstream::{checksum::XxHash64, framing::*, SliceReader, StreamWriter};
///
/// let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(XxHash64::new()));
/// writer.write_batch(&["b", "a", "c"])?;
/// let bytes = writer.into_inner();
///
/// let reader = SliceReader::<String, _>::new(&bytes, ChecksumDeframer::new(XxHash64::new()));
/// let mut views: Vec<&str> = reader.collect::<Result<_, _>>()?;
/// views.sort(); // the views outlive the iteration
/// assert_eq!(views, ["a", "b", "c"]);
///
/// // A torn tail is an error, after the intact frames.
/// let mut reader = SliceReader::<String, _>::new(&bytes[..bytes.len() - 1], ChecksumDeframer::new(XxHash64::new()));
/// assert_eq!(reader.next().unwrap()?, "b");
/// assert_eq!(reader.next().unwrap()?, "a");
/// assert!(reader.next().unwrap().is_err());
/// assert!(reader.next().is_none());
/// # Ok::<(), flatstream::Error>(())
/// ```
pub struct SliceReader<'a, T, D> {
    bytes: &'a [u8],
    position: usize,
    pub(crate) state: ReadState<D>,
    _message: PhantomData<fn() -> T>,
}

impl<'a, T, D: Deframer> SliceReader<'a, T, D> {
    /// A reader of the frames in `bytes`, deframed by `deframer`.
    pub fn new(bytes: &'a [u8], deframer: D) -> Self {
        SliceReader {
            bytes,
            position: 0,
            state: ReadState::new(deframer),
            _message: PhantomData,
        }
    }

    /// Returns the next payload, checksum-verified but not interpreted,
    /// borrowing the slice. `Ok(None)` at the end.
    ///
    /// # Errors
    ///
    /// [`Error::InvalidFrame`], [`Error::ChecksumMismatch`] (with the
    /// frame's offset) and [`Error::UnexpectedEof`]. In strict mode the same
    /// error comes back until the recovery mode changes.
    pub fn read_message(&mut self) -> Result<Option<&'a [u8]>> {
        self.next_frame(&mut |_| Ok(()))
    }

    /// Returns the next verified view, borrowing the slice. `Ok(None)` at
    /// the end.
    ///
    /// # Errors
    ///
    /// Those of [`read_message`](Self::read_message), and
    /// [`Error::Verification`] when a payload is not a valid `T`.
    #[inline]
    pub fn read(&mut self) -> Result<Option<T::View<'a>>>
    where
        T: StreamDeserialize,
    {
        let payload = self.next_verified()?;
        // SAFETY: `next_verified` ran `T::view_with_options` on exactly
        // this payload and only returned it if verification succeeded.
        Ok(payload.map(|payload| unsafe { T::view_unchecked(payload) }))
    }

    /// Returns the next message's shallow view: the root table checked,
    /// its nested tables left to be checked when reached (see
    /// [`lazy`](crate::lazy)). Like [`read`](Self::read)'s views, it
    /// borrows the slice, not the reader.
    ///
    /// # Errors
    ///
    /// As [`read`](Self::read), for the root table.
    #[inline]
    pub fn read_shallow(&mut self) -> Result<Option<T::ShallowView<'a>>>
    where
        T: ShallowDeserialize,
    {
        let options = self.state.typed::<T>();
        let payload = self
            .next_frame(&mut |payload| T::view_shallow_with_options(payload, &options).map(drop))?;
        // SAFETY: `next_frame` ran `T::view_shallow_with_options` on
        // exactly this payload and only returned it if it succeeded.
        Ok(payload.map(|payload| unsafe { T::view_shallow_unchecked(payload) }))
    }

    /// The next payload, verified as a `T`. Out of line, so that `read`,
    /// which makes the view, inlines into the caller's loop and the view
    /// reaches it in registers rather than through a copied return value.
    #[inline(never)]
    fn next_verified(&mut self) -> Result<Option<&'a [u8]>>
    where
        T: StreamDeserialize,
    {
        let options = self.state.typed::<T>();
        self.next_frame(&mut |payload| T::view_with_options(payload, &options).map(drop))
    }

    /// Returns the next message decoded into an owned `T`, checked and
    /// decoded in one pass. `Ok(None)` at the end.
    ///
    /// # Errors
    ///
    /// As [`read`](Self::read).
    pub fn read_owned(&mut self) -> Result<Option<T>>
    where
        T: DecodeOwned,
    {
        let options = self.state.typed::<T>();
        let mut decoded = None;
        let frame = self.next_frame(&mut decode_into(&options, &mut decoded))?;
        Ok(frame.and(decoded))
    }

    /// Returns the next view without verifying the FlatBuffer; checksums
    /// are still checked. `Ok(None)` at the end.
    ///
    /// # Errors
    ///
    /// Those of [`read_message`](Self::read_message).
    ///
    /// # Safety
    ///
    /// Every payload in the slice must be a valid `T`, for instance one
    /// written by a [`StreamWriter`](crate::StreamWriter) of `T` and
    /// guarded by a checksum, from a source the caller trusts.
    #[inline]
    pub unsafe fn read_unchecked(&mut self) -> Result<Option<T::View<'a>>>
    where
        T: StreamDeserialize,
    {
        self.state.typed::<T>();
        let payload = self.next_payload()?;
        // SAFETY: the caller guarantees every payload is a valid `T`.
        Ok(payload.map(|payload| unsafe { T::view_unchecked(payload) }))
    }

    /// [`read_message`](Self::read_message) out of line, for the readers
    /// of views that inline into the caller's loop (see `next_verified`).
    #[inline(never)]
    fn next_payload(&mut self) -> Result<Option<&'a [u8]>> {
        self.next_frame(&mut |_| Ok(()))
    }

    fn next_frame(&mut self, verify: &mut Verify<'_>) -> Result<Option<&'a [u8]>> {
        let bytes: &'a [u8] = self.bytes;
        loop {
            let start = self.position;
            // The whole stream is in the slice: it is always at EOF.
            let (consumed, next) = self.state.step(&bytes[start..], start as u64, true, verify);
            self.position += consumed;
            return match next {
                Next::Again => continue,
                Next::Frame(payload) => {
                    Ok(Some(&bytes[start + payload.start..start + payload.end]))
                }
                Next::End => Ok(None),
                Next::Fail(err) => Err(*err),
                // Never at EOF; kept an error rather than a panic.
                Next::Read(_) => Err(Error::UnexpectedEof.at_offset(start as u64)),
            };
        }
    }
}

impl<T, D> SliceReader<'_, T, D> {
    read_settings!(D; state);
    verifier_setting!(state);

    /// Offset in the slice of the next frame to read (after an error in
    /// strict mode: of the damaged frame).
    pub fn position(&self) -> u64 {
        self.position as u64
    }

    /// The bytes not read yet.
    pub fn remaining(&self) -> &[u8] {
        &self.bytes[self.position..]
    }
}

/// Yields views that borrow the slice. After the end of the stream or an
/// error the iterator ends, until
/// [`set_recovery`](SliceReader::set_recovery) is called.
impl<'a, T: StreamDeserialize, D: Deframer> Iterator for SliceReader<'a, T, D> {
    type Item = Result<T::View<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.state.fused {
            return None;
        }
        let next = self.read();
        self.state.fuse(next)
    }
}

impl<T: StreamDeserialize, D: Deframer> std::iter::FusedIterator for SliceReader<'_, T, D> {}

impl<T, D: fmt::Debug> fmt::Debug for SliceReader<'_, T, D> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SliceReader")
            .field("type", &std::any::type_name::<T>())
            .field("len", &self.bytes.len())
            .field("position", &self.position)
            .field("deframer", &self.state.deframer)
            .field("recovery", &self.state.recovery)
            .field("stats", &self.state.stats)
            .finish_non_exhaustive()
    }
}
