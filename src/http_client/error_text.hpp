#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "src/error/errc.hpp"
#include "src/http_client/http_message.hpp"

/// What a failed exchange tells the user: `<label> → <what happened>`, and
/// never a secret. The label is the caller's; everything after the arrow
/// comes from libcurl or the server, so it is scrubbed of the request's URL
/// path, query and header values before use (a server that echoes the
/// request line would otherwise leak Telegram's token).
namespace parley::http {

/// How much of an error body an error message keeps.
inline constexpr std::size_t error_body_bytes = 300;

/// `text` with every secret-bearing piece of `req` replaced by `[redacted]`:
/// the URL's path and query, each path segment and query value of 16 bytes
/// or more (split at `:` as well), each header value and its credential part (after the scheme, as
/// in `Bearer <token>`) of 8 bytes or more. Shorter pieces are left alone so
/// that "/sync" or "application/json" do not blank out the text.
[[nodiscard]] std::string redact(std::string text, const http_request& req);

/// At most error_body_bytes of `body`, cut on a character boundary, invalid
/// UTF-8 repaired, an ellipsis marking a cut.
[[nodiscard]] std::string body_excerpt(std::string_view body);

/// `<label> → <status>: <body excerpt>` (without `: ` for an empty body).
[[nodiscard]] std::string status_message(const http_request& req, const http_response& resp);

/// `<label> → <detail>`, `detail` redacted.
[[nodiscard]] std::string failure_message(const http_request& req, std::string_view detail);

/// The code a refused status maps to: 401 and 403 bad_credentials (retrying
/// will not help), 413 payload_too_large, 408 and 5xx backend_unavailable,
/// any other status invalid_argument (the server refused the request itself).
[[nodiscard]] errc code_for_status(long status) noexcept;

}  // namespace parley::http
