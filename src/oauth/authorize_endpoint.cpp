#include "src/oauth/authorization_server.hpp"

// The browser half of the code flow: /authorize checks the request and shows
// the consent page; its form posts to k_consent_path, where the owner signs
// in and a code is minted.

#include <algorithm>

#include "src/oauth/crypto.hpp"
#include "src/oauth/metadata.hpp"
#include "src/oauth/pkce.hpp"
#include "src/oauth/secret_hash.hpp"
#include "src/util/log.hpp"

namespace parley::oauth {

namespace {

/// Verified instead of an unknown owner's hash, so that a wrong name costs
/// the same time as a wrong secret and names cannot be probed by timing.
constexpr std::string_view k_dummy_hash =
    "scrypt$AQEBAQEBAQEBAQEBAQEBAQ==$wVBLrW4J7bxgwYyJPgoCBHRHgBNSza0rZAmCjZrqBF4=";

/// An error to send back to the client's redirect URI.
struct redirect_error {
  std::string error;
  std::string description;
};

/// The request's own rules, once client and redirect URI are known good:
/// fills the PKCE challenge, resource and scopes of `pending`.
std::optional<redirect_error> check_code_request(const form_params& params,
                                                 const std::string& resource,
                                                 pending_consent& pending) {
  const auto response_type = params.get("response_type");
  if (!response_type || response_type->empty())
    return redirect_error{"invalid_request", "response_type is required"};
  if (*response_type != "code")
    return redirect_error{"unsupported_response_type", "only response_type=code is supported"};
  pending.code_challenge = params.value_or_empty("code_challenge");
  if (pending.code_challenge.empty())
    return redirect_error{"invalid_request", "code_challenge is required (PKCE with S256)"};
  if (params.value_or_empty("code_challenge_method") != "S256")
    return redirect_error{"invalid_request", "code_challenge_method must be S256"};
  if (!is_s256_challenge(pending.code_challenge))
    return redirect_error{"invalid_request",
                          "code_challenge must be 43 base64url characters (S256)"};
  const auto given = params.get("resource");
  if (!given || given->empty())
    return redirect_error{"invalid_target", "resource is required and must be " + resource};
  if (*given != resource) return redirect_error{"invalid_target", "resource must be " + resource};
  pending.resource = *given;
  pending.scopes = split_scopes(params.value_or_empty("scope"));
  if (pending.scopes.empty()) pending.scopes = {std::string(k_scope_mcp)};
  for (const auto& s : pending.scopes)
    if (s != k_scope_mcp) return redirect_error{"invalid_scope", "the only scope offered is mcp"};
  return std::nullopt;
}

oauth_reply consent_expired() {
  return error_page(400, "Not authorized",
                    "This consent request expired or is unknown. Start the connection again from "
                    "the application.");
}

}  // namespace

std::optional<oauth_reply> authorization_server::read_authorize_form(
    const oauth_request& req, std::optional<form_params>& params) const {
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
  return std::nullopt;
}

std::optional<oauth_reply> authorization_server::resolve_client(const form_params& params,
                                                                pending_consent& pending,
                                                                std::string& client_name) {
  const auto client_id = params.get("client_id");
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
  pending.client_id = c.client_id;
  client_name = c.client_name;
  if (auto given = params.get("redirect_uri"); given && !given->empty()) {
    if (std::find(c.redirect_uris.begin(), c.redirect_uris.end(), *given) == c.redirect_uris.end())
      return error_page(400, "invalid_request",
                        "The redirect_uri is not registered for this application.");
    pending.redirect_uri = *given;
  } else if (c.redirect_uris.size() == 1) {
    pending.redirect_uri = c.redirect_uris.front();
  } else {
    return error_page(400, "invalid_request", "The authorization request needs a redirect_uri.");
  }
  return std::nullopt;
}

oauth_reply authorization_server::authorize(const oauth_request& req) {
  std::optional<form_params> params;
  if (auto bad = read_authorize_form(req, params)) return std::move(*bad);
  // Until client and redirect URI are known good, errors are shown here and
  // never redirected (an open redirector otherwise).
  pending_consent pending;
  std::string client_name;
  if (auto bad = resolve_client(*params, pending, client_name)) return std::move(*bad);
  pending.state = params->get("state");
  auto fail_redirect = [&](std::string_view error, std::string_view description) {
    std::vector<std::pair<std::string, std::string>> q{
        {"error", std::string(error)}, {"error_description", std::string(description)}};
    if (pending.state) q.emplace_back("state", *pending.state);
    q.emplace_back("iss", options_.public_url);
    return redirect(append_query(pending.redirect_uri, q));
  };
  if (const auto repeated = params->first_repeated())
    return fail_redirect("invalid_request", "parameter " + *repeated + " is repeated");
  if (auto refused = check_code_request(*params, resource_, pending))
    return fail_redirect(refused->error, refused->description);
  return show_consent(std::move(pending), client_name);
}

oauth_reply authorization_server::show_consent(pending_consent pending,
                                               const std::string& client_name) {
  const std::string handle = random_token();
  const std::string csrf = random_token();
  pending.csrf_sha256 = sha256_hex(csrf);
  pending.expires_at = now() + options_.consent_ttl_s;
  if (auto r = store_->add_pending(handle, pending); !r) {
    log::error(k_oauth_log, "gateway state database failed: " + r.error().message);
    return error_page(500, "server_error", "The authorization server could not store the request.");
  }
  consent_view view;
  view.request_handle = handle;
  view.csrf_token = csrf;
  view.redirect_uri = pending.redirect_uri;
  view.client_name = client_name;
  view.scopes = pending.scopes;
  oauth_reply reply = html_reply(200, render_consent_page(view));
  std::string cookie = csrf_cookie_name(handle) + "=" + csrf +
                       "; Path=/authorize; Max-Age=" + std::to_string(options_.consent_ttl_s) +
                       "; HttpOnly; SameSite=Strict";
  if (options_.public_url.rfind("https://", 0) == 0) cookie += "; Secure";
  reply.headers.emplace_back("Set-Cookie", std::move(cookie));
  return reply;
}

std::optional<oauth_reply> authorization_server::load_pending(
    const std::string& handle, std::int64_t t, std::optional<pending_consent>& pending) {
  if (!handle.empty()) {
    auto found = store_->find_pending(handle);
    if (!found)
      return error_page(500, "server_error",
                        "The authorization server could not load the request.");
    pending = std::move(*found);
  }
  if (!pending || pending->expires_at <= t) {
    if (pending) (void)store_->remove_pending(handle);
    return consent_expired();
  }
  return std::nullopt;
}

oauth_reply authorization_server::back_to_client(
    const std::string& handle, const pending_consent& pending,
    std::vector<std::pair<std::string, std::string>> query) const {
  if (pending.state) query.emplace_back("state", *pending.state);
  query.emplace_back("iss", options_.public_url);
  oauth_reply r = redirect(append_query(pending.redirect_uri, query));
  r.headers.emplace_back(
      "Set-Cookie",
      csrf_cookie_name(handle) + "=; Path=/authorize; Max-Age=0; HttpOnly; SameSite=Strict");
  return r;
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
  if (auto bad = load_pending(handle, t, pending)) return std::move(*bad);

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

  if (params->value_or_empty("decision") == "deny") {
    if (auto r = store_->remove_pending(handle); !r) return server_error(r.error());
    return back_to_client(
        handle, *pending,
        {{"error", "access_denied"}, {"error_description", "the owner denied the request"}});
  }

  auto client = store_->find_client(pending->client_id);
  consent_view view;
  view.request_handle = handle;
  view.csrf_token = csrf;
  view.redirect_uri = pending->redirect_uri;
  view.client_name = client && *client ? (*client)->client_name : std::string();
  view.scopes = pending->scopes;
  view.owner = params->value_or_empty("owner");
  view.profile = params->value_or_empty("profile");
  if (view.profile.empty()) view.profile = "default";
  const owner_config* owner = nullptr;
  if (auto refused = sign_in(view, params->value_or_empty("secret"), req.peer, t, owner))
    return std::move(*refused);
  return approve(handle, *pending, *owner, view.profile, t);
}

std::optional<oauth_reply> authorization_server::sign_in(consent_view& view,
                                                         const std::string& secret,
                                                         const std::string& peer, std::int64_t t,
                                                         const owner_config*& owner) {
  if (const std::int64_t wait = throttle_.retry_after(view.owner, peer, t); wait > 0) {
    view.error = "Too many failed sign-ins. Try again in " + std::to_string((wait + 59) / 60) +
                 " minute(s).";
    oauth_reply r = html_reply(429, render_consent_page(view));
    r.headers.emplace_back("Retry-After", std::to_string(wait));
    return r;
  }
  owner = find_owner(owners_, view.owner);
  bool signed_in = false;
  if (owner)
    signed_in = verify_secret(secret, owner->secret_hash);
  else
    (void)verify_secret(secret, k_dummy_hash);
  if (!signed_in) {
    throttle_.record_failure(view.owner, peer, t);
    log::warn(k_oauth_log,
              "failed sign-in for owner '" + loggable(view.owner) + "' from " + loggable(peer));
    view.error = "Unknown owner or wrong secret.";
    return html_reply(403, render_consent_page(view));
  }
  if (!find_profile(*owner, view.profile)) {
    std::string names;
    for (const auto& p : owner->profiles) names += (names.empty() ? "" : ", ") + p.name;
    view.error =
        "Owner " + view.owner + " has no profile '" + view.profile + "'. Profiles: " + names + ".";
    return html_reply(403, render_consent_page(view));
  }
  return std::nullopt;
}

oauth_reply authorization_server::approve(const std::string& handle, const pending_consent& pending,
                                          const owner_config& owner, const std::string& profile,
                                          std::int64_t t) {
  // Approved: the request is spent, a code minted for this owner and profile.
  auto removed = store_->remove_pending(handle);
  if (!removed) return server_error(removed.error());
  if (!*removed) return consent_expired();  // approved a moment ago in another tab
  const std::string code = random_token();
  code_grant g;
  g.client_id = pending.client_id;
  g.redirect_uri = pending.redirect_uri;
  g.code_challenge = pending.code_challenge;
  g.owner = owner.name;
  g.profile = profile;
  g.scopes = pending.scopes;
  g.resource = pending.resource;
  g.expires_at = t + options_.code_ttl_s;
  if (auto r = store_->add_code(code, g); !r) return server_error(r.error());
  log::info(k_oauth_log, "owner " + owner.name + " approved client " + g.client_id +
                             " as profile " + loggable(profile));
  return back_to_client(handle, pending, {{"code", code}});
}

}  // namespace parley::oauth
