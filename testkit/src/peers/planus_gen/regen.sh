#!/bin/sh
# Regenerates the planus code from the committed schemas, which
# tests/planus_interop.rs checks equal `flatstream::schema::<T>()` of each
# dataset's record type. Needs planus-cli 1.3 (`cargo install planus-cli`).
set -eu
cd "$(dirname "$0")"
for fbs in *.fbs; do
    planus rust -o "${fbs%.fbs}.rs" "$fbs"
done
