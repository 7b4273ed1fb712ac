#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley::ws {

/// A ws:// or wss:// URL split into what a connection needs.
struct ws_url {
  bool tls = false;
  std::string host;  ///< lower-case, IPv6 without its brackets
  bool host_is_ip = false;
  int port = 0;        ///< explicit or the scheme's default (80, 443)
  std::string target;  ///< path and query, at least "/"; the fragment dropped

  /// `host[:port]` for the Host header: the port only when not the default.
  [[nodiscard]] std::string host_header() const;
  /// `host:port`, for errors (never the target: tickets and tokens live there).
  [[nodiscard]] std::string authority() const;
};

/// nullopt unless `text` is ws:// or wss:// with a host (src/util/url.hpp's
/// authority rules) and a port from 1 to 65535.
[[nodiscard]] std::optional<ws_url> parse_ws_url(std::string_view text);

}  // namespace parley::ws
