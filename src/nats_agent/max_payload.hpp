#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

/// The prompt endpoint's `max_payload` metadata (docs/nats-agent-protocol.md, "The micro service"):
/// a positive integer and a unit `B|KB|MB|GB`, base 1024.
namespace parley::nats_agent {

/// What to advertise when the server reported no limit (the NATS default).
inline constexpr std::uint64_t default_max_payload = 1024 * 1024;

/// Parses `1MB`, ` 256kb `, `32B` as the SDKs do: unit case-insensitive,
/// surrounding spaces allowed, base 1024. nullopt for anything else (no unit,
/// zero, fractions, overflow).
[[nodiscard]] std::optional<std::uint64_t> parse_max_payload(std::string_view text);

/// The SDK's formatting: the largest of GB/MB/KB that divides `bytes`
/// exactly, else `<n>B` (1048576 → `1MB`, 8388608 → `8MB`, 1000 → `1000B`).
[[nodiscard]] std::string format_max_payload(std::uint64_t bytes);

/// The limit to advertise and enforce, and whether a configured value had to
/// be lowered (the caller logs a warning then, as the SDKs do).
struct effective_limit {
  std::uint64_t bytes = default_max_payload;
  bool clamped = false;
};

/// `configured` when it fits under the broker's negotiated limit; the
/// broker's when nothing is configured or the configured value is larger (a
/// larger promise could not be kept: the server rejects such publishes);
/// `configured` or 1 MiB when the broker reported none (0 or nullopt).
[[nodiscard]] effective_limit effective_max_payload(std::optional<std::uint64_t> configured,
                                                    std::optional<std::uint64_t> broker);

}  // namespace parley::nats_agent
