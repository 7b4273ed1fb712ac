#include "backends/matrix/room_alias.hpp"

#include <openssl/sha.h>

#include "src/util/utf8.hpp"

namespace parley::matrix {

namespace {

bool allowed(char32_t c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '.' || c == '-' ||
         c == '_';
}

}  // namespace

std::string safe_localpart(std::string_view topic) {
  std::string out;
  out.reserve(topic.size() + 11);
  for (std::size_t i = 0; i < topic.size();) {
    const char32_t c = utf8::next_code_point(topic, i);
    if (allowed(c))
      out.push_back(static_cast<char>(c));
    else
      out.append(utf8::utf16_units(c), '_');
  }
  if (out == topic) return out;
  unsigned char digest[SHA_DIGEST_LENGTH];
  SHA1(reinterpret_cast<const unsigned char*>(topic.data()), topic.size(), digest);
  static constexpr char hex[] = "0123456789abcdef";
  out.push_back('-');
  for (int i = 0; i < 5; ++i) {
    out.push_back(hex[digest[i] >> 4]);
    out.push_back(hex[digest[i] & 0xf]);
  }
  return out;
}

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
