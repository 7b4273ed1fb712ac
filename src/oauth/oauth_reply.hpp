#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "src/error/errc.hpp"

namespace parley::oauth {

/// One HTTP request as the authorization server needs it, whatever the
/// transport. Header values are passed raw; absent headers are empty.
struct oauth_request {
  std::string method;
  /// The path without the query (`/authorize`).
  std::string path;
  /// The raw query string without `?`.
  std::string query;
  std::string body;
  std::string content_type;
  /// The `Authorization` header (client_secret_basic at /token, /revoke).
  std::string authorization;
  /// The `Cookie` header (the consent form's CSRF cookie).
  std::string cookie;
  /// The client's address without port: the sign-in throttle's key.
  std::string peer;
};

/// The answer, ready to write: status, headers (Content-Type included) and body.
struct oauth_reply {
  int status = 200;
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;

  /// The first header called `name` (case-insensitive), if any.
  [[nodiscard]] std::optional<std::string> header(std::string_view name) const;
};

/// The log component of the authorization server.
inline constexpr std::string_view k_oauth_log = "oauth";

// The reply shapes every endpoint of the authorization server answers with.

/// ASCII case-insensitive equality (header names, auth schemes).
[[nodiscard]] bool iequals(std::string_view a, std::string_view b);

/// The media type of a Content-Type value, lower-cased, parameters dropped.
[[nodiscard]] std::string media_type(std::string_view content_type);

/// For log lines: user-typed text, printable ASCII only and bounded.
[[nodiscard]] std::string loggable(std::string_view s);

/// JSON with the no-store headers a token response needs (RFC 6749 §5.1).
[[nodiscard]] oauth_reply json_reply(int status, std::string body);

/// RFC 6749 §5.2 error body.
[[nodiscard]] oauth_reply oauth_error(int status, std::string_view error,
                                      std::string_view description);

/// HTML with the anti-framing and no-store headers every page carries.
[[nodiscard]] oauth_reply html_reply(int status, std::string body);

/// An HTML error page (for the browser-facing endpoints).
[[nodiscard]] oauth_reply error_page(int status, std::string_view title, std::string_view message);

/// 302 to `location`, never cached, no referrer.
[[nodiscard]] oauth_reply redirect(std::string location);

/// 405 with the Allow header.
[[nodiscard]] oauth_reply method_not_allowed(std::string_view allow);

/// 500 server_error for a failed grant store call, logged once here.
[[nodiscard]] oauth_reply server_error(const error& e);

/// The value of cookie `name` in a Cookie header, if present.
[[nodiscard]] std::optional<std::string> cookie_value(std::string_view header,
                                                      std::string_view name);

/// One cookie per pending consent, so two sign-ins in two tabs do not
/// overwrite each other's CSRF token. The name derives from the handle
/// without revealing it.
[[nodiscard]] std::string csrf_cookie_name(const std::string& handle);

/// The RFC 6749 §5.1 body of a token response.
[[nodiscard]] std::string token_response(const std::string& access, const std::string& refresh,
                                         std::int64_t expires_in,
                                         const std::vector<std::string>& scopes);

}  // namespace parley::oauth
