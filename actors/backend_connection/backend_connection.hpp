#pragma once

#include <caf/fwd.hpp>

#include <cstddef>
#include <memory>

#include "src/metrics/runtime_metrics.hpp"
#include "src/seam/backend.hpp"

namespace parley {

/// Spawns the actor that owns one backend instance, linked to `parent`.
///
/// Every seam call that may wait runs on one of `workers` detached worker
/// actors (each its own thread), never on a scheduler thread: the backend's
/// blocking client library may take its time. Requests are handed to workers
/// round-robin and answered by the worker directly to the requester. Posts
/// and reads the plugin can finish without waiting (backend::try_post,
/// try_fetch_recent) are answered here at once. Health changes the
/// plugin reports are logged and kept as state.
/// With `metrics`, health changes are also published there (/healthz).
[[nodiscard]] caf::actor spawn_backend_connection(caf::local_actor* parent,
                                                  std::shared_ptr<backend> plugin,
                                                  std::size_t workers,
                                                  std::shared_ptr<runtime_metrics> metrics = nullptr);

}  // namespace parley
