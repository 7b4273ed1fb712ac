#include "src/util/url.hpp"

#include <algorithm>
#include <cctype>

namespace parley::url {

namespace {

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

int default_port(std::string_view scheme) {
  return scheme == "https" ? 443 : 80;
}

bool is_port_text(std::string_view port) {
  return !port.empty() && port.size() <= 5 &&
         std::all_of(port.begin(), port.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::optional<parts> split(std::string_view text) {
  const auto sep = text.find("://");
  if (sep == std::string_view::npos) return std::nullopt;
  const std::string_view after = text.substr(sep + 3);
  const auto end = std::min(after.find_first_of("/?#"), after.size());
  return parts{lower(text.substr(0, sep)), after.substr(0, end), after.substr(end)};
}

std::optional<host_port> parse_authority(std::string_view authority) {
  if (authority.find_first_of("@\\") != std::string_view::npos) return std::nullopt;
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
  host_port out{lower(host), std::nullopt};
  if (!port.empty()) {
    port.remove_prefix(1);
    if (!is_port_text(port)) return std::nullopt;
    out.port = std::stoi(std::string(port));
  }
  return out;
}

bool is_loopback_host(std::string_view host) {
  return host == "127.0.0.1" || host == "localhost" || host == "[::1]";
}

std::string origin_of(std::string_view text) {
  auto p = split(text);
  if (!p) return std::string(text);
  return p->scheme + "://" + lower(p->authority);
}

std::string host_name(std::string_view authority_or_origin) {
  std::string_view authority = authority_or_origin;
  if (auto p = split(authority_or_origin)) authority = p->authority;
  auto hp = parse_authority(authority);
  return hp ? std::move(hp->host) : std::string();
}

std::string http_url::origin() const {
  std::string out = scheme + "://" + host;
  if (port != default_port(scheme)) out += ":" + std::to_string(port);
  return out;
}

std::optional<http_url> parse_http_url(std::string_view text) {
  for (char c : text)
    if (static_cast<unsigned char>(c) <= 0x20 || static_cast<unsigned char>(c) >= 0x7f)
      return std::nullopt;
  auto p = split(text);
  if (!p || (p->scheme != "http" && p->scheme != "https")) return std::nullopt;
  auto hp = parse_authority(p->authority);
  if (!hp) return std::nullopt;
  if (hp->port && (*hp->port == 0 || *hp->port > 65535)) return std::nullopt;
  http_url out{p->scheme, std::move(hp->host), hp->port.value_or(default_port(p->scheme)),
               std::string(p->rest)};
  if (!out.path.empty() && out.path.front() != '/') out.path.insert(0, "/");
  return out;
}

std::string percent_encode(std::string_view value) {
  static constexpr char digits[] = "0123456789ABCDEF";
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    const auto u = static_cast<unsigned char>(c);
    if ((u >= 'A' && u <= 'Z') || (u >= 'a' && u <= 'z') || (u >= '0' && u <= '9') || c == '-' ||
        c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out.push_back('%');
      out.push_back(digits[u >> 4]);
      out.push_back(digits[u & 0xf]);
    }
  }
  return out;
}

std::string form_encode(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::string out;
  for (const auto& [name, value] : fields) {
    if (!out.empty()) out += '&';
    out += percent_encode(name);
    out += '=';
    out += percent_encode(value);
  }
  return out;
}

}  // namespace parley::url
