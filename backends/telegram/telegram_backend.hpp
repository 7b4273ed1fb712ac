#pragma once

#include <condition_variable>
#include <memory>
#include <mutex>
#include <set>
#include <string>

#include "backends/telegram/bot_session.hpp"
#include "backends/telegram/telegram_config.hpp"
#include "src/seam/backend_operations.hpp"

namespace parley::telegram {

/// The Telegram backend, in the original parley-telegram mapping: a topic is
/// a chat (`chat_map`, or the topic as a chat id or `@name`) or, beyond the
/// original, a forum topic of one; `<chat_id>:<message_id>` as id and the
/// message_id as cursor; history from the observed store, which the one
/// getUpdates poller of the token and our own posts fill. Beyond the
/// original: the store and the update offset live in a SQLite state
/// database, so a restart neither replays nor skips. See README.md.
class telegram_backend final : public backend {
 public:
  telegram_backend();
  ~telegram_backend() override;

  PARLEY_BACKEND_OPERATIONS(telegram_config);

  /// The bot (getMe).
  [[nodiscard]] const bot_identity& self() const noexcept { return session_->self(); }
  /// The shared per-token session (a test hook).
  [[nodiscard]] bot_session& session() noexcept { return *session_; }

 private:
  class topic_subscription;

  [[nodiscard]] result<void> check_connected() const;
  [[nodiscard]] result<void> await_send_slot(std::int64_t chat_id);
  [[nodiscard]] std::string send_body(std::int64_t chat_id, const chat_target& target,
                                      const post_request& req,
                                      std::optional<std::int64_t> reply_to) const;

  telegram_config cfg_;
  parley::capabilities caps_;
  health_listener health_listener_;
  std::shared_ptr<bot_session> session_;
  std::uint64_t health_id_ = 0;
  std::mutex subscriptions_mu_;
  std::set<std::uint64_t> subscriptions_;  // ended by disconnect()
  std::mutex stop_mu_;
  std::condition_variable stop_cv_;  // wakes a post waiting for its send slot
  bool stopped_ = false;
};

}  // namespace parley::telegram
