#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace parley::oidc {

/// An absolute http(s) URL split into what the OIDC rules need. Deliberately
/// narrow: user info, a non-numeric port, whitespace or control characters
/// make it no URL at all, since every URL here names a trust root (issuer,
/// JWKS) and an ambiguous one is a risk, not a convenience.
struct http_url {
  std::string scheme;  ///< "http" or "https", lower-case
  std::string host;    ///< lower-case; IPv6 keeps its brackets
  int port = 0;        ///< explicit or the scheme's default
  std::string path;    ///< from the first '/', query and fragment included; may be empty

  /// `scheme://host[:port]`, the port only when not the default (RFC 6454 serialization).
  [[nodiscard]] std::string origin() const;
  /// 127.0.0.1, localhost or [::1]: plain http is allowed there (test and dev IdPs).
  [[nodiscard]] bool is_loopback() const;
};

[[nodiscard]] std::optional<http_url> parse_http_url(std::string_view text);

}  // namespace parley::oidc
