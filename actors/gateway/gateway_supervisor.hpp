#pragma once

#include <caf/allowed_unsafe_message_type.hpp>
#include <caf/actor.hpp>

#include <memory>

#include "src/config/parley_config.hpp"
#include "src/metrics/runtime_metrics.hpp"
#include "src/seam/backend.hpp"
#include "src/error/result.hpp"

namespace parley {

/// Asked of the gateway supervisor: answered with runtime_result once the
/// backend is connected and the shared actors run.
struct runtime_query {};

struct runtime_handles {
  caf::actor router;
  caf::actor backend_conn;
  caf::actor state_writer;
  std::shared_ptr<runtime_metrics> metrics;
};
using runtime_result = result<runtime_handles>;

/// Stop: disconnect the backend and quit with exit_reason::user_shutdown.
struct runtime_stop {};

/// Spawns the root of `parley serve`: the backend connection, the router and
/// the state writer that every gateway session shares.
[[nodiscard]] caf::actor spawn_gateway_supervisor(caf::actor_system& sys, parley_config cfg,
                                                  std::shared_ptr<backend> plugin);

}  // namespace parley

CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::runtime_query)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::runtime_result)
CAF_ALLOW_UNSAFE_MESSAGE_TYPE(parley::runtime_stop)
