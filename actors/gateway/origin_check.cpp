#include "actors/gateway/origin_check.hpp"

#include <cctype>

#include "actors/transport/http/streamable_http.hpp"

namespace parley {

std::string origin_of(const std::string& url) {
  auto scheme_end = url.find("://");
  if (scheme_end == std::string::npos) return url;
  auto path = url.find('/', scheme_end + 3);
  std::string o = url.substr(0, path);
  for (auto& c : o) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return o;
}

std::string host_name(std::string authority) {
  if (auto s = authority.find("://"); s != std::string::npos) authority = authority.substr(s + 3);
  if (!authority.empty() && authority.front() == '[')
    return authority.substr(0, authority.find(']') + 1);
  return authority.substr(0, authority.find(':'));
}

bool is_loopback_name(const std::string& host) {
  return host == "localhost" || host == "127.0.0.1" || host == "[::1]";
}

origin_check::origin_check(const std::string& public_url, std::vector<std::string> allowed_origins,
                           const std::string& listen_host)
    : public_origin_(origin_of(public_url)),
      allowed_origins_(std::move(allowed_origins)),
      loopback_listen_(listen_host == "127.0.0.1" || listen_host == "::1" ||
                       listen_host == "localhost") {}

std::optional<http::response> origin_check::refusal(const http::request& req) const {
  using streamable_http::json_error;
  if (const auto* origin = req.find("origin")) {
    const std::string o = origin_of(*origin);
    bool ok = o == public_origin_ || is_loopback_name(host_name(o));
    for (const auto& allowed : allowed_origins_) ok = ok || o == origin_of(allowed);
    if (!ok) return json_error(403, -32000, "Forbidden: origin " + *origin + " is not allowed");
  }
  if (loopback_listen_) {
    const auto* host = req.find("host");
    const std::string h = host ? host_name(*host) : "";
    if (!is_loopback_name(h) && h != host_name(public_origin_))
      return json_error(403, -32000,
                        "Forbidden: Invalid Host: " + (host ? *host : std::string("(none)")));
  }
  return std::nullopt;
}

}  // namespace parley
