#include "backends/matrix/matrix_config.hpp"

#include "src/config/base_url.hpp"

#include <cstdlib>

#include "src/util/url.hpp"

namespace parley::matrix {

namespace {

constexpr const char* builtin_password = "parleypass";

void read_shared_room(config::map_reader& r, matrix_config& out) {
  auto s = r.string("shared_room", false);
  if (!s) return;
  if (s->find_first_of(":# /") != std::string::npos) {
    r.report("shared_room", "expected an alias localpart (no ':', '#', '/' or space), got \"" + *s + "\"");
    return;
  }
  out.shared_room = *s;
}

void read_listen(config::map_reader& r, appservice_config& as) {
  auto l = r.string("listen", false);
  if (!l) return;
  auto hp = url::parse_authority(*l);
  if (!hp || !hp->port || *hp->port < 1 || *hp->port > 65535) {
    r.report("listen", "expected host:port, e.g. 127.0.0.1:7420, got \"" + *l + "\"");
    return;
  }
  as.listen_host = hp->host;
  as.listen_port = *hp->port;
}

void read_appservice(config::map_reader& r, matrix_config& out, std::vector<config::problem>& problems) {
  const config::value* v = r.get("appservice");
  if (v == nullptr || v->is_null()) return;
  config::map_reader ar(*v, r.path_of("appservice"), problems);
  appservice_config as;
  if (auto t = ar.secret("as_token", "PARLEY_MATRIX_AS_TOKEN")) as.as_token = *t;
  if (auto t = ar.secret("hs_token", "PARLEY_MATRIX_HS_TOKEN")) as.hs_token = *t;
  read_listen(ar, as);
  if (auto s = ar.string("sender_localpart", false)) as.sender_localpart = *s;
  if (as.as_token.empty()) ar.report("as_token", "is required (or $PARLEY_MATRIX_AS_TOKEN)");
  if (as.hs_token.empty() && as.listen_port != 0) ar.report("hs_token", "is required with listen");
  ar.finish();
  out.appservice = as;
}

}  // namespace

matrix_config matrix_config::parse(const config::value& v, std::vector<config::problem>& problems) {
  matrix_config out;
  config::map_reader r(v, "backend_config", problems);
  if (auto u = config::read_base_url(r, "homeserver_url")) out.homeserver_url = *u;
  if (auto u = r.string("user", false)) out.user = *u;
  if (auto p = r.secret("password", "PARLEY_MATRIX_PASSWORD")) out.password = *p;
  out.default_password = out.password == builtin_password;
  if (auto s = r.string("server_name", false)) out.server_name = *s;
  if (auto t = r.integer("sync_timeout_ms", 0, 600'000)) out.sync_timeout_ms = *t;
  read_shared_room(r, out);
  if (auto t = r.secret("access_token", "PARLEY_MATRIX_ACCESS_TOKEN")) out.access_token = *t;
  if (auto u = r.string("user_id", false)) {
    if (u->size() < 3 || u->front() != '@' || u->find(':') == std::string::npos)
      r.report("user_id", "expected a Matrix user id like @parley:example.org, got \"" + *u + "\"");
    else
      out.user_id = *u;
  }
  if (auto t = r.integer("request_timeout_ms", 1000, 600'000)) out.request_timeout_ms = *t;
  if (auto l = r.integer("sync_timeline_limit", 1, 1000)) out.sync_timeline_limit = *l;
  read_appservice(r, out, problems);
  r.finish();
  return out;
}

}  // namespace parley::matrix
