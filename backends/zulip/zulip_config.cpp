#include "backends/zulip/zulip_config.hpp"

#include "src/util/url.hpp"

namespace parley::zulip {

namespace {

void read_site_url(config::map_reader& r, zulip_config& out) {
  auto u = r.string("site_url", false);
  if (!u) return;
  std::string s = *u;
  while (!s.empty() && s.back() == '/') s.pop_back();
  auto parsed = url::parse_http_url(s);
  if (!parsed || parsed->path.find_first_of("?#") != std::string::npos) {
    r.report("site_url", "expected an http(s) URL without query, got \"" + *u + "\"");
    return;
  }
  out.site_url = s;
}

}  // namespace

std::optional<std::string> zulip_config::default_key_warning() const {
  if (api_key != default_api_key) return std::nullopt;
  return std::string("SECURITY: connecting with the built-in default API key ('") + default_api_key +
         "'). Set backend_config.api_key (or $PARLEY_ZULIP_API_KEY) to the bot's key.";
}

zulip_config zulip_config::parse(const config::value& v, std::vector<config::problem>& problems) {
  zulip_config out;
  config::map_reader r(v, "backend_config", problems);
  read_site_url(r, out);
  if (auto e = r.string("email", false)) {
    if (e->find(':') != std::string::npos)
      r.report("email", "a Zulip account email cannot hold ':', got \"" + *e + "\"");
    else
      out.email = *e;
  }
  if (auto k = r.secret("api_key", "PARLEY_ZULIP_API_KEY")) out.api_key = *k;
  if (auto s = r.string("stream", false)) out.stream = *s;
  if (auto t = r.integer("events_timeout_ms", 1000, 600'000))
    out.events_timeout = std::chrono::milliseconds(*t);
  if (auto a = r.boolean("all_topics")) out.all_topics = *a;
  if (auto n = r.integer("requests_per_minute", 0, 100'000)) out.requests_per_minute = static_cast<long>(*n);
  if (auto t = r.integer("request_timeout_ms", 1000, 600'000))
    out.request_timeout = std::chrono::milliseconds(*t);
  r.finish();
  return out;
}

}  // namespace parley::zulip
