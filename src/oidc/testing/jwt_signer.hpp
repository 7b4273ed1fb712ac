#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

using EVP_PKEY = struct evp_pkey_st;

/// Test-only: an identity provider in miniature. Compiled into test
/// executables only, never into parley_core: it signs whatever it is told.
namespace parley::oidc::testing {

/// A key pair generated in-process (RSA or EC P-256) and its `kid`.
/// Copies share the key.
class test_key {
 public:
  /// A fresh RSA key; 2048 bits takes a moment, so make one per test file.
  [[nodiscard]] static test_key rsa(std::string kid, int bits = 2048);
  [[nodiscard]] static test_key ec_p256(std::string kid);

  [[nodiscard]] const std::string& kid() const noexcept { return kid_; }
  [[nodiscard]] EVP_PKEY* pkey() const noexcept { return key_.get(); }
  /// The same key under another kid (to publish it twice, or rename it).
  [[nodiscard]] test_key with_kid(std::string kid) const;

  /// The public JWK an IdP would publish, with `use: sig`, the kid (when not
  /// empty) and `alg` when given.
  [[nodiscard]] std::string public_jwk(std::optional<std::string> alg = std::nullopt) const;

  /// The raw JWS signature of `signing_input`: RS256, PS256 or ES256 (r||s).
  [[nodiscard]] std::string sign(std::string_view alg, std::string_view signing_input) const;

 private:
  std::string kid_;
  std::shared_ptr<EVP_PKEY> key_;
};

/// `{"keys":[...]}` of the keys' public JWKs.
[[nodiscard]] std::string jwks_json(const std::vector<test_key>& keys);

/// A compact JWS with header `{"alg":<alg>,"typ":"JWT","kid":<key.kid()>}`
/// (no kid when the key's is empty) over `claims_json`, signed by `key`.
[[nodiscard]] std::string sign_jwt(const test_key& key, std::string_view alg,
                                   std::string_view claims_json);

/// The same with a header of the caller's choosing; `alg` picks how to sign,
/// whatever the header says.
[[nodiscard]] std::string sign_jwt_with_header(const test_key& key, std::string_view alg,
                                               std::string_view header_json,
                                               std::string_view claims_json);

/// The claims of a typical access token; to_json() leaves out what is unset.
struct test_claims {
  std::string iss;
  std::vector<std::string> aud;  ///< one member: written as a string
  std::string sub = "user-1";
  std::optional<std::string> preferred_username;
  std::vector<std::string> realm_roles;
  std::optional<std::string> scope;  ///< space-separated
  std::optional<std::int64_t> iat;
  std::optional<std::int64_t> exp;
  std::optional<std::int64_t> nbf;

  [[nodiscard]] std::string to_json() const;
};

}  // namespace parley::oidc::testing
