#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <string>
#include <vector>

#include "backends/telegram/chat_target.hpp"
#include "src/config/value.hpp"

namespace parley::telegram {

/// `backend_config` of the Telegram backend. The first six keys are the
/// original's, with its defaults; the rest are ours. The token never appears
/// in a log line or an error.
struct telegram_config {
  /// From `token`, else `$PARLEY_TELEGRAM_TOKEN` (or the variable named by
  /// `token_env`). Required.
  std::string token;
  /// The Bot API's base URL, trailing `/` stripped.
  std::string api_url = "https://api.telegram.org";
  /// The original's JSONL observed store: imported into `state_db` at
  /// connect when the file exists.
  std::string store_path = "parley-telegram.jsonl";
  /// getUpdates `timeout` (seconds).
  int poll_timeout_s = 25;
  /// Topic → chat (`"<chat_id>"`, `"@name"` or `"<chat_id>/<message_thread_id>"`).
  /// A topic not in it is used as the chat literally.
  std::map<std::string, chat_target> chat_map;
  /// Messages kept per topic in the observed store (<= 0 in the file: 10000).
  std::int64_t retention_per_topic = 10000;
  /// The SQLite state database holding the observed store and the update
  /// offset; empty: `<parley state dir>/telegram-<bot id>.db`.
  std::string state_db;
  /// Sends per second per token (Telegram's limit: 30).
  int sends_per_second = 30;
  /// Sends per minute per group chat (Telegram's limit: 20).
  int group_sends_per_minute = 20;
  /// The longest one Bot API call (other than getUpdates) may take.
  std::chrono::milliseconds request_timeout{30'000};

  /// Where `topic` lives: chat_map's entry, else the topic itself when it
  /// reads as a chat; nullopt when neither.
  [[nodiscard]] std::optional<chat_target> target_of(const std::string& topic) const;
  /// state_db, or its default for this token.
  [[nodiscard]] std::string state_db_path() const;

  /// Reads and validates; problems carry paths under `backend_config`.
  [[nodiscard]] static telegram_config parse(const config::value& v,
                                             std::vector<config::problem>& problems);
};

}  // namespace parley::telegram
