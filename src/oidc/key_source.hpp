#pragma once

#include <memory>
#include <optional>
#include <string>

#include "src/oidc/jwks.hpp"
#include "src/oidc/signature.hpp"
#include "src/error/result.hpp"

namespace parley::oidc {

/// Where the verifier gets the public key for a token's `kid` and `alg`.
/// Implementations are thread-safe; jwks_cache is the real one.
class key_source {
 public:
  virtual ~key_source() = default;

  /// The key, or an error: errc::unknown_name when no key has that kid (after
  /// whatever refetch the source allows), errc::backend_unavailable when the
  /// keys could not be fetched at all. Either way the token is refused.
  [[nodiscard]] virtual result<std::shared_ptr<const jwk>> key_for(
      const std::optional<std::string>& kid, jws_alg alg) = 0;
};

}  // namespace parley::oidc
