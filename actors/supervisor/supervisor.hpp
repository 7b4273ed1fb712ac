#pragma once

#include <caf/fwd.hpp>

#include <functional>

#include <map>
#include <memory>
#include <string>

#include "src/config/parley_config.hpp"
#include "src/seam/backend.hpp"
#include "actors/session_output.hpp"

namespace parley {

/// What the stdio supervisor starts: one session on stdin/stdout.
struct stdio_plan {
  parley_config cfg;
  std::shared_ptr<backend> plugin;
  std::shared_ptr<session_output> output;
  std::string server_version;
  std::string read_state_path;
  std::map<std::string, std::string> read_cursors;
  /// Exposes the session as a NATS agent when set (`nats_agent:`).
  std::function<caf::actor(caf::local_actor*)> spawn_nats_agent;
};

/// Spawns the root of the stdio process. It connects the backend (failing
/// the process on error), starts the router, the state writer and the one
/// session, and feeds the session from stdin. On shutdown_request (a signal,
/// stdin EOF) it lets the session say goodbye and save its cursors,
/// disconnects the backend and quits with exit_reason::user_shutdown; any
/// other exit reason means startup failed.
[[nodiscard]] caf::actor spawn_stdio_supervisor(caf::actor_system& sys, stdio_plan plan);

}  // namespace parley
