//! Encrypted streams: every tampering case (a flipped bit, a reordered,
//! duplicated, dropped or spliced-in frame, one from another stream with
//! the same key, a truncated stream, frames after the end) is a typed
//! error and never data; skip mode keeps the authentic frames around
//! forged or damaged ones; keys rotate by id; the cipher is checked
//! against RFC 8439 and the frame format against the crate directly.

use chacha20poly1305::aead::{Aead, AeadInPlace, KeyInit, Payload};
use chacha20poly1305::{ChaCha20Poly1305, XChaCha20Poly1305};
use flatstream::checksum::{Crc32, NoChecksum};
use flatstream::framing::{ChecksumFramer, DefaultFramer, Framer};
use flatstream::layered::{Compression, Grouping, Key, LayerErrorKind, LayeredWriter, Layers};
use flatstream::{Error, FrameReader, Recovery};
use flatstream_testkit::layered::{read_slice as read, write};
use flatstream_testkit::streams::payload_of;
use flatstream_testkit::telemetry::{events, Event};

const KEY: [u8; 32] = [0x42; 32];

fn layers() -> Layers {
    Layers::new().with_key(9, Key::from(KEY))
}

fn kind(err: &Error) -> &LayerErrorKind {
    match err {
        Error::Layer(layer) => layer.kind(),
        other => panic!("not a layer error: {other}"),
    }
}

/// A stream split into its frames (the header first), whose frame
/// headers are `header_len` bytes.
fn split(bytes: &[u8], header_len: usize) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    let mut at = 0;
    while at < bytes.len() {
        let len = u32::from_le_bytes(bytes[at..at + 4].try_into().unwrap()) as usize;
        out.push(bytes[at..at + header_len + len].to_vec());
        at += header_len + len;
    }
    out
}

/// A stream without checksums, split into its frames.
fn frames_of(bytes: &[u8]) -> Vec<Vec<u8>> {
    split(bytes, 4)
}

fn join(frames: &[Vec<u8>]) -> Vec<u8> {
    frames.concat()
}

fn stream(count: usize) -> (Vec<Event>, Vec<Vec<u8>>) {
    let sent = events(count);
    let bytes = write(NoChecksum, &layers(), &sent);
    (sent, frames_of(&bytes))
}

fn strict_error(frames: &[Vec<u8>]) -> (Vec<Event>, Error) {
    let (got, _, err) = read(NoChecksum, &layers(), &join(frames), Recovery::Strict);
    (got, err.expect("an error"))
}

#[test]
fn round_trip_and_header() {
    let (sent, frames) = stream(5);
    assert_eq!(frames.len(), 1 + 5 + 1, "header, data, end");
    let (got, stats, err) = read(NoChecksum, &layers(), &join(&frames), Recovery::Strict);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(got, sent);
    assert_eq!(stats.frames, 5);

    let bytes = join(&frames);
    let mut reader = FrameReader::new(&bytes[..], flatstream::framing::DefaultDeframer::new());
    reader.read_message().unwrap();
    let header = reader.header().unwrap();
    assert_eq!(header.key_id, Some(9));
    assert_eq!(header.encryption.as_deref(), Some("xchacha20-poly1305"));
    assert!(header.stream_id.is_some());
    // The plaintext is nowhere in the stream.
    let message = payload_of(&sent[0]);
    assert!(!bytes
        .windows(16)
        .any(|w| message.windows(16).any(|m| m == w)));
}

#[test]
fn frames_are_xchacha20_poly1305_as_documented() {
    let (sent, frames) = stream(2);
    let bytes = join(&frames);
    let mut reader = FrameReader::new(&bytes[..], flatstream::framing::DefaultDeframer::new());
    reader.read_message().unwrap();
    let stream_id = reader.header().unwrap().stream_id.unwrap();
    let cipher = XChaCha20Poly1305::new(&KEY.into());
    for (sequence, (frame, event)) in frames[1..3].iter().zip(&sent).enumerate() {
        let payload = &frame[4..];
        assert_eq!(payload[0], 1, "a data frame");
        assert_eq!(payload[1..9], (sequence as u64).to_le_bytes());
        let mut nonce = [0u8; 24];
        nonce[..16].copy_from_slice(&stream_id);
        nonce[16..].copy_from_slice(&(sequence as u64).to_le_bytes());
        let mut aad = b"flatstream xchacha20-poly1305 v1".to_vec();
        aad.extend_from_slice(&stream_id);
        aad.push(1);
        aad.extend_from_slice(&(sequence as u64).to_le_bytes());
        aad.extend_from_slice(&(payload.len() as u32).to_le_bytes());
        let plain = cipher
            .decrypt(
                &nonce.into(),
                Payload {
                    msg: &payload[9..],
                    aad: &aad,
                },
            )
            .unwrap();
        let message = payload_of(event);
        // A stored envelope around the message.
        assert_eq!(plain[..2], [0, 0]);
        assert_eq!(plain[2..6], (message.len() as u32).to_le_bytes());
        assert_eq!(plain[6..], message);
    }
}

#[test]
fn chacha20_poly1305_matches_rfc_8439() {
    // RFC 8439, section 2.8.2.
    let key: [u8; 32] = core::array::from_fn(|i| 0x80 + i as u8);
    let nonce = [
        0x07, 0, 0, 0, 0x40, 0x41, 0x42, 0x43, 0x44, 0x45, 0x46, 0x47,
    ];
    let aad = [
        0x50, 0x51, 0x52, 0x53, 0xc0, 0xc1, 0xc2, 0xc3, 0xc4, 0xc5, 0xc6, 0xc7,
    ];
    let plaintext = b"Ladies and Gentlemen of the class of '99: If I could offer you only one tip for the future, sunscreen would be it.";
    let mut buffer = plaintext.to_vec();
    let tag = ChaCha20Poly1305::new(&key.into())
        .encrypt_in_place_detached(&nonce.into(), &aad, &mut buffer)
        .unwrap();
    assert_eq!(
        buffer[..16],
        [
            0xd3, 0x1a, 0x8d, 0x34, 0x64, 0x8e, 0x60, 0xdb, 0x7b, 0x86, 0xaf, 0xbc, 0x53, 0xef,
            0x7e, 0xc2
        ]
    );
    assert_eq!(
        tag[..],
        [
            0x1a, 0xe1, 0x0b, 0x59, 0x4f, 0x09, 0xe2, 0x6a, 0x7e, 0x90, 0x2e, 0xcb, 0xd0, 0x60,
            0x06, 0x91
        ]
    );
}

#[test]
fn every_flipped_bit_is_an_error_never_data() {
    let (sent, frames) = stream(3);
    let bytes = join(&frames);
    let header_len = frames[0].len();
    for checksum in [false, true] {
        let bytes = if checksum {
            write(Crc32::new(), &layers(), &sent)
        } else {
            bytes.clone()
        };
        let header_len = if checksum {
            frames_len_crc(&bytes)
        } else {
            header_len
        };
        for at in header_len..bytes.len() {
            for bit in [0, 5] {
                let mut damaged = bytes.clone();
                damaged[at] ^= 1 << bit;
                let (got, _, err) = if checksum {
                    read(Crc32::new(), &layers(), &damaged, Recovery::Strict)
                } else {
                    read(NoChecksum, &layers(), &damaged, Recovery::Strict)
                };
                assert!(err.is_some(), "byte {at} bit {bit}: no error");
                assert!(sent.starts_with(&got), "byte {at} bit {bit}: wrong data");
            }
        }
    }
}

/// Bytes of the header frame of a CRC-32 stream.
fn frames_len_crc(bytes: &[u8]) -> usize {
    8 + u32::from_le_bytes(bytes[..4].try_into().unwrap()) as usize
}

#[test]
fn a_flipped_ciphertext_bit_fails_authentication() {
    let (_, mut frames) = stream(3);
    let last = frames[2].len() - 1;
    frames[2][last] ^= 1;
    let (got, err) = strict_error(&frames);
    assert_eq!(got.len(), 1);
    assert_eq!(kind(&err), &LayerErrorKind::Authentication { sequence: 1 });
    let offset = (frames[0].len() + frames[1].len()) as u64;
    assert_eq!(err.offset(), Some(offset));
}

#[test]
fn reordered_duplicated_and_dropped_frames_are_sequence_errors() {
    let (_, frames) = stream(4);
    let mut reordered = frames.clone();
    reordered.swap(2, 3);
    let mut duplicated = frames.clone();
    duplicated.insert(3, frames[2].clone());
    let mut dropped = frames.clone();
    dropped.remove(2);
    // (frames, messages read before the error, expected, found)
    for (tampered, read, expected, found) in [
        (reordered, 1, 1, 2),
        (duplicated, 2, 2, 1),
        (dropped, 1, 1, 2),
    ] {
        let (got, err) = strict_error(&tampered);
        assert_eq!(got.len(), read);
        assert_eq!(kind(&err), &LayerErrorKind::Sequence { expected, found });
    }
}

#[test]
fn a_frame_from_another_stream_with_the_same_key_fails_authentication() {
    let (_, frames) = stream(3);
    let (_, other) = stream(3);
    let mut spliced = frames.clone();
    spliced[2] = other[2].clone();
    let (got, err) = strict_error(&spliced);
    assert_eq!(got.len(), 1);
    assert_eq!(kind(&err), &LayerErrorKind::Authentication { sequence: 1 });
    // Another stream's end frame cannot end this one early either.
    let mut ended = frames[..2].to_vec();
    ended.push(other[4].clone());
    let (_, err) = strict_error(&ended);
    assert_eq!(kind(&err), &LayerErrorKind::Authentication { sequence: 3 });
}

#[test]
fn truncation_is_told_from_completion() {
    let (sent, frames) = stream(3);
    let (got, err) = strict_error(&frames[..4]);
    assert_eq!(got, sent);
    assert_eq!(kind(&err), &LayerErrorKind::Truncated { frames: 3 });
    let (got, err) = strict_error(&frames[..2]);
    assert_eq!(got, sent[..1]);
    assert_eq!(kind(&err), &LayerErrorKind::Truncated { frames: 1 });
    // Cut inside a frame: a torn tail.
    let bytes = join(&frames);
    let (_, _, err) = read(
        NoChecksum,
        &layers(),
        &bytes[..bytes.len() - 3],
        Recovery::Strict,
    );
    assert!(matches!(err, Some(Error::UnexpectedEof)), "{err:?}");
    // A frame after the end.
    let mut after = frames.clone();
    after.push(frames[1].clone());
    let (got, err) = strict_error(&after);
    assert_eq!(got, sent);
    assert_eq!(kind(&err), &LayerErrorKind::AfterEnd);
}

#[test]
fn keys_rotate_by_id_and_a_wrong_key_is_refused() {
    let sent = events(3);
    let old = Layers::new().with_key(1, Key::from([1; 32]));
    let new = Layers::new().with_key(2, Key::from([2; 32]));
    let old_stream = write(NoChecksum, &old, &sent);
    let new_stream = write(NoChecksum, &new, &sent);
    // A reader holding both keys reads both streams.
    let both = Layers::new()
        .with_key(1, Key::from([1; 32]))
        .with_key(2, Key::from([2; 32]));
    for bytes in [&old_stream, &new_stream] {
        let (got, _, err) = read(NoChecksum, &both, bytes, Recovery::Strict);
        assert!(err.is_none(), "{err:?}");
        assert_eq!(got, sent);
    }
    // Only the new key: the old stream names a key it lacks.
    let (_, _, err) = read(NoChecksum, &new, &old_stream, Recovery::Strict);
    assert_eq!(
        kind(&err.unwrap()),
        &LayerErrorKind::UnknownKey { key_id: 1 }
    );
    // The right id with the wrong key: every frame fails authentication.
    let wrong = Layers::new().with_key(1, Key::from([3; 32]));
    let (_, _, err) = read(NoChecksum, &wrong, &old_stream, Recovery::Strict);
    assert_eq!(
        kind(&err.unwrap()),
        &LayerErrorKind::Authentication { sequence: 0 }
    );
    // No key at all, and a key for a plain stream.
    let (_, _, err) = read(NoChecksum, &Layers::new(), &old_stream, Recovery::Strict);
    assert_eq!(
        kind(&err.unwrap()),
        &LayerErrorKind::UnknownKey { key_id: 1 }
    );
    let plain = write(NoChecksum, &Layers::new(), &sent);
    let (_, _, err) = read(NoChecksum, &old, &plain, Recovery::Strict);
    assert_eq!(kind(&err.unwrap()), &LayerErrorKind::NotEncrypted);
}

#[test]
fn skip_mode_keeps_the_authentic_frames() {
    let sent = events(6);
    let layers = layers();
    let bytes = write(Crc32::new(), &layers, &sent);
    let mut frames = split(&bytes, 8);
    // A forged frame with a valid checksum, a damaged frame, a replayed
    // frame and a frame spliced in from another stream.
    let forged_payload: Vec<u8> = (0..80u8).collect();
    let mut forged = Vec::new();
    ChecksumFramer::new(Crc32::new())
        .frame_and_write(&mut forged, &forged_payload)
        .unwrap();
    let other = split(&write(Crc32::new(), &layers, &sent), 8);
    frames[3][20] ^= 0x01; // event 2: damaged (checksum mismatch)
    frames.insert(2, forged);
    frames.insert(5, frames[1].clone()); // replay of event 0
    frames.insert(6, other[4].clone()); // another stream's event 3
    let tampered = frames.concat();

    let (got, stats, err) = read(Crc32::new(), &layers, &tampered, Recovery::SkipCorrupted);
    assert!(err.is_none(), "{err:?}");
    let expected: Vec<Event> = sent
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != 2)
        .map(|(_, e)| e.clone())
        .collect();
    assert_eq!(got, expected);
    assert_eq!(stats.skipped_frames, 3, "forged, replayed, spliced");
    assert_eq!(stats.missing_frames, 1, "the damaged one");
    // Strict mode stops at the forged frame.
    let (got, _, err) = read(Crc32::new(), &layers, &tampered, Recovery::Strict);
    assert_eq!(got, sent[..1]);
    assert!(matches!(
        kind(&err.unwrap()),
        LayerErrorKind::Authentication { .. }
    ));
}

#[test]
fn compress_then_encrypt_with_a_default_framer() {
    let sent = events(40);
    let layers = layers()
        .with_compression(Compression::Zstd { level: 3 })
        .with_grouping(Grouping::block(16, 64));
    let mut writer =
        LayeredWriter::<Event, _, _>::new(Vec::new(), DefaultFramer, layers.clone()).unwrap();
    for event in &sent {
        writer.write(event).unwrap();
    }
    writer.flush().unwrap();
    assert_eq!(writer.messages_written(), 40);
    let bytes = writer.finish().unwrap();
    let (got, stats, err) = read(NoChecksum, &layers, &bytes, Recovery::Strict);
    assert!(err.is_none(), "{err:?}");
    assert_eq!(got, sent);
    assert_eq!(stats.frames, 3);
}
