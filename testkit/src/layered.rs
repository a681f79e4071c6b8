//! Layered (compressed, encrypted) streams of telemetry events: written
//! with any checksum and read back through any frame source, as the layer
//! tests need.

use flatstream::checksum::Checksum;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
use flatstream::layered::{FrameSource, LayerStats, LayeredReader, LayeredWriter, Layers};
use flatstream::{Error, FrameReader, Recovery, SliceReader};

use crate::streams::drain;
use crate::telemetry::Event;

/// `messages` written one by one through `layers`, framed with `checksum`.
pub fn write<C: Checksum + Copy>(checksum: C, layers: &Layers, messages: &[Event]) -> Vec<u8> {
    let framer = ChecksumFramer::new(checksum);
    let mut writer = LayeredWriter::<Event, _, _>::new(Vec::new(), framer, layers.clone()).unwrap();
    for message in messages {
        writer.write(message).unwrap();
    }
    writer.finish().unwrap()
}

/// What a reader read: the messages, the layer's counters and the error
/// it stopped on.
pub type Outcome = (Vec<Event>, LayerStats, Option<Error>);

/// Reads owned events through `layers` from `frames` until the end or the
/// first error.
pub fn read_owned<S: FrameSource>(frames: S, layers: &Layers) -> Outcome {
    let mut reader = LayeredReader::<Event, _>::new(frames, layers.clone()).unwrap();
    let (events, err) = drain(|| reader.read_owned());
    (events, reader.layer_stats().clone(), err)
}

/// [`read_owned`] from a `FrameReader` over `bytes`.
pub fn read_frames<C: Checksum + Copy>(
    checksum: C,
    layers: &Layers,
    bytes: &[u8],
    recovery: Recovery,
) -> Outcome {
    let frames = FrameReader::new(bytes, ChecksumDeframer::new(checksum)).with_recovery(recovery);
    read_owned(frames, layers)
}

/// [`read_owned`] from a `SliceReader` over `bytes`.
pub fn read_slice<C: Checksum + Copy>(
    checksum: C,
    layers: &Layers,
    bytes: &[u8],
    recovery: Recovery,
) -> Outcome {
    let frames =
        SliceReader::<(), _>::new(bytes, ChecksumDeframer::new(checksum)).with_recovery(recovery);
    read_owned(frames, layers)
}
