#pragma once

#include <functional>
#include <string>

#include "src/error/result.hpp"

namespace parley::oidc {

/// What an HTTP GET brought back. Any status is a response, not an error:
/// the caller decides what a 404 means.
struct http_response {
  long status = 0;
  std::string body;
};

/// A response, or an error (errc::backend_unavailable) whose message says why
/// none came: unreachable, timed out, body too large, URL refused.
using fetch_result = result<http_response>;

/// How discovery and the JWKS cache reach the identity provider. The gateway
/// passes make_curl_fetcher() (http_fetch.hpp); tests pass a lambda. Must be
/// safe to call from several threads at once.
using fetch_function = std::function<fetch_result(const std::string& url)>;

}  // namespace parley::oidc
