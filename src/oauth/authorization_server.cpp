#include "src/oauth/authorization_server.hpp"

#include <chrono>

#include "src/json/writer.hpp"
#include "src/oauth/bearer_challenge.hpp"
#include "src/oauth/client_registration.hpp"
#include "src/oauth/crypto.hpp"
#include "src/oauth/metadata.hpp"
#include "src/util/log.hpp"

namespace parley::oauth {

authorization_server::authorization_server(authorization_server_options options,
                                           std::vector<owner_config> owners,
                                           std::shared_ptr<grant_store> store, clock_fn clock)
    : options_(std::move(options)),
      owners_(std::move(owners)),
      store_(std::move(store)),
      clock_(std::move(clock)),
      throttle_(options_.max_failed_signins, options_.signin_window_s) {
  while (!options_.public_url.empty() && options_.public_url.back() == '/')
    options_.public_url.pop_back();
  resource_ = resource_uri(options_.public_url);
}

std::int64_t authorization_server::now() const {
  if (clock_) return clock_();
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void authorization_server::maybe_sweep(std::int64_t t) {
  std::int64_t last = last_sweep_.load();
  if (t - last < 60 || !last_sweep_.compare_exchange_strong(last, t)) return;
  if (auto r = store_->sweep(t); !r)
    log::warn(k_oauth_log, "sweeping expired grants failed: " + r.error().message);
}

void authorization_server::sweep() {
  const std::int64_t t = now();
  last_sweep_.store(t);
  if (auto r = store_->sweep(t); !r)
    log::warn(k_oauth_log, "sweeping expired grants failed: " + r.error().message);
}

std::string authorization_server::invalid_token_challenge(std::string_view description) const {
  return oauth::invalid_token_challenge(options_.public_url, description);
}

std::string authorization_server::insufficient_scope_challenge(std::string_view scope) const {
  return oauth::insufficient_scope_challenge(options_.public_url, scope,
                                             "the access token does not carry the required scope");
}

std::optional<oauth_reply> authorization_server::handle(const oauth_request& req) {
  const std::string& p = req.path;
  const bool owned = p == "/.well-known/oauth-protected-resource/mcp" ||
                     p == "/.well-known/oauth-protected-resource" ||
                     p == "/.well-known/oauth-authorization-server" || p == "/register" ||
                     p == "/authorize" || p == k_consent_path || p == "/token" || p == "/revoke";
  if (!owned) return std::nullopt;
  maybe_sweep(now());
  if (p == "/.well-known/oauth-protected-resource/mcp" ||
      p == "/.well-known/oauth-protected-resource")
    return protected_resource(req);
  if (p == "/.well-known/oauth-authorization-server")
    return authorization_server_metadata_reply(req);
  if (p == "/authorize") {
    if (req.method != "GET" && req.method != "POST") return method_not_allowed("GET, POST");
    return authorize(req);
  }
  if (req.method != "POST") return method_not_allowed("POST");
  if (req.body.size() > options_.max_body_bytes)
    return p == k_consent_path
               ? error_page(400, "Bad request", "The form is too large.")
               : oauth_error(400, "invalid_request", "the request body is too large");
  if (p == "/register") return register_client(req);
  if (p == k_consent_path) return consent(req);
  if (p == "/token") return token(req);
  return revoke(req);
}

oauth_reply authorization_server::protected_resource(const oauth_request& req) const {
  if (req.method != "GET" && req.method != "HEAD") return method_not_allowed("GET");
  oauth_reply r = json_reply(200, protected_resource_metadata(options_.public_url));
  r.headers[1].second = "max-age=3600";
  return r;
}

oauth_reply authorization_server::authorization_server_metadata_reply(
    const oauth_request& req) const {
  if (req.method != "GET" && req.method != "HEAD") return method_not_allowed("GET");
  oauth_reply r = json_reply(200, authorization_server_metadata(options_.public_url));
  r.headers[1].second = "max-age=3600";
  return r;
}

oauth_reply authorization_server::register_client(const oauth_request& req) {
  if (media_type(req.content_type) != "application/json")
    return oauth_error(400, "invalid_client_metadata",
                       "the body must be application/json client metadata");
  registration_result parsed = parse_registration(req.body);
  if (!parsed.metadata) return oauth_error(400, parsed.error, parsed.error_description);
  const client_metadata& m = *parsed.metadata;

  client_record c;
  c.client_id = random_uuid();
  c.auth_method = m.token_endpoint_auth_method;
  c.redirect_uris = m.redirect_uris;
  c.client_name = m.client_name;
  c.metadata_json = m.echo_members;
  c.issued_at = now();
  std::string secret;
  if (c.auth_method != "none") {
    secret = random_token();
    c.secret_sha256 = sha256_hex(secret);
  }
  if (auto r = store_->add_client(c); !r) return server_error(r.error());
  log::info(k_oauth_log, "registered client " + c.client_id + " (" + c.auth_method + ")");

  std::string body = "{" + m.echo_members;
  json::writer extra;
  extra.begin_object();
  extra.key("client_id").value(c.client_id);
  extra.key("client_id_issued_at").value(c.issued_at);
  if (!secret.empty()) {
    extra.key("client_secret").value(secret);
    extra.key("client_secret_expires_at").value(std::int64_t{0});
  }
  extra.end_object();
  const std::string e = std::move(extra).take();
  body += (m.echo_members.empty() ? "" : ",") + e.substr(1);  // drops e's `{`, keeps its `}`
  return json_reply(201, std::move(body));
}

std::optional<grant_info> authorization_server::verify_access_token(const std::string& token) {
  if (token.empty()) return std::nullopt;
  auto found = store_->find_access(token);
  if (!found) {
    log::error(k_oauth_log, "gateway state database failed: " + found.error().message);
    return std::nullopt;
  }
  if (!*found) return std::nullopt;
  const token_grant& g = **found;
  if (g.expires_at <= now() || g.resource != resource_) return std::nullopt;
  const owner_config* owner = find_owner(owners_, g.owner);
  if (!owner || !find_profile(*owner, g.profile)) return std::nullopt;
  return g;
}

}  // namespace parley::oauth
