#include "backends/postgres/postgres_config.hpp"

#include <cstdio>

namespace parley::postgres {

namespace {

bool is_identifier(std::string_view s) {
  if (s.empty()) return false;
  auto alpha = [](char c) { return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c == '_'; };
  if (!alpha(s.front())) return false;
  for (char c : s)
    if (!alpha(c) && !(c >= '0' && c <= '9')) return false;
  return true;
}

// JSON.stringify of a string, as the original quotes the name.
std::string json_quote(std::string_view s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      default:
        if (c < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out.push_back(static_cast<char>(c));
        }
    }
  }
  out.push_back('"');
  return out;
}

}  // namespace

std::optional<std::string> check_table_name(std::string_view name) {
  if (is_identifier(name)) return std::nullopt;
  return "invalid table_name " + json_quote(name) +
         " — use only [A-Za-z0-9_], not starting with a digit";
}

std::string default_credentials_warning() {
  return "[parley-postgres] SECURITY: connecting with the built-in default DSN "
         "('postgres://parley:parley@…'). Set backend_config.url to a real connection string; a "
         "network-reachable database provisioned with these credentials is "
         "world-readable/injectable.";
}

std::string redact_url(std::string_view url) {
  std::string out(url);
  const auto scheme = out.find("://");
  if (scheme != std::string::npos) {
    const auto host_start = scheme + 3;
    const auto path = out.find_first_of("/?", host_start);
    const auto at = out.rfind('@', path == std::string::npos ? std::string::npos : path);
    if (at != std::string::npos && at > host_start) {
      const auto colon = out.find(':', host_start);
      if (colon != std::string::npos && colon < at) out.replace(colon + 1, at - colon - 1, "***");
    }
  }
  // key=value conninfo (and URI query parameters): password=...
  for (std::size_t pos = out.find("password="); pos != std::string::npos;
       pos = out.find("password=", pos + 1)) {
    const auto value = pos + 9;
    auto end = out.find_first_of(" &", value);
    if (end == std::string::npos) end = out.size();
    out.replace(value, end - value, "***");
  }
  return out;
}

postgres_config postgres_config::parse(const config::value& v,
                                       std::vector<config::problem>& problems) {
  postgres_config out;
  config::map_reader r(v, "backend_config", problems);
  if (auto u = r.string("url", false)) {
    out.url = *u;
    out.url_given = true;
  }
  if (auto t = r.string("table_name")) {
    if (auto err = check_table_name(*t))
      r.report("table_name", *err);
    else
      out.table_name = *t;
  }
  if (auto n = r.integer("pool_size", 1, 1000)) out.pool_size = *n;
  r.finish();
  return out;
}

}  // namespace parley::postgres
