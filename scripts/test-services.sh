#!/usr/bin/env bash
# Starts and stops the servers the tests need, on random 127.0.0.1 ports,
# never assuming a default port is free.
#
#   scripts/test-services.sh start DIR          start every server, write DIR/env (source it)
#   scripts/test-services.sh stop DIR           stop exactly the servers recorded in DIR
#   scripts/test-services.sh kill DIR NAME      SIGKILL one server (redis | nats | postgres | prosody)
#   scripts/test-services.sh restart DIR NAME   start it again on the same port and data
#   (the directory may also come first: DIR kill NAME)
#
# Fault tests use the last two through $PARLEY_TEST_SERVICES, which the env
# file sets to "<this script> <DIR>". Servers: redis-server (append-only
# file, fsync every write), nats-server with JetStream on a file store, a
# throwaway PostgreSQL 15 cluster (fsync on), and Prosody (XMPP) with MUC,
# MAM and stream management on file storage, so rooms and archives survive a
# restart.
set -euo pipefail
# $PARLEY_TEST_SERVICES is "<this script> <DIR>", so tests append the action:
# accept "DIR ACTION NAME" as well as "ACTION DIR NAME".
case "${1:-}" in
  start|stop|kill|restart) cmd=$1; DIR=$(realpath -m "${2:?dir}") ;;
  *) DIR=$(realpath -m "${1:?dir}"); cmd=${2:?start|stop|kill|restart} ;;
esac
self=$(realpath "$0")

freeport() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1]);s.close()'; }
wait_tcp() { # port timeout_s
  local end=$((SECONDS + $2))
  until (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; do
    [ $SECONDS -ge "$end" ] && { echo "timeout waiting for port $1" >&2; return 1; }
    sleep 0.05
  done
}
alive() { # a pid that exists and is not a zombie (orphans are reaped late here)
  local st; st=$(ps -o stat= -p "$1" 2>/dev/null) || return 1; [[ $st != Z* ]]
}
PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
AS=(); [ "$(id -u)" = 0 ] && AS=(runuser -u postgres --)   # initdb and postgres refuse root

port_of() { cat "$DIR/$1.port"; }

start_redis() {
  mkdir -p "$DIR/redis"
  redis-server --bind 127.0.0.1 --port "$(port_of redis)" --save '' --appendonly yes \
    --appendfsync always --dir "$DIR/redis" --logfile "$DIR/redis/redis.log" --daemonize no &
  echo $! >"$DIR/redis.pid"
  local end=$((SECONDS + 10))
  until redis-cli -h 127.0.0.1 -p "$(port_of redis)" ping >/dev/null 2>&1; do
    [ $SECONDS -ge $end ] && { echo "redis did not start" >&2; return 1; }
    sleep 0.05
  done
}

start_nats() {
  mkdir -p "$DIR/nats"
  nats-server -js -a 127.0.0.1 -p "$(port_of nats)" -sd "$DIR/nats" >>"$DIR/nats/nats.log" 2>&1 &
  echo $! >"$DIR/nats.pid"
  wait_tcp "$(port_of nats)" 10
}

start_postgres() {
  if [ ! -d "$DIR/pg/data" ]; then
    mkdir -p "$DIR/pg"
    [ "$(id -u)" = 0 ] && chown -R postgres:postgres "$DIR/pg"
    "${AS[@]}" "$PGBIN/initdb" -D "$DIR/pg/data" -U postgres -A trust -E UTF8 --no-sync >"$DIR/pg/initdb.log" 2>&1
  fi
  "${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/pg/data" -l "$DIR/pg/pg.log" -w -t 30 start -o \
    "-p $(port_of postgres) -k $DIR/pg -c listen_addresses=127.0.0.1 -c max_connections=200" >/dev/null
  head -1 "$DIR/pg/data/postmaster.pid" >"$DIR/postgres.pid"
}

# Prosody 0.12: any user name and password log in (insecure auth, test only);
# rooms are persistent and archived (MAM); stanzas up to 2 MiB.
write_prosody_config() {
  mkdir -p "$DIR/prosody/data"
  cat >"$DIR/prosody/prosody.cfg.lua" <<CFG
run_as_root = true -- root in CI: without it mod_posix stops c2s from opening
pidfile = "$DIR/prosody/prosody.pid"
data_path = "$DIR/prosody/data"
certificates = "$DIR/prosody"
log = { { levels = { min = "info" }, to = "file", filename = "$DIR/prosody/prosody.log" } }
interfaces = { "127.0.0.1" }
c2s_ports = { $(port_of prosody) }
c2s_interfaces = { "127.0.0.1" }
s2s_ports = { }
http_ports = { }
https_ports = { }
c2s_direct_tls_ports = { }
modules_enabled = { "roster", "saslauth", "disco", "ping", "presence", "message", "iq", "smacks" }
modules_disabled = { "s2s", "tls", "offline", "c2s_direct_tls" }
c2s_require_encryption = false
allow_unencrypted_plain_auth = true
authentication = "insecure"
insecure_open_authentication = "Yes please, I know what I'm doing!"
default_storage = "internal"
c2s_stanza_size_limit = 2 * 1024 * 1024
smacks_hibernation_time = 60
VirtualHost "localhost"
Component "conference.localhost" "muc"
    modules_enabled = { "muc_mam" }
    restrict_room_creation = false
    muc_room_default_persistent = true
    muc_log_by_default = true
    muc_log_all_rooms = true
    max_archive_query_results = 100
CFG
}

start_prosody() {
  [ -f "$DIR/prosody/prosody.cfg.lua" ] || write_prosody_config
  prosody -F --config "$DIR/prosody/prosody.cfg.lua" >>"$DIR/prosody/stdout.log" 2>&1 &
  echo $! >"$DIR/prosody.pid"
  wait_tcp "$(port_of prosody)" 10
}

start() {
  rm -rf "$DIR"
  mkdir -p "$DIR"
  chmod 755 "$DIR"
  for s in redis nats postgres prosody; do freeport >"$DIR/$s.port"; done
  start_redis
  start_nats
  start_prosody
  start_postgres
  "${AS[@]}" "$PGBIN/psql" -h 127.0.0.1 -p "$(port_of postgres)" -U postgres -qAtc "CREATE DATABASE parley" >/dev/null
  cat >"$DIR/env" <<ENV
export PARLEY_TEST_SERVICES="$self $DIR"
export PARLEY_REDIS_URL=redis://127.0.0.1:$(port_of redis)
export PARLEY_NATS_SERVERS=nats://127.0.0.1:$(port_of nats)
export PARLEY_PG_URL=postgres://postgres@127.0.0.1:$(port_of postgres)/parley
export PARLEY_XMPP_SERVICE=xmpp://127.0.0.1:$(port_of prosody)
export PARLEY_XMPP_DOMAIN=localhost PARLEY_XMPP_MUC=conference.localhost
ENV
  cat "$DIR/env"
}

kill_one() {
  local name=${1:?redis|nats|postgres|prosody} pid
  if [ "$name" = postgres ]; then
    # An immediate stop aborts every backend without a checkpoint, as a
    # crash would; the next start runs crash recovery.
    "${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/pg/data" -m immediate -w stop >/dev/null
    return
  fi
  pid=$(cat "$DIR/$name.pid")
  kill -9 "$pid" 2>/dev/null || true
  for _ in $(seq 200); do alive "$pid" || break; sleep 0.02; done
}

restart_one() {
  case "${1:?redis|nats|postgres|prosody}" in
    redis) start_redis ;;
    prosody) start_prosody ;;
    nats) start_nats ;;
    postgres) start_postgres ;;
    *) echo "unknown service $1" >&2; return 2 ;;
  esac
}

stop() {
  [ -d "$DIR" ] || return 0
  if [ -f "$DIR/pg/data/postmaster.pid" ]; then
    "${AS[@]}" "$PGBIN/pg_ctl" -D "$DIR/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
  fi
  local s pid
  for s in redis nats postgres prosody; do
    [ -f "$DIR/$s.pid" ] || continue
    pid=$(cat "$DIR/$s.pid")
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 100); do alive "$pid" || break; sleep 0.05; done
    alive "$pid" && kill -9 "$pid" 2>/dev/null || true
    rm -f "$DIR/$s.pid"
  done
}

case "$cmd" in
  start) start ;;
  stop) stop ;;
  kill) kill_one "${3:-}" ;;
  restart) restart_one "${3:-}" ;;
  *) echo "usage: $0 start|stop|kill|restart DIR [NAME]" >&2; exit 2 ;;
esac
