#!/usr/bin/env bash
# Configures and builds Parley with CMake + Ninja.
#   scripts/build.sh [debug|release|sanitize]   (default: release)
# Build trees: build/<kind>. Prints the build directory on the last line.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=${1:-release}
dir="$root/build/$kind"
args=(-G Ninja -S "$root" -B "$dir")
case "$kind" in
  release) args+=(-DCMAKE_BUILD_TYPE=Release -DBUILD_TESTING=OFF) ;;
  # The debug build compiles the benchmarks too, so a change cannot leave them broken.
  debug) args+=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O0 -g1" -DPARLEY_BENCH=ON) ;;
  sanitize) args+=(-DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" -DPARLEY_SANITIZE=ON) ;;
  *) echo "usage: $0 [debug|release|sanitize]" >&2; exit 2 ;;
esac
[ "${CI:-}" = true ] && args+=(-DPARLEY_WERROR=ON)
cmake "${args[@]}" >/dev/null
cmake --build "$dir" -j "$(nproc)"
echo "$dir"
