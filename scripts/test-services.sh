#!/usr/bin/env bash
# Starts and stops the servers the tests need, on random 127.0.0.1 ports,
# never assuming a default port is free.
#   scripts/test-services.sh start DIR   writes DIR/env (source it)
#   scripts/test-services.sh stop DIR    stops exactly the pids recorded in DIR
# The SQLite backend needs no server; servers are added here as their
# backends land (Redis, NATS, Postgres, Prosody).
set -euo pipefail
cmd=${1:?start|stop}
DIR=$(realpath -m "${2:?dir}")

start() {
  mkdir -p "$DIR"
  : >"$DIR/env"
  echo "# servers for the tests (none needed yet)" >>"$DIR/env"
}

alive() { # a pid that exists and is not a zombie
  local st; st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1; [[ $st != Z* ]]
}

stop() {
  [ -d "$DIR" ] || return 0
  local pidfile pid
  for pidfile in "$DIR"/*.pid; do
    [ -f "$pidfile" ] || continue
    pid=$(cat "$pidfile")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do alive "$pid" || break; sleep 0.05; done
    alive "$pid" && kill -9 "$pid" 2>/dev/null || true
    rm -f "$pidfile"
  done
}

"$cmd"
