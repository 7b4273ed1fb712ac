#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/config/value.hpp"

namespace parley::nats_agent {

/// The `nats_agent:` block (the pinned keys of docs/features.md, "NATS agents", plus the timings
/// the protocol needs). In stdio mode the block exposes the one session; in a
/// gateway profile `nats_agent: { enabled: true }` exposes each session.
struct agent_config {
  /// True when the block is present, unless it says `enabled: false`.
  bool enabled = false;
  /// `servers`: a URL, a comma-separated string of URLs, or a list. Empty
  /// when not given: the actor then uses `context`, else $NATS_URL, else
  /// nats://127.0.0.1:4222 — never the public demo server the reference
  /// channels default to (that would expose the session to anyone).
  std::vector<std::string> servers;
  /// `context`: a NATS CLI context name (`~/.config/nats/context/<name>.json`,
  /// read by the actor as the NATS backend does). `servers` beside it wins.
  std::optional<std::string> context;
  /// `agent`: metadata.agent and the subject token.
  std::string agent = "parley";
  /// `owner` / `session`: explicit tokens (identity.hpp decides precedence
  /// against the environment and the derived defaults).
  std::optional<std::string> owner;
  std::optional<std::string> session;
  /// `max_payload`: bytes (integer) or `256KB`-style; nullopt → the broker's.
  /// Larger than the broker's is clamped (max_payload.hpp).
  std::optional<std::uint64_t> max_payload;
  /// `attachments_ok`: advertise and accept attachments.
  bool attachments_ok = true;
  /// `heartbeat_s`: seconds between heartbeats (Claude Code channel: 5).
  std::int64_t heartbeat_s = 5;
  /// `keepalive_s`: seconds between keep-alive acks while a request is queued
  /// or in flight. Below 60: callers give up after 60 s of silence.
  std::int64_t keepalive_s = 30;
  /// `max_pending_age_s`: a queued request waiting longer is answered with an
  /// error and the terminator (the reference channels' 30 min).
  std::int64_t max_pending_age_s = 1800;
  /// `query_timeout_s`: how long a permission query waits; silence denies.
  std::int64_t query_timeout_s = 120;
  /// `legacy_v02`: also answer on `agents.<agent>.<owner>.<session>` and
  /// beat on `<that>.heartbeat` for v0.2 callers.
  bool legacy_v02 = false;
};

/// Types the block at `path` (`nats_agent`, or e.g.
/// `profiles.dev.nats_agent`), recording every problem under
/// `<path>.<key>`, unknown keys included. Null/absent → defaults with
/// `enabled` false. `agent`, `owner` and `session` must be valid subject
/// tokens; `context` a plain name (no `/`, `\`, NUL, not starting with `.`).
[[nodiscard]] agent_config parse_agent_config(const config::value& block, std::string path,
                                              std::vector<config::problem>& problems);

}  // namespace parley::nats_agent
