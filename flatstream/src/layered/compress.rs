//! The codecs: an envelope around a message or a block, compressed with
//! LZ4 or zstd (optionally with a dictionary), or stored.

use std::fmt;
use std::sync::Arc;

use super::{LayerErrorKind, CODEC_LZ4, CODEC_STORED, CODEC_ZSTD, ENVELOPE_HEADER};
use crate::error::Result;

/// The codec a [`LayeredWriter`](super::LayeredWriter) compresses with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Compression {
    /// Stored as is.
    None,
    /// LZ4 block format (`lz4_flex`), for speed.
    #[cfg(feature = "lz4")]
    #[cfg_attr(docsrs, doc(cfg(feature = "lz4")))]
    Lz4,
    /// zstd at `level` (1 to 22; 3 is zstd's default), with the
    /// [`Dictionary`] when the layers have one.
    #[cfg(feature = "zstd")]
    #[cfg_attr(docsrs, doc(cfg(feature = "zstd")))]
    Zstd {
        /// The compression level.
        level: i32,
    },
}

/// The zstd dictionary magic number, little-endian, that starts a trained
/// dictionary; its id follows.
const DICT_MAGIC: u32 = 0xEC30_A437;

/// A zstd dictionary, trained from sample messages, that small messages
/// compress against. Its id travels in the stream header and in every
/// zstd frame, so a reader holding another dictionary gets
/// [`LayerErrorKind::DictionaryMismatch`] rather than garbage.
#[derive(Clone)]
pub struct Dictionary {
    bytes: Arc<[u8]>,
    id: u32,
}

impl Dictionary {
    /// A dictionary from its bytes, as [`train`](Self::train) made them
    /// (or `zstd --train`).
    ///
    /// # Errors
    ///
    /// [`LayerErrorKind::Malformed`] when `bytes` is not a zstd
    /// dictionary (no magic number, or id 0).
    pub fn new(bytes: impl Into<Arc<[u8]>>) -> Result<Self> {
        let bytes = bytes.into();
        let word = |at: usize| {
            bytes
                .get(at..at + 4)
                .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        };
        match (word(0), word(4)) {
            (Some(DICT_MAGIC), Some(id)) if id != 0 => Ok(Dictionary { bytes, id }),
            _ => Err(LayerErrorKind::Malformed(format!(
                "{} bytes are not a zstd dictionary with an id",
                bytes.len()
            ))
            .into()),
        }
    }

    /// Trains a dictionary of at most `max_size` bytes from `samples`
    /// (serialized messages, a few hundred or more).
    ///
    /// # Errors
    ///
    /// [`LayerErrorKind::Malformed`] when zstd cannot train on the
    /// samples (too few, or too small).
    #[cfg(feature = "zstd")]
    #[cfg_attr(docsrs, doc(cfg(feature = "zstd")))]
    pub fn train<S: AsRef<[u8]>>(samples: &[S], max_size: usize) -> Result<Self> {
        let bytes = zstd::dict::from_samples(samples, max_size).map_err(|err| {
            LayerErrorKind::Malformed(format!(
                "zstd could not train a dictionary from {} samples: {err}",
                samples.len()
            ))
        })?;
        Self::new(bytes)
    }

    /// The dictionary's id.
    pub fn id(&self) -> u32 {
        self.id
    }

    /// The dictionary's bytes, to store next to the streams.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for Dictionary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Dictionary")
            .field("id", &self.id)
            .field("len", &self.bytes.len())
            .finish()
    }
}

/// The name of a codec, for the stream header.
pub(crate) fn name(compression: Compression) -> &'static str {
    match compression {
        Compression::None => "none",
        #[cfg(feature = "lz4")]
        Compression::Lz4 => "lz4",
        #[cfg(feature = "zstd")]
        Compression::Zstd { .. } => "zstd",
    }
}

/// Writes envelopes.
pub(crate) struct Packer {
    compression: Compression,
    #[cfg(feature = "zstd")]
    zstd: Option<zstd::bulk::Compressor<'static>>,
}

impl Packer {
    pub(crate) fn new(compression: Compression, dictionary: Option<&Dictionary>) -> Result<Self> {
        #[cfg(feature = "zstd")]
        let zstd = match compression {
            Compression::Zstd { level } => Some(
                match dictionary {
                    Some(dictionary) => {
                        zstd::bulk::Compressor::with_dictionary(level, dictionary.as_bytes())
                    }
                    None => zstd::bulk::Compressor::new(level),
                }
                .map_err(|err| LayerErrorKind::Malformed(format!("zstd: {err}")))?,
            ),
            _ => None,
        };
        #[cfg(not(feature = "zstd"))]
        let _ = dictionary;
        Ok(Packer {
            compression,
            #[cfg(feature = "zstd")]
            zstd,
        })
    }

    /// Appends to `out` the envelope of `data`, of `shape`.
    pub(crate) fn pack(&mut self, shape: u8, data: &[u8], out: &mut Vec<u8>) -> Result<()> {
        let len = u32::try_from(data.len()).map_err(|_| {
            LayerErrorKind::Malformed(format!(
                "{} bytes do not fit an envelope's 32-bit length",
                data.len()
            ))
        })?;
        let codec = match self.compression {
            Compression::None => CODEC_STORED,
            #[cfg(feature = "lz4")]
            Compression::Lz4 => CODEC_LZ4,
            #[cfg(feature = "zstd")]
            Compression::Zstd { .. } => CODEC_ZSTD,
        };
        out.extend_from_slice(&[codec, shape]);
        out.extend_from_slice(&len.to_le_bytes());
        #[cfg(any(feature = "lz4", feature = "zstd"))]
        let body = out.len();
        match self.compression {
            Compression::None => out.extend_from_slice(data),
            #[cfg(feature = "lz4")]
            Compression::Lz4 => {
                out.resize(
                    body + lz4_flex::block::get_maximum_output_size(data.len()),
                    0,
                );
                let n = lz4_flex::block::compress_into(data, &mut out[body..])
                    .map_err(|err| LayerErrorKind::Malformed(format!("lz4: {err}")))?;
                out.truncate(body + n);
            }
            #[cfg(feature = "zstd")]
            Compression::Zstd { .. } => {
                let zstd = self.zstd.as_mut().expect("made with the codec");
                out.resize(body + zstd::zstd_safe::compress_bound(data.len()), 0);
                let n = zstd
                    .compress_to_buffer(data, &mut out[body..])
                    .map_err(|err| LayerErrorKind::Malformed(format!("zstd: {err}")))?;
                out.truncate(body + n);
            }
        }
        Ok(())
    }
}

/// Opens envelopes.
pub(crate) struct Unpacker {
    dictionary_id: u32,
    limit: usize,
    #[cfg(feature = "zstd")]
    zstd: zstd::bulk::Decompressor<'static>,
}

impl Unpacker {
    pub(crate) fn new(dictionary: Option<&Dictionary>, limit: usize) -> Result<Self> {
        #[cfg(feature = "zstd")]
        let zstd = match dictionary {
            Some(dictionary) => zstd::bulk::Decompressor::with_dictionary(dictionary.as_bytes()),
            None => zstd::bulk::Decompressor::new(),
        }
        .map_err(|err| LayerErrorKind::Malformed(format!("zstd: {err}")))?;
        Ok(Unpacker {
            dictionary_id: dictionary.map_or(0, Dictionary::id),
            limit,
            #[cfg(feature = "zstd")]
            zstd,
        })
    }

    /// The reader's dictionary id (0: none).
    pub(crate) fn dictionary_id(&self) -> u32 {
        self.dictionary_id
    }

    /// Decodes `envelope` into `out` (replacing what it held) and returns
    /// its shape. The claimed length is checked against the limit before
    /// `out` grows.
    pub(crate) fn unpack(&mut self, envelope: &[u8], out: &mut Vec<u8>) -> Result<u8> {
        let Some((head, body)) = envelope.split_first_chunk::<ENVELOPE_HEADER>() else {
            return Err(LayerErrorKind::Malformed(format!(
                "{} bytes are shorter than an envelope's {ENVELOPE_HEADER}-byte header",
                envelope.len()
            ))
            .into());
        };
        let [codec, shape, l0, l1, l2, l3] = *head;
        let claimed = u32::from_le_bytes([l0, l1, l2, l3]);
        if claimed as usize > self.limit {
            return Err(LayerErrorKind::TooLarge {
                claimed: u64::from(claimed),
                limit: self.limit,
            }
            .into());
        }
        let claimed = claimed as usize;
        out.clear();
        let got = match codec {
            CODEC_STORED => {
                out.extend_from_slice(body);
                body.len()
            }
            CODEC_LZ4 => self.lz4(body, claimed, out)?,
            CODEC_ZSTD => self.zstd(body, claimed, out)?,
            other => return Err(LayerErrorKind::Malformed(format!("unknown codec {other}")).into()),
        };
        if got != claimed {
            return Err(LayerErrorKind::Decompress(format!(
                "decoded {got} bytes, the envelope claims {claimed}"
            ))
            .into());
        }
        Ok(shape)
    }

    #[cfg(feature = "lz4")]
    fn lz4(&mut self, body: &[u8], claimed: usize, out: &mut Vec<u8>) -> Result<usize> {
        out.resize(claimed, 0);
        lz4_flex::block::decompress_into(body, out)
            .map_err(|err| LayerErrorKind::Decompress(format!("lz4: {err}")).into())
    }

    #[cfg(not(feature = "lz4"))]
    fn lz4(&mut self, _: &[u8], _: usize, _: &mut Vec<u8>) -> Result<usize> {
        Err(LayerErrorKind::Unsupported("lz4").into())
    }

    #[cfg(feature = "zstd")]
    fn zstd(&mut self, body: &[u8], claimed: usize, out: &mut Vec<u8>) -> Result<usize> {
        let stream = zstd::zstd_safe::get_dict_id_from_frame(body).map_or(0, |id| id.get());
        if stream != self.dictionary_id {
            return Err(LayerErrorKind::DictionaryMismatch {
                stream,
                reader: self.dictionary_id,
            }
            .into());
        }
        out.resize(claimed, 0);
        self.zstd
            .decompress_to_buffer(body, &mut out[..])
            .map_err(|err| LayerErrorKind::Decompress(format!("zstd: {err}")).into())
    }

    #[cfg(not(feature = "zstd"))]
    fn zstd(&mut self, _: &[u8], _: usize, _: &mut Vec<u8>) -> Result<usize> {
        Err(LayerErrorKind::Unsupported("zstd").into())
    }
}
