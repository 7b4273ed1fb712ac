#include "src/oauth/oauth_reply.hpp"

#include <algorithm>
#include <cctype>

#include "src/json/writer.hpp"
#include "src/oauth/bearer_challenge.hpp"
#include "src/oauth/consent_page.hpp"
#include "src/oauth/crypto.hpp"
#include "src/oauth/grant_store.hpp"
#include "src/util/log.hpp"

namespace parley::oauth {

bool iequals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
           return std::tolower(static_cast<unsigned char>(x)) ==
                  std::tolower(static_cast<unsigned char>(y));
         });
}

std::string media_type(std::string_view content_type) {
  std::string_view t = content_type.substr(0, content_type.find(';'));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.remove_suffix(1);
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.remove_prefix(1);
  std::string out(t);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

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

oauth_reply oauth_error(int status, std::string_view error, std::string_view description) {
  return json_reply(status, bearer_error_body(error, description));
}

// No form-action directive: browsers apply it to the redirect that
// follows the consent form, which must reach the client's own origin.
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
  log::error(k_oauth_log, "gateway state database failed: " + e.message);
  return oauth_error(500, "server_error",
                     "the authorization server could not complete the request");
}

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

std::optional<std::string> oauth_reply::header(std::string_view name) const {
  for (const auto& [k, v] : headers)
    if (iequals(k, name)) return v;
  return std::nullopt;
}

}  // namespace parley::oauth
