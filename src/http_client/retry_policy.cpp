#include "src/http_client/retry_policy.hpp"

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstdlib>
#include <string>

namespace parley::http {

namespace {

/// Retry-After as delta-seconds. Fractions are accepted since some servers
/// send them; an HTTP-date, which no chat server sends on a 429, reads as none.
std::optional<std::chrono::milliseconds> header_wait(const http_response& resp) {
  const auto value = resp.header("Retry-After");
  if (!value) return std::nullopt;
  const std::string text(*value);
  errno = 0;
  char* end = nullptr;
  const double seconds = std::strtod(text.c_str(), &end);
  if (end == text.c_str() || errno != 0 || !std::isfinite(seconds)) return std::nullopt;
  // Anything past an hour is capped anyway; clamping first keeps the cast defined.
  const double ms = std::clamp(seconds * 1000.0, -1.0, 3'600'000.0);
  return std::chrono::milliseconds(static_cast<long long>(std::ceil(ms)));
}

}  // namespace

std::chrono::milliseconds wait_after_429(const http_response& resp, const retry_policy& policy) {
  std::optional<std::chrono::milliseconds> asked;
  if (policy.retry_after) asked = policy.retry_after(resp);
  if (!asked || asked->count() <= 0) asked = header_wait(resp);
  if (!asked || asked->count() <= 0) asked = policy.default_429_wait;
  return std::min(*asked, policy.max_429_wait);
}

}  // namespace parley::http
