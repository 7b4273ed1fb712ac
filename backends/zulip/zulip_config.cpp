#include "backends/zulip/zulip_config.hpp"

#include "src/config/base_url.hpp"

namespace parley::zulip {

std::optional<std::string> zulip_config::default_key_warning() const {
  if (api_key != default_api_key) return std::nullopt;
  return std::string("SECURITY: connecting with the built-in default API key ('") + default_api_key +
         "'). Set backend_config.api_key (or $PARLEY_ZULIP_API_KEY) to the bot's key.";
}

zulip_config zulip_config::parse(const config::value& v, std::vector<config::problem>& problems) {
  zulip_config out;
  config::map_reader r(v, "backend_config", problems);
  if (auto u = config::read_base_url(r, "site_url")) out.site_url = *u;
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
