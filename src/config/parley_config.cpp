#include "src/config/parley_config.hpp"

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <regex>
#include <string_view>

#include "src/json/writer.hpp"

namespace parley {
namespace {

using config::map_reader;
using config::problem;
using config::value;

/// Stands in for an absent section, so a nested reader sees "all defaults".
const value k_absent;

/// Delays become timers; Node (the original) fires any longer delay after 1 ms,
/// so a larger value never worked there and would overflow clock arithmetic here.
constexpr std::int64_t k_max_delay_ms = 2'147'483'647;
/// Plain counts and windows: the largest integer the original holds exactly
/// (Number.MAX_SAFE_INTEGER), which also keeps `now - window` from overflowing.
constexpr std::int64_t k_max_count = 9'007'199'254'740'991;

const value& section(map_reader& r, std::string_view key) {
  const value* v = r.get(key);
  return v ? *v : k_absent;
}

std::string json_quoted(std::string_view s) {
  std::string out;
  json::append_quoted(out, s);
  return out;
}

/// A list of strings whose items must each be non-empty. `min_items` 1 makes
/// an explicitly empty list a problem too (`topics: []`).
std::optional<std::vector<std::string>> non_empty_strings(map_reader& r, std::string_view key,
                                                          std::size_t min_items,
                                                          std::string_view empty_message,
                                                          std::vector<problem>& problems) {
  auto list = r.string_list(key);
  if (!list) return std::nullopt;
  bool ok = true;
  for (std::size_t i = 0; i < list->size(); ++i) {
    if ((*list)[i].empty()) {
      problems.push_back({r.path_of(key) + "[" + std::to_string(i) + "]", "must not be empty"});
      ok = false;
    }
  }
  if (list->size() < min_items) {
    r.report(key, std::string(empty_message));
    ok = false;
  }
  if (!ok) return std::nullopt;
  return list;
}

/// The parts of a URL the rules need, parsed the way WHATWG's URL parser (the
/// original's `new URL`) reads the common shapes: `scheme:` then, for the
/// special schemes, an authority whose host is lower-cased.
struct url_parts {
  std::string scheme;
  std::string host;
};

std::optional<url_parts> parse_url(std::string_view s) {
  if (s.empty() || !std::isalpha(static_cast<unsigned char>(s.front()))) return std::nullopt;
  for (char c : s)
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) return std::nullopt;
  std::size_t colon = s.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  url_parts out;
  for (char c : s.substr(0, colon)) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '+' && c != '-' && c != '.')
      return std::nullopt;
    out.scheme += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  static constexpr std::string_view special[] = {"http", "https", "ws", "wss", "ftp"};
  if (std::find(std::begin(special), std::end(special), out.scheme) == std::end(special))
    return out;  // an opaque URL (`mailto:x`): valid, without a host
  std::string_view rest = s.substr(colon + 1);
  while (!rest.empty() && (rest.front() == '/' || rest.front() == '\\')) rest.remove_prefix(1);
  std::string_view authority = rest.substr(0, rest.find_first_of("/\\?#"));
  if (auto at = authority.rfind('@'); at != std::string_view::npos) authority.remove_prefix(at + 1);
  std::string_view host = authority;
  std::string_view port;
  if (!host.empty() && host.front() == '[') {
    std::size_t close = host.find(']');
    if (close == std::string_view::npos) return std::nullopt;
    port = host.substr(close + 1);
    host = host.substr(0, close + 1);
    if (!port.empty() && port.front() != ':') return std::nullopt;
  } else if (auto p = host.find(':'); p != std::string_view::npos) {
    port = host.substr(p);
    host = host.substr(0, p);
  }
  if (host.empty()) return std::nullopt;
  if (!port.empty()) {
    port.remove_prefix(1);  // the ':'
    if (port.size() > 5 || !std::all_of(port.begin(), port.end(), [](char c) {
          return std::isdigit(static_cast<unsigned char>(c));
        }))
      return std::nullopt;
    if (!port.empty() && std::stol(std::string(port)) > 65535) return std::nullopt;
  }
  if (host.front() != '[' && host.find_first_of("#%<>^|[]") != std::string_view::npos)
    return std::nullopt;
  for (char c : host) out.host += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

oidc_config parse_oidc(const value& v, const std::string& path, std::vector<problem>& problems) {
  oidc_config out;
  map_reader r(v, path, problems);
  if (auto issuer = r.string("issuer")) {
    out.issuer = *issuer;
    auto parts = parse_url(*issuer);
    if (!parts) {
      r.report("issuer", "expected a URL, got '" + *issuer + "'");
    } else if (parts->scheme != "https" && parts->host != "127.0.0.1" &&
               parts->host != "localhost") {
      // Loopback stays allowed over http: test and dev identity providers run there.
      r.report("issuer", "auth.oidc.issuer must use https (the JWKS trust root depends on TLS)");
    }
  } else if (v.is_map() && (!v.find("issuer") || v.find("issuer")->is_null())) {
    r.report("issuer", "is required");
  }
  out.audience = r.string("audience", false);
  if (auto jwks = r.string("jwks_uri")) {
    if (parse_url(*jwks))
      out.jwks_uri = *jwks;
    else
      r.report("jwks_uri", "expected a URL, got '" + *jwks + "'");
  }
  out.required_scope = r.string("required_scope", false);
  const std::string_view list_empty = "must list at least one value (or leave the key out)";
  if (auto s = non_empty_strings(r, "allowed_subjects", 1, list_empty, problems))
    out.allowed_subjects = std::move(*s);
  if (auto u = non_empty_strings(r, "allowed_usernames", 1, list_empty, problems))
    out.allowed_usernames = std::move(*u);
  out.required_role = r.string("required_role", false);
  if (auto skew = r.integer("clock_skew_s", 0, 300)) out.clock_skew_s = *skew;
  r.finish();
  return out;
}

void parse_auth(const value& v, auth_config& out, std::vector<problem>& problems) {
  map_reader r(v, "auth", problems);
  if (auto mode = r.string("mode")) {
    if (*mode == "builtin" || *mode == "oidc")
      out.mode = *mode;
    else
      r.report("mode", "must be \"builtin\" or \"oidc\", got '" + *mode + "'");
  }
  const value& oidc = section(r, "oidc");
  if (!oidc.is_null()) out.oidc = parse_oidc(oidc, r.path_of("oidc"), problems);
  if (out.mode == "oidc") {
    if (!out.oidc) {
      r.report("oidc", "auth.mode \"oidc\" requires an auth.oidc block");
    } else {
      // A key that is present counts as a gate even if its value was refused
      // above: that problem is already reported, and one is enough.
      auto present = [&](std::string_view key) {
        const value* k = oidc.find(key);
        return k && !k->is_null();
      };
      if (oidc.is_map() && !present("allowed_subjects") && !present("allowed_usernames") &&
          !present("required_role"))
        r.report("oidc",
                 "auth.mode \"oidc\" requires an identity gate: set at least one of "
                 "allowed_subjects / allowed_usernames / required_role to preserve the "
                 "single-tenant posture (required_scope alone is not sufficient).");
    }
  }
  r.finish();
}

void parse_presence(const value& v, presence_config& out, std::vector<problem>& problems) {
  map_reader r(v, "presence", problems);
  if (auto b = r.boolean("enabled")) out.enabled = *b;
  if (auto t = r.string("topic", false)) out.topic = *t;
  bool heartbeat_ok = true;
  if (r.get("heartbeat_ms")) {
    auto h = r.integer("heartbeat_ms", 1, k_max_delay_ms);
    if (h)
      out.heartbeat_ms = *h;
    else
      heartbeat_ok = false;
  }
  if (r.get("ttl_ms")) {
    if (auto ttl = r.integer("ttl_ms", 1, k_max_count)) {
      out.ttl_ms = *ttl;
      // A ttl below the heartbeat makes every live peer read as offline
      // between two beats (the original's BUG-34, docs/parley-behavior.md "Lessons from the
      // original").
      if (heartbeat_ok && out.ttl_ms < out.heartbeat_ms)
        r.report("ttl_ms",
                 "presence.ttl_ms must be >= presence.heartbeat_ms; peers would appear offline "
                 "between beats");
    }
  } else {
    // The dependent default: the window tracks the cadence unless pinned.
    out.ttl_ms = out.heartbeat_ms * 3;
  }
  r.finish();
}

/// A gateway config describes its sessions in gateway.profiles, and owners
/// bring their own profiles too; the top-level identity and topics then only
/// serve `parley stdio` and become optional.
bool has_gateway_profiles(const value& root) {
  const value* gateway_block = root.find("gateway");
  const bool has_owners = root.find("owners") && !root.find("owners")->is_null();
  return (gateway_block && gateway_block->find("profiles") &&
          !gateway_block->find("profiles")->is_null()) ||
         has_owners;
}

void parse_identity(map_reader& r, bool has_gateway, parley_config& cfg,
                    std::vector<problem>& problems) {
  const value& identity = section(r, "identity");
  map_reader id(identity, "identity", problems);
  if (auto h = id.string("handle", false))
    cfg.handle = *h;
  else if (!has_gateway && !identity.is_scalar() && !identity.is_list() &&
           (!identity.find("handle") || identity.find("handle")->is_null()))
    id.report("handle", "is required");
  id.finish();
}

void parse_topics(map_reader& r, bool has_gateway, parley_config& cfg,
                  std::vector<problem>& problems) {
  if (r.get("topics")) {
    if (auto t = non_empty_strings(r, "topics", 1, "must list at least one topic", problems))
      cfg.topics = std::move(*t);
  } else if (!has_gateway) {
    r.report("topics", "is required: list at least one topic");
  }
  auto p = non_empty_strings(r, "post_topics", 0, "", problems);
  if (!p) return;
  for (std::size_t i = 0; i < p->size(); ++i) {
    const std::string& src = (*p)[i];
    // Compiled as the allowlist will use it, anchored, so a source that only
    // parses on its own (or only inside the group) is caught here too.
    try {
      std::regex bare(src, std::regex::ECMAScript);
      std::regex anchored("^(?:" + src + ")$", std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      problems.push_back({r.path_of("post_topics") + "[" + std::to_string(i) + "]",
                          std::string("invalid regex: ") + e.what()});
    }
  }
  cfg.post_topics = std::move(*p);
}

void parse_catchup(const value& v, catchup_config& out, std::vector<problem>& problems) {
  map_reader c(v, "catchup", problems);
  if (auto b = c.boolean("on_start")) out.on_start = *b;
  if (auto n = c.integer("limit", 1, k_max_count)) out.limit = *n;
  if (auto n = c.integer("block_max_ms", 0, k_max_delay_ms)) out.block_max_ms = *n;
  if (auto n = c.integer("block_poll_interval_ms", 1, k_max_delay_ms))
    out.block_poll_interval_ms = *n;
  c.finish();
}

void parse_live_push(const value& v, live_push_config& out, std::vector<problem>& problems) {
  map_reader l(v, "live_push", problems);
  if (auto b = l.boolean("enabled")) out.enabled = *b;
  if (auto b = l.boolean("mention_filter")) out.mention_filter = *b;
  if (auto b = l.boolean("echo_own_posts")) out.echo_own_posts = *b;
  l.finish();
}

void parse_permissions(const value& v, const presence_config& presence, permissions_config& out,
                       std::vector<problem>& problems) {
  map_reader p(v, "permissions", problems);
  if (auto b = p.boolean("skip_permissions")) out.skip_permissions = *b;
  out.relay_topic = p.string("relay_topic", false);
  bool approvers_ok = true;
  if (p.get("approvers")) {
    auto a = non_empty_strings(p, "approvers", 0, "", problems);
    if (a)
      out.approvers = std::move(*a);
    else
      approvers_ok = false;
  }
  if (auto n = p.integer("timeout_ms", 1, k_max_delay_ms)) out.timeout_ms = *n;
  // Without an approver every relayed request would wait out the timeout
  // and be denied: a relay that can never say yes is a misconfiguration.
  if (out.relay_topic && approvers_ok && out.approvers.empty())
    p.report("approvers",
             "permissions.relay_topic needs at least one approver (permissions.approvers)");
  if (out.relay_topic && *out.relay_topic == presence.topic)
    p.report("relay_topic", json_quoted(presence.topic) +
                                " is reserved for presence (presence.topic); choose another "
                                "permissions.relay_topic or change presence.topic");
  p.finish();
}

/// The top-level session keys are the gateway's `default` profile, unless
/// the gateway names one itself.
void add_default_profile(parley_config& cfg) {
  if (cfg.handle.empty() || cfg.topics.empty() ||
      std::any_of(cfg.gateway.profiles.begin(), cfg.gateway.profiles.end(),
                  [](const gateway_profile& p) { return p.name == "default"; }))
    return;
  gateway_profile d;
  d.name = "default";
  d.handle = cfg.handle;
  d.topics = cfg.topics;
  d.post_topics = cfg.post_topics;
  d.live_push = true;  // over HTTP the stream is opt-in by the client (GET)
  d.mention_filter = cfg.live_push.mention_filter;
  d.echo_own_posts = cfg.live_push.echo_own_posts;
  d.presence = cfg.presence.enabled;
  cfg.gateway.profiles.insert(cfg.gateway.profiles.begin(), std::move(d));
}

void parse_stdio(const value& v, stdio_config& out, std::vector<problem>& problems) {
  map_reader s(v, "stdio", problems);
  if (auto n = s.integer("max_line_bytes", 1024, 1'073'741'824)) out.max_line_bytes = *n;
  s.finish();
}

void parse_backend_config(map_reader& r, bool backend_defaulted, const std::string& config_dir,
                          parley_config& cfg) {
  if (const value* bc = r.get("backend_config")) {
    if (bc->is_map())
      cfg.backend_config = *bc;
    else
      r.report("backend_config", "expected a mapping of keys to values");
  }
  if (!cfg.backend_config.is_map()) cfg.backend_config = value::map();
  if (!backend_defaulted) return;
  // The zero-setup default: SQLite beside the config file, not in whatever
  // directory the session happened to start in (the original's cwd-relative
  // `parley.db` split one deployment's history across directories).
  const value* db = cfg.backend_config.find("db_path");
  if (!db || db->is_null())
    cfg.backend_config.set(
        "db_path", value::scalar((std::filesystem::path(config_dir) / "parley.db").string()));
}

}  // namespace

parley_config parse_config(const value& root, const std::string& config_dir,
                           std::vector<problem>& problems) {
  parley_config cfg;
  cfg.config_dir = config_dir;
  map_reader r(root, "", problems);

  bool backend_defaulted = true;
  if (auto b = r.string("backend", false)) {
    // Names and aliases (`local-sqlite`) are the registry's business.
    cfg.backend = *b;
    backend_defaulted = false;
  }
  cfg.instance_id = r.string("instance_id", false);
  cfg.state_path = r.string("state_path", false);

  const bool has_gateway = has_gateway_profiles(root);
  parse_identity(r, has_gateway, cfg, problems);
  parse_topics(r, has_gateway, cfg, problems);
  parse_catchup(section(r, "catchup"), cfg.catchup, problems);
  parse_live_push(section(r, "live_push"), cfg.live_push, problems);
  parse_presence(section(r, "presence"), cfg.presence, problems);
  parse_permissions(section(r, "permissions"), cfg.presence, cfg.permissions, problems);
  parse_auth(section(r, "auth"), cfg.auth, problems);
  cfg.gateway = parse_gateway_config(section(r, "gateway"), cfg.presence.topic, problems);
  cfg.owners = parse_owners_config(section(r, "owners"), cfg.presence.topic, problems);
  add_default_profile(cfg);
  parse_stdio(section(r, "stdio"), cfg.stdio, problems);
  cfg.nats_agent = nats_agent::parse_agent_config(section(r, "nats_agent"), "nats_agent", problems);
  parse_backend_config(r, backend_defaulted, config_dir, cfg);

  // Cross-field rule, after every default is in place.
  if (std::find(cfg.topics.begin(), cfg.topics.end(), cfg.presence.topic) != cfg.topics.end())
    r.report("topics", json_quoted(cfg.presence.topic) +
                           " is reserved for presence (presence.topic); rename the topic or change "
                           "presence.topic");

  r.finish();
  return cfg;
}

result<parley_config> load_config(const std::string& path) {
  auto tree = read_yaml_file(path);
  if (!tree) return tree.error();
  std::error_code ec;
  // Normalized before taking the parent, so `./parley.yaml` gives `/x`, not `/x/.`.
  std::filesystem::path dir = std::filesystem::absolute(path, ec).lexically_normal().parent_path();
  if (ec) return fail(errc::io_error, "cannot resolve config path " + path + ": " + ec.message());
  std::vector<problem> problems;
  parley_config cfg = parse_config(*tree, dir.string(), problems);
  if (problems.empty()) return cfg;
  std::string message = "invalid config " + path + ":";
  for (const auto& p : problems) message += "\n" + p.path + ": " + p.message;
  return fail(errc::invalid_config, std::move(message));
}

}  // namespace parley
