#include "src/config/gateway_config.hpp"

#include <algorithm>
#include <regex>

#include "src/util/sha256.hpp"

namespace parley {

namespace {

using config::map_reader;
using config::value;

const value absent;

const value& section(map_reader& r, std::string_view key) {
  const value* v = r.get(key);
  return v ? *v : absent;
}

bool is_hex64(const std::string& s) {
  return s.size() == 64 &&
         std::all_of(s.begin(), s.end(), [](char c) { return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'); });
}

gateway_profile parse_profile(const std::string& name, const value& v, const std::string& presence_topic,
                              std::vector<config::problem>& problems) {
  const std::string path = "gateway.profiles." + name;
  gateway_profile p;
  p.name = name;
  map_reader r(v, path, problems);
  {
    map_reader id(section(r, "identity"), path + ".identity", problems);
    if (auto h = id.string("handle", false))
      p.handle = *h;
    else
      id.report("handle", "is required");
    id.finish();
  }
  if (auto t = r.string_list("topics"); t && !t->empty())
    p.topics = *t;
  else
    r.report("topics", "is required: list at least one topic");
  if (std::find(p.topics.begin(), p.topics.end(), presence_topic) != p.topics.end())
    r.report("topics", "\"" + presence_topic + "\" is reserved for presence (presence.topic)");
  if (auto pt = r.string_list("post_topics")) {
    for (std::size_t i = 0; i < pt->size(); ++i) {
      try {
        std::regex anchored("^(?:" + (*pt)[i] + ")$", std::regex::ECMAScript);
      } catch (const std::regex_error& e) {
        problems.push_back({path + ".post_topics[" + std::to_string(i) + "]", std::string("invalid regex: ") + e.what()});
      }
    }
    p.post_topics = *pt;
  }
  {
    map_reader l(section(r, "live_push"), path + ".live_push", problems);
    if (auto b = l.boolean("enabled")) p.live_push = *b;
    if (auto b = l.boolean("mention_filter")) p.mention_filter = *b;
    if (auto b = l.boolean("echo_own_posts")) p.echo_own_posts = *b;
    l.finish();
  }
  {
    map_reader pr(section(r, "presence"), path + ".presence", problems);
    if (auto b = pr.boolean("enabled")) p.presence = *b;
    pr.finish();
  }
  {
    map_reader na(section(r, "nats_agent"), path + ".nats_agent", problems);
    if (auto b = na.boolean("enabled")) p.nats_agent = *b;
    na.finish();
  }
  r.finish();
  return p;
}

}  // namespace

gateway_config parse_gateway_config(const value& v, const std::string& presence_topic,
                                    std::vector<config::problem>& problems) {
  gateway_config g;
  map_reader r(v, "gateway", problems);
  if (auto s = r.string("listen", false)) g.listen = *s;
  if (!parse_listen(g.listen, g.listen_host, g.port))
    r.report("listen", "expected HOST:PORT (like 127.0.0.1:7420), got '" + g.listen + "'");
  if (auto s = r.string("public_url", false)) {
    g.public_url = *s;
    g.public_url_given = true;
  }
  if (auto o = r.string_list("allowed_origins")) g.allowed_origins = *o;
  if (auto n = r.integer("io_threads", 1, 64)) g.io_threads = *n;
  if (auto n = r.integer("session_idle_timeout_s", 10, 31'536'000)) g.session_idle_timeout_s = *n;
  if (auto n = r.integer("max_body_bytes", 1024, 1'073'741'824)) g.max_body_bytes = *n;
  if (auto n = r.integer("replay_events", 0, 1'000'000)) g.replay_events = *n;
  if (auto n = r.integer("max_backlog_bytes", 65536, 1'073'741'824)) g.max_backlog_bytes = *n;
  if (auto n = r.integer("max_sessions", 1, 10'000'000)) g.max_sessions = *n;
  if (g.public_url.empty()) g.public_url = "http://" + g.listen;
  while (!g.public_url.empty() && g.public_url.back() == '/') g.public_url.pop_back();

  {
    map_reader o(section(r, "oauth"), "gateway.oauth", problems);
    if (auto s = o.string("state_db", false)) g.oauth.state_db = *s;
    if (auto n = o.integer("code_ttl_s", 5, 3600)) g.oauth.code_ttl_s = *n;
    if (auto n = o.integer("access_ttl_s", 1, 31'536'000)) g.oauth.access_ttl_s = *n;
    if (auto n = o.integer("refresh_ttl_s", 60, 31'536'000 * 5LL)) g.oauth.refresh_ttl_s = *n;
    if (auto n = o.integer("max_clients", 1, 10'000'000)) g.oauth.max_clients = *n;
    o.finish();
  }

  const value& profiles = section(r, "profiles");
  if (profiles.is_map()) {
    for (const auto& [name, pv] : profiles.entries()) g.profiles.push_back(parse_profile(name, pv, presence_topic, problems));
  } else if (!profiles.is_null()) {
    r.report("profiles", "expected a mapping of profile names to {identity: {handle}, topics, ...}");
  }

  const value& tokens = section(r, "tokens");
  if (!tokens.is_null() && !tokens.is_list()) r.report("tokens", "expected a list of {sha256, profile}");
  if (tokens.is_list()) {
    for (std::size_t i = 0; i < tokens.items().size(); ++i) {
      const std::string path = "gateway.tokens[" + std::to_string(i) + "]";
      map_reader t(tokens.items()[i], path, problems);
      gateway_token tok;
      if (auto h = t.string("sha256", false)) {
        if (is_hex64(*h))
          tok.sha256_hex = *h;
        else
          t.report("sha256", "must be 64 lower-case hex digits (make one with `parley hash-token TOKEN`)");
      } else {
        t.report("sha256", "is required (make one with `parley hash-token TOKEN`)");
      }
      if (auto p = t.string("profile", false)) {
        // `default` is the profile made of the top-level keys (parse_config).
        tok.profile = *p;
        if (*p != "default" &&
            std::none_of(g.profiles.begin(), g.profiles.end(), [&](const gateway_profile& gp) { return gp.name == *p; }))
          t.report("profile", "names no profile in gateway.profiles: '" + *p + "'");
      } else {
        t.report("profile", "is required");
      }
      t.finish();
      g.tokens.push_back(std::move(tok));
    }
  }
  r.finish();
  return g;
}

gateway_profile parse_gateway_profile(const std::string& name, const value& v, const std::string& path,
                                      const std::string& presence_topic, std::vector<config::problem>& problems) {
  const std::size_t first = problems.size();
  gateway_profile p = parse_profile(name, v, presence_topic, problems);
  // parse_profile names keys under gateway.profiles.<name>; re-root them.
  const std::string own = "gateway.profiles." + name;
  for (std::size_t i = first; i < problems.size(); ++i)
    if (problems[i].path.rfind(own, 0) == 0) problems[i].path = path + problems[i].path.substr(own.size());
  return p;
}

bool parse_listen(const std::string& listen, std::string& host, std::int64_t& port) {
  const auto colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0 || colon + 1 == listen.size()) return false;
  std::string h = listen.substr(0, colon);
  if (h.front() == '[' && h.back() == ']') h = h.substr(1, h.size() - 2);
  const std::string p = listen.substr(colon + 1);
  if (!std::all_of(p.begin(), p.end(), [](char c) { return c >= '0' && c <= '9'; }) || p.size() > 5) return false;
  const long v = std::stol(p);
  if (v > 65535) return false;
  host = h;
  port = v;
  return true;
}

std::string token_digest(const std::string& token) {
  return sha256_hex(token);
}

}  // namespace parley
