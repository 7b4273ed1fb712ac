#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::telegram {

/// Where a topic lives: a chat (a numeric id, or `@name` until getChat
/// resolves it) and, in a forum supergroup, one forum topic of it.
struct chat_target {
  /// `-1001234567890` or `@channelname`.
  std::string chat;
  /// The forum topic (`message_thread_id`); absent for the whole chat.
  std::optional<std::int64_t> thread;

  /// True when `chat` is numeric (resolved).
  [[nodiscard]] bool numeric() const;
  /// `<chat>` or `<chat>/<thread>`, the form chat_map values are written in.
  [[nodiscard]] std::string text() const;

  /// Parses `"<chat_id>"`, `"@name"` or `"<chat_id>/<message_thread_id>"`
  /// (a chat_map value, or a topic used literally); nullopt when it is none.
  [[nodiscard]] static std::optional<chat_target> parse(std::string_view text);

  [[nodiscard]] friend bool operator==(const chat_target&, const chat_target&) = default;
};

/// A decimal integer, optionally negative, the whole of `s`; nullopt otherwise.
[[nodiscard]] std::optional<std::int64_t> parse_int(std::string_view s);

/// The composite backend_msg_id `<chat_id>:<message_id>`.
[[nodiscard]] std::string composite_id(std::int64_t chat_id, std::int64_t message_id);

/// The (chat_id, message_id) of a composite id; nullopt when it is none.
[[nodiscard]] std::optional<std::pair<std::int64_t, std::int64_t>> parse_composite_id(
    std::string_view id);

/// A cursor (`String(message_id)`, a message_id > 0 or "0"); nullopt when `text` is none.
[[nodiscard]] std::optional<std::int64_t> parse_cursor(std::string_view text);

/// The bot's numeric id: the digits before the token's `:`; empty when the
/// token has no such prefix. Not a secret (getMe tells anyone with the token).
[[nodiscard]] std::string bot_id_of(std::string_view token);

}  // namespace parley::telegram
