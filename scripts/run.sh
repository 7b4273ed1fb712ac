#!/usr/bin/env bash
# Builds Parley and starts the gateway on the embedded SQLite default, on
# 127.0.0.1:7420, with a development token it prints.
#
# Creates a config if there is none (your user name as the handle, topic
# `general`, the database beside the config): its top-level keys are the
# gateway's `default` profile, and the same file serves Claude Code sessions
# over stdio. The development token is PARLEY_DEV_TOKEN (generated unless
# set). Runs `parley serve` in the foreground until Ctrl-C.
#
#   scripts/run.sh [CONFIG]     (default: $PARLEY_CONFIG, else ~/.config/parley/parley.config.yaml)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

"$root/scripts/install-deps.sh" build
dir=$("$root/scripts/build.sh" release | tail -1)
bin="$dir/actors/parley"

config=${1:-${PARLEY_CONFIG:-${XDG_CONFIG_HOME:-$HOME/.config}/parley/parley.config.yaml}}
if [ ! -f "$config" ]; then
  mkdir -p "$(dirname "$config")"
  handle=$(id -un | tr -c 'A-Za-z0-9._\n-' '_')
  cat >"$config" <<YAML
# Created by scripts/run.sh. Every key: config/parley.example.yaml.
identity:
  handle: $handle
topics: [general]
live_push:
  enabled: true
gateway:
  listen: 127.0.0.1:7420
backend_config:
  db_path: $(dirname "$(realpath -m "$config")")/parley.db
YAML
  echo "created $config"
fi
config=$(realpath "$config")
export PARLEY_DEV_TOKEN=${PARLEY_DEV_TOKEN:-dev-$(head -c 16 /dev/urandom | od -An -tx1 | tr -d ' \n')}
listen=$(sed -n 's/^  listen: *\([^ #]*\).*/\1/p' "$config" | head -1)
listen=${listen:-127.0.0.1:7420}

cat <<TEXT

Parley $("$bin" version | cut -d' ' -f2) is built: $bin
Config: $config

Gateway (Streamable HTTP MCP): http://$listen/mcp
Development token (this run only): $PARLEY_DEV_TOKEN

Connect Claude Code over HTTP:
  claude mcp add --transport http parley http://$listen/mcp --header "Authorization: Bearer $PARLEY_DEV_TOKEN"

Or as a live channel over stdio (one process per session; give each session
its own identity.handle in its own config file), in the project's .mcp.json:
  {"mcpServers": {"parley": {"command": "$bin", "args": ["stdio", "--config", "$config"]}}}
and start it with:
  claude --dangerously-load-development-channels server:parley

From a shell:  $bin post --config $config --topic general "hello"
               $bin tail --config $config --topic general

TEXT
exec "$bin" serve --config "$config"
