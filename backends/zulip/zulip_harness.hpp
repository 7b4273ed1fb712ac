#pragma once

#include <memory>
#include <optional>
#include <string>

#include "backends/zulip/zulip_backend.hpp"
#include "backends/zulip/zulip_config.hpp"
#include "conformance/cases.hpp"

namespace parley::zulip::testing {

/// The configuration for this process's fake Zulip (started on first use):
/// the default bot and key, the stream `parley`, a short events timeout.
[[nodiscard]] zulip_config fake_config();

/// A backend connected with `cfg`; throws when it cannot connect.
[[nodiscard]] std::unique_ptr<zulip_backend> connect_zulip(const zulip_config& cfg);

/// Runs the conformance suite against the fake Zulip, or against a real
/// server (live_config). Every harness has a topic prefix of its own; all
/// topics live in the configured stream.
class zulip_harness : public conformance::harness {
 public:
  zulip_harness();
  explicit zulip_harness(zulip_config cfg);

  [[nodiscard]] std::unique_ptr<backend> connect_backend() override;
  /// `t<prefix>-<n>`: a topic no case has used.
  [[nodiscard]] std::string fresh_topic() override;
  /// Threads, each with a backend of its own.
  [[nodiscard]] bool concurrent_post(const std::string& topic, int writers, int per_writer) override;
  /// Zulip refuses a message without content.
  [[nodiscard]] bool accepts_empty_content() const override { return false; }

  [[nodiscard]] const zulip_config& config() const noexcept { return cfg_; }

 protected:
  zulip_config cfg_;
  std::string prefix_;
  int topics_ = 0;
};

/// The same suite with `all_topics: true` (one queue per stream).
class wildcard_harness final : public zulip_harness {
 public:
  wildcard_harness();
};

/// A real server: $PARLEY_ZULIP_URL, $PARLEY_ZULIP_EMAIL,
/// $PARLEY_ZULIP_API_KEY and $PARLEY_ZULIP_STREAM (default parley); nullopt
/// when one of the first three is unset.
[[nodiscard]] std::optional<zulip_config> live_config();

}  // namespace parley::zulip::testing
