#!/usr/bin/env python3
"""Runs a criterion bench several times and prints medians and ratios.

On a shared machine one run can move every figure by 20-30%; comparing
two benchmarks within each run and taking the median over runs gives
ratios that hold from one day to the next.

    python3 benches/summarize.py --runs 3 peers
    python3 benches/summarize.py --runs 5 read_path small/ --ratio verified:flatbuffers_root
    python3 benches/summarize.py peers --ratio flatstream:flatbuffers --ratio flatstream:bincode

Interleaved pairs (`testkit/src/paired.rs`) print their own ratio in
each run; the last table gives the median of those over runs. For every
benchmark the first table gives the median over runs of criterion's
median, per element (ns/msg) or per byte (GB/s) as its throughput says,
and each run's figure. `--ratio A:B` adds, for every group holding both
function ids A and B, the median over runs of A's time divided by B's.
Run from the workspace root; the criterion options after `--` default to
`--warm-up-time 1 --measurement-time 3`.
"""

import argparse
import json
import os
import re
import statistics
import subprocess
import sys
import time


def run_once(bench, bench_filter, criterion_args):
    """Runs the bench once; returns {full_id: (ns, throughput)} for every
    benchmark this run measured."""
    started = time.time()
    command = ["cargo", "bench", "--bench", bench, "--", "--noplot"]
    if bench_filter:
        command.append(bench_filter)
    command += criterion_args
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    paired = {}
    for line in output.splitlines():
        found = PAIRED.match(line)
        if found:
            paired[found["id"]] = (found["names"], float(found["ratio"]))
    results = {}
    for root, _dirs, files in os.walk(os.path.join("target", "criterion")):
        if not root.endswith(os.sep + "new") or "estimates.json" not in files:
            continue
        estimates = os.path.join(root, "estimates.json")
        if os.path.getmtime(estimates) < started:
            continue
        with open(os.path.join(root, "benchmark.json")) as f:
            benchmark = json.load(f)
        with open(estimates) as f:
            median = json.load(f)["median"]["point_estimate"]
        results[benchmark["full_id"]] = (
            benchmark["group_id"],
            benchmark["function_id"],
            median,
            benchmark.get("throughput") or {},
        )
    if not results:
        sys.exit(f"no benchmark of `{bench}` matched `{bench_filter}`")
    return results, paired


# What `testkit/src/paired.rs` prints for each interleaved pair.
PAIRED = re.compile(r"^paired (?P<id>\S+): (?P<names>.+?) = (?P<ratio>[0-9.]+)x")


def figure(ns, throughput):
    """ns/element, or GB/s for byte throughput, or the time itself."""
    if "Elements" in throughput:
        return ns / throughput["Elements"], "ns/msg"
    if "Bytes" in throughput:
        return throughput["Bytes"] / ns, "GB/s"
    return ns, "ns"


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--ratio", action="append", default=[], metavar="A:B")
    parser.add_argument("bench")
    parser.add_argument("filter", nargs="?", default="")
    argv = sys.argv[1:]
    split = argv.index("--") if "--" in argv else len(argv)
    args = parser.parse_args(argv[:split])
    criterion_args = argv[split + 1 :] or [
        "--warm-up-time",
        "1",
        "--measurement-time",
        "3",
    ]
    ratios = [pair.split(":", 1) for pair in args.ratio]
    if any(len(pair) != 2 for pair in ratios):
        sys.exit("--ratio takes two function ids: A:B")

    runs = []
    paired_runs = []
    for index in range(args.runs):
        print(f"run {index + 1} of {args.runs}...", file=sys.stderr)
        results, paired = run_once(args.bench, args.filter, criterion_args)
        runs.append(results)
        paired_runs.append(paired)

    ids = sorted(set().union(*runs))
    print(f"| benchmark | median of {args.runs} runs | runs |")
    print("|---|---:|---|")
    for full_id in ids:
        values = []
        unit = ""
        for run in runs:
            if full_id in run:
                _group, _function, ns, throughput = run[full_id]
                value, unit = figure(ns, throughput)
                values.append(value)
        each = ", ".join(f"{v:.3g}" for v in values)
        print(f"| {full_id} | {statistics.median(values):.3g} {unit} | {each} |")

    pair_ids = sorted(set().union(*paired_runs))
    if pair_ids:
        print("\n| interleaved pair | ratio, median of runs | runs |")
        print("|---|---:|---|")
        for pair_id in pair_ids:
            found = [run[pair_id] for run in paired_runs if pair_id in run]
            names = found[0][0]
            each = ", ".join(f"{ratio:.2f}" for _names, ratio in found)
            median = statistics.median(ratio for _names, ratio in found)
            print(f"| {pair_id} ({names}) | {median:.2f}x | {each} |")

    for a, b in ratios:
        print(f"\n| group | {a} ÷ {b}, median | runs |")
        print("|---|---:|---|")
        groups = sorted({group for run in runs for (group, _f, _ns, _t) in run.values()})
        for group in groups:
            per_run = []
            for run in runs:
                numerator = run.get(f"{group}/{a}")
                denominator = run.get(f"{group}/{b}")
                if numerator and denominator:
                    per_run.append(numerator[2] / denominator[2])
            if per_run:
                each = ", ".join(f"{r:.2f}" for r in per_run)
                print(f"| {group} | {statistics.median(per_run):.2f}x | {each} |")


if __name__ == "__main__":
    main()
