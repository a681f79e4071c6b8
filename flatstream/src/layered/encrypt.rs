//! Authenticated encryption of envelopes: XChaCha20-Poly1305, the nonce
//! made of the stream's random id and the frame's sequence number.

use std::fmt;

use chacha20poly1305::aead::{AeadInPlace, KeyInit};
use chacha20poly1305::{Tag, XChaCha20Poly1305, XNonce};

use super::LayerErrorKind;
use crate::error::Result;

/// A 256-bit key, from the caller (a key management system, a file with
/// restricted rights). Its `Debug` does not print it.
#[derive(Clone)]
pub struct Key([u8; 32]);

impl From<[u8; 32]> for Key {
    fn from(bytes: [u8; 32]) -> Self {
        Key(bytes)
    }
}

impl fmt::Debug for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Key(..)")
    }
}

/// A sealed frame's kinds.
pub(crate) const KIND_DATA: u8 = 1;
pub(crate) const KIND_END: u8 = 2;
/// Kind and sequence number, before the ciphertext.
const SEALED_HEADER: usize = 1 + 8;
const TAG_LEN: usize = 16;
/// Bytes of the random stream id.
pub(crate) const STREAM_ID_LEN: usize = 16;
/// Domain separation for the associated data.
const CONTEXT: &[u8] = b"flatstream xchacha20-poly1305 v1";

/// The name of the cipher, for the stream header.
pub(crate) const NAME: &str = "xchacha20-poly1305";

/// One stream's cipher: its key and random id.
pub(crate) struct Cipher {
    aead: XChaCha20Poly1305,
    stream_id: [u8; STREAM_ID_LEN],
}

impl Cipher {
    pub(crate) fn new(key: &Key, stream_id: [u8; STREAM_ID_LEN]) -> Self {
        Cipher {
            aead: XChaCha20Poly1305::new(&key.0.into()),
            stream_id,
        }
    }

    /// A cipher for a new stream, with a fresh random id.
    pub(crate) fn fresh(key: &Key) -> Result<Self> {
        let mut stream_id = [0u8; STREAM_ID_LEN];
        getrandom::getrandom(&mut stream_id).map_err(|err| {
            crate::Error::Io(std::io::Error::other(format!(
                "no randomness for the stream id: {err}"
            )))
        })?;
        Ok(Self::new(key, stream_id))
    }

    pub(crate) fn stream_id(&self) -> [u8; STREAM_ID_LEN] {
        self.stream_id
    }

    fn nonce(&self, sequence: u64) -> XNonce {
        let mut nonce = [0u8; 24];
        nonce[..STREAM_ID_LEN].copy_from_slice(&self.stream_id);
        nonce[STREAM_ID_LEN..].copy_from_slice(&sequence.to_le_bytes());
        nonce.into()
    }

    /// Associated data: the stream id, the frame's kind and sequence
    /// number and the payload length of its frame.
    fn associated(&self, kind: u8, sequence: u64, frame_len: usize) -> [u8; 61] {
        let mut ad = [0u8; CONTEXT.len() + STREAM_ID_LEN + 1 + 8 + 4];
        let mut at = 0;
        for part in [
            CONTEXT,
            &self.stream_id[..],
            &[kind][..],
            &sequence.to_le_bytes()[..],
            &(frame_len as u32).to_le_bytes()[..],
        ] {
            ad[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        ad
    }

    /// Writes to `out` (replacing what it held) the sealed frame payload
    /// of `plaintext`.
    pub(crate) fn seal(
        &self,
        kind: u8,
        sequence: u64,
        plaintext: &[u8],
        out: &mut Vec<u8>,
    ) -> Result<()> {
        let frame_len = SEALED_HEADER + plaintext.len() + TAG_LEN;
        if u32::try_from(frame_len).is_err() {
            return Err(
                LayerErrorKind::Malformed(format!("{frame_len} bytes do not fit a frame")).into(),
            );
        }
        out.clear();
        out.push(kind);
        out.extend_from_slice(&sequence.to_le_bytes());
        out.extend_from_slice(plaintext);
        let ad = self.associated(kind, sequence, frame_len);
        let tag = self
            .aead
            .encrypt_in_place_detached(&self.nonce(sequence), &ad, &mut out[SEALED_HEADER..])
            .map_err(|_| LayerErrorKind::Malformed("encryption failed".into()))?;
        out.extend_from_slice(&tag);
        Ok(())
    }

    /// Authenticates and decrypts the sealed frame payload `frame` into
    /// `out` (replacing what it held); returns its kind and sequence
    /// number.
    pub(crate) fn open(&self, frame: &[u8], out: &mut Vec<u8>) -> Result<(u8, u64)> {
        if frame.len() < SEALED_HEADER + TAG_LEN {
            return Err(LayerErrorKind::Malformed(format!(
                "{} bytes are shorter than a sealed frame's {} bytes of overhead",
                frame.len(),
                SEALED_HEADER + TAG_LEN
            ))
            .into());
        }
        let kind = frame[0];
        let mut seq = [0u8; 8];
        seq.copy_from_slice(&frame[1..SEALED_HEADER]);
        let sequence = u64::from_le_bytes(seq);
        let (body, tag) = frame[SEALED_HEADER..].split_at(frame.len() - SEALED_HEADER - TAG_LEN);
        out.clear();
        out.extend_from_slice(body);
        let ad = self.associated(kind, sequence, frame.len());
        self.aead
            .decrypt_in_place_detached(&self.nonce(sequence), &ad, out, Tag::from_slice(tag))
            .map_err(|_| {
                out.clear();
                LayerErrorKind::Authentication { sequence }
            })?;
        Ok((kind, sequence))
    }
}
