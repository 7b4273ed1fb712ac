#include "src/oauth/authorization_server.hpp"

// The token endpoint (/token: authorization_code and refresh_token grants)
// and revocation (/revoke), with the client authentication both share.

#include "src/oauth/crypto.hpp"
#include "src/oauth/pkce.hpp"
#include "src/util/base64.hpp"
#include "src/util/log.hpp"

namespace parley::oauth {

namespace {

/// The form body /token and /revoke take (RFC 6749 §3.2), or the 400 to answer.
std::optional<oauth_reply> read_form_body(const oauth_request& req,
                                          std::optional<form_params>& params) {
  if (media_type(req.content_type) != "application/x-www-form-urlencoded")
    return oauth_error(400, "invalid_request",
                       "the body must be application/x-www-form-urlencoded");
  params = parse_form(req.body);
  if (!params) return oauth_error(400, "invalid_request", "the form body is malformed");
  return std::nullopt;
}

}  // namespace

/// Who /token or /revoke is talking to, or the 401 to answer.
struct authorization_server::client_auth {
  std::optional<client_record> client;
  std::optional<oauth_reply> failure;
};

authorization_server::client_auth authorization_server::authenticate_client(
    const oauth_request& req, const form_params& params) {
  client_auth out;
  auto refuse = [&](std::string_view description, bool basic) {
    oauth_reply r = oauth_error(401, "invalid_client", description);
    if (basic) r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"parley\"");
    out.failure = std::move(r);
    return out;
  };
  std::optional<std::string> id = params.get("client_id");
  std::optional<std::string> secret = params.get("client_secret");
  const bool basic = req.authorization.size() > 6 &&
                     iequals(std::string_view(req.authorization).substr(0, 6), "basic ");
  if (basic) {
    auto decoded = base64::decode_strict(std::string_view(req.authorization).substr(6));
    const auto colon = decoded ? decoded->find(':') : std::string::npos;
    if (colon == std::string::npos) return refuse("malformed Basic credentials", true);
    auto bid = form_decode(std::string_view(*decoded).substr(0, colon));
    auto bsecret = form_decode(std::string_view(*decoded).substr(colon + 1));
    if (!bid || !bsecret || (id && *id != *bid)) return refuse("malformed Basic credentials", true);
    id = std::move(bid);
    secret = std::move(bsecret);
  }
  if (!id || id->empty()) return refuse("client_id is required", basic);
  auto found = store_->find_client(*id);
  if (!found) {
    out.failure = server_error(found.error());
    return out;
  }
  // 401 invalid_client makes Claude register a new client (docs/mcp-authorization.md, "What Claude
  // expects").
  if (!*found) return refuse("unknown client: register again", basic);
  if (!(*found)->secret_sha256.empty() &&
      (!secret || secret->empty() ||
       !constant_time_equal(sha256_hex(*secret), (*found)->secret_sha256)))
    return refuse("client authentication failed", basic);
  out.client = std::move(**found);
  return out;
}

oauth_reply authorization_server::token(const oauth_request& req) {
  std::optional<form_params> params;
  if (auto bad = read_form_body(req, params)) return std::move(*bad);
  if (auto rep = params->first_repeated())
    return oauth_error(400, "invalid_request", "parameter " + *rep + " is repeated");
  const auto grant_type = params->get("grant_type");
  if (!grant_type || grant_type->empty())
    return oauth_error(400, "invalid_request", "grant_type is required");
  if (*grant_type != "authorization_code" && *grant_type != "refresh_token")
    return oauth_error(400, "unsupported_grant_type",
                       "grant_type must be authorization_code or refresh_token");
  auto auth = authenticate_client(req, *params);
  if (auth.failure) return std::move(*auth.failure);
  const std::int64_t t = now();
  if (*grant_type == "authorization_code")
    return token_authorization_code(*params, *auth.client, t);
  return token_refresh(*params, *auth.client, t);
}

oauth_reply authorization_server::token_authorization_code(const form_params& params,
                                                           const client_record& client,
                                                           std::int64_t t) {
  const std::string code = params.value_or_empty("code");
  if (code.empty()) return oauth_error(400, "invalid_request", "code is required");
  // Spent now, whatever follows: a code is good for one attempt (the original's SEC-10,
  // docs/parley-behavior.md "Lessons from the original").
  auto taken = store_->take_code(code);
  if (!taken) return server_error(taken.error());
  const std::string_view invalid = "authorization grant is invalid or expired";
  // The family of the tokens a code buys is named after the code, so a
  // code presented again (stolen, replayed) can take those tokens down with
  // it (OAuth 2.1 §4.1.3: the server SHOULD revoke them).
  const std::string family = sha256_hex("family\n" + code);
  if (!*taken) {
    if (auto r = store_->revoke_whole_family(family); !r) return server_error(r.error());
    return oauth_error(400, "invalid_grant", invalid);
  }
  if ((*taken)->expires_at <= t || (*taken)->client_id != client.client_id)
    return oauth_error(400, "invalid_grant", invalid);
  const code_grant& g = **taken;
  const auto redirect_uri = params.get("redirect_uri");
  if (!redirect_uri || redirect_uri->empty())
    return oauth_error(400, "invalid_request", "redirect_uri is required");
  if (*redirect_uri != g.redirect_uri)
    return oauth_error(400, "invalid_grant",
                       "redirect_uri does not match the authorization request");
  const std::string verifier = params.value_or_empty("code_verifier");
  if (verifier.empty()) return oauth_error(400, "invalid_request", "code_verifier is required");
  if (!verify_s256(verifier, g.code_challenge))
    return oauth_error(400, "invalid_grant", "PKCE verification failed");
  if (auto r = params.get("resource"); r && *r != resource_)
    return oauth_error(400, "invalid_target", "resource must be " + resource_);
  return issue_tokens(g, t, family);
}

oauth_reply authorization_server::issue_tokens(const code_grant& g, std::int64_t t,
                                               const std::string& family_id) {
  token_grant access;
  access.family_id = family_id;
  access.owner = g.owner;
  access.profile = g.profile;
  access.client_id = g.client_id;
  access.scopes = g.scopes;
  access.resource = g.resource;
  access.expires_at = t + options_.access_ttl_s;
  token_grant refresh = access;
  refresh.expires_at = t + options_.refresh_ttl_s;
  const std::string access_token = random_token();
  const std::string refresh_token = random_token();
  if (auto r = store_->add_tokens(access_token, access, refresh_token, refresh); !r)
    return server_error(r.error());
  log::info(k_oauth_log, "issued tokens to client " + g.client_id + " for owner " + g.owner +
                             ", profile " + g.profile);
  return json_reply(
      200, token_response(access_token, refresh_token, options_.access_ttl_s, access.scopes));
}

oauth_reply authorization_server::token_refresh(const form_params& params,
                                                const client_record& client, std::int64_t t) {
  const std::string refresh_token = params.value_or_empty("refresh_token");
  if (refresh_token.empty())
    return oauth_error(400, "invalid_request", "refresh_token is required");
  if (auto r = params.get("resource"); r && *r != resource_)
    return oauth_error(400, "invalid_target", "resource must be " + resource_);
  refresh_exchange x;
  x.refresh_token = refresh_token;
  x.client_id = client.client_id;
  x.now = t;
  if (auto s = split_scopes(params.value_or_empty("scope")); !s.empty()) x.scopes = std::move(s);
  x.new_access_token = random_token();
  x.new_refresh_token = random_token();
  x.access_expires_at = t + options_.access_ttl_s;
  x.refresh_expires_at = t + options_.refresh_ttl_s;
  auto outcome = store_->rotate_refresh(x);
  if (!outcome) return server_error(outcome.error());
  switch (outcome->status) {
    case refresh_status::rotated:
      break;
    case refresh_status::invalid:
      return oauth_error(400, "invalid_grant", "refresh token is invalid or expired");
    case refresh_status::reused:
      log::warn(k_oauth_log, "a rotated refresh token of client " + client.client_id +
                                 " was presented again; its whole grant family is revoked");
      return oauth_error(400, "invalid_grant", "refresh token is invalid or expired");
    case refresh_status::scope_exceeded:
      return oauth_error(400, "invalid_scope", "requested scope exceeds the original grant");
  }
  // An owner or profile removed from config since: the grant ends here.
  const owner_config* owner = find_owner(owners_, outcome->access.owner);
  if (!owner || !find_profile(*owner, outcome->access.profile)) {
    (void)store_->revoke(x.new_refresh_token);
    return oauth_error(400, "invalid_grant", "the owner or profile of this grant no longer exists");
  }
  return json_reply(200, token_response(x.new_access_token, x.new_refresh_token,
                                        options_.access_ttl_s, outcome->access.scopes));
}

oauth_reply authorization_server::revoke(const oauth_request& req) {
  std::optional<form_params> params;
  if (auto bad = read_form_body(req, params)) return std::move(*bad);
  const std::string token = params->value_or_empty("token");
  if (token.empty()) return oauth_error(400, "invalid_request", "token is required");
  // Holding a token is enough to end it; a client that names itself must
  // still authenticate as itself.
  if (params->get("client_id") || !req.authorization.empty()) {
    auto auth = authenticate_client(req, *params);
    if (auth.failure) return std::move(*auth.failure);
  }
  if (auto r = store_->revoke(token); !r) return server_error(r.error());
  return json_reply(200, "{}");
}

}  // namespace parley::oauth
