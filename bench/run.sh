#!/usr/bin/env bash
# Builds a release and prints the benchmark figures (bench/README.md).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
"$root/scripts/install-deps.sh" build
dir="$root/build/bench"
cmake -G Ninja -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF -DPARLEY_BENCH=ON >/dev/null
cmake --build "$dir" -j "$(nproc)" >/dev/null
bin="$dir/actors/parley"
for mode in post-rate push-latency idle-rss; do
  "$dir/bench/stdio_bench" "$mode" "$bin"
  echo
done
