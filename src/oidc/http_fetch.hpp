#pragma once

#include <chrono>
#include <cstddef>
#include <string>

#include "src/oidc/fetch.hpp"

namespace parley::oidc {

/// Bounds on one fetch from the identity provider.
struct fetch_limits {
  /// The whole request, connect included.
  std::chrono::milliseconds timeout{10'000};
  /// Discovery documents and JWKS are a few KiB; a bigger body is an error.
  std::size_t max_body_bytes = 1024 * 1024;
};

/// GET `url` with libcurl and return the status and body of whatever answered.
///
/// Only `https:`, or plain `http:` to a loopback host (127.0.0.1, localhost,
/// [::1]; dev and test IdPs), because these documents are the trust root of
/// every token. Redirects are not followed (a 3xx comes back as a response),
/// so the URL in config is the one trusted; certificates are verified with
/// the system store; no proxy is used for loopback. Errors (unreachable,
/// timeout, TLS, refused URL, body too large) are errc::backend_unavailable
/// with libcurl's reason. Thread-safe.
[[nodiscard]] fetch_result http_get(const std::string& url, const fetch_limits& limits = {});

/// http_get bound to `limits`, as the fetch_function discovery and
/// jwks_cache take.
[[nodiscard]] fetch_function make_curl_fetcher(fetch_limits limits = {});

}  // namespace parley::oidc
