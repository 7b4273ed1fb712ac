#include "backends/discord/discord_config.hpp"

#include "backends/discord/snowflake.hpp"
#include "src/util/url.hpp"
#include "src/ws_client/ws_url.hpp"

namespace parley::discord {

namespace {

/// An http(s) URL (`ws`: a ws(s) URL) without query or fragment, trailing
/// `/` stripped.
std::optional<std::string> read_url(config::map_reader& r, const char* key, const char* schemes) {
  auto u = r.string(key, false);
  if (!u) return std::nullopt;
  std::string s = *u;
  while (!s.empty() && s.back() == '/') s.pop_back();
  const bool ws = std::string_view(schemes) == "ws";
  bool ok;
  if (ws) {
    auto parsed = ws::parse_ws_url(s);
    ok = parsed && s.find('#') == std::string::npos;
  } else {
    auto parsed = url::parse_http_url(s);
    ok = parsed && parsed->path.find_first_of("?#") == std::string::npos;
  }
  if (!ok) {
    r.report(key, std::string("expected a ") + (ws ? "ws(s)" : "http(s)") + " URL, got \"" + *u + "\"");
    return std::nullopt;
  }
  return s;
}

void read_channel_map(config::map_reader& r, discord_config& out) {
  auto m = r.string_map("channel_map");
  if (!m) return;
  for (const auto& [topic, id] : *m) {
    if (!snowflake::parse(id))
      r.report("channel_map", "channel id of topic \"" + topic + "\" must be a Discord id (digits), got \"" + id + "\"");
    else
      out.channel_map[topic] = id;
  }
}

/// Webhook URLs hold a token: a problem names the topic, never the URL.
void read_webhook_map(config::map_reader& r, discord_config& out) {
  auto m = r.string_map("webhook_map");
  if (!m) return;
  for (const auto& [topic, hook] : *m) {
    auto parsed = url::parse_http_url(hook);
    if (!parsed || parsed->path.find("/webhooks/") == std::string::npos ||
        parsed->path.find_first_of("?#") != std::string::npos)
      r.report("webhook_map", "the webhook of topic \"" + topic +
                                  "\" is not a Discord webhook URL (https://discord.com/api/webhooks/<id>/<token>)");
    else
      out.webhook_map[topic] = hook;
  }
}

}  // namespace

std::string discord_config::channel_of(const std::string& topic) const {
  auto it = channel_map.find(topic);
  return it == channel_map.end() ? topic : it->second;
}

discord_config discord_config::parse(const config::value& v, std::vector<config::problem>& problems) {
  discord_config out;
  config::map_reader r(v, "backend_config", problems);
  out.token = r.secret("token", "PARLEY_DISCORD_TOKEN").value_or("");
  if (out.token.empty()) r.report("token", "is required (or set $PARLEY_DISCORD_TOKEN): the bot token");
  if (auto u = read_url(r, "api_url", "http")) out.api_url = *u;
  if (auto u = read_url(r, "gateway_url", "ws")) out.gateway_url = *u;
  read_channel_map(r, out);
  read_webhook_map(r, out);
  if (auto t = r.integer("request_timeout_ms", 1000, 600'000)) out.request_timeout_ms = *t;
  if (auto b = r.boolean("require_message_content")) out.require_message_content = *b;
  r.finish();
  return out;
}

}  // namespace parley::discord
