#pragma once

#include <caf/fwd.hpp>

#include <caf/actor.hpp>

#include <cstddef>
#include <memory>
#include <optional>

#include "actors/messages.hpp"
#include "src/metrics/runtime_metrics.hpp"
#include "src/seam/backend.hpp"

namespace parley {

/// The one door to a backend as its users hold it: the backend_connection
/// actor, and the same connection's no-wait post made on the caller's thread.
///
/// `try_post` is backend::try_post, which the backend_connection actor also
/// tries first for every post_cmd; calling it here spares a user on a
/// scheduler thread (the router) the hop to that actor and back when the
/// backend can write without waiting (embedded SQLite, most posts). When it
/// answers nullopt the caller sends post_cmd to `conn()` as usual.
class backend_door {
 public:
  backend_door() = default;
  /// `plugin` is the backend behind `conn`; null: every post goes to `conn`.
  explicit backend_door(caf::actor conn, std::shared_ptr<backend> plugin = nullptr)
      : conn_(std::move(conn)), plugin_(std::move(plugin)) {}

  /// The backend_connection actor: fetches, subscriptions and any post that
  /// may wait.
  [[nodiscard]] const caf::actor& conn() const noexcept { return conn_; }

  /// The post written at once, or nullopt when it would have to wait.
  [[nodiscard]] std::optional<post_result> try_post(const post_request& req) const {
    if (!plugin_) return std::nullopt;
    return plugin_->try_post(req);
  }

 private:
  caf::actor conn_;
  std::shared_ptr<backend> plugin_;
};

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
