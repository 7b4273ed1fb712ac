#include "src/ws_client/ws_url.hpp"

#include <arpa/inet.h>

#include "src/util/url.hpp"

namespace parley::ws {

namespace {

bool is_ip_literal(const std::string& host) {
  unsigned char buf[16];
  return ::inet_pton(AF_INET, host.c_str(), buf) == 1 || ::inet_pton(AF_INET6, host.c_str(), buf) == 1;
}

}  // namespace

std::optional<ws_url> parse_ws_url(std::string_view text) {
  auto parts = url::split(text);
  if (!parts || (parts->scheme != "ws" && parts->scheme != "wss")) return std::nullopt;
  auto authority = url::parse_authority(parts->authority);
  if (!authority) return std::nullopt;
  ws_url out;
  out.tls = parts->scheme == "wss";
  out.port = authority->port.value_or(out.tls ? 443 : 80);
  if (out.port < 1 || out.port > 65535) return std::nullopt;
  out.host = authority->host;
  if (out.host.size() > 2 && out.host.front() == '[') out.host = out.host.substr(1, out.host.size() - 2);
  out.host_is_ip = is_ip_literal(out.host);
  std::string_view rest = parts->rest;
  rest = rest.substr(0, rest.find('#'));
  out.target = rest.empty() || rest.front() != '/' ? "/" + std::string(rest) : std::string(rest);
  return out;
}

std::string ws_url::host_header() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string h = v6 ? "[" + host + "]" : host;
  if (port != (tls ? 443 : 80)) h += ":" + std::to_string(port);
  return h;
}

std::string ws_url::authority() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

}  // namespace parley::ws
