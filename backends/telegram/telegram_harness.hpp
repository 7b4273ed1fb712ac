#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

#include "backends/telegram/telegram_backend.hpp"
#include "backends/telegram/telegram_config.hpp"
#include "conformance/cases.hpp"
#include "tests/support/temp_dir.hpp"

namespace parley::telegram::testing {

/// The configuration for this process's fake Bot API (started on first
/// use) with the state database `state_db`: the default token, short
/// polls, budgets the fake does not need.
[[nodiscard]] telegram_config fake_config(const std::string& state_db);

/// A backend connected with `cfg`; throws when it cannot connect.
[[nodiscard]] std::unique_ptr<telegram_backend> connect_telegram(const telegram_config& cfg);

/// Makes a chat on the fake (`type` private, group, supergroup, channel)
/// and returns its id: a fresh one each call.
[[nodiscard]] std::int64_t fresh_chat(const std::string& type = "private", bool forum = false);

/// Runs the conformance suite against the fake Bot API. Every backend it
/// connects shares the process's one session of the token (one poller, one
/// state database in a directory of its own), as the sessions of one Parley
/// process do. Topics are fresh private chats, whose send budget is not the
/// 20 a minute of groups.
class telegram_harness : public conformance::harness {
 public:
  telegram_harness();
  explicit telegram_harness(telegram_config cfg);

  [[nodiscard]] std::unique_ptr<backend> connect_backend() override;
  [[nodiscard]] std::string fresh_topic() override;
  [[nodiscard]] std::string no_concurrent_writers_reason() const override;
  /// Telegram refuses an empty text.
  [[nodiscard]] bool accepts_empty_content() const override { return false; }

  [[nodiscard]] const telegram_config& config() const noexcept { return cfg_; }

 protected:
  parley::testing::temp_dir dir_;
  telegram_config cfg_;
};

/// A real bot: $PARLEY_TELEGRAM_TOKEN and $PARLEY_TELEGRAM_CHAT (a chat the
/// bot is in; $PARLEY_TELEGRAM_API_URL optional), or nullopt when unset.
[[nodiscard]] std::optional<telegram_config> live_config(const std::string& state_db);

}  // namespace parley::telegram::testing
