#include "src/oidc/url.hpp"

#include <algorithm>
#include <cctype>

namespace parley::oidc {

namespace {

std::string lower(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char c : s) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

int default_port(std::string_view scheme) {
  return scheme == "https" ? 443 : 80;
}

}  // namespace

std::string http_url::origin() const {
  std::string out = scheme + "://" + host;
  if (port != default_port(scheme)) out += ":" + std::to_string(port);
  return out;
}

bool http_url::is_loopback() const {
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]";
}

std::optional<http_url> parse_http_url(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return std::nullopt;
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  http_url out;
  out.scheme = lower(text.substr(0, sep));
  if (out.scheme != "http" && out.scheme != "https") return std::nullopt;
  std::string_view rest = text.substr(sep + 3);
  const auto end = rest.find_first_of("/?#");
  std::string_view authority = rest.substr(0, end);
  if (end != std::string_view::npos) {
    out.path = std::string(rest.substr(end));
    if (out.path.front() != '/') out.path.insert(0, "/");
  }
  if (authority.find('@') != std::string_view::npos ||
      authority.find('\\') != std::string_view::npos)
    return std::nullopt;
  std::string_view host = authority;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    const auto close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    port = host.substr(close + 1);
    host = host.substr(0, close + 1);
    if (!port.empty() && port.front() != ':') return std::nullopt;
  } else if (const auto colon = host.find(':'); colon != std::string_view::npos) {
    port = host.substr(colon);
    host = host.substr(0, colon);
  }
  if (host.empty()) return std::nullopt;
  out.host = lower(host);
  out.port = default_port(out.scheme);
  if (!port.empty()) {
    port.remove_prefix(1);
    if (port.empty() || port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c)) != 0;
        }))
      return std::nullopt;
    out.port = std::stoi(std::string(port));
    if (out.port == 0 || out.port > 65535) return std::nullopt;
  }
  return out;
}

}  // namespace parley::oidc
