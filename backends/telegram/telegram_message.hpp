#pragma once

#include <simdjson.h>

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "src/json/document.hpp"
#include "src/model/message.hpp"

namespace parley::telegram {

/// One message as the observed store keeps it: seen in getUpdates, returned
/// by sendMessage, or imported from the original's JSONL store.
struct observed_message {
  std::string topic;
  std::int64_t chat_id = 0;
  std::int64_t message_id = 0;
  /// The forum topic (`message_thread_id`), when the message is in one.
  std::optional<std::int64_t> thread_id;
  /// `from.username`, else `String(from.id)`; `String(chat.id)` for channel posts.
  std::string sender;
  std::string content;
  /// ISO-8601 of `date`.
  std::string ts;
  /// The composite id of `reply_to_message`.
  std::optional<std::string> in_reply_to;

  /// The seam's message: backend_msg_id `<chat_id>:<message_id>`, cursor
  /// `String(message_id)`, mentions parsed from the content.
  [[nodiscard]] parley::message to_message() const;

  [[nodiscard]] friend bool operator==(const observed_message&, const observed_message&) = default;
};

/// A Telegram Message object as an observed_message (topic left empty), or
/// why it is not one a topic carries (a sticker, a service message, a text
/// that is not valid UTF-8). `channel_post`: it came as a channel post.
struct parsed_message {
  std::optional<observed_message> msg;
  std::string skipped;
};
[[nodiscard]] parsed_message parse_message(simdjson::dom::object m, bool channel_post);

/// One getUpdates entry: its update_id and what it carried.
struct parsed_update {
  std::int64_t update_id = 0;
  std::optional<observed_message> msg;
  /// Why nothing is taken from it (another kind of update, see parse_message).
  std::string skipped;
};
/// nullopt when `u` has no update_id (then nothing can be acknowledged).
[[nodiscard]] std::optional<parsed_update> parse_update(simdjson::dom::object u);

}  // namespace parley::telegram
