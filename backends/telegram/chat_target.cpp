#include "backends/telegram/chat_target.hpp"

#include <cctype>
#include <charconv>

namespace parley::telegram {

std::optional<std::int64_t> parse_int(std::string_view s) {
  std::int64_t v = 0;
  if (s.empty() || s.front() == '+') return std::nullopt;
  auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc{} || end != s.data() + s.size()) return std::nullopt;
  return v;
}

bool chat_target::numeric() const {
  return parse_int(chat).has_value();
}

std::string chat_target::text() const {
  return thread ? chat + "/" + std::to_string(*thread) : chat;
}

std::optional<chat_target> chat_target::parse(std::string_view text) {
  if (text.size() > 1 && text.front() == '@') {
    // A public username: 5-32 of [A-Za-z0-9_] in Telegram; any such word here.
    for (char c : text.substr(1))
      if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_') return std::nullopt;
    return chat_target{std::string(text), std::nullopt};
  }
  const auto slash = text.find('/');
  auto chat = parse_int(text.substr(0, slash));
  if (!chat || *chat == 0) return std::nullopt;
  if (slash == std::string_view::npos) return chat_target{std::string(text), std::nullopt};
  auto thread = parse_int(text.substr(slash + 1));
  if (!thread || *thread <= 0) return std::nullopt;
  return chat_target{std::string(text.substr(0, slash)), *thread};
}

std::string composite_id(std::int64_t chat_id, std::int64_t message_id) {
  return std::to_string(chat_id) + ":" + std::to_string(message_id);
}

std::optional<std::pair<std::int64_t, std::int64_t>> parse_composite_id(std::string_view id) {
  const auto colon = id.rfind(':');
  if (colon == std::string_view::npos) return std::nullopt;
  auto chat = parse_int(id.substr(0, colon));
  auto mid = parse_int(id.substr(colon + 1));
  if (!chat || !mid || *mid <= 0) return std::nullopt;
  return std::pair{*chat, *mid};
}

std::optional<std::int64_t> parse_cursor(std::string_view text) {
  auto v = parse_int(text);
  if (!v || *v < 0 || (text.size() > 1 && text.front() == '0')) return std::nullopt;
  return v;
}

std::string bot_id_of(std::string_view token) {
  const auto colon = token.find(':');
  auto id = parse_int(token.substr(0, colon));
  if (colon == std::string_view::npos || !id || *id <= 0) return {};
  return std::to_string(*id);
}

}  // namespace parley::telegram
