#pragma once

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/config/gateway_config.hpp"
#include "src/config/owners_config.hpp"
#include "src/oauth/consent_page.hpp"
#include "src/oauth/form_encoding.hpp"
#include "src/oauth/grant_store.hpp"
#include "src/oauth/oauth_reply.hpp"
#include "src/oauth/signin_throttle.hpp"

namespace parley::oauth {

/// What a valid access token grants: who the MCP session runs as (owner,
/// profile), for which client, scopes and resource, until when. The grant
/// store's row, so the two cannot drift apart.
using grant_info = token_grant;

/// Lifetimes and limits. The defaults: docs/features.md, "Owners and the OAuth front door".
struct authorization_server_options : oauth_lifetimes {
  /// The public origin (`gateway.public_url`, no trailing slash): issuer,
  /// and base of the resource `<public_url>/mcp`.
  std::string public_url;
  /// How long a consent page stays usable.
  std::int64_t consent_ttl_s = 300;
  /// Larger request bodies are answered 400 invalid_request.
  std::size_t max_body_bytes = 64 * 1024;
  /// Failed sign-ins allowed per owner and per address in the window.
  std::size_t max_failed_signins = 10;
  std::int64_t signin_window_s = 15 * 60;
};

/// Unix seconds now; injectable so tests can expire codes and tokens.
using clock_fn = std::function<std::int64_t()>;

/// The gateway's built-in OAuth 2.1 authorization server (docs/features.md, "Owners and the OAuth
/// front door"; the original's of docs/parley-behavior.md "Built-in OAuth server", made
/// multi-owner; docs/mcp-authorization.md), free of any transport: the HTTP layer turns a request
/// into an oauth_request, calls handle(), and writes the reply; for /mcp it calls
/// verify_access_token() and, on failure, answers with the challenge helpers.
///
/// Routes (exact paths):
///   GET  /.well-known/oauth-protected-resource[/mcp]  RFC 9728
///   GET  /.well-known/oauth-authorization-server      RFC 8414
///   POST /register                                    RFC 7591
///   GET|POST /authorize                               consent page (HTML)
///   POST /authorize/consent                           sign in + approve (k_consent_path)
///   POST /token                                       authorization_code, refresh_token
///   POST /revoke                                      RFC 7009
///
/// Thread-safe: handle() and verify_access_token() may run on many threads.
/// Secrets, codes and tokens are never logged.
class authorization_server {
 public:
  authorization_server(authorization_server_options options, std::vector<owner_config> owners,
                       std::shared_ptr<grant_store> store, clock_fn clock = {});

  /// The reply for a path this server owns; nullopt for any other path.
  [[nodiscard]] std::optional<oauth_reply> handle(const oauth_request& request);

  /// The grant of a valid access token (the raw token, without `Bearer`):
  /// known, unexpired, for this server's resource, and its owner and profile
  /// still configured. nullopt otherwise (answer 401 invalid_token).
  [[nodiscard]] std::optional<grant_info> verify_access_token(const std::string& token);

  /// `<public_url>/mcp`, the only audience tokens are issued for.
  [[nodiscard]] const std::string& resource() const noexcept { return resource_; }

  /// `WWW-Authenticate` for a 401 from /mcp (missing, unknown, expired or
  /// foreign token); see bearer_challenge.hpp.
  [[nodiscard]] std::string invalid_token_challenge(std::string_view description) const;
  /// `WWW-Authenticate` for a 403 when a valid token lacks `scope`.
  [[nodiscard]] std::string insufficient_scope_challenge(std::string_view scope) const;

  /// Deletes expired rows now. handle() also does this at most once a minute.
  void sweep();

 private:
  oauth_reply protected_resource(const oauth_request& req) const;
  oauth_reply authorization_server_metadata_reply(const oauth_request& req) const;
  oauth_reply register_client(const oauth_request& req);
  // /authorize and the consent form (authorize_endpoint.cpp).
  oauth_reply authorize(const oauth_request& req);
  std::optional<oauth_reply> read_authorize_form(const oauth_request& req,
                                                 std::optional<form_params>& params) const;
  std::optional<oauth_reply> resolve_client(const form_params& params, pending_consent& pending,
                                            std::string& client_name);
  oauth_reply show_consent(pending_consent pending, const std::string& client_name);
  oauth_reply consent(const oauth_request& req);
  std::optional<oauth_reply> load_pending(const std::string& handle, std::int64_t now,
                                          std::optional<pending_consent>& pending);
  std::optional<oauth_reply> sign_in(consent_view& view, const std::string& secret,
                                     const std::string& peer, std::int64_t now,
                                     const owner_config*& owner);
  oauth_reply approve(const std::string& handle, const pending_consent& pending,
                      const owner_config& owner, const std::string& profile, std::int64_t now);
  oauth_reply back_to_client(const std::string& handle, const pending_consent& pending,
                             std::vector<std::pair<std::string, std::string>> query) const;

  // /token and /revoke (token_endpoint.cpp).
  oauth_reply token(const oauth_request& req);
  oauth_reply revoke(const oauth_request& req);

  struct client_auth;
  client_auth authenticate_client(const oauth_request& req, const form_params& params);
  oauth_reply token_authorization_code(const form_params& params, const client_record& client,
                                       std::int64_t now);
  oauth_reply token_refresh(const form_params& params, const client_record& client,
                            std::int64_t now);
  oauth_reply issue_tokens(const code_grant& code, std::int64_t now, const std::string& family_id);

  [[nodiscard]] std::int64_t now() const;
  void maybe_sweep(std::int64_t now);

  authorization_server_options options_;
  std::string resource_;
  std::vector<owner_config> owners_;
  std::shared_ptr<grant_store> store_;
  clock_fn clock_;
  signin_throttle throttle_;
  std::atomic<std::int64_t> last_sweep_{0};
};

}  // namespace parley::oauth
