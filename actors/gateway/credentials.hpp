#pragma once

#include <map>
#include <memory>
#include <optional>
#include <string>

#include "actors/transport/http/http_server.hpp"
#include "actors/messages.hpp"

namespace parley {

/// Who a request is: the session profile it may use, and a stable key for
/// the credential (sessions and read cursors are bound to it).
struct principal {
  std::shared_ptr<const session_profile> profile;
  std::string key;
  std::string profile_name;
  /// The owner the request runs as (docs/features.md, "Owners and the OAuth front door"); empty for
  /// static tokens and a single-tenant gateway.
  std::string owner;
};

/// Why a presented credential was refused, as the bearer challenge says it.
struct auth_refusal {
  int status = 401;
  /// RFC 6750 error code: invalid_token, insufficient_scope.
  std::string error = "invalid_token";
  std::string description = "access token is invalid or expired";
};

/// One way of recognizing a request's credential. The gateway asks each
/// source in turn; the static token table is one, the OAuth front door will
/// be another.
class credential_source {
 public:
  virtual ~credential_source() = default;
  /// The principal, or nullopt when this source does not recognize the
  /// request (another source may). A source that knows why the credential
  /// is no good (expired, wrong audience, missing scope) says so in
  /// `refusal`.
  [[nodiscard]] virtual std::optional<principal> authenticate(const http::request& req,
                                                              std::optional<auth_refusal>& refusal) const = 0;
};

/// Bearer tokens from `gateway.tokens` (stored as SHA-256) and
/// PARLEY_DEV_TOKEN.
class static_token_source final : public credential_source {
 public:
  /// `profiles_by_digest`: token SHA-256 hex → (profile name, profile).
  explicit static_token_source(
      std::map<std::string, std::pair<std::string, std::shared_ptr<const session_profile>>> profiles_by_digest)
      : profiles_(std::move(profiles_by_digest)) {}

  [[nodiscard]] std::optional<principal> authenticate(const http::request& req,
                                                      std::optional<auth_refusal>& refusal) const override;

 private:
  std::map<std::string, std::pair<std::string, std::shared_ptr<const session_profile>>> profiles_;
};

}  // namespace parley
