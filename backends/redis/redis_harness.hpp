#pragma once

#include <string>

#include "conformance/cases.hpp"
#include "backends/redis/redis_backend.hpp"
#include "backends/redis/redis_config.hpp"

namespace parley::redis::testing {

/// $PARLEY_REDIS_URL, or a failed test that says how to get a server: these
/// tests run against a live redis-server and never skip silently.
[[nodiscard]] std::string require_redis_url();

/// Runs the conformance suite against the server in $PARLEY_REDIS_URL, each
/// harness under its own random key prefix (`parleytest:<hex>:`), whose keys
/// it deletes when it goes.
class redis_harness final : public conformance::harness {
 public:
  redis_harness();
  ~redis_harness() override;
  redis_harness(const redis_harness&) = delete;
  redis_harness& operator=(const redis_harness&) = delete;

  [[nodiscard]] std::unique_ptr<backend> connect_backend() override;
  [[nodiscard]] std::string fresh_topic() override { return "t-" + std::to_string(++topics_); }
  /// Threads, each with a backend instance (and so connections) of its own.
  [[nodiscard]] bool concurrent_post(const std::string& topic, int writers,
                                     int per_writer) override;

  /// The configuration every backend of this harness uses.
  [[nodiscard]] const redis_config& config() const noexcept { return cfg_; }
  /// A connected backend with this harness's configuration, typed.
  [[nodiscard]] std::unique_ptr<redis_backend> connect_redis();

 private:
  redis_config cfg_;
  int topics_ = 0;
};

/// Deletes every key under `prefix` (SCAN + UNLINK). Best effort.
void delete_keys(const endpoint& ep, const std::string& prefix);

/// A random `parleytest:<16 hex>:`.
[[nodiscard]] std::string random_prefix();

}  // namespace parley::redis::testing
