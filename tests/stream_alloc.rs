//! Memory behaviour, measured with a counting global allocator: lying
//! headers cannot make the reader allocate, and steady-state writing and
//! reading allocate nothing.

use flatstream::checksum::XxHash64;
use flatstream::framing::{ChecksumDeframer, ChecksumFramer, DefaultDeframer};
use flatstream::{Error, StreamReader, StreamWriter};
use flatstream_testkit::alloc::{measure, Counting};
use flatstream_testkit::streams::{messages, write_stream};

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn four_gib_header_is_refused_without_allocating() {
    let mut bytes = write_stream(XxHash64, &["warm".to_owned()]);
    bytes.extend_from_slice(&u32::MAX.to_le_bytes());
    bytes.extend_from_slice(&[0u8; 8]);
    bytes.extend_from_slice(&[1u8; 100]);
    let mut reader = StreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(XxHash64));
    // The first read allocates the reader's buffer, whatever comes next.
    assert_eq!(reader.read().unwrap(), Some("warm"));
    let (result, count, largest) = measure(|| reader.read().map(|v| v.map(str::len)));
    assert!(matches!(result, Err(Error::InvalidFrame { .. })));
    // Formatting the error message and boxing the error on its way out
    // are the only allocations, none sized by the header.
    assert!(count <= 3, "{count} allocations");
    assert!(largest < 1024, "allocated {largest} bytes");
}

#[test]
fn first_read_allocates_a_fixed_buffer_whatever_the_header_claims() {
    let mut bytes = u32::MAX.to_le_bytes().to_vec();
    bytes.extend_from_slice(&[0u8; 8]);
    let mut reader = StreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(XxHash64));
    let (result, _, largest) = measure(|| reader.read().map(|v| v.map(str::len)));
    assert!(matches!(result, Err(Error::InvalidFrame { .. })));
    assert!(largest <= 64 * 1024, "allocated {largest} bytes");
}

#[test]
fn four_gib_header_under_a_huge_limit_allocates_only_what_arrives() {
    let mut bytes = u32::MAX.to_le_bytes().to_vec();
    bytes.extend_from_slice(&[1u8; 1000]);
    let deframer = DefaultDeframer::new().with_max_frame_len(usize::MAX);
    let mut reader = StreamReader::<String, _, _>::new(&bytes[..], deframer);
    let (result, _, largest) = measure(|| reader.read().map(|v| v.map(str::len)));
    assert!(matches!(result, Err(Error::UnexpectedEof)));
    assert!(
        largest <= 256 * 1024,
        "allocated {largest} bytes for 1000 that arrived"
    );
}

#[test]
fn steady_state_writing_allocates_nothing() {
    let sent = messages(200, 300);
    let mut writer = StreamWriter::new(std::io::sink(), ChecksumFramer::new(XxHash64));
    // Warm up: the builder and scratch space grow to the largest message.
    writer.write_batch(&sent).unwrap();
    let (result, count, _) = measure(|| writer.write_batch(&sent));
    result.unwrap();
    assert_eq!(count, 0, "writing {} messages allocated", sent.len());
}

#[test]
fn steady_state_reading_allocates_nothing() {
    let sent = messages(200, 300);
    let bytes = write_stream(XxHash64, &sent);
    let mut reader = StreamReader::<String, _, _>::new(&bytes[..], ChecksumDeframer::new(XxHash64));
    // Warm up on the first (longest-so-far) messages.
    let longest = sent.iter().map(String::len).max().unwrap();
    while let Some(view) = reader.read().unwrap() {
        if view.len() == longest {
            break;
        }
    }
    let (total, count, _) = measure(|| {
        let mut total = 0;
        while let Some(view) = reader.read().unwrap() {
            total += view.len();
        }
        total
    });
    assert!(total > 0);
    assert_eq!(count, 0, "reading allocated");
}

mod derived {
    use super::measure;
    use flatstream::checksum::XxHash64;
    use flatstream::framing::{ChecksumDeframer, ChecksumFramer};
    use flatstream::{StreamReader, StreamWriter};
    use flatstream_testkit::telemetry::{self, Event};

    /// Telemetry events, every tenth with vectors longer than the
    /// builder's on-stack offset buffer.
    fn events() -> Vec<Event> {
        let mut events = telemetry::events(100);
        for (i, event) in events.iter_mut().enumerate() {
            if i % 10 == 0 {
                event.tags = (0..40).map(|t| format!("tag{t}")).collect();
            }
            if i % 10 == 5 {
                let reading = event.readings[0].clone();
                event.readings = vec![reading; 36];
            }
        }
        events
    }

    #[test]
    fn steady_state_writing_of_derived_messages_allocates_nothing() {
        let events = events();
        let mut writer = StreamWriter::new(std::io::sink(), ChecksumFramer::new(XxHash64));
        writer.write_batch(&events).unwrap();
        let (result, count, _) = measure(|| writer.write_batch(&events));
        result.unwrap();
        assert_eq!(
            count,
            0,
            "writing {} derived events allocated",
            events.len()
        );
    }

    #[test]
    fn steady_state_reading_of_derived_views_allocates_nothing() {
        let events = events();
        let mut writer = StreamWriter::new(Vec::new(), ChecksumFramer::new(XxHash64));
        writer.write_batch(&events).unwrap();
        writer.write_batch(&events).unwrap();
        let bytes = writer.into_inner();
        let mut reader =
            StreamReader::<Event, _, _>::new(&bytes[..], ChecksumDeframer::new(XxHash64));
        for _ in 0..events.len() {
            reader.read().unwrap().unwrap();
        }
        let (touched, count, _) = measure(|| {
            let mut touched = 0usize;
            while let Some(view) = reader.read().unwrap() {
                touched += view.source().len() + view.tags().len() + view.readings().iter().count();
                touched += usize::from(view.note().is_some()) + view.values().len();
            }
            touched
        });
        assert!(touched > 0);
        assert_eq!(count, 0, "reading derived views allocated");
    }
}
