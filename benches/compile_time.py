#!/usr/bin/env python3
"""What `#[derive(StreamSerialize)]` costs to compile, against serde.

Generates two crates with the same 40 record types (8 to 10 fields each:
strings, vectors of numbers and of strings, options, nested tables), each
written and read once in `main`:

- `flatstream`: `#[derive(StreamSerialize)]`, written with `StreamWriter`
  and read back with `StreamReader`;
- `serde`: `#[derive(Serialize, Deserialize)]`, through bincode 1.

For each it builds the dependencies once, then times `--runs` rebuilds of
the crate alone (touching `main.rs`), release and debug, and prints the
medians and their ratio. With `--lines` it also counts the lines the
derives generate per type: the crate expanded by `rustc
-Zunpretty=expanded` (needs a nightly toolchain) and formatted by
rustfmt, less the same crate without its derive attributes, over 40.

    python3 benches/compile_time.py                # 3 rebuilds each
    python3 benches/compile_time.py --runs 5 --lines
    python3 benches/compile_time.py --no-times --lines

Run from the workspace root; the crates go to `--dir` (default
`target/compile_time`), the flatstream one depending on this checkout.
"""

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time

TYPES = 40


def fields(i):
    """The fields of type `i`: 8 to 10, of every kind the text names."""
    nested = f"Rec{i - 1}" if i > 0 and i % 4 != 0 else None
    out = [
        ("id", "u64"),
        ("name", "String"),
        ("tags", "Vec<String>"),
        ("values", "Vec<f32>"),
        ("note", "Option<String>"),
        ("count", "u32"),
        ("flag", "bool"),
        ("score", "Option<i64>"),
    ]
    if i % 3 != 0:
        out.append(("bytes", "Vec<u8>"))
    if nested:
        out.append(("inner", f"Option<{nested}>"))
    return out


def value(ty, i):
    if ty == "u64" or ty == "u32":
        return str(i + 1)
    if ty == "bool":
        return "true"
    if ty == "String":
        return f'"name {i}".to_string()'
    if ty == "Vec<String>":
        return 'vec!["a".to_string(), "b".to_string()]'
    if ty == "Vec<f32>":
        return "vec![1.0, 2.5]"
    if ty == "Vec<u8>":
        return "vec![1, 2, 3]"
    if ty == "Option<String>":
        return 'Some("note".to_string())'
    if ty == "Option<i64>":
        return "Some(-3)"
    if ty.startswith("Option<Rec"):
        return f"Some({ty[len('Option<'):-1].lower()}())"
    raise ValueError(ty)


def source(kind):
    derive = (
        "#[derive(flatstream::StreamSerialize, Debug, Clone, PartialEq)]"
        if kind == "flatstream"
        else "#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq)]"
    )
    lines = []
    for i in range(TYPES):
        lines.append(derive)
        lines.append(f"pub struct Rec{i} {{")
        for name, ty in fields(i):
            lines.append(f"    pub {name}: {ty},")
        lines.append("}")
        lines.append("")
        lines.append(f"fn rec{i}() -> Rec{i} {{")
        lines.append(f"    Rec{i} {{")
        for name, ty in fields(i):
            lines.append(f"        {name}: {value(ty, i)},")
        lines.append("    }")
        lines.append("}")
        lines.append("")
    lines.append("fn main() {")
    lines.append("    let mut total = 0usize;")
    for i in range(TYPES):
        if kind == "flatstream":
            lines += [
                "    {",
                f"        let record = rec{i}();",
                "        let framer = flatstream::framing::DefaultFramer::new();",
                "        let mut writer = flatstream::StreamWriter::new(Vec::new(), framer);",
                "        writer.write(&record).unwrap();",
                "        let bytes = writer.into_inner();",
                "        let deframer = flatstream::framing::DefaultDeframer::default();",
                f"        for read in flatstream::StreamReader::<Rec{i}, _, _>::new(&bytes[..], deframer) {{",
                "            assert_eq!(read.unwrap(), record);",
                "            total += bytes.len();",
                "        }",
                "    }",
            ]
        else:
            lines += [
                "    {",
                f"        let record = rec{i}();",
                "        let bytes = bincode::serialize(&record).unwrap();",
                f"        let read: Rec{i} = bincode::deserialize(&bytes).unwrap();",
                "        assert_eq!(read, record);",
                "        total += bytes.len();",
                "    }",
            ]
    lines.append('    println!("{total}");')
    lines.append("}")
    return "\n".join(lines) + "\n"


def manifest(kind, root):
    deps = (
        f'flatstream = {{ path = "{root}/flatstream" }}\n'
        if kind == "flatstream"
        else 'serde = { version = "1", features = ["derive"] }\nbincode = "1.3"\n'
    )
    return (
        f'[package]\nname = "compile-time-{kind}"\nversion = "0.0.0"\nedition = "2021"\n'
        f"publish = false\n\n[dependencies]\n{deps}\n[workspace]\n"
    )


def make_crate(kind, directory, root):
    crate = os.path.join(directory, kind)
    os.makedirs(os.path.join(crate, "src"), exist_ok=True)
    with open(os.path.join(crate, "Cargo.toml"), "w") as f:
        f.write(manifest(kind, root))
    with open(os.path.join(crate, "src", "main.rs"), "w") as f:
        f.write(source(kind))
    # The workspace's versions of the shared dependencies.
    shutil.copy(os.path.join(root, "Cargo.lock"), os.path.join(crate, "Cargo.lock"))
    return crate


def cargo(crate, *args, toolchain=None, capture=False):
    command = ["cargo"] + ([f"+{toolchain}"] if toolchain else []) + list(args)
    env = dict(os.environ, CARGO_TARGET_DIR=os.path.join(crate, "target"))
    return subprocess.run(
        command,
        cwd=crate,
        env=env,
        check=True,
        stdout=subprocess.PIPE if capture else subprocess.DEVNULL,
        stderr=subprocess.DEVNULL if capture else None,
        text=True,
    ).stdout


def timed_rebuilds(crate, profile_args, runs):
    cargo(crate, "build", "--quiet", *profile_args)
    cargo(crate, "run", "--quiet", *profile_args, capture=True)  # it works
    times = []
    for _ in range(runs):
        os.utime(os.path.join(crate, "src", "main.rs"))
        started = time.perf_counter()
        cargo(crate, "build", "--quiet", *profile_args)
        times.append(time.perf_counter() - started)
    return times


def expanded_lines(crate, text):
    """Lines of `text` as `main.rs`, macro-expanded and formatted."""
    main_rs = os.path.join(crate, "src", "main.rs")
    with open(main_rs) as f:
        original = f.read()
    with open(main_rs, "w") as f:
        f.write(text)
    try:
        # Expansion stops before type checking, so the text needs no derive
        # to expand.
        expanded = cargo(
            crate, "rustc", "--quiet", "--", "-Zunpretty=expanded", toolchain="nightly", capture=True
        )
    finally:
        with open(main_rs, "w") as f:
            f.write(original)
    formatted = subprocess.run(
        ["rustfmt", "--edition", "2021", "--emit", "stdout"],
        input=expanded,
        check=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    ).stdout
    return len(formatted.splitlines())


def derived_lines_per_type(crate, kind):
    """Lines the derives add per type: the crate expanded, less the same
    crate expanded with its derive attributes removed, over the types."""
    text = source(kind)
    bare = "\n".join(line for line in text.split("\n") if not line.startswith("#[derive("))
    return (expanded_lines(crate, text) - expanded_lines(crate, bare)) / TYPES


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--dir", default=os.path.join("target", "compile_time"))
    parser.add_argument("--lines", action="store_true", help="count expanded lines per type")
    parser.add_argument("--no-times", action="store_true", help="skip the timed builds")
    args = parser.parse_args()
    root = os.getcwd()
    if not os.path.exists(os.path.join(root, "flatstream", "Cargo.toml")):
        sys.exit("run from the workspace root")
    directory = os.path.abspath(args.dir)
    crates = {kind: make_crate(kind, directory, root) for kind in ("flatstream", "serde")}

    profiles = [] if args.no_times else [("release", ["--release"]), ("debug", [])]
    for profile, profile_args in profiles:
        medians = {}
        for kind, crate in crates.items():
            times = timed_rebuilds(crate, profile_args, args.runs)
            medians[kind] = statistics.median(times)
            runs = ", ".join(f"{t:.2f}" for t in times)
            print(f"{profile:7} {kind:10} {medians[kind]:6.2f} s  (runs: {runs})")
        ratio = medians["flatstream"] / medians["serde"]
        print(f"{profile:7} flatstream / serde+bincode = {ratio:.2f}x")
    if args.lines:
        for kind, crate in crates.items():
            print(f"lines generated per type, {kind}: {derived_lines_per_type(crate, kind):.0f}")


if __name__ == "__main__":
    main()
