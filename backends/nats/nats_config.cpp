#include "backends/nats/nats_config.hpp"

namespace parley::nats {

nats_config nats_config::parse(const config::value& v, std::vector<config::problem>& problems) {
  nats_config out;
  config::map_reader r(v, "backend_config", problems);
  if (auto ctx = r.string("context", false)) {
    auto settings = read_context(*ctx);
    if (settings)
      out.connection = std::move(*settings);
    else
      r.report("context", settings.error().message.substr(settings.error().message.find(": ") + 2));
  }
  if (auto servers = r.string_list("servers", true)) {
    out.connection.servers.clear();
    for (const auto& s : *servers)
      for (auto& part : split_servers(s)) out.connection.servers.push_back(part);
  }
  if (out.connection.servers.empty()) out.connection.servers = {"127.0.0.1:4222"};
  if (auto u = r.string("user", false)) out.connection.user = u;
  if (auto p = r.string("password")) out.connection.password = p;
  if (auto t = r.string("token", false)) out.connection.token = t;
  if (auto c = r.string("creds", false)) out.connection.creds = c;
  if (auto p = r.string("subject_prefix")) out.subject_prefix = *p;
  if (auto p = r.string("stream_prefix")) out.stream_prefix = *p;
  if (auto d = r.integer("retention_days", 1, 36500)) out.retention_days = d;
  if (auto w = r.integer("reconnect_wait_ms", 1, 600'000)) out.reconnect_wait_ms = *w;
  if (auto j = r.integer("reconnect_jitter_ms", 0, 600'000)) out.reconnect_jitter_ms = *j;
  if (auto m = r.integer("max_reconnect_attempts", -1, 1'000'000)) out.max_reconnect_attempts = *m;
  if (auto t = r.integer("request_timeout_ms", 100, 600'000)) out.request_timeout_ms = *t;
  // Stream names allow no '.', '*', '>' or whitespace, so neither may the prefix.
  for (char c : out.stream_prefix)
    if (c == '.' || c == '*' || c == '>' || c == ' ' || c == '/' || c == '\\') {
      r.report("stream_prefix", "must not contain '.', '*', '>', '/', '\\' or spaces");
      break;
    }
  r.finish();
  return out;
}

}  // namespace parley::nats
