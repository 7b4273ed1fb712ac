#pragma once

// The gateway's front door (docs/features.md, "Owners and the OAuth front door"): who may use /mcp,
// and the OAuth paths that let Claude connectors get a token. Three ways in, tried in order:
// static bearer tokens (gateway.tokens, PARLEY_DEV_TOKEN); the built-in
// OAuth 2.1 authorization server (auth.mode builtin with owners:); or JWTs of
// an external OIDC issuer (auth.mode oidc).

#include <memory>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "src/config/parley_config.hpp"
#include "actors/gateway/credentials.hpp"
#include "actors/transport/http/http_server.hpp"
#include "actors/gateway/profile_catalog.hpp"
#include "src/error/result.hpp"

namespace parley {

class front_door {
 public:
  /// Sets up what the config asks for: opens the grant database (builtin
  /// with owners) or runs OIDC discovery (oidc). An error is fatal at boot.
  /// `public_url` is final (a port 0 already replaced by the bound port).
  [[nodiscard]] static result<std::unique_ptr<front_door>> make(const parley_config& cfg,
                                                                const std::string& public_url,
                                                                std::shared_ptr<const profile_catalog> catalog,
                                                                const std::string& default_state_db);
  ~front_door();

  /// The answer for an authorization path (metadata, /register,
  /// /authorize, /token, /revoke); nullopt for any other path.
  [[nodiscard]] std::optional<http::response> handle(const http::request& req);

  /// Who an /mcp request is, or the 401/403 that refuses it.
  [[nodiscard]] std::variant<principal, http::response> authenticate(const http::request& req) const;

  /// Whether authenticate() may wait on the network (OIDC key refetch), so
  /// the caller runs it off the I/O thread.
  [[nodiscard]] bool may_block() const noexcept;
  /// Whether OAuth (built-in or OIDC) is on: 401s then name the metadata.
  [[nodiscard]] bool oauth_enabled() const noexcept;
  /// "static tokens", "built-in OAuth (N owners)", "OIDC, delegated to <issuer>".
  [[nodiscard]] std::string describe() const;

 private:
  front_door() = default;
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace parley
