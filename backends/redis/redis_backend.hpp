#pragma once

#include <atomic>
#include <memory>

#include "backends/redis/redis_config.hpp"
#include "src/seam/backend.hpp"
#include "backends/redis/stream_entry.hpp"

namespace parley::redis {

class link_monitor;
class write_pipeline;
class connection_pool;
class stream_reader;

/// Redis Streams: one stream per topic at `<key_prefix><topic>`, entries in
/// the original Parley's exact field layout, so either implementation reads
/// and writes the other's streams. See README.md beside this file for the
/// seam → Redis mapping, live delivery and reconnects.
///
/// Threads: posts and reads run on the caller's thread (a backend_connection
/// worker); the instance owns two threads of its own: the live reader
/// (blocking XREAD, its own connection) and the health monitor (reconnect
/// probes with backoff).
class redis_backend final : public backend {
 public:
  redis_backend();
  ~redis_backend() override;

  [[nodiscard]] const parley::capabilities& capabilities() const noexcept override;
  [[nodiscard]] result<void> connect(const config::value& backend_config) override;
  void disconnect() override;
  [[nodiscard]] result<std::unique_ptr<subscription>> subscribe(const std::string& topic,
                                                                subscription_sink& sink) override;
  [[nodiscard]] result<stored_post> post(const post_request& req) override;
  [[nodiscard]] result<page> fetch_recent(const fetch_request& req) override;
  [[nodiscard]] result<identity_ref> resolve_identity(const std::string& handle) override;
  void set_health_listener(health_listener listener) override;

  /// Connects with an already-typed configuration (tests, tools).
  [[nodiscard]] result<void> connect(const redis_config& cfg);

  /// The stream key of a topic.
  [[nodiscard]] std::string key_of(const std::string& topic) const {
    return cfg_.key_prefix + topic;
  }

 private:
  [[nodiscard]] result<void> ready_for_io() const;

  redis_config cfg_;
  std::atomic<bool> connected_{false};
  health_listener health_listener_;
  std::shared_ptr<link_monitor> monitor_;
  std::unique_ptr<write_pipeline> writer_;
  std::shared_ptr<connection_pool> pool_;
  std::unique_ptr<stream_reader> reader_;
};

}  // namespace parley::redis
