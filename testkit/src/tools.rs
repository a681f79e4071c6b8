//! External tools (`flatc`, compilers, interpreters) that differential
//! tests run: whether they are installed, and running them.
//!
//! A test whose tools are missing is skipped locally and fails when
//! `CI=true`, so that CI never passes without running it.

use std::process::Command;

/// Whether `command` runs and exits successfully.
pub fn succeeds(command: &mut Command) -> bool {
    command.output().is_ok_and(|output| output.status.success())
}

/// `flatc`, by its name and whether it is installed.
pub fn flatc() -> (&'static str, bool) {
    (
        "flatc (flatbuffers-compiler)",
        succeeds(Command::new("flatc").arg("--version")),
    )
}

/// Whether the `tools` (each a name and whether it is here) are all
/// here, for `test`; `false` means skip it. Panics when one is missing
/// under CI.
pub fn available(test: &str, tools: &[(&str, bool)]) -> bool {
    let missing: Vec<&str> = tools
        .iter()
        .filter(|(_, ok)| !ok)
        .map(|(name, _)| *name)
        .collect();
    if missing.is_empty() {
        return true;
    }
    let missing = missing.join(" and ");
    if std::env::var("CI").is_ok_and(|ci| ci == "true") {
        panic!("{test} needs {missing}");
    }
    eprintln!("skipping {test}: missing {missing}");
    false
}

/// Whether `flatc` is here for `test` (see [`available`]).
pub fn flatc_available(test: &str) -> bool {
    available(test, &[flatc()])
}

/// Runs `command`, which must succeed; returns its standard output.
pub fn run(command: &mut Command) -> String {
    let output = command
        .output()
        .unwrap_or_else(|e| panic!("{command:?}: {e}"));
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    assert!(
        output.status.success(),
        "{command:?} failed:\n{stdout}\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    stdout
}
