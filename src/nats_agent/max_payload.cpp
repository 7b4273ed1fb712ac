#include "src/nats_agent/max_payload.hpp"

#include <charconv>
#include <limits>

namespace parley::nats_agent {

namespace {

constexpr std::uint64_t kib = 1024;

bool iequals(std::string_view a, std::string_view b) noexcept {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char c = a[i];
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
    if (c != b[i]) return false;
  }
  return true;
}

bool is_space(char c) noexcept {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

}  // namespace

std::optional<std::uint64_t> parse_max_payload(std::string_view text) {
  while (!text.empty() && is_space(text.front())) text.remove_prefix(1);
  while (!text.empty() && is_space(text.back())) text.remove_suffix(1);
  std::size_t digits = 0;
  while (digits < text.size() && text[digits] >= '0' && text[digits] <= '9') ++digits;
  if (digits == 0) return std::nullopt;
  std::uint64_t n = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + digits, n);
  if (ec != std::errc{} || n == 0) return std::nullopt;
  std::string_view unit = text.substr(digits);
  while (!unit.empty() && is_space(unit.front())) unit.remove_prefix(1);
  std::uint64_t scale = 0;
  if (iequals(unit, "B"))
    scale = 1;
  else if (iequals(unit, "KB"))
    scale = kib;
  else if (iequals(unit, "MB"))
    scale = kib * kib;
  else if (iequals(unit, "GB"))
    scale = kib * kib * kib;
  else
    return std::nullopt;
  if (n > std::numeric_limits<std::uint64_t>::max() / scale) return std::nullopt;
  return n * scale;
}

std::string format_max_payload(std::uint64_t bytes) {
  if (bytes != 0) {
    if (bytes % (kib * kib * kib) == 0) return std::to_string(bytes / (kib * kib * kib)) + "GB";
    if (bytes % (kib * kib) == 0) return std::to_string(bytes / (kib * kib)) + "MB";
    if (bytes % kib == 0) return std::to_string(bytes / kib) + "KB";
  }
  return std::to_string(bytes) + "B";
}

effective_limit effective_max_payload(std::optional<std::uint64_t> configured,
                                      std::optional<std::uint64_t> broker) {
  if (configured && *configured == 0) configured.reset();
  if (!broker || *broker == 0) return {configured.value_or(default_max_payload), false};
  if (!configured) return {*broker, false};
  if (*configured > *broker) return {*broker, true};
  return {*configured, false};
}

}  // namespace parley::nats_agent
