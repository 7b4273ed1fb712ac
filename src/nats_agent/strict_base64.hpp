#pragma once

#include <string>
#include <string_view>

#include "src/nats_agent/outcome.hpp"

namespace parley::nats_agent {

/// Decodes RFC 4648 §4 base64 as strictly as the TypeScript reference
/// (`decodeStrictBase64`, spec-nats-agents.md §4.2): "" is zero bytes;
/// otherwise the length is a multiple of 4 and the text matches
/// `^[A-Za-z0-9+/]*={0,2}$`. So the URL-safe alphabet (`-`, `_`), missing
/// padding, whitespace or newlines anywhere, and `=` before the end are all
/// rejected. Non-zero trailing bits are accepted, as the reference does.
/// The error is the reason, for `attachment[i] has invalid base64 content: …`.
struct base64_error {
  std::string reason;
};
[[nodiscard]] outcome<std::string, base64_error> decode_strict_base64(std::string_view text);

/// Standard padded base64 (for tests and for callers building envelopes).
[[nodiscard]] std::string encode_base64(std::string_view bytes);

}  // namespace parley::nats_agent
