#!/usr/bin/env bash
# Runs the whole test suite: installs what is missing, builds, starts the
# servers the tests need on random loopback ports, runs ctest, stops what it
# started, and exits non-zero on any failure.
#   scripts/test.sh              # debug build
#   scripts/test.sh --sanitize   # the same under AddressSanitizer + UBSan
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
kind=debug
[ "${1:-}" = "--sanitize" ] && kind=sanitize

"$root/scripts/install-deps.sh" test
# The end-to-end tests' client: the official MCP SDK, pinned by the lockfile.
(cd "$root/tests/e2e" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
# zulip-js, the independent client that keeps the Zulip fake honest.
(cd "$root/backends/zulip/fake/fidelity" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
dir=$("$root/scripts/build.sh" "$kind" | tail -1)

services=$(mktemp -d /tmp/parley-services.XXXXXX)
trap '"$root/scripts/test-services.sh" stop "$services"; rm -rf "$services"' EXIT
"$root/scripts/test-services.sh" start "$services"
# shellcheck disable=SC1091
source "$services/env"

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$root/scripts/lsan.supp:print_suppressions=0}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
cd "$dir"
ctest --output-on-failure -j "$(nproc)" --timeout 300
