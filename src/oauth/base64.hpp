#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley::oauth {

/// Standard base64 with `=` padding (RFC 4648 §4): what Node's
/// `toString('base64')` writes into a `scrypt$salt$hash` secret hash.
[[nodiscard]] std::string base64_encode(std::string_view bytes);

/// Strict inverse of base64_encode: padding required, no whitespace, no
/// stray bits in the last character. nullopt for anything else, so a
/// hand-edited hash is refused instead of silently decoding to other bytes.
[[nodiscard]] std::optional<std::string> base64_decode(std::string_view text);

/// base64url without padding (RFC 4648 §5): tokens, codes, PKCE challenges.
[[nodiscard]] std::string base64url_encode(std::string_view bytes);

}  // namespace parley::oauth
