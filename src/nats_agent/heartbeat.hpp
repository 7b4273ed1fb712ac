#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "src/nats_agent/identity.hpp"

/// Liveness (docs/nats-agent-protocol.md, "Heartbeat and status"): the heartbeat published on
/// `agents.hb.<agent>.<owner>.<session>` right after registering and then
/// every interval, and the `status` endpoint's reply, which is a freshly
/// built heartbeat plus the session's state.
namespace parley::nats_agent {

/// Fields of one heartbeat.
struct heartbeat {
  std::string agent;
  std::string owner;
  /// The micro service id.
  std::string instance_id;
  /// Omitted when absent (never `null`); we always set it (= metadata.session).
  std::optional<std::string> session;
  /// Seconds between beats, > 0. Callers deem us offline after 3× this.
  std::int64_t interval_s = 5;
};

/// The heartbeat of the agent `id` with service id `instance_id`.
[[nodiscard]] heartbeat make_heartbeat(const identity& id, std::string instance_id,
                                       std::int64_t interval_s);

/// Compact JSON in the TypeScript SDK's key order:
/// {"agent","owner","instance_id","ts","interval_s","session"?}, `ts` UTC
/// with milliseconds and `Z` (`2026-11-21T23:18:24.491Z`).
[[nodiscard]] std::string encode_heartbeat(const heartbeat& hb, std::int64_t now_epoch_ms);

/// What the session is doing, for the status endpoint and the control plane.
struct session_state {
  /// A NATS request is being answered.
  bool busy = false;
  /// Requests waiting behind the active one.
  std::size_t queue_length = 0;
  /// The Parley handle of the session.
  std::string handle;
  /// The Parley topics the session listens to.
  std::vector<std::string> topics;
};

/// The status reply: every heartbeat field in the same order (the protocol: the
/// status reply *is* the heartbeat shape; docs/nats-agent-protocol.md "Heartbeat and status"), then
/// extra keys the SDK clients keep as extras: `"state":"idle"|"busy"`, `"queue_length"`,
/// `"handle"`, `"topics"`.
[[nodiscard]] std::string encode_status(const heartbeat& hb, const session_state& state,
                                        std::int64_t now_epoch_ms);

}  // namespace parley::nats_agent
