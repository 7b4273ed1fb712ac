#pragma once

#include <memory>
#include <string>

#include "backends/discord/discord_backend.hpp"
#include "backends/discord/discord_config.hpp"
#include "conformance/harness.hpp"

namespace parley::discord::testing {

/// The configuration for this process's fake Discord (started on first use).
[[nodiscard]] discord_config fake_config();

/// A backend connected with `cfg`; throws when it cannot connect.
[[nodiscard]] std::unique_ptr<discord_backend> connect_discord(const discord_config& cfg);

/// Runs the conformance suite against the fake Discord: each fresh topic is
/// a new channel, its id the topic itself (no channel_map), as the
/// original's tests do.
class discord_harness : public conformance::harness {
 public:
  discord_harness();

  [[nodiscard]] std::unique_ptr<backend> connect_backend() override;
  [[nodiscard]] std::string fresh_topic() override;
  /// Threads, each with a backend of its own.
  [[nodiscard]] bool concurrent_post(const std::string& topic, int writers, int per_writer) override;
  /// Discord refuses a message without content (400, code 50006).
  [[nodiscard]] bool accepts_empty_content() const override { return false; }

  [[nodiscard]] const discord_config& config() const noexcept { return cfg_; }

 protected:
  explicit discord_harness(discord_config cfg);
  discord_config cfg_;
};

}  // namespace parley::discord::testing
