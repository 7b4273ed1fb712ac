#include "backends/redis/redis_config.hpp"

#include <string_view>

namespace parley::redis {

namespace {

std::optional<std::string> percent_decode(std::string_view in) {
  std::string out;
  out.reserve(in.size());
  for (std::size_t i = 0; i < in.size(); ++i) {
    if (in[i] != '%') {
      out.push_back(in[i]);
      continue;
    }
    if (i + 2 >= in.size()) return std::nullopt;
    auto hex = [](char c) -> int {
      if (c >= '0' && c <= '9') return c - '0';
      if (c >= 'a' && c <= 'f') return c - 'a' + 10;
      if (c >= 'A' && c <= 'F') return c - 'A' + 10;
      return -1;
    };
    const int hi = hex(in[i + 1]);
    const int lo = hex(in[i + 2]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

std::optional<int> parse_small_int(std::string_view s, int max) {
  if (s.empty() || s.size() > 9) return std::nullopt;
  int v = 0;
  for (char c : s) {
    if (c < '0' || c > '9') return std::nullopt;
    v = v * 10 + (c - '0');
  }
  if (v > max) return std::nullopt;
  return v;
}

}  // namespace

std::string endpoint::describe() const {
  const bool v6 = host.find(':') != std::string::npos;
  std::string out = v6 ? "[" + host + "]" : host;
  out += ":" + std::to_string(port);
  if (db != 0) out += "/" + std::to_string(db);
  return out;
}

namespace {

/// Takes `user:pass@` off the front of `authority` into `ep`; false (with
/// `why`) if its percent-encoding is bad.
bool take_userinfo(std::string_view& authority, endpoint& ep, std::string& why) {
  const auto at = authority.rfind('@');
  if (at == std::string_view::npos) return true;
  std::string_view userinfo = authority.substr(0, at);
  authority.remove_prefix(at + 1);
  const auto colon = userinfo.find(':');
  auto user = percent_decode(userinfo.substr(0, colon));
  auto pass = colon == std::string_view::npos ? std::optional<std::string>(std::string{})
                                              : percent_decode(userinfo.substr(colon + 1));
  if (!user || !pass) {
    why = "bad percent-encoding in the credentials of the url";
    return false;
  }
  if (colon == std::string_view::npos) {
    // `redis://secret@host`: a lone userinfo is the password, as redis-cli reads it.
    ep.password = *user;
  } else {
    ep.user = *user;
    ep.password = *pass;
  }
  return true;
}

/// Splits `host:port` or `[v6]:port` (the port may be absent); false (with
/// `why`) if the brackets are off.
bool split_host_port(std::string_view authority, std::string_view& host, std::string_view& port,
                     const std::string& url, std::string& why) {
  if (authority.empty() || authority.front() != '[') {
    const auto colon = authority.rfind(':');
    host = authority.substr(0, colon);
    if (colon != std::string_view::npos) port = authority.substr(colon + 1);
    return true;
  }
  const auto close = authority.find(']');
  if (close == std::string_view::npos) {
    why = "unterminated IPv6 address in '" + url + "'";
    return false;
  }
  host = authority.substr(1, close - 1);
  std::string_view after = authority.substr(close + 1);
  if (after.empty()) return true;
  if (after.front() != ':') {
    why = "unexpected text after the IPv6 address in '" + url + "'";
    return false;
  }
  port = after.substr(1);
  return true;
}

/// Sets the port and database number of `ep` from the url's text for them
/// (each may be empty: the default stays); false (with `why`) if bad.
bool set_port_and_db(endpoint& ep, std::string_view port, std::string_view path, const std::string& url,
                     std::string& why) {
  if (!port.empty()) {
    auto p = parse_small_int(port, 65535);
    if (!p || *p == 0) {
      why = "bad port '" + std::string(port) + "' in '" + url + "'";
      return false;
    }
    ep.port = *p;
  }
  if (!path.empty()) {
    auto db = parse_small_int(path, 1'000'000);
    if (!db) {
      why = "the path of the url must be a database number, got '/" + std::string(path) + "'";
      return false;
    }
    ep.db = *db;
  }
  return true;
}

}  // namespace

std::optional<endpoint> endpoint::parse(const std::string& url, std::string& why) {
  constexpr std::string_view scheme = "redis://";
  if (url.rfind("rediss://", 0) == 0) {
    why =
        "TLS (rediss://) is not supported: Debian 12's hiredis 0.14 has no TLS; use redis:// "
        "on a trusted network or a TLS tunnel";
    return std::nullopt;
  }
  if (url.rfind(scheme, 0) != 0) {
    why = "expected redis://[user:pass@]host:port[/db], got '" + url + "'";
    return std::nullopt;
  }
  endpoint ep;
  std::string_view rest(url);
  rest.remove_prefix(scheme.size());
  if (rest.find_first_of("?#") != std::string_view::npos) {
    why = "query strings and fragments are not supported in '" + url + "'";
    return std::nullopt;
  }
  // The authority ends at the first '/'; credentials end at its last '@'.
  const auto slash = rest.find('/');
  std::string_view authority = rest.substr(0, slash);
  std::string_view path =
      slash == std::string_view::npos ? std::string_view{} : rest.substr(slash + 1);
  if (!take_userinfo(authority, ep, why)) return std::nullopt;
  std::string_view host;
  std::string_view port;
  if (!split_host_port(authority, host, port, url, why)) return std::nullopt;
  if (host.empty()) {
    why = "no host in '" + url + "'";
    return std::nullopt;
  }
  ep.host = std::string(host);
  if (!set_port_and_db(ep, port, path, url, why)) return std::nullopt;
  return ep;
}

redis_config redis_config::parse(const config::value& v, std::vector<config::problem>& problems) {
  redis_config out;
  config::map_reader r(v, "backend_config", problems);
  if (auto u = r.string("url", false)) {
    std::string why;
    if (auto ep = endpoint::parse(*u, why))
      out.server = std::move(*ep);
    else
      r.report("url", why);
  }
  if (auto p = r.string("key_prefix")) out.key_prefix = *p;
  if (auto b = r.integer("block_ms", 1, 3'600'000)) out.block_ms = *b;
  if (auto d = r.integer("retention_days", 0, 1'000'000)) out.retention_days = *d;
  if (auto c = r.integer("read_count", 1, 100'000)) out.read_count = *c;
  if (auto t = r.integer("timeout_ms", 1, 3'600'000)) out.timeout_ms = *t;
  if (auto m = r.integer("reconnect_min_ms", 1, 3'600'000)) out.reconnect_min_ms = *m;
  if (auto m = r.integer("reconnect_max_ms", 1, 3'600'000)) out.reconnect_max_ms = *m;
  if (out.reconnect_max_ms < out.reconnect_min_ms)
    r.report("reconnect_max_ms",
             "must not be below reconnect_min_ms (" + std::to_string(out.reconnect_min_ms) + ")");
  r.finish();
  return out;
}

}  // namespace parley::redis
