#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "src/config/parley_config.hpp"
#include "src/oidc/key_source.hpp"

namespace parley::oidc {

/// Who a verified access token speaks for.
struct verified_token {
  /// `sub`; empty when the token has none (some IdPs omit it).
  std::string subject;
  std::optional<std::string> username;  ///< `preferred_username`
  std::vector<std::string> roles;       ///< `realm_access.roles`
  std::vector<std::string> scopes;      ///< `scope` and `scp`, merged
  double expires_at = 0;                ///< `exp`, seconds since the epoch
};

/// Why a token was refused: three answers, as docs/parley-behavior.md "OIDC resource-server mode"
/// fixes them.
enum class rejection {
  /// 401: malformed, unsupported alg, unknown kid, bad signature, wrong iss,
  /// aud without ours, expired, not yet valid, no exp.
  invalid_token,
  /// 403: valid, but `required_scope` is in neither `scope` nor `scp`.
  insufficient_scope,
  /// 401: valid, but an identity gate failed (or none is configured).
  access_policy,
};

/// The HTTP status for a rejection: 401, 403, 401.
[[nodiscard]] int http_status(rejection r) noexcept;
/// The OAuth `error` code (RFC 6750 §3.1): invalid_token, insufficient_scope,
/// invalid_token.
[[nodiscard]] std::string_view oauth_error(rejection r) noexcept;
/// The `error_description`, verbatim from docs/parley-behavior.md and ASCII, as it goes into
/// WWW-Authenticate: "invalid or expired access token", "token is missing
/// the required scope", "token does not satisfy this server access policy".
[[nodiscard]] std::string_view description(rejection r) noexcept;

/// A refusal: the answer for the client, and the reason for the log, which
/// never goes to the client (it would help an attacker tune a forgery).
/// `detail` is printable ASCII and holds no token material beyond a
/// truncated kid.
struct verify_error {
  rejection kind = rejection::invalid_token;
  std::string detail;
};

/// A verified token or a refusal.
class [[nodiscard]] verify_result {
 public:
  verify_result(verified_token t) : state_(std::move(t)) {}  // NOLINT: implicit by design
  verify_result(verify_error e) : state_(std::move(e)) {}    // NOLINT: implicit by design
  [[nodiscard]] bool has_value() const noexcept { return state_.index() == 0; }
  explicit operator bool() const noexcept { return has_value(); }
  [[nodiscard]] const verified_token& value() const& { return std::get<0>(state_); }
  const verified_token* operator->() const { return &value(); }
  const verified_token& operator*() const& { return value(); }
  [[nodiscard]] const verify_error& error() const& { return std::get<1>(state_); }

 private:
  std::variant<verified_token, verify_error> state_;
};

/// The checks of one OIDC resource server, fixed at boot.
struct verifier_settings {
  /// The discovery document's issuer (discovery_result::issuer); `iss` must
  /// equal it exactly.
  std::string issuer;
  /// Must be a member of `aud`.
  std::string audience;
  std::optional<std::string> required_scope;
  std::vector<std::string> allowed_subjects;
  std::vector<std::string> allowed_usernames;
  std::optional<std::string> required_role;
  std::int64_t clock_skew_s = 30;

  /// Settings from `auth.oidc`: the audience is `audience` if configured,
  /// else the resource `<public_url>/mcp` (one trailing slash of public_url
  /// dropped).
  [[nodiscard]] static verifier_settings from_config(const oidc_config& config,
                                                     std::string discovered_issuer,
                                                     std::string_view public_url);
};

/// Verifies JWT access tokens locally (docs/parley-behavior.md, "OIDC resource-server mode"), in
/// this order: shape; `alg` in {RS256, PS256, ES256}; key by `kid` from the key source
/// (which refetches on an unknown kid); signature; `iss`; `aud`; `exp`
/// (required: a token that never expires is refused) and `nbf`, each with
/// clock_skew_s tolerance the way jose does it (expired when
/// exp <= now - skew, early when nbf > now + skew). Any failure is
/// invalid_token. Then `required_scope` (insufficient_scope), then the
/// identity gates: every configured one must pass, and with none configured
/// every token is refused (access_policy) — fail closed, even though config
/// validation already demands a gate.
///
/// Thread-safe and cheap to share: verify() is const, the key source locks.
class token_verifier {
 public:
  /// Seconds since the Unix epoch; injectable so tests can move time.
  using clock_function = std::function<std::int64_t()>;

  token_verifier(verifier_settings settings, std::shared_ptr<key_source> keys,
                 clock_function now = system_clock_seconds);

  /// `token` is the bearer value, without the `Bearer ` prefix.
  [[nodiscard]] verify_result verify(std::string_view token) const;

  [[nodiscard]] const verifier_settings& settings() const noexcept { return settings_; }

  /// The real clock.
  [[nodiscard]] static std::int64_t system_clock_seconds();

 private:
  [[nodiscard]] bool passes_identity_gate(const verified_token& t, std::string& why) const;

  verifier_settings settings_;
  std::shared_ptr<key_source> keys_;
  clock_function now_;
};

}  // namespace parley::oidc
