#pragma once

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley::slack {

/// A Slack message `ts` ("1700000000.000100"): a message's id in its
/// channel and Parley's cursor. Ordered as the integer pair (seconds,
/// suffix), never as a float (which loses the last digits) nor as text
/// ("9.000010" sorts after "10.000000" as text).
struct slack_ts {
  std::int64_t seconds = 0;
  std::int64_t micros = 0;

  /// Reads `<digits>` or `<digits>.<1 to 6 digits>` (a short suffix is
  /// padded: ".5" is 500000 µs); nullopt for anything else, "" included.
  [[nodiscard]] static std::optional<slack_ts> parse(std::string_view text);
  /// `<seconds>.<6 digits>`, Slack's own form.
  [[nodiscard]] std::string str() const;

  [[nodiscard]] friend auto operator<=>(const slack_ts&, const slack_ts&) = default;
};

/// True when both parse and `a` is before `b`.
[[nodiscard]] bool ts_before(std::string_view a, std::string_view b);

}  // namespace parley::slack
