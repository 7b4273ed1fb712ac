#pragma once

#include <memory>
#include <optional>
#include <string>

#include "backends/slack/slack_backend.hpp"
#include "backends/slack/slack_config.hpp"
#include "conformance/cases.hpp"

namespace parley::slack::testing {

/// The configuration for this process's fake Slack (started on first use):
/// bot `xoxb-fake` (handles shown as a prefix), app `xapp-fake`.
[[nodiscard]] slack_config fake_config();

/// A backend connected with `cfg`; throws when it cannot connect.
[[nodiscard]] std::unique_ptr<slack_backend> connect_slack(const slack_config& cfg);

/// Runs the conformance suite against the fake Slack, or against a real
/// workspace (live_slack_harness). Every backend it connects opens a Socket
/// Mode connection only when it subscribes, so no case has two at once: on
/// Slack, each event goes to one of an app's connections.
class slack_harness : public conformance::harness {
 public:
  slack_harness();
  explicit slack_harness(slack_config cfg);

  [[nodiscard]] std::unique_ptr<backend> connect_backend() override;
  /// A fresh channel id on the fake (`C<n><random>`, made on first use).
  [[nodiscard]] std::string fresh_topic() override;
  /// Threads, each with a backend of its own.
  [[nodiscard]] bool concurrent_post(const std::string& topic, int writers,
                                     int per_writer) override;

  [[nodiscard]] const slack_config& config() const noexcept { return cfg_; }

 protected:
  slack_config cfg_;
  std::string prefix_;
  int topics_ = 0;
};

/// The same suite with `chat:write.customize`: handles go out as `username`.
class username_harness final : public slack_harness {
 public:
  username_harness();
};

/// A real workspace: $PARLEY_SLACK_BOT_TOKEN and $PARLEY_SLACK_APP_TOKEN
/// (and $PARLEY_SLACK_API_URL, else Slack's), or nullopt when a token is unset.
[[nodiscard]] std::optional<slack_config> live_config();

/// slack_harness against live_config() (which the caller checked). A
/// workspace has no fresh channels to hand, so each fresh topic is a new
/// channel the bot creates (conversations.create, scope channels:manage).
class live_slack_harness final : public slack_harness {
 public:
  live_slack_harness();
  [[nodiscard]] std::string fresh_topic() override;
};

}  // namespace parley::slack::testing
