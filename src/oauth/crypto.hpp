#pragma once

#include <string>
#include <string_view>

// SHA-256 (sha256_hex: what the grant store keeps instead of any secret
// value, so a copy of the database grants nothing; sha256_raw: PKCE S256).
#include "src/util/sha256.hpp"

namespace parley::oauth {

/// A fresh 256-bit random value, base64url without padding (43 characters):
/// every access token, refresh token, code, consent handle and CSRF token.
/// Aborts if the system cannot supply randomness: a guessable token is worse
/// than no server.
[[nodiscard]] std::string random_token();

/// A random (version 4) UUID in its canonical lower-case form: client ids.
[[nodiscard]] std::string random_uuid();

/// Equality whose running time does not depend on where the inputs differ
/// (only on their length, which is not secret for fixed-size values).
[[nodiscard]] bool constant_time_equal(std::string_view a, std::string_view b) noexcept;

}  // namespace parley::oauth
