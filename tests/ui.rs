//! Compile errors of `#[derive(StreamSerialize)]`, one case per message,
//! and cases that must compile. Refresh the expected output with
//! `TRYBUILD=overwrite cargo test --test ui` and read every changed
//! `.stderr` before committing it.

#[test]
fn ui() {
    let cases = trybuild::TestCases::new();
    cases.compile_fail("tests/ui/*.rs");
    cases.pass("tests/ui/pass/*.rs");
}
