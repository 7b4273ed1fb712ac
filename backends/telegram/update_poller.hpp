#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "backends/telegram/bot_api.hpp"
#include "backends/telegram/chat_routes.hpp"
#include "backends/telegram/observed_store.hpp"
#include "src/seam/backend.hpp"

namespace parley::telegram {

/// The getUpdates long-poll of one bot token, on a thread of its own. Each
/// batch goes into the observed store together with the offset that
/// confirms it (one transaction), then the new messages go to `deliver`,
/// in order. It starts from the stored offset, so a restart neither replays
/// nor skips. Updates that carry no topic message (edits, stickers, service
/// messages, texts that are not valid UTF-8) are skipped with a log line and
/// acknowledged all the same.
///
/// Failures: 409 (another poller on the token) backs off from 3 s, 429 is
/// waited out as the server says, other errors back off from 500 ms, all
/// jittered up to 30 s; health goes `retrying` with the reason, and
/// `connected` again after the next success. 401 is `failed` and ends it.
class update_poller {
 public:
  using deliver_function = std::function<void(const std::vector<observed_message>&)>;

  struct options {
    int poll_timeout_s = 25;
    std::chrono::milliseconds error_backoff{500};
    std::chrono::milliseconds conflict_backoff{3000};
    std::chrono::milliseconds backoff_cap{30'000};
  };

  update_poller(bot_api& api, observed_store& store, const chat_routes& routes, std::string bot_id,
                deliver_function deliver, health_listener on_health, options opts);
  update_poller(const update_poller&) = delete;
  update_poller& operator=(const update_poller&) = delete;
  /// stop().
  ~update_poller();

  /// Loads the stored offset and takes what Telegram holds for the bot
  /// without parking, so that a backend is caught up when connect returns.
  /// Its failure is for the loop to report and retry. Call before start().
  result<void> catch_up();
  /// Starts the thread.
  void start();
  /// Ends the loop and joins; the caller stopped `api` first, which ends a
  /// poll in flight at once. Idempotent.
  void stop();

  /// Polls answered so far (a test hook).
  [[nodiscard]] long polls() const noexcept { return polls_.load(); }

 private:
  void run();
  /// One getUpdates; how many updates it brought.
  [[nodiscard]] result<std::size_t> poll_once(int timeout_s);
  [[nodiscard]] std::vector<observed_message> take(const bot_answer& answer,
                                                   std::int64_t& next_offset,
                                                   std::size_t& updates) const;
  void report(health state, const std::string& reason);
  /// Sleeps `d` unless stop() comes first; false when stopping.
  bool pause(std::chrono::milliseconds d);

  bot_api& api_;
  observed_store& store_;
  const chat_routes& routes_;
  std::string bot_id_;
  deliver_function deliver_;
  health_listener on_health_;
  options opts_;
  std::int64_t offset_ = 0;
  bool offset_loaded_ = false;
  bool caught_up_ = false;
  std::optional<health> reported_;
  std::string reported_reason_;
  std::atomic<long> polls_{0};
  std::atomic<bool> stopping_{false};
  std::mutex mu_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace parley::telegram
