#pragma once

#include <string>

#include "conformance/cases.hpp"
#include "backends/nats/nats_backend.hpp"

namespace parley::nats::testing {

/// The NATS server the tests use ($PARLEY_NATS_SERVERS, set by
/// scripts/test.sh); fails the test with a clear message when unset.
[[nodiscard]] std::string server_url();

/// A configuration with prefixes no other test uses, so runs never share
/// streams.
[[nodiscard]] nats_config isolated_config();

/// Deletes every stream whose name starts with `stream_prefix`.
void delete_streams(const std::string& stream_prefix);

/// Runs the conformance suite with fresh prefixes per test case; streams are
/// deleted afterwards.
class nats_harness final : public conformance::harness {
 public:
  nats_harness() : cfg_(isolated_config()) {}
  ~nats_harness() override { delete_streams(cfg_.stream_prefix); }

  [[nodiscard]] std::unique_ptr<backend> connect_backend() override;
  [[nodiscard]] std::string fresh_topic() override { return "t-" + std::to_string(++topics_); }
  /// Independent connections, one per writer, posting at once.
  [[nodiscard]] bool concurrent_post(const std::string& topic, int writers, int per_writer) override;

 private:
  nats_config cfg_;
  int topics_ = 0;
};

}  // namespace parley::nats::testing
