#pragma once

// The operators' control plane of one owner's agents in this process, on
// `agents.parley.<owner>` (src/nats_agent/control_plane.hpp has the wire
// format): list, inspect and stop hosted sessions. It also hands out
// instance names, so two sessions of this process never take the same one.

#include <caf/actor.hpp>
#include <caf/allowed_unsafe_message_type.hpp>

#include <memory>
#include <set>
#include <string>

#include "src/nats_agent/control_plane.hpp"
#include "actors/nats_agent/nats_link.hpp"

namespace parley {

/// agent → control: pick a free name from `base`, avoiding `taken` (seen on
/// the bus) and the names of this process's agents. Answer: std::string.
struct claim_name {
  std::string base;
  std::set<std::string> taken;
};
/// agent → control: the agent's current summary (sent when registered and
/// whenever its state changes).
struct agent_summary {
  caf::actor agent;
  nats_agent::session_summary summary;
};
/// agent → control: the agent stopped; forget it and free its name.
struct agent_gone {
  std::string session_id;
};
/// control → agent: an operator asked to stop it. Answer: shutdown_done.
struct operator_stop {};

/// Spawns the control plane of `owner` and subscribes its subject. On
/// shutdown_request it answers every later request with `shutting_down`.
[[nodiscard]] caf::actor spawn_agent_control(caf::actor_system& sys, std::shared_ptr<nats_link> link,
                                             std::string owner);

}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::claim_name)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::agent_summary)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::agent_gone)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::operator_stop)
