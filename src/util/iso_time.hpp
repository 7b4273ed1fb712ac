#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace parley {

/// Milliseconds since the Unix epoch, wall clock.
[[nodiscard]] std::int64_t now_epoch_ms() noexcept;

/// `2026-07-12T18:03:11.204Z`: UTC, millisecond precision, the exact shape of
/// JavaScript's Date.toISOString() that the original stores, so string
/// comparison orders timestamps chronologically.
[[nodiscard]] std::string iso8601_utc_ms(std::int64_t epoch_ms);

/// Epoch milliseconds of a `2026-07-12T18:03:11.204Z` timestamp (the shape
/// iso8601_utc_ms writes; seconds-only and other offsets are not accepted).
[[nodiscard]] std::optional<std::int64_t> parse_iso8601_utc_ms(std::string_view text);

/// Convenience: the current time as `iso8601_utc_ms`.
[[nodiscard]] std::string iso8601_now();

}  // namespace parley
