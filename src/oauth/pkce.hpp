#pragma once

#include <string_view>

namespace parley::oauth {

/// PKCE (RFC 7636) with S256, the only method MCP clients may use.

/// A `code_challenge` as S256 makes it: 43 base64url characters.
[[nodiscard]] bool is_s256_challenge(std::string_view challenge) noexcept;

/// A `code_verifier`: 43–128 characters of `[A-Za-z0-9-._~]`.
[[nodiscard]] bool is_code_verifier(std::string_view verifier) noexcept;

/// True when BASE64URL(SHA256(verifier)) equals `challenge` (constant-time),
/// and the verifier is well-formed.
[[nodiscard]] bool verify_s256(std::string_view verifier, std::string_view challenge);

}  // namespace parley::oauth
