#pragma once

// One place where a session's settings are assembled, for every transport:
// a transport implements its session_output, says what it decides about
// the session (session_spec), and the rest comes from the config and the
// actors the process shares (session_runtime).

#include <caf/actor.hpp>

#include <functional>
#include <map>
#include <memory>
#include <string>

#include "actors/mcp_session/mcp_session.hpp"
#include "src/config/parley_config.hpp"
#include "src/error/result.hpp"

namespace parley {

/// What every session of one process shares.
struct session_runtime {
  caf::actor router;
  caf::actor backend_conn;
  caf::actor state_writer;
  std::string server_version;
  /// The backend's capability: senders are the posters' handles.
  bool sender_is_identity = true;
  /// Where tool calls and deliveries are counted; null: not counted.
  std::shared_ptr<runtime_metrics> metrics;
};

/// What the host of one session decides about it.
struct session_spec {
  session_id id = 0;
  std::shared_ptr<const session_profile> profile;
  std::shared_ptr<session_output> output;
  bool live_push = false;
  /// The profile's own presence switch; presence also needs
  /// `presence.enabled` in the config.
  bool presence = true;
  /// The presence topic as the router sees it; empty: `presence.topic`.
  std::string presence_topic;
  /// Where read cursors persist (empty: not persisted), and those loaded
  /// from there at startup.
  std::string read_state_path;
  std::map<std::string, std::string> read_cursors;
  /// The transport's input limit, named in the error of an oversized input.
  std::int64_t max_input_bytes = 4 << 20;
  /// Whether the top-level `permissions:` (approvers, timeout) apply: they
  /// belong to the top-level profile, the stdio session's; gateway profiles
  /// have none.
  bool config_permissions = false;
  /// Spawns the session's NATS agent endpoint, when it is exposed on NATS.
  std::function<caf::actor(caf::local_actor*)> spawn_nats_agent;
};

/// The settings of one MCP session: the spec, the shared actors, and the
/// config-wide keys (catch-up, presence cadence, permissions).
[[nodiscard]] session_settings make_session_settings(const parley_config& cfg,
                                                     const session_runtime& rt, session_spec spec);

/// The session profile of the top-level keys (identity, topics,
/// post_topics, live_push, permissions): the stdio session's. Fails when the
/// topic allowlist cannot be built.
[[nodiscard]] result<std::shared_ptr<const session_profile>> top_level_profile(
    const parley_config& cfg);

}  // namespace parley
