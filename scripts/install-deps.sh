#!/usr/bin/env bash
# Installs the Debian 12 packages Parley needs, and only those missing:
# `apt-get update` runs once, and only when something is to be installed.
#   scripts/install-deps.sh build    # compiler, CMake, libraries
#   scripts/install-deps.sh test     # build + Catch2 + the servers the tests start
set -euo pipefail

build_pkgs=(g++ cmake ninja-build pkg-config ccache
  libcaf-dev libsimdjson-dev libsqlite3-dev libpq-dev libhiredis-dev libnats-dev
  libcurl4-openssl-dev libyaml-cpp-dev libboost-dev libssl-dev libstrophe-dev)
test_pkgs=(catch2 sqlite3 python3 procps universal-ctags redis-server nats-server postgresql-15 prosody
  python3-slixmpp python3-aiohttp python3-matrix-nio python3-discord python3-yaml chromium fonts-liberation openssl)

want=("${build_pkgs[@]}")
case "${1:-build}" in
  build) ;;
  test) want+=("${test_pkgs[@]}") ;;
  *) echo "usage: $0 build|test" >&2; exit 2 ;;
esac

missing=()
for p in "${want[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
# Node.js drives the end-to-end tests with the official MCP SDK. Some images
# ship their own build of it (with npm inside); only install Debian's when the
# commands are absent.
if [ "${1:-build}" = test ]; then
  command -v node >/dev/null || missing+=(nodejs)
  command -v npm >/dev/null || missing+=(npm)
fi
[ ${#missing[@]} -eq 0 ] && exit 0

if [ "$(id -u)" -ne 0 ]; then
  SUDO=sudo
else
  SUDO=
fi
echo "installing: ${missing[*]}" >&2
$SUDO apt-get update -qq
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
