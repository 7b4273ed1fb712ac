#include "src/nats_client/connection_settings.hpp"

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

}  // namespace

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

}  // namespace parley::nats
