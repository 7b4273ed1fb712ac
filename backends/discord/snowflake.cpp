#include "backends/discord/snowflake.hpp"

#include <charconv>

namespace parley::discord {

std::optional<snowflake> snowflake::parse(std::string_view text) noexcept {
  if (text.empty() || text.size() > 20) return std::nullopt;
  std::uint64_t v = 0;
  const auto* end = text.data() + text.size();
  // from_chars accepts no sign and no spaces for an unsigned type, and
  // reports an overflow past 2^64 - 1.
  auto [ptr, ec] = std::from_chars(text.data(), end, v);
  if (ec != std::errc{} || ptr != end) return std::nullopt;
  return snowflake{v};
}

bool snowflake_less(std::string_view a, std::string_view b) noexcept {
  auto x = snowflake::parse(a);
  auto y = snowflake::parse(b);
  if (!x || !y) return !x && y;
  return *x < *y;
}

}  // namespace parley::discord
