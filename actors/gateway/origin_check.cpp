#include "actors/gateway/origin_check.hpp"

#include "actors/transport/http/streamable_http.hpp"
#include "src/util/url.hpp"

namespace parley {

origin_check::origin_check(const std::string& public_url, std::vector<std::string> allowed_origins,
                           const std::string& listen_host)
    : public_origin_(url::origin_of(public_url)),
      allowed_origins_(std::move(allowed_origins)),
      loopback_listen_(listen_host == "127.0.0.1" || listen_host == "::1" ||
                       listen_host == "localhost") {}

std::optional<http::response> origin_check::refusal(const http::request& req) const {
  using streamable_http::json_error;
  if (const auto* origin = req.find("origin")) {
    const std::string o = url::origin_of(*origin);
    bool ok = o == public_origin_ || url::is_loopback_host(url::host_name(o));
    for (const auto& allowed : allowed_origins_) ok = ok || o == url::origin_of(allowed);
    if (!ok) return json_error(403, -32000, "Forbidden: origin " + *origin + " is not allowed");
  }
  if (loopback_listen_) {
    const auto* host = req.find("host");
    const std::string h = host ? url::host_name(*host) : "";
    if (!url::is_loopback_host(h) && h != url::host_name(public_origin_))
      return json_error(403, -32000,
                        "Forbidden: Invalid Host: " + (host ? *host : std::string("(none)")));
  }
  return std::nullopt;
}

}  // namespace parley
