#pragma once

// The NATS agent endpoint of one MCP session (docs/features.md, "NATS agents"; the wire rules:
// docs/nats-agent-protocol.md): a micro service `agents` with `prompt` and `status` endpoints,
// heartbeats, and the stream of each request. Prompts become channel events in the session, one at
// a time; the session's `reply` tool streams the answer back.

#include <caf/fwd.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "src/nats_agent/agent_config.hpp"
#include "src/nats_agent/identity.hpp"
#include "actors/nats_agent/nats_link.hpp"

namespace parley {

struct nats_agent_settings {
  std::shared_ptr<nats_link> link;
  nats_agent::agent_config cfg;
  /// Resolved identity; `session` is the base name, suffixed on collision.
  nats_agent::identity base;
  /// Where attachments are staged (`<state_dir>/attachments/...`).
  std::string state_dir;
  /// The session's Parley handle and topics, for status replies.
  std::string handle;
  std::vector<std::string> topics;
  std::string version;
  /// The owner's control plane (agent_control.hpp); may be null.
  caf::actor control;
  /// Called once an operator stopped this agent through the control plane:
  /// the host ends the session (stdio: the process shuts down).
  std::function<void()> on_operator_stop;
};

/// Spawns the endpoint for `session` (the mcp_session actor), linked to it.
/// It registers asynchronously: probe `$SRV.INFO` for taken names, claim a
/// name, subscribe, beat. On shutdown_request it answers every open request
/// with an error and the terminator, unsubscribes and answers shutdown_done.
[[nodiscard]] caf::actor spawn_nats_agent(caf::local_actor* session, nats_agent_settings settings);

}  // namespace parley
