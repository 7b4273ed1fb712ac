#include "backends/matrix/room_alias.hpp"

#include <utility>

#include "src/util/safe_name.hpp"
#include "src/util/utf8.hpp"

namespace parley::matrix {

namespace {

bool alias_char(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_';
}

bool user_char(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-' || c == '_' || c == '=';
}

/// `text` folded with `keep` (every other UTF-16 unit as `_`), with the
/// sha1 suffix when the fold changed anything.
std::string fold(std::string_view text, bool (*keep)(char32_t)) {
  std::string out;
  out.reserve(text.size() + 11);
  for (std::size_t i = 0; i < text.size();) {
    const char32_t c = utf8::next_code_point(text, i);
    if (keep(c))
      out.push_back(static_cast<char>(c));
    else
      out.append(utf8::utf16_units(c), '_');
  }
  return safe_name(text, std::move(out));
}

}  // namespace

std::string safe_localpart(std::string_view topic) { return fold(topic, alias_char); }

std::string user_localpart(std::string_view handle) { return "parley_" + fold(handle, user_char); }

std::string alias_localpart(std::string_view topic, const std::optional<std::string>& shared_room) {
  if (shared_room) return *shared_room;
  return "parley_" + safe_localpart(topic);
}

std::string room_alias(std::string_view localpart, std::string_view server_name) {
  std::string out = "#";
  out.append(localpart).append(":").append(server_name);
  return out;
}

}  // namespace parley::matrix
