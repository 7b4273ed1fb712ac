#include "backends/nats/nats_config.hpp"

#include <simdjson.h>

#include <cstdlib>
#include <fstream>
#include <sstream>

namespace parley::nats {

namespace {

std::string context_path(const std::string& name) {
  const char* xdg = std::getenv("XDG_CONFIG_HOME");
  std::string base = xdg && *xdg ? xdg : std::string(std::getenv("HOME") ? std::getenv("HOME") : "") + "/.config";
  return base + "/nats/context/" + name + ".json";
}

/// "nats://a:4222,nats://b:4222" or "a:4222" → a list.
std::vector<std::string> split_servers(const std::string& s) {
  std::vector<std::string> out;
  std::string cur;
  for (char c : s) {
    if (c == ',') {
      if (!cur.empty()) out.push_back(cur);
      cur.clear();
    } else if (c != ' ') {
      cur.push_back(c);
    }
  }
  if (!cur.empty()) out.push_back(cur);
  return out;
}

}  // namespace

result<connection_settings> read_context(const std::string& name) {
  if (name.empty() || name.find('/') != std::string::npos || name == "." || name == "..")
    return fail(errc::invalid_config, "backend_config.context: not a context name: '" + name + "'");
  const std::string path = context_path(name);
  std::ifstream in(path);
  if (!in) return fail(errc::invalid_config, "backend_config.context: cannot read NATS context file " + path);
  std::stringstream text;
  text << in.rdbuf();
  simdjson::dom::parser parser;
  simdjson::dom::object obj;
  const std::string body = text.str();
  if (parser.parse(body).get_object().get(obj))
    return fail(errc::invalid_config, "backend_config.context: " + path + " is not a JSON object");
  connection_settings out;
  auto str = [&](const char* key) -> std::optional<std::string> {
    std::string_view v;
    if (obj[key].get_string().get(v) || v.empty()) return std::nullopt;
    return std::string(v);
  };
  if (auto url = str("url")) out.servers = split_servers(*url);
  out.user = str("user");
  out.password = str("password");
  out.token = str("token");
  out.creds = str("creds");
  out.tls_cert = str("cert");
  out.tls_key = str("key");
  out.tls_ca = str("ca");
  if (str("nkey"))
    return fail(errc::invalid_config, "backend_config.context: " + path +
                                          " uses an nkey seed, which this build cannot use; use a .creds file");
  return out;
}

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
