#pragma once

#include <optional>
#include <string>
#include <vector>

#include "actors/transport/http/http_server.hpp"

namespace parley {

/// DNS-rebinding protection: a browser page of another site must not reach
/// a gateway bound to loopback, nor any gateway from a foreign origin.
class origin_check {
 public:
  /// `public_url` is the URL clients use (its origin is allowed, as are
  /// loopback ones and `allowed_origins`); `listen_host` the bound address:
  /// on loopback the Host header must name loopback or the public host.
  origin_check(const std::string& public_url, std::vector<std::string> allowed_origins,
               const std::string& listen_host);

  /// The 403 that refuses `req`, or nullopt when its Origin and Host pass.
  [[nodiscard]] std::optional<http::response> refusal(const http::request& req) const;

 private:
  std::string public_origin_;
  std::vector<std::string> allowed_origins_;
  bool loopback_listen_;
};

}  // namespace parley
