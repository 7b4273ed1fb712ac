#include "src/oauth/authorization_server.hpp"

#include <algorithm>
#include <cctype>
#include <chrono>

#include "src/json/writer.hpp"
#include "src/util/base64.hpp"
#include "src/oauth/bearer_challenge.hpp"
#include "src/oauth/client_registration.hpp"
#include "src/oauth/consent_page.hpp"
#include "src/oauth/crypto.hpp"
#include "src/oauth/metadata.hpp"
#include "src/oauth/pkce.hpp"
#include "src/oauth/secret_hash.hpp"
#include "src/util/log.hpp"

namespace parley::oauth {

namespace {

constexpr std::string_view k_log = "oauth";

/// Verified instead of an unknown owner's hash, so that a wrong name costs
/// the same time as a wrong secret and names cannot be probed by timing.
constexpr std::string_view k_dummy_hash =
    "scrypt$AQEBAQEBAQEBAQEBAQEBAQ==$wVBLrW4J7bxgwYyJPgoCBHRHgBNSza0rZAmCjZrqBF4=";

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

/// The media type of a Content-Type value, lower-cased, parameters dropped.
std::string media_type(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  std::string out(t);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

/// For log lines: user-typed text, printable ASCII only and bounded.
std::string loggable(std::string_view s) {
  std::string out;
  for (char c : s.substr(0, 64)) {
    const auto u = static_cast<unsigned char>(c);
    out.push_back(u >= 0x20 && u < 0x7f ? c : '?');
  }
  return out;
}

oauth_reply json_reply(int status, std::string body) {
  oauth_reply r;
  r.status = status;
  r.headers = {
      {"Content-Type", "application/json"}, {"Cache-Control", "no-store"}, {"Pragma", "no-cache"}};
  r.body = std::move(body);
  return r;
}

/// RFC 6749 §5.2 error body.
oauth_reply oauth_error(int status, std::string_view error, std::string_view description) {
  return json_reply(status, bearer_error_body(error, description));
}

/// HTML with the anti-framing and no-store headers every page carries.
/// No form-action directive: browsers apply it to the redirect that
/// follows the consent form, which must reach the client's own origin.
oauth_reply html_reply(int status, std::string body) {
  oauth_reply r;
  r.status = status;
  r.headers = {
      {"Content-Type", "text/html; charset=utf-8"},
      {"Cache-Control", "no-store"},
      {"Pragma", "no-cache"},
      {"X-Frame-Options", "DENY"},
      {"X-Content-Type-Options", "nosniff"},
      {"Referrer-Policy", "no-referrer"},
      {"Content-Security-Policy",
       "default-src 'none'; style-src 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'"}};
  r.body = std::move(body);
  return r;
}

oauth_reply error_page(int status, std::string_view title, std::string_view message) {
  return html_reply(status, render_error_page(title, message));
}

oauth_reply redirect(std::string location) {
  oauth_reply r;
  r.status = 302;
  r.headers = {{"Location", std::move(location)},
               {"Cache-Control", "no-store"},
               {"Referrer-Policy", "no-referrer"}};
  return r;
}

oauth_reply method_not_allowed(std::string_view allow) {
  oauth_reply r = oauth_error(405, "invalid_request", "method not allowed");
  r.headers.emplace_back("Allow", std::string(allow));
  return r;
}

oauth_reply server_error(const error& e) {
  log::error(k_log, "gateway state database failed: " + e.message);
  return oauth_error(500, "server_error",
                     "the authorization server could not complete the request");
}

/// The value of cookie `name` in a Cookie header, if present.
std::optional<std::string> cookie_value(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    const auto semi = header.find(';');
    std::string_view piece = header.substr(0, semi);
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    while (!piece.empty() && piece.front() == ' ') piece.remove_prefix(1);
    const auto eq = piece.find('=');
    if (eq != std::string_view::npos && piece.substr(0, eq) == name)
      return std::string(piece.substr(eq + 1));
  }
  return std::nullopt;
}

/// One cookie per pending consent, so two sign-ins in two tabs do not
/// overwrite each other's CSRF token. The name derives from the handle
/// without revealing it.
std::string csrf_cookie_name(const std::string& handle) {
  return "parley_csrf_" + sha256_hex(handle).substr(0, 16);
}

std::string token_response(const std::string& access, const std::string& refresh,
                           std::int64_t expires_in, const std::vector<std::string>& scopes) {
  json::writer w;
  w.begin_object();
  w.key("access_token").value(access);
  w.key("token_type").value("Bearer");
  w.key("expires_in").value(expires_in);
  w.key("refresh_token").value(refresh);
  w.key("scope").value(join_scopes(scopes));
  w.end_object();
  return std::move(w).take();
}

}  // namespace

std::optional<std::string> oauth_reply::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

/// Who /token or /revoke is talking to, or the 401 to answer.
struct authorization_server::client_auth {
  std::optional<client_record> client;
  std::optional<oauth_reply> failure;
};

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
    log::warn(k_log, "sweeping expired grants failed: " + r.error().message);
}

void authorization_server::sweep() {
  const std::int64_t t = now();
  last_sweep_.store(t);
  if (auto r = store_->sweep(t); !r)
    log::warn(k_log, "sweeping expired grants failed: " + r.error().message);
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
  log::info(k_log, "registered client " + c.client_id + " (" + c.auth_method + ")");

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

oauth_reply authorization_server::authorize(const oauth_request& req) {
  std::optional<form_params> params;
  if (req.method == "GET") {
    params = parse_form(req.query);
  } else {
    if (req.body.size() > options_.max_body_bytes)
      return error_page(400, "Bad request", "The request is too large.");
    if (media_type(req.content_type) == "application/x-www-form-urlencoded")
      params = parse_form(req.body);
  }
  if (!params) return error_page(400, "invalid_request", "The authorization request is malformed.");
  const auto repeated = params->first_repeated();
  if (repeated == "client_id" || repeated == "redirect_uri")
    return error_page(400, "invalid_request",
                      "The authorization request repeats " + *repeated + ".");

  // Until client and redirect URI are known good, errors are shown here and
  // never redirected (an open redirector otherwise).
  const auto client_id = params->get("client_id");
  if (!client_id || client_id->empty())
    return error_page(400, "invalid_request", "The authorization request has no client_id.");
  auto client = store_->find_client(*client_id);
  if (!client)
    return error_page(500, "server_error", "The authorization server could not load the client.");
  if (!*client)
    return error_page(
        400, "invalid_client",
        "This application is not registered here (or its registration expired). Connect again from "
        "the application.");
  const client_record& c = **client;
  std::string redirect_uri;
  if (auto given = params->get("redirect_uri"); given && !given->empty()) {
    if (std::find(c.redirect_uris.begin(), c.redirect_uris.end(), *given) == c.redirect_uris.end())
      return error_page(400, "invalid_request",
                        "The redirect_uri is not registered for this application.");
    redirect_uri = *given;
  } else if (c.redirect_uris.size() == 1) {
    redirect_uri = c.redirect_uris.front();
  } else {
    return error_page(400, "invalid_request", "The authorization request needs a redirect_uri.");
  }

  const auto state = params->get("state");
  auto fail_redirect = [&](std::string_view error, std::string_view description) {
    std::vector<std::pair<std::string, std::string>> q{
        {"error", std::string(error)}, {"error_description", std::string(description)}};
    if (state) q.emplace_back("state", *state);
    q.emplace_back("iss", options_.public_url);
    return redirect(append_query(redirect_uri, q));
  };

  if (repeated) return fail_redirect("invalid_request", "parameter " + *repeated + " is repeated");
  const auto response_type = params->get("response_type");
  if (!response_type || response_type->empty())
    return fail_redirect("invalid_request", "response_type is required");
  if (*response_type != "code")
    return fail_redirect("unsupported_response_type", "only response_type=code is supported");
  const std::string challenge = params->value_or_empty("code_challenge");
  if (challenge.empty())
    return fail_redirect("invalid_request", "code_challenge is required (PKCE with S256)");
  if (params->value_or_empty("code_challenge_method") != "S256")
    return fail_redirect("invalid_request", "code_challenge_method must be S256");
  if (!is_s256_challenge(challenge))
    return fail_redirect("invalid_request",
                         "code_challenge must be 43 base64url characters (S256)");
  const auto resource = params->get("resource");
  if (!resource || resource->empty())
    return fail_redirect("invalid_target", "resource is required and must be " + resource_);
  if (*resource != resource_)
    return fail_redirect("invalid_target", "resource must be " + resource_);
  std::vector<std::string> scopes = split_scopes(params->value_or_empty("scope"));
  if (scopes.empty()) scopes = {std::string(k_scope_mcp)};
  for (const auto& s : scopes)
    if (s != k_scope_mcp) return fail_redirect("invalid_scope", "the only scope offered is mcp");

  const std::int64_t t = now();
  const std::string handle = random_token();
  const std::string csrf = random_token();
  pending_consent pending;
  pending.client_id = c.client_id;
  pending.redirect_uri = redirect_uri;
  pending.code_challenge = challenge;
  pending.state = state;
  pending.scopes = scopes;
  pending.resource = *resource;
  pending.csrf_sha256 = sha256_hex(csrf);
  pending.expires_at = t + options_.consent_ttl_s;
  if (auto r = store_->add_pending(handle, pending); !r) {
    log::error(k_log, "gateway state database failed: " + r.error().message);
    return error_page(500, "server_error", "The authorization server could not store the request.");
  }

  consent_view view;
  view.request_handle = handle;
  view.csrf_token = csrf;
  view.redirect_uri = redirect_uri;
  view.client_name = c.client_name;
  view.scopes = scopes;
  oauth_reply reply = html_reply(200, render_consent_page(view));
  std::string cookie = csrf_cookie_name(handle) + "=" + csrf +
                       "; Path=/authorize; Max-Age=" + std::to_string(options_.consent_ttl_s) +
                       "; HttpOnly; SameSite=Strict";
  if (options_.public_url.rfind("https://", 0) == 0) cookie += "; Secure";
  reply.headers.emplace_back("Set-Cookie", std::move(cookie));
  return reply;
}

oauth_reply authorization_server::consent(const oauth_request& req) {
  if (media_type(req.content_type) != "application/x-www-form-urlencoded")
    return error_page(400, "Bad request", "The consent form must be posted as a form.");
  auto params = parse_form(req.body);
  if (!params || params->first_repeated())
    return error_page(400, "Bad request", "The consent form is malformed.");
  const std::string handle = params->value_or_empty("request");
  const std::int64_t t = now();
  std::optional<pending_consent> pending;
  if (!handle.empty()) {
    auto found = store_->find_pending(handle);
    if (!found)
      return error_page(500, "server_error",
                        "The authorization server could not load the request.");
    pending = std::move(*found);
  }
  if (!pending || pending->expires_at <= t) {
    if (pending) (void)store_->remove_pending(handle);
    return error_page(400, "Not authorized",
                      "This consent request expired or is unknown. Start the connection again from "
                      "the application.");
  }

  // CSRF: the hidden field must equal both the cookie this page set and the
  // token bound to the pending request. A cross-site post carries neither.
  const std::string csrf = params->value_or_empty("csrf");
  const auto cookie = cookie_value(req.cookie, csrf_cookie_name(handle));
  const bool csrf_ok = !csrf.empty() && cookie && constant_time_equal(csrf, *cookie) &&
                       constant_time_equal(sha256_hex(csrf), pending->csrf_sha256);
  if (!csrf_ok)
    return error_page(
        403, "Not authorized",
        "The form did not come from this page or its cookie is missing. Start the connection again "
        "from the application (and allow cookies for this site).");

  auto back_to_client = [&](std::vector<std::pair<std::string, std::string>> q) {
    if (pending->state) q.emplace_back("state", *pending->state);
    q.emplace_back("iss", options_.public_url);
    oauth_reply r = redirect(append_query(pending->redirect_uri, q));
    r.headers.emplace_back(
        "Set-Cookie",
        csrf_cookie_name(handle) + "=; Path=/authorize; Max-Age=0; HttpOnly; SameSite=Strict");
    return r;
  };

  if (params->value_or_empty("decision") == "deny") {
    if (auto r = store_->remove_pending(handle); !r) return server_error(r.error());
    return back_to_client(
        {{"error", "access_denied"}, {"error_description", "the owner denied the request"}});
  }

  const std::string owner_name = params->value_or_empty("owner");
  const std::string secret = params->value_or_empty("secret");
  std::string profile_name = params->value_or_empty("profile");
  if (profile_name.empty()) profile_name = "default";

  auto client = store_->find_client(pending->client_id);
  consent_view view;
  view.request_handle = handle;
  view.csrf_token = csrf;
  view.redirect_uri = pending->redirect_uri;
  view.client_name = client && *client ? (*client)->client_name : std::string();
  view.scopes = pending->scopes;
  view.owner = owner_name;
  view.profile = profile_name;

  if (const std::int64_t wait = throttle_.retry_after(owner_name, req.peer, t); wait > 0) {
    view.error = "Too many failed sign-ins. Try again in " + std::to_string((wait + 59) / 60) +
                 " minute(s).";
    oauth_reply r = html_reply(429, render_consent_page(view));
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return r;
  }

  const owner_config* owner = find_owner(owners_, owner_name);
  bool signed_in = false;
  if (owner)
    signed_in = verify_secret(secret, owner->secret_hash);
  else
    (void)verify_secret(secret, k_dummy_hash);
  if (!signed_in) {
    throttle_.record_failure(owner_name, req.peer, t);
    log::warn(k_log,
              "failed sign-in for owner '" + loggable(owner_name) + "' from " + loggable(req.peer));
    view.error = "Unknown owner or wrong secret.";
    return html_reply(403, render_consent_page(view));
  }
  if (!find_profile(*owner, profile_name)) {
    std::string names;
    for (const auto& p : owner->profiles) names += (names.empty() ? "" : ", ") + p.name;
    view.error =
        "Owner " + owner_name + " has no profile '" + profile_name + "'. Profiles: " + names + ".";
    return html_reply(403, render_consent_page(view));
  }

  // Approved: the request is spent, a code minted for this owner and profile.
  auto removed = store_->remove_pending(handle);
  if (!removed) return server_error(removed.error());
  if (!*removed)  // approved a moment ago in another tab
    return error_page(
        400, "Not authorized",
        "This consent request expired or is unknown. Start the connection again from the "
        "application.");
  const std::string code = random_token();
  code_grant g;
  g.client_id = pending->client_id;
  g.redirect_uri = pending->redirect_uri;
  g.code_challenge = pending->code_challenge;
  g.owner = owner->name;
  g.profile = profile_name;
  g.scopes = pending->scopes;
  g.resource = pending->resource;
  g.expires_at = t + options_.code_ttl_s;
  if (auto r = store_->add_code(code, g); !r) return server_error(r.error());
  log::info(k_log, "owner " + owner->name + " approved client " + g.client_id + " as profile " +
                       loggable(profile_name));
  return back_to_client({{"code", code}});
}

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
  // 401 invalid_client makes Claude register a new client (spec-mcp §4.1).
  if (!*found) return refuse("unknown client: register again", basic);
  if (!(*found)->secret_sha256.empty() &&
      (!secret || secret->empty() ||
       !constant_time_equal(sha256_hex(*secret), (*found)->secret_sha256)))
    return refuse("client authentication failed", basic);
  out.client = std::move(**found);
  return out;
}

oauth_reply authorization_server::token(const oauth_request& req) {
  if (media_type(req.content_type) != "application/x-www-form-urlencoded")
    return oauth_error(400, "invalid_request",
                       "the body must be application/x-www-form-urlencoded");
  auto params = parse_form(req.body);
  if (!params) return oauth_error(400, "invalid_request", "the form body is malformed");
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
  // Spent now, whatever follows: a code is good for one attempt (SEC-10).
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

oauth_reply authorization_server::issue_tokens(const code_grant& g, std::int64_t t, const std::string& family_id) {
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
  log::info(k_log, "issued tokens to client " + g.client_id + " for owner " + g.owner +
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
      log::warn(k_log, "a rotated refresh token of client " + client.client_id +
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
  if (media_type(req.content_type) != "application/x-www-form-urlencoded")
    return oauth_error(400, "invalid_request",
                       "the body must be application/x-www-form-urlencoded");
  auto params = parse_form(req.body);
  if (!params) return oauth_error(400, "invalid_request", "the form body is malformed");
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

std::optional<grant_info> authorization_server::verify_access_token(const std::string& token) {
  if (token.empty()) return std::nullopt;
  auto found = store_->find_access(token);
  if (!found) {
    log::error(k_log, "gateway state database failed: " + found.error().message);
    return std::nullopt;
  }
  if (!*found) return std::nullopt;
  const token_grant& g = **found;
  if (g.expires_at <= now() || g.resource != resource_) return std::nullopt;
  const owner_config* owner = find_owner(owners_, g.owner);
  if (!owner || !find_profile(*owner, g.profile)) return std::nullopt;
  return grant_info{g.owner, g.profile, g.client_id, g.scopes, g.resource, g.expires_at};
}

}  // namespace parley::oauth
