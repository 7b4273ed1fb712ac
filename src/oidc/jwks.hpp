#pragma once

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "src/oidc/evp_pkey.hpp"
#include "src/oidc/signature.hpp"
#include "src/error/result.hpp"

namespace parley::oidc {

/// The key types we can verify with.
enum class key_type {
  rsa,      ///< `kty: RSA`, modulus of at least 2048 bits (RS256, PS256)
  ec_p256,  ///< `kty: EC`, `crv: P-256` (ES256)
};

/// One public key of a JWKS (RFC 7517), ready for verification.
struct jwk {
  /// Empty when the JWK has no `kid`.
  std::string kid;
  key_type type = key_type::rsa;
  /// The JWK's `alg`, when it pins one; a token naming another is refused.
  std::optional<std::string> alg;
  evp_pkey_ptr key;

  /// Whether this key may verify a token signed with `a`: the key type fits,
  /// and the JWK's own `alg`, if any, is the same.
  [[nodiscard]] bool usable_for(jws_alg a) const noexcept;
};

/// The usable keys of one JWKS document. Shared, immutable once built, so a
/// cache can hand it to many verifying threads at once.
struct jwk_set {
  std::vector<std::shared_ptr<const jwk>> keys;
  /// Keys the document listed that we skipped (other kty or curve, `use`
  /// other than `sig`, RSA under 2048 bits, a bad point): counted for logs.
  std::size_t skipped = 0;

  /// The key for a token's `kid` and `alg`: the first key with that kid
  /// usable for `alg`. A token without a kid gets a key only when exactly one
  /// key is usable for `alg`; with several, choosing would be guessing.
  [[nodiscard]] std::shared_ptr<const jwk> find(const std::optional<std::string>& kid,
                                                jws_alg alg) const;
};

/// Parses a JWKS document: an object whose `keys` is an array of JWKs. A key
/// that is not usable is skipped (and counted), not an error, because IdPs
/// publish encryption and other-algorithm keys beside the signing ones. A
/// document that is not JSON or has no `keys` array is errc::invalid_argument.
[[nodiscard]] result<jwk_set> parse_jwks(std::string_view json);

}  // namespace parley::oidc
