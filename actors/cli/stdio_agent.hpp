#pragma once

#include <caf/fwd.hpp>

#include <functional>
#include <memory>
#include <string>

#include "src/config/parley_config.hpp"
#include "actors/supervisor/supervisor.hpp"

namespace parley::cli {

/// The stdio session as a NATS agent (`nats_agent:` in the config). Only
/// `parley-full` links it: the small `parley` hands such configs over.
class stdio_agent {
 public:
  virtual ~stdio_agent() = default;
  /// Fills plan.spawn_nats_agent; `on_operator_stop` ends the process
  /// gracefully when an operator stops the session on the control plane.
  virtual void attach(caf::actor_system& sys, stdio_plan& plan, std::function<void()> on_operator_stop) = 0;
  /// Gives open requests their terminator and closes the NATS connection.
  virtual void shutdown(caf::actor_system& sys) = 0;
};

/// Settles the agent's identity and connects to NATS before anything starts,
/// so that a bad name or an unreachable server fails startup. Null after
/// logging why.
using stdio_agent_factory =
    std::function<std::unique_ptr<stdio_agent>(const parley_config& cfg, const std::string& state_dir)>;

/// The real factory (stdio_agent.cpp).
[[nodiscard]] std::unique_ptr<stdio_agent> connect_stdio_agent(const parley_config& cfg,
                                                               const std::string& state_dir);

}  // namespace parley::cli
