#pragma once

#include <cstddef>
#include <string>
#include <string_view>

namespace parley::oidc {

/// `s` fit for a log line: at most `max` bytes, every byte outside printable
/// ASCII replaced by '?'. Token fields are attacker-chosen; a kid must not be
/// able to forge log lines or flood them.
[[nodiscard]] inline std::string printable(std::string_view s, std::size_t max = 64) {
  std::string out;
  for (char c : s.substr(0, max)) {
    const auto u = static_cast<unsigned char>(c);
    out += (u >= 0x20 && u < 0x7f) ? c : '?';
  }
  if (s.size() > max) out += "...";
  return out;
}

}  // namespace parley::oidc
