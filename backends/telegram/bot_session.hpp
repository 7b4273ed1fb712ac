#pragma once

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "backends/telegram/bot_api.hpp"
#include "backends/telegram/chat_routes.hpp"
#include "backends/telegram/observed_store.hpp"
#include "backends/telegram/telegram_config.hpp"
#include "backends/telegram/update_poller.hpp"
#include "src/seam/backend.hpp"

namespace parley::telegram {

/// The bot, as getMe describes it.
struct bot_identity {
  std::int64_t id = 0;
  std::string username;
  bool can_read_all_group_messages = true;
};

/// Everything one bot token has once per process: the Bot API client, the
/// observed store, the one getUpdates poller Telegram allows per token, the
/// routes from chats to topics and the live subscribers. Every
/// telegram_backend of the process with that token shares it (acquire), so
/// two of them never poll against each other.
class bot_session {
 public:
  /// The session of `cfg.token`, made (getMe, the store opened, the JSONL
  /// store imported, the poller started) when none is alive. Fails on a bad
  /// token (errc::bad_credentials), an unopenable state_db, or a state_db
  /// other than the live session's.
  [[nodiscard]] static result<std::shared_ptr<bot_session>> acquire(const telegram_config& cfg);
  ~bot_session();
  bot_session(const bot_session&) = delete;
  bot_session& operator=(const bot_session&) = delete;

  [[nodiscard]] const bot_identity& self() const noexcept { return self_; }
  [[nodiscard]] bot_api& api() noexcept { return *api_; }
  [[nodiscard]] observed_store& store() noexcept { return *store_; }
  [[nodiscard]] const telegram_config& config() const noexcept { return cfg_; }

  /// The numeric chat id of `target.chat` (getChat for `@name`, memoized),
  /// and routes its messages to `topic`. Warns once when the bot is in
  /// privacy mode and the chat is a group.
  [[nodiscard]] result<std::int64_t> route(const chat_target& target, const std::string& topic);

  /// Stores `batch` (posted messages) and delivers what was new.
  [[nodiscard]] result<void> ingest(const std::vector<observed_message>& batch);

  /// Live delivery of `topic` to `sink` from after the newest stored message.
  [[nodiscard]] result<std::uint64_t> subscribe(const std::string& topic, subscription_sink& sink);
  /// Once it returns the sink is not called again.
  void unsubscribe(std::uint64_t id);

  /// Health of the poller, to every listener added.
  std::uint64_t add_health_listener(health_listener l);
  void remove_health_listener(std::uint64_t id);

  /// The send lock of a chat: posts to one chat go out one at a time, so
  /// that their message ids (their cursors) are delivered in order.
  [[nodiscard]] std::shared_ptr<std::mutex> send_lock(std::int64_t chat_id);

  /// Polls answered (a test hook).
  [[nodiscard]] long polls() const noexcept { return poller_ ? poller_->polls() : 0; }

 private:
  struct chat_info {
    std::int64_t id = 0;
    std::string type;
  };
  struct subscriber {
    std::string topic;
    std::int64_t watermark = 0;
    subscription_sink* sink = nullptr;
  };

  explicit bot_session(const telegram_config& cfg);
  [[nodiscard]] result<void> start();
  [[nodiscard]] result<chat_info> chat(const std::string& ref);
  void deliver(const std::vector<observed_message>& fresh);
  void on_health(health h, const std::string& why);

  telegram_config cfg_;
  bot_identity self_;
  std::unique_ptr<bot_api> api_;
  std::unique_ptr<observed_store> store_;
  chat_routes routes_;
  std::unique_ptr<update_poller> poller_;

  std::mutex chats_mu_;
  std::map<std::string, chat_info> chats_;
  std::map<std::int64_t, std::shared_ptr<std::mutex>> send_locks_;
  std::atomic<bool> privacy_warned_{false};

  std::mutex deliver_mu_;  // one delivery at a time; subscribe and unsubscribe under it too
  std::map<std::uint64_t, subscriber> subscribers_;
  std::atomic<std::uint64_t> next_id_{0};  // subscriber and listener ids

  std::mutex health_mu_;
  std::map<std::uint64_t, health_listener> health_listeners_;
  std::optional<std::pair<health, std::string>> last_health_;
};

}  // namespace parley::telegram
