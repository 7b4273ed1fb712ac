#pragma once

#include <atomic>
#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "backends/zulip/event_queue.hpp"
#include "backends/zulip/health_merge.hpp"
#include "backends/zulip/zulip_api.hpp"
#include "backends/zulip/zulip_config.hpp"
#include "src/seam/backend_operations.hpp"

namespace parley::zulip {

/// The Zulip backend, in the original parley-zulip mapping: every topic a
/// Zulip topic of one stream, the global message id as id and cursor,
/// history through GET /messages with an anchor and a narrow, live delivery
/// through a registered, narrowed event queue (event_queue.hpp). Beyond the
/// original: `all_topics` (one queue per stream feeds every topic),
/// resolve_identity by email or full name, a request budget, and connect
/// checking the key and the stream. See README.md.
class zulip_backend final : public backend {
 public:
  zulip_backend();
  ~zulip_backend() override;

  PARLEY_BACKEND_OPERATIONS(zulip_config);

  /// The bot's user id (GET /users/me).
  [[nodiscard]] std::int64_t user_id() const noexcept { return user_id_; }
  /// Event queues open now (a test hook: one per topic, or one per stream
  /// with all_topics).
  [[nodiscard]] std::size_t open_queues() const;
  /// Registrations of every open queue so far (a test hook).
  [[nodiscard]] int registrations() const;

 private:
  class queue_subscription;

  [[nodiscard]] result<void> check_connected() const;
  [[nodiscard]] result<void> check_account();
  [[nodiscard]] result<void> check_stream();
  void unsubscribe(const std::string& key, std::uint64_t id);

  zulip_config cfg_;
  parley::capabilities caps_;
  health_listener health_listener_;
  health_merge health_{[this](health h, const std::string& why) {
    if (health_listener_) health_listener_(h, why);
  }};
  std::uint64_t next_queue_ = 0;
  std::unique_ptr<zulip_api> api_;
  std::int64_t user_id_ = 0;
  std::atomic<bool> connected_{false};
  mutable std::mutex queues_mu_;
  struct open_queue {
    std::uint64_t id;  // its health source
    std::unique_ptr<event_queue> queue;
  };
  std::map<std::string, open_queue> queues_;  // by topic, or "" with all_topics
};

}  // namespace parley::zulip
