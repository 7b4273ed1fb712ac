#include "backends/xmpp/xmpp_config.hpp"

#include <random>

#include "src/util/url.hpp"

namespace parley::xmpp {

namespace {

constexpr const char* default_password = "parleypass";

/// Reads `service` into host, port and TLS mode.
void read_service(config::map_reader& r, xmpp_config& out) {
  auto s = r.string("service", false);
  if (!s) return;
  auto parts = url::split(*s);
  if (!parts || (parts->scheme != "xmpp" && parts->scheme != "xmpps") ||
      !(parts->rest.empty() || parts->rest == "/")) {
    r.report("service", "expected xmpp://host[:port] or xmpps://host[:port], got \"" + *s + "\"");
    return;
  }
  auto hp = url::parse_authority(parts->authority);
  if (!hp || (hp->port && (*hp->port < 1 || *hp->port > 65535))) {
    r.report("service", "the host or port of \"" + *s + "\" does not parse");
    return;
  }
  out.host = hp->host;
  if (out.host.size() > 2 && out.host.front() == '[') out.host = out.host.substr(1, out.host.size() - 2);
  const bool direct = parts->scheme == "xmpps";
  out.port = hp->port.value_or(direct ? 5223 : 5222);
  if (direct) out.tls = tls_mode::direct;
}

/// `password`, else the environment, else the default.
void read_password(config::map_reader& r, xmpp_config& out) {
  if (auto p = r.secret("password", "PARLEY_XMPP_PASSWORD")) out.password = *p;
  out.default_password = out.password == default_password;
}

void read_tls(config::map_reader& r, xmpp_config& out) {
  auto tls = r.boolean("tls");
  if (!tls || *tls) return;
  if (out.tls == tls_mode::direct) {
    r.report("tls", "tls: false contradicts an xmpps:// service");
    return;
  }
  if (!url::is_loopback_host(out.host == "::1" ? "[::1]" : out.host)) {
    r.report("tls", "tls: false is only allowed for a server on 127.0.0.1, localhost or ::1");
    return;
  }
  out.tls = tls_mode::off;
}

}  // namespace

std::string random_nick(const std::string& username) {
  static constexpr char alphabet[] = "0123456789abcdefghijklmnopqrstuvwxyz";
  std::random_device rd;
  std::uniform_int_distribution<int> pick(0, 35);
  std::string out = username + "-";
  for (int i = 0; i < 10; ++i) out.push_back(alphabet[pick(rd)]);
  return out;
}

xmpp_config xmpp_config::parse(const config::value& v, std::vector<config::problem>& problems) {
  xmpp_config out;
  config::map_reader r(v, "backend_config", problems);
  read_service(r, out);
  if (auto d = r.string("domain", false)) out.domain = *d;
  if (auto m = r.string("muc_service", false)) out.muc_service = *m;
  if (auto u = r.string("username", false)) out.username = *u;
  read_password(r, out);
  if (auto n = r.string("nick", false)) out.nick = *n;
  read_tls(r, out);
  if (auto t = r.integer("timeout_ms", 100, 600'000)) out.timeout_ms = *t;
  if (auto p = r.integer("self_ping_ms", 0, 86'400'000)) out.self_ping_ms = *p;
  if (auto m = r.integer("max_stanza_bytes", 4096, 64 * 1024 * 1024)) out.max_stanza_bytes = *m;
  if (auto m = r.integer("reconnect_min_ms", 1, 3'600'000)) out.reconnect_min_ms = *m;
  if (auto m = r.integer("reconnect_max_ms", 1, 3'600'000)) out.reconnect_max_ms = *m;
  if (out.reconnect_max_ms < out.reconnect_min_ms)
    r.report("reconnect_max_ms", "must not be below reconnect_min_ms");
  if (out.nick.empty()) out.nick = random_nick(out.username);
  r.finish();
  return out;
}

}  // namespace parley::xmpp
