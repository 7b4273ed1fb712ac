#pragma once

#include <caf/fwd.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "actors/messages.hpp"
#include "src/metrics/runtime_metrics.hpp"
#include "actors/session_output.hpp"

namespace parley {

/// Everything one MCP session needs to run, decided by whoever creates it
/// (the stdio supervisor from the config file; the gateway from a profile).
struct session_settings {
  session_id id = 0;
  std::shared_ptr<const session_profile> profile;
  std::shared_ptr<session_output> output;
  caf::actor router;
  caf::actor backend_conn;
  caf::actor state_writer;
  std::string server_version;

  /// Join the explicit topics and push their messages as channel events.
  bool live_push = false;
  /// On start, push what was missed since the persisted read cursor.
  bool catchup_on_start = true;
  std::int64_t catchup_limit = 100;
  /// Where read cursors persist; empty: not persisted.
  std::string read_state_path;
  /// The cursors read from that file at startup (loaded off the actor).
  std::map<std::string, std::string> initial_read_cursors;

  bool presence_enabled = true;
  std::string presence_topic = "parley-presence";
  std::int64_t heartbeat_ms = 600'000;
  std::int64_t ttl_ms = 1'800'000;

  /// Permission relay (only with a relay topic in the profile).
  std::vector<std::string> approvers;
  std::int64_t permission_timeout_ms = 300'000;
  /// The stdio line limit, for the error text of an oversized line.
  std::int64_t max_input_bytes = 4 << 20;
  /// Where tool calls, deliveries and push latency are counted (gateway).
  std::shared_ptr<runtime_metrics> metrics;
  /// Whether backend senders are the posters' handles (capabilities), so a
  /// catch-up can recognize this handle's own posts.
  bool sender_is_identity = true;
  /// Spawns the session's NATS agent endpoint, linked to the session (the
  /// host sets it when the session is exposed on NATS; nats_agent/).
  std::function<caf::actor(caf::local_actor* session)> spawn_nats_agent;
};

/// Spawns one MCP client session: JSON-RPC dispatch, the four tools, live
/// push with catch-up from the read cursor, presence and permission relay.
/// Its input is rpc_input / oversized_input from a transport; its output
/// goes to settings.output. On shutdown_request it says goodbye, persists
/// its read cursors and answers shutdown_done.
/// The session is linked to `parent`.
[[nodiscard]] caf::actor spawn_mcp_session(caf::local_actor* parent, session_settings settings);
/// An unlinked session (the gateway's, which come and go with HTTP clients).
[[nodiscard]] caf::actor spawn_mcp_session(caf::actor_system& sys, session_settings settings);

}  // namespace parley
