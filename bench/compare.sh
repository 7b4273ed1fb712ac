#!/usr/bin/env bash
# Before and after a change, on one machine in one run: the stdio workloads
# (W5 sequential calls, W3 push latency) and the gateway's (post rate,
# 1,000-session fan-out) against two release builds, alternating so that a
# drift of the machine hits both alike. The harness of NEW drives both.
#   bench/compare.sh OLD_TREE NEW_TREE [ROUNDS=3] [SESSIONS=1000] [WHICH=all|stdio|gateway]
# Each tree is a release build with benchmarks (bench/run.sh makes build/bench;
# for an older commit: git worktree add /tmp/old REV, then the same there).
set -euo pipefail
old=$1 new=$2 rounds=${3:-3} sessions=${4:-1000} which=${5:-all}
for t in "$old" "$new"; do
  [ -x "$t/actors/parley" ] || { echo "no $t/actors/parley: build it first" >&2; exit 2; }
done
stdio_bench="$new/bench/stdio_bench" gateway_bench="$new/bench/gateway_bench"

echo "machine: $(nproc) CPUs, $(uname -r), load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "storage: SQLite in WAL mode, synchronous=normal (Parley's default: a commit is"
echo "         durable against a process crash, fsync at checkpoints), on $(df -h --output=source /tmp | tail -1)"
echo "floor:   see docs/benchmarks.md (\"The floor\") for the same machine kind"
for round in $(seq "$rounds"); do
  for side in old new; do
    tree=$old
    [ "$side" = new ] && tree=$new
    echo "== round $round, $side ($tree), load $(cut -d' ' -f1 /proc/loadavg)"
    if [ "$which" != gateway ]; then
      "$stdio_bench" post-rate "$tree/actors/parley" 2>/dev/null | grep -E '^W5'
      "$stdio_bench" push-latency "$tree/actors/parley" 2>/dev/null | grep -E 'received'
    fi
    # The gateway's idle figure (10,000 sessions) is skipped: a memory figure, not a speed one.
    if [ "$which" != stdio ]; then
      "$gateway_bench" "$tree/actors/parley" "$sessions" 1 2>/dev/null | grep -E '^(post-rate|fan-out)'
    fi
  done
done
