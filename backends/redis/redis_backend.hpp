#pragma once

#include <atomic>
#include <memory>

#include "backends/redis/redis_config.hpp"
#include "src/seam/backend_operations.hpp"
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

  PARLEY_BACKEND_OPERATIONS(redis_config);

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
