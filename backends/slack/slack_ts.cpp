#include "backends/slack/slack_ts.hpp"

#include <charconv>

namespace parley::slack {

namespace {

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

}  // namespace

std::optional<slack_ts> slack_ts::parse(std::string_view text) {
  const auto dot = text.find('.');
  const std::string_view whole = text.substr(0, dot);
  const std::string_view frac =
      dot == std::string_view::npos ? std::string_view("0") : text.substr(dot + 1);
  // 18 digits of seconds keep the pair far from overflow.
  if (!all_digits(whole) || whole.size() > 18 || !all_digits(frac) || frac.size() > 6)
    return std::nullopt;
  slack_ts out;
  std::from_chars(whole.data(), whole.data() + whole.size(), out.seconds);
  std::from_chars(frac.data(), frac.data() + frac.size(), out.micros);
  for (std::size_t i = frac.size(); i < 6; ++i) out.micros *= 10;
  return out;
}

std::string slack_ts::str() const {
  std::string suffix = std::to_string(micros);
  return std::to_string(seconds) + "." + std::string(6 - suffix.size(), '0') + suffix;
}

bool ts_before(std::string_view a, std::string_view b) {
  auto x = slack_ts::parse(a);
  auto y = slack_ts::parse(b);
  return x && y && *x < *y;
}

}  // namespace parley::slack
