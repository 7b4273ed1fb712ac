#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// The HTTP client the chat backends (Matrix, Zulip, Discord, Slack,
/// Telegram) share. See README.md beside this file.
namespace parley::http {

/// Header fields in the order given or received; names compare without case.
using header_list = std::vector<std::pair<std::string, std::string>>;

/// The value of the first field named `name` (any case); nullopt when absent.
[[nodiscard]] std::optional<std::string_view> find_header(const header_list& headers,
                                                          std::string_view name) noexcept;

/// One request. Secrets may sit in `url` (Telegram puts its token in the
/// path) and in `headers` (Bearer tokens), so neither ever reaches an error
/// message or a log line: those name the request by `label` alone.
struct http_request {
  /// GET, POST, PUT, DELETE, PATCH, HEAD.
  std::string method = "GET";
  /// Absolute http(s) URL, path segments and query values already encoded
  /// (src/util/url.hpp).
  std::string url;
  header_list headers;
  std::string body;
  /// Sent as Content-Type when not empty.
  std::string content_type;
  /// The whole exchange, connect included. A long-poll sets it above the
  /// server's own wait (Matrix /sync timeout + some seconds).
  std::chrono::milliseconds timeout{30'000};
  /// Names the request in every error, e.g. "Matrix GET /_matrix/client/v3/sync".
  /// Built by the caller so that it never holds a token.
  std::string label;
};

/// What the server answered: any status, 1xx aside.
struct http_response {
  long status = 0;
  /// The final response's fields, in order received.
  header_list headers;
  std::string body;

  /// The first field named `name` (any case); nullopt when absent.
  [[nodiscard]] std::optional<std::string_view> header(std::string_view name) const noexcept {
    return find_header(headers, name);
  }
  /// 200 to 299.
  [[nodiscard]] bool ok() const noexcept { return status >= 200 && status < 300; }
};

}  // namespace parley::http
