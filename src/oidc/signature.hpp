#pragma once

#include <optional>
#include <string_view>

using EVP_PKEY = struct evp_pkey_st;

namespace parley::oidc {

/// The JWS algorithms we accept (docs/parley-behavior.md, "OIDC resource-server mode"). Everything
/// else, `none` and the HMAC family above all, is refused: with a public key known
/// to everyone, an HS256 "signature" keyed by it would prove nothing.
enum class jws_alg {
  rs256,  ///< RSASSA-PKCS1-v1_5 with SHA-256
  ps256,  ///< RSASSA-PSS with SHA-256, MGF1-SHA-256, salt length 32
  es256,  ///< ECDSA on P-256 with SHA-256, signature as raw r||s (64 bytes)
};

/// The algorithm a header's `alg` names, or nullopt for any we refuse.
/// Case-sensitive, as RFC 7515 says.
[[nodiscard]] std::optional<jws_alg> parse_jws_alg(std::string_view name) noexcept;

/// The JOSE name of `alg` ("RS256", ...).
[[nodiscard]] std::string_view to_string(jws_alg alg) noexcept;

/// True only when `signature` is a valid `alg` signature of `signing_input`
/// under `key`. A key of the wrong type for `alg`, an ES256 signature that is
/// not exactly 64 bytes, and any OpenSSL failure are all false: the caller
/// needs nothing but the answer, and every failure means "do not trust".
[[nodiscard]] bool verify_jws_signature(jws_alg alg, EVP_PKEY* key, std::string_view signing_input,
                                        std::string_view signature) noexcept;

}  // namespace parley::oidc
