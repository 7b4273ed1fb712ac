#include "src/oidc/token_verifier.hpp"

#include <algorithm>
#include <chrono>

#include "src/oidc/jwt.hpp"
#include "src/oidc/printable.hpp"

namespace parley::oidc {

namespace {

verify_error invalid(std::string detail) {
  return verify_error{rejection::invalid_token, std::move(detail)};
}

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

int http_status(rejection r) noexcept {
  return r == rejection::insufficient_scope ? 403 : 401;
}

std::string_view oauth_error(rejection r) noexcept {
  return r == rejection::insufficient_scope ? "insufficient_scope" : "invalid_token";
}

std::string_view description(rejection r) noexcept {
  switch (r) {
    case rejection::invalid_token:
      return "invalid or expired access token";
    case rejection::insufficient_scope:
      return "token is missing the required scope";
    case rejection::access_policy:
      return "token does not satisfy this server access policy";
  }
  return "invalid or expired access token";
}

verifier_settings verifier_settings::from_config(const oidc_config& config,
                                                 std::string discovered_issuer,
                                                 std::string_view public_url) {
  verifier_settings s;
  s.issuer = std::move(discovered_issuer);
  if (config.audience) {
    s.audience = *config.audience;
  } else {
    if (!public_url.empty() && public_url.back() == '/') public_url.remove_suffix(1);
    s.audience = std::string(public_url) + "/mcp";
  }
  s.required_scope = config.required_scope;
  s.allowed_subjects = config.allowed_subjects;
  s.allowed_usernames = config.allowed_usernames;
  s.required_role = config.required_role;
  s.clock_skew_s = config.clock_skew_s;
  return s;
}

token_verifier::token_verifier(verifier_settings settings, std::shared_ptr<key_source> keys,
                               clock_function now)
    : settings_(std::move(settings)), keys_(std::move(keys)), now_(std::move(now)) {}

std::int64_t token_verifier::system_clock_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

verify_result token_verifier::verify(std::string_view token) const {
  // Settings that would let any token through are a bug upstream; refuse all.
  if (settings_.issuer.empty() || settings_.audience.empty() || !keys_)
    return invalid("verifier has no issuer, audience or key source");
  auto jws = split_compact_jws(token);
  if (!jws) return invalid(jws.error().message);
  auto header = parse_jose_header(jws->header_json);
  if (!header) return invalid(header.error().message);
  const auto alg = parse_jws_alg(header->alg);
  if (!alg) return invalid("unsupported alg \"" + printable(header->alg, 16) + "\"");
  auto key = keys_->key_for(header->kid, *alg);
  if (!key) return invalid(key.error().message);
  if (!verify_jws_signature(*alg, (*key)->key.get(), jws->signing_input, jws->signature))
    return invalid("bad signature (kid \"" + printable(header->kid.value_or("")) + "\")");
  // Only now, with the signature good, is the payload worth parsing.
  auto claims = parse_jwt_claims(jws->payload_json);
  if (!claims) return invalid(claims.error().message);
  if (claims->iss != settings_.issuer)
    return invalid("iss \"" + printable(claims->iss.value_or("")) + "\" is not the issuer");
  if (!contains(claims->aud, settings_.audience))
    return invalid("aud does not include " + settings_.audience);
  const auto now = static_cast<double>(now_());
  const auto skew = static_cast<double>(settings_.clock_skew_s);
  if (!claims->exp) return invalid("token has no exp");
  if (*claims->exp <= now - skew) return invalid("token expired");
  if (claims->nbf && *claims->nbf > now + skew) return invalid("token not yet valid (nbf)");

  verified_token out;
  out.subject = claims->sub.value_or("");
  out.username = std::move(claims->preferred_username);
  out.roles = std::move(claims->realm_roles);
  out.scopes = std::move(claims->scopes);
  out.expires_at = *claims->exp;
  if (settings_.required_scope && !contains(out.scopes, *settings_.required_scope))
    return verify_error{rejection::insufficient_scope,
                        "scope " + *settings_.required_scope + " is missing"};
  std::string why;
  if (!passes_identity_gate(out, why)) return verify_error{rejection::access_policy, why};
  return out;
}

bool token_verifier::passes_identity_gate(const verified_token& t, std::string& why) const {
  const auto& s = settings_;
  if (s.allowed_subjects.empty() && s.allowed_usernames.empty() && !s.required_role) {
    why = "no identity gate is configured";
    return false;
  }
  if (!s.allowed_subjects.empty() &&
      (t.subject.empty() || !contains(s.allowed_subjects, t.subject))) {
    why = "sub \"" + printable(t.subject) + "\" is not in allowed_subjects";
    return false;
  }
  if (!s.allowed_usernames.empty() &&
      (!t.username || !contains(s.allowed_usernames, *t.username))) {
    why = "preferred_username \"" + printable(t.username.value_or("")) +
          "\" is not in allowed_usernames";
    return false;
  }
  if (s.required_role && !contains(t.roles, *s.required_role)) {
    why = "realm role " + *s.required_role + " is missing";
    return false;
  }
  return true;
}

}  // namespace parley::oidc
