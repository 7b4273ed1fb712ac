#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/error/result.hpp"

namespace parley::oidc {

/// Longest token we look at. A Keycloak access token with many roles is a few
/// KiB; anything far bigger is refused before any decoding work.
inline constexpr std::size_t max_token_bytes = 64 * 1024;

/// A compact JWS (RFC 7515 §7.1) taken apart, nothing verified yet.
struct compact_jws {
  std::string header_json;
  std::string payload_json;
  /// `<base64url header>.<base64url payload>` exactly as received: the bytes
  /// the signature covers.
  std::string signing_input;
  /// The decoded signature bytes.
  std::string signature;
};

/// Splits `header.payload.signature`, each part strict unpadded base64url.
/// A JWE (five parts), an empty signature (`alg: none` tokens end in '.'),
/// or a token over max_token_bytes are errors (errc::invalid_argument) whose
/// message says which part is wrong.
[[nodiscard]] result<compact_jws> split_compact_jws(std::string_view token);

/// The JOSE header fields we use. `jku`, `x5u`, `jwk` and `x5c` are ignored
/// on purpose: keys come only from the configured JWKS, never from the token.
struct jose_header {
  std::string alg;
  std::optional<std::string> kid;
  std::optional<std::string> typ;
};

/// Parses the header JSON: an object with a string `alg`; `kid` and `typ`
/// strings when present. A `crit` member is refused (we understand no
/// extensions, RFC 7515 §4.1.11), and so are duplicate member names (two
/// parsers could disagree about which one counts).
[[nodiscard]] result<jose_header> parse_jose_header(std::string_view json);

/// The claims the verifier and the owner mapping read (RFC 7519 §4.1, RFC
/// 9068, and Keycloak's `realm_access`). Absent claims stay empty; a claim
/// that is present with the wrong JSON type makes the whole token malformed.
struct jwt_claims {
  std::optional<std::string> iss;
  std::optional<std::string> sub;
  /// `aud` as a string or an array of strings; a string becomes one member.
  std::vector<std::string> aud;
  /// NumericDates, seconds since the epoch; fractions are allowed by RFC 7519.
  std::optional<double> exp;
  std::optional<double> nbf;
  std::optional<double> iat;
  /// The union, in order and without duplicates, of `scope` (a
  /// space-separated string, RFC 8693 §4.2) and `scp` (an array of strings,
  /// or a space-separated string as some issuers send it).
  std::vector<std::string> scopes;
  std::optional<std::string> preferred_username;
  /// `realm_access.roles` (Keycloak).
  std::vector<std::string> realm_roles;
};

/// Parses the payload JSON, which must be an object without duplicate member
/// names. Unknown claims are ignored.
[[nodiscard]] result<jwt_claims> parse_jwt_claims(std::string_view json);

}  // namespace parley::oidc
