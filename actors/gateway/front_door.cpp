#include "actors/gateway/front_door.hpp"

#include <algorithm>
#include <filesystem>

#include "src/json/writer.hpp"
#include "src/mcp/jsonrpc.hpp"
#include "src/oauth/authorization_server.hpp"
#include "src/oauth/bearer_challenge.hpp"
#include "src/oauth/grant_store.hpp"
#include "src/oidc/discovery.hpp"
#include "src/oidc/http_fetch.hpp"
#include "src/oidc/jwks_cache.hpp"
#include "src/oidc/owner_mapping.hpp"
#include "src/oidc/token_verifier.hpp"
#include "src/util/log.hpp"

namespace parley {

namespace {

constexpr std::string_view prm_path = "/.well-known/oauth-protected-resource";
constexpr std::string_view as_metadata_path = "/.well-known/oauth-authorization-server";

bool is_cors_path(const std::string& path) {
  // Browser-based clients read metadata and call these cross-origin; the
  // consent page is never framed or called cross-origin.
  return path.rfind("/.well-known/", 0) == 0 || path == "/register" || path == "/token" || path == "/revoke";
}

http::response json_reply(int status, std::string body) {
  return {status, {{"content-type", "application/json"}, {"cache-control", "no-store"}}, std::move(body)};
}

/// A stable key for what a credential may see: sessions and read cursors
/// are bound to it, never shared between grants of different clients.
std::string principal_key(std::string_view kind, const std::string& owner, const std::string& a, const std::string& b) {
  return token_digest(std::string(kind) + "\n" + owner + "\n" + a + "\n" + b);
}

}  // namespace

struct front_door::impl {
  std::shared_ptr<const profile_catalog> catalog;
  std::string public_url;
  std::string prm_url;
  std::unique_ptr<static_token_source> static_tokens;
  // auth.mode builtin with owners.
  std::unique_ptr<oauth::authorization_server> builtin;
  // auth.mode oidc.
  std::optional<oidc::discovery_result> discovered;
  std::optional<std::string> required_scope;
  std::unique_ptr<oidc::token_verifier> verifier;

  [[nodiscard]] bool oauth() const { return builtin || verifier; }

  http::response refuse(int status, std::string_view error, std::string_view description, bool token_given) const {
    if (!oauth()) {
      // Static tokens only: no metadata to point at.
      auto r = json_reply(401, mcp::error_response("null", -32001, "Unauthorized: a valid bearer token is required"));
      r.header.emplace_back("www-authenticate", "Bearer realm=\"parley\"");
      return r;
    }
    std::string challenge;
    if (!token_given) {
      // RFC 6750 §3.1: no error code when no credentials were sent; the
      // metadata URL is how an MCP client finds the authorization server.
      challenge = "Bearer resource_metadata=\"" + prm_url + "\"";
    } else if (builtin) {
      challenge = status == 403 ? builtin->insufficient_scope_challenge("mcp")
                                : builtin->invalid_token_challenge(description);
    } else {
      challenge = "Bearer error=\"" + std::string(error) + "\", error_description=\"" + std::string(description) +
                  "\"" + (required_scope ? ", scope=\"" + *required_scope + "\"" : std::string()) +
                  ", resource_metadata=\"" + prm_url + "\"";
    }
    auto r = json_reply(status, oauth::bearer_error_body(token_given ? error : "invalid_token",
                                                         token_given ? description : "a bearer token is required"));
    r.header.emplace_back("www-authenticate", std::move(challenge));
    return r;
  }

  std::variant<principal, http::response> from_builtin(const std::string& token) const {
    auto grant = builtin->verify_access_token(token);
    if (!grant) return refuse(401, "invalid_token", "access token is invalid or expired", true);
    if (std::find(grant->scopes.begin(), grant->scopes.end(), "mcp") == grant->scopes.end())
      return refuse(403, "insufficient_scope", "token is missing the required scope", true);
    const auto* entry = catalog->find(grant->owner, grant->profile);
    if (!entry) return refuse(401, "invalid_token", "access token is invalid or expired", true);
    return principal{entry->profile, principal_key("oauth", grant->owner, grant->profile, grant->client_id),
                     entry->name, grant->owner};
  }

  std::variant<principal, http::response> from_oidc(const std::string& token) const {
    auto v = verifier->verify(token);
    if (!v) {
      log::info("gateway", "OIDC token refused: " + v.error().detail);
      return refuse(oidc::http_status(v.error().kind), oidc::oauth_error(v.error().kind),
                    oidc::description(v.error().kind), true);
    }
    std::string owner;
    if (!catalog->owners().empty()) {
      auto o = oidc::owner_for(*v, catalog->owner_names());
      if (!o)
        return refuse(401, "invalid_token", oidc::description(oidc::rejection::access_policy), true);
      owner = *o;
    }
    const auto* entry = catalog->default_for(owner);
    if (!entry) return refuse(401, "invalid_token", oidc::description(oidc::rejection::access_policy), true);
    return principal{entry->profile, principal_key("oidc", owner, v->subject, ""), entry->name, owner};
  }

  std::string protected_resource_metadata() const {
    json::writer w;
    w.begin_object().key("resource").value(public_url + "/mcp");
    w.key("authorization_servers").begin_array().value(discovered->issuer).end_array();
    if (required_scope) w.key("scopes_supported").begin_array().value(*required_scope).end_array();
    w.key("bearer_methods_supported").begin_array().value("header").end_array();
    w.key("resource_name").value("Parley").end_object();
    return std::move(w).take();
  }
};

front_door::~front_door() = default;

result<std::unique_ptr<front_door>> front_door::make(const parley_config& cfg, const std::string& public_url,
                                                     std::shared_ptr<const profile_catalog> catalog,
                                                     const std::string& default_state_db) {
  std::unique_ptr<front_door> door(new front_door());
  door->impl_ = std::make_unique<impl>();
  auto& d = *door->impl_;
  d.catalog = std::move(catalog);
  d.public_url = public_url;
  d.prm_url = public_url + std::string(prm_path) + "/mcp";

  std::map<std::string, std::pair<std::string, std::shared_ptr<const session_profile>>> by_digest;
  for (const auto& t : cfg.gateway.tokens)
    if (const auto* e = d.catalog->find("", t.profile)) by_digest[t.sha256_hex] = {t.profile, e->profile};
  d.static_tokens = std::make_unique<static_token_source>(std::move(by_digest));

  if (cfg.auth.mode == "oidc" && cfg.auth.oidc) {
    auto found = oidc::discover(*cfg.auth.oidc, oidc::make_curl_fetcher());
    if (!found) return found.error();
    d.discovered = std::move(*found);
    auto keys = std::make_shared<oidc::jwks_cache>(d.discovered->jwks_uri, oidc::make_curl_fetcher());
    if (auto r = keys->refresh(); !r) log::warn("gateway", "OIDC keys not loaded yet: " + r.error().message);
    d.required_scope = cfg.auth.oidc->required_scope;
    d.verifier = std::make_unique<oidc::token_verifier>(
        oidc::verifier_settings::from_config(*cfg.auth.oidc, d.discovered->issuer, public_url), keys);
  } else if (!cfg.owners.empty()) {
    const std::string path = cfg.gateway.oauth.state_db.empty() ? default_state_db : cfg.gateway.oauth.state_db;
    std::error_code ec;
    if (auto dir = std::filesystem::path(path).parent_path(); !dir.empty()) std::filesystem::create_directories(dir, ec);
    oauth::grant_store_options so;
    so.max_clients = static_cast<std::size_t>(cfg.gateway.oauth.max_clients);
    auto store = oauth::grant_store::open(path, so);
    if (!store) return store.error();
    oauth::authorization_server_options ao;
    ao.public_url = public_url;
    ao.code_ttl_s = cfg.gateway.oauth.code_ttl_s;
    ao.access_ttl_s = cfg.gateway.oauth.access_ttl_s;
    ao.refresh_ttl_s = cfg.gateway.oauth.refresh_ttl_s;
    d.builtin = std::make_unique<oauth::authorization_server>(ao, cfg.owners,
                                                              std::shared_ptr<oauth::grant_store>(std::move(*store)));
    log::info("gateway", "OAuth grants in " + path);
  }
  return door;
}

bool front_door::oauth_enabled() const noexcept { return impl_->oauth(); }

bool front_door::may_block() const noexcept { return static_cast<bool>(impl_->verifier); }

std::string front_door::describe() const {
  if (impl_->builtin)
    return "built-in OAuth 2.1 for " + std::to_string(impl_->catalog->owners().size()) + " owner(s), plus static tokens";
  if (impl_->verifier) return "OIDC, delegated to " + impl_->discovered->issuer + ", plus static tokens";
  return "static tokens";
}

std::optional<http::response> front_door::handle(const http::request& req) {
  auto& d = *impl_;
  const auto q = req.target.find('?');
  const std::string path = req.target.substr(0, q);
  if (!d.oauth()) return std::nullopt;
  if (req.method == "OPTIONS" && is_cors_path(path)) {
    return http::response{204,
                          {{"access-control-allow-origin", "*"},
                           {"access-control-allow-methods", "GET, POST, OPTIONS"},
                           {"access-control-allow-headers", "authorization, content-type, mcp-protocol-version"},
                           {"access-control-max-age", "86400"}},
                          ""};
  }
  std::optional<http::response> out;
  if (d.builtin) {
    oauth::oauth_request r;
    r.method = req.method;
    r.path = path;
    if (q != std::string::npos) r.query = req.target.substr(q + 1);
    r.body = req.body;
    if (const auto* h = req.find("content-type")) r.content_type = *h;
    if (const auto* h = req.find("authorization")) r.authorization = *h;
    if (const auto* h = req.find("cookie")) r.cookie = *h;
    r.peer = req.peer.substr(0, req.peer.rfind(':'));
    auto reply = d.builtin->handle(r);
    if (!reply) return std::nullopt;
    out = http::response{reply->status, {}, std::move(reply->body)};
    for (auto& [k, v] : reply->headers) {
      std::string key = k;
      std::transform(key.begin(), key.end(), key.begin(), [](unsigned char c) { return std::tolower(c); });
      out->header.emplace_back(std::move(key), std::move(v));
    }
  } else if (req.method == "GET" && (path == prm_path || path == std::string(prm_path) + "/mcp")) {
    out = json_reply(200, d.protected_resource_metadata());
  } else if (req.method == "GET" && path == as_metadata_path) {
    // The IdP's own metadata, mirrored for clients that look here first.
    out = json_reply(200, d.discovered->document);
  } else {
    return std::nullopt;  // the IdP hosts /authorize, /token, ...: 404 here
  }
  if (is_cors_path(path)) out->header.emplace_back("access-control-allow-origin", "*");
  return out;
}

std::variant<principal, http::response> front_door::authenticate(const http::request& req) const {
  auto& d = *impl_;
  std::optional<auth_refusal> ignored;
  if (auto p = d.static_tokens->authenticate(req, ignored)) return *p;
  const auto* header = req.find("authorization");
  auto token = header ? oauth::bearer_token(*header) : std::nullopt;
  if (!token) return d.refuse(401, "invalid_token", "a bearer token is required", false);
  if (d.builtin) return d.from_builtin(*token);
  if (d.verifier) return d.from_oidc(*token);
  return d.refuse(401, "invalid_token", "access token is invalid or expired", true);
}

}  // namespace parley
