#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| flatstream_testkit::fuzz::recovery(data));
