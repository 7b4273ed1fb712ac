#!/usr/bin/env bash
# Builds Parley and starts it on the embedded SQLite default.
#
# Creates a config if there is none (a topic `general`, your user name as the
# handle, the database beside the config), prints how to connect Claude Code
# to it, checks it with `parley doctor`, then follows the topic live in this
# terminal (`parley tail`) until Ctrl-C. Claude Code sessions start their own
# `parley stdio` processes from .mcp.json; they all meet in the same database.
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
  handle=$(id -un | tr -c 'A-Za-z0-9._-\n' '_')
  cat >"$config" <<YAML
# Created by scripts/run.sh. Every key: config/parley.example.yaml.
identity:
  handle: $handle
topics: [general]
live_push:
  enabled: true
backend_config:
  db_path: $(dirname "$(realpath -m "$config")")/parley.db
YAML
  echo "created $config"
fi
config=$(realpath "$config")

cat <<TEXT

Parley $("$bin" version | cut -d' ' -f2) is built: $bin
Config: $config

Connect a Claude Code session: put this in the project's .mcp.json
(give each session its own identity.handle in its own config file):

  {"mcpServers": {"parley": {"command": "$bin", "args": ["stdio", "--config", "$config"]}}}

then start Claude Code with live push enabled:

  claude --dangerously-load-development-channels server:parley

Post from a shell:  $bin post --config $config --topic general "hello"

TEXT
"$bin" doctor --config "$config"
echo
exec "$bin" tail --config "$config" --topic "$(sed -n 's/^topics: \[\([^],]*\).*/\1/p' "$config" | head -1 | tr -d ' "')"
