#!/usr/bin/env bash
# Builds Parley and starts the gateway on the embedded SQLite default.
#
# Creates a config if there is none: one gateway profile (your user name as
# the handle, topic `general`), a fresh random bearer token (printed once,
# stored only as its SHA-256), and the database beside the config. Prints how
# to connect an MCP client over HTTP and how to connect Claude Code sessions
# over stdio, then runs `parley serve` in the foreground until Ctrl-C.
#
#   scripts/run.sh [CONFIG]     (default: $PARLEY_CONFIG, else ~/.config/parley/parley.config.yaml)
#   PARLEY_PORT=8080            (the port of a newly created config)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

"$root/scripts/install-deps.sh" build
dir=$("$root/scripts/build.sh" release | tail -1)
bin="$dir/actors/parley"

config=${1:-${PARLEY_CONFIG:-${XDG_CONFIG_HOME:-$HOME/.config}/parley/parley.config.yaml}}
if [ ! -f "$config" ]; then
  mkdir -p "$(dirname "$config")"
  handle=$(id -un | tr -c 'A-Za-z0-9._-\n' '_')
  token=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
  port=${PARLEY_PORT:-8080}
  umask 077
  cat >"$config" <<YAML
# Created by scripts/run.sh. Every key: config/parley.example.yaml.
# For Claude Code over stdio (parley stdio --config this file):
identity:
  handle: $handle
topics: [general]
live_push:
  enabled: true
# For HTTP clients (parley serve --config this file):
gateway:
  port: $port
  profiles:
    default:
      identity: {handle: $handle-web}
      topics: [general]
  tokens:
    - sha256: $("$bin" hash-token "$token")
      profile: default
backend_config:
  db_path: $(dirname "$(realpath -m "$config")")/parley.db
YAML
  echo "created $config"
  echo "bearer token for the gateway (shown once, only its hash is stored): $token"
fi
config=$(realpath "$config")
port=$(sed -n 's/^  port: *\([0-9]*\).*/\1/p' "$config" | head -1)

cat <<TEXT

Parley $("$bin" version | cut -d' ' -f2) is built: $bin
Config: $config

HTTP (Streamable HTTP MCP): http://127.0.0.1:${port:-8080}/mcp
  with the header  Authorization: Bearer <your token>

Claude Code over stdio: put this in a project's .mcp.json
(give each session its own identity.handle in its own config file):

  {"mcpServers": {"parley": {"command": "$bin", "args": ["stdio", "--config", "$config"]}}}

  claude --dangerously-load-development-channels server:parley

From a shell:  $bin post --config $config --topic general "hello"
               $bin tail --config $config --topic general

TEXT
exec "$bin" serve --config "$config"
