#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

/// The one URL and authority parser. Deliberately narrow: every URL it reads
/// names a trust root (an OIDC issuer, a JWKS, a redirect target) or guards a
/// browser boundary (Origin, Host), and an ambiguous one is a risk, not a
/// convenience; so user info and a malformed port make it no URL at all.
namespace parley::url {

/// `scheme://authority<rest>` split at its seams, nothing validated yet.
struct parts {
  std::string scheme;          ///< lower-case
  std::string_view authority;  ///< up to the first '/', '?' or '#'
  std::string_view rest;       ///< from there on (path, query, fragment); may be empty
};

/// nullopt when `text` has no `://`.
[[nodiscard]] std::optional<parts> split(std::string_view text);

/// An authority's host and port.
struct host_port {
  std::string host;         ///< lower-case; IPv6 keeps its brackets
  std::optional<int> port;  ///< as written, when the authority names one
};

/// Parses `host[:port]` or `[v6][:port]`. nullopt for user info (`@`), a
/// backslash, an unclosed bracket, anything but `:` after it, an empty host, or
/// a port that is not 1 to 5 digits. The port's range is the caller's rule.
[[nodiscard]] std::optional<host_port> parse_authority(std::string_view authority);

/// 127.0.0.1, localhost or [::1] (lower-case, as parse_authority gives it):
/// the names where plain http is allowed and DNS rebinding is guarded.
[[nodiscard]] bool is_loopback_host(std::string_view host);

/// `scheme://authority` of a URL with both lower-cased, no path: an Origin
/// header's form, what the consent page shows as where a code goes, and what
/// the gateway compares allowed origins by. The port is kept as written (a
/// browser never writes the default one). `url` unchanged when it has no `://`.
[[nodiscard]] std::string origin_of(std::string_view url);

/// The lower-case host of a Host header value or of an origin (`scheme://` is
/// skipped), without its port; "" when it does not parse, which no host
/// compare will match.
[[nodiscard]] std::string host_name(std::string_view authority_or_origin);

/// An absolute http(s) URL split into what the OIDC rules need. Control
/// characters, whitespace, non-ASCII bytes, port 0 or past 65535 make it no
/// URL, besides what parse_authority refuses.
struct http_url {
  std::string scheme;  ///< "http" or "https", lower-case
  std::string host;    ///< lower-case; IPv6 keeps its brackets
  int port = 0;        ///< explicit or the scheme's default
  std::string path;    ///< from the first '/', query and fragment included; may be empty

  /// `scheme://host[:port]`, the port only when not the default (RFC 6454 serialization).
  [[nodiscard]] std::string origin() const;
  /// On a loopback host: plain http is allowed there (test and dev IdPs).
  [[nodiscard]] bool is_loopback() const { return is_loopback_host(host); }
};

[[nodiscard]] std::optional<http_url> parse_http_url(std::string_view text);

/// `value` with every byte but the RFC 3986 unreserved characters
/// (`A-Z a-z 0-9 - . _ ~`) as `%XX`. Encoding that much is safe in every
/// place a value goes: one path segment (a `/` or `?` in a Matrix room id or a
/// Slack channel name stays data), a query value and a form field alike.
[[nodiscard]] std::string percent_encode(std::string_view value);

/// A path segment: `percent_encode`, named for the call site.
[[nodiscard]] inline std::string encode_path_segment(std::string_view segment) {
  return percent_encode(segment);
}

/// A query (or form) value: `percent_encode`, named for the call site.
[[nodiscard]] inline std::string encode_query_value(std::string_view value) {
  return percent_encode(value);
}

/// `a=b&c=d`, names and values percent-encoded, in the order given: an
/// `application/x-www-form-urlencoded` body (Slack, Zulip) or a query string
/// without its `?`. A space becomes `%20`, which every form decoder reads.
[[nodiscard]] std::string form_encode(
    const std::vector<std::pair<std::string, std::string>>& fields);

}  // namespace parley::url
