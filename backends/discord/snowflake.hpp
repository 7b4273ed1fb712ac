#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace parley::discord {

/// A Discord id: (ms since 2015-01-01) << 22 | worker | process | increment,
/// sent as a decimal string. Ids grow with time, so they order messages, but
/// only as numbers: "9" < "10" while the strings sort the other way.
struct snowflake {
  std::uint64_t value = 0;

  /// The id in `text`: 1 to 20 ASCII digits that fit 64 bits; nullopt for
  /// anything else (a sign, spaces, hex, an empty string).
  [[nodiscard]] static std::optional<snowflake> parse(std::string_view text) noexcept;

  [[nodiscard]] friend constexpr auto operator<=>(snowflake, snowflake) = default;
};

/// Compares two id strings as 64-bit numbers; an unparseable one sorts first.
[[nodiscard]] bool snowflake_less(std::string_view a, std::string_view b) noexcept;

}  // namespace parley::discord
