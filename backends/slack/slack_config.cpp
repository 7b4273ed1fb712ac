#include "backends/slack/slack_config.hpp"

#include "src/config/base_url.hpp"

namespace parley::slack {

namespace {

void read_channel_map(config::map_reader& r, slack_config& out) {
  auto m = r.string_map("channel_map");
  if (!m) return;
  for (const auto& [topic, channel] : *m) {
    if (channel.empty() || channel.find_first_of(" /?#&") != std::string::npos) {
      r.report("channel_map", "the channel id of \"" + topic + "\" is not a Slack channel id: \"" +
                                  channel + "\"");
      continue;
    }
    out.channel_map[topic] = channel;
  }
}

void read_display(config::map_reader& r, slack_config& out) {
  auto d = r.string("handle_display", false);
  if (!d) return;
  if (*d == "auto")
    out.display = handle_display::automatic;
  else if (*d == "username")
    out.display = handle_display::username;
  else if (*d == "prefix")
    out.display = handle_display::prefix;
  else
    r.report("handle_display", "expected auto, username or prefix, got \"" + *d + "\"");
}

}  // namespace

std::string slack_config::channel_of(const std::string& topic) const {
  auto it = channel_map.find(topic);
  return it == channel_map.end() ? topic : it->second;
}

slack_config slack_config::parse(const config::value& v, std::vector<config::problem>& problems) {
  slack_config out;
  config::map_reader r(v, "backend_config", problems);
  if (auto t = r.secret("bot_token", "PARLEY_SLACK_BOT_TOKEN")) out.bot_token = *t;
  if (auto t = r.secret("app_token", "PARLEY_SLACK_APP_TOKEN")) out.app_token = *t;
  if (auto u = config::read_base_url(r, "api_url")) out.api_url = *u;
  read_channel_map(r, out);
  read_display(r, out);
  if (auto m = r.integer("post_rate_per_minute", 0, 60'000))
    out.rate.per_second = static_cast<double>(*m) / 60.0;
  if (auto b = r.integer("post_burst", 1, 10'000)) out.rate.burst = static_cast<int>(*b);
  if (auto t = r.integer("request_timeout_ms", 1000, 600'000))
    out.request_timeout = std::chrono::milliseconds(*t);
  if (out.bot_token.empty())
    r.report("bot_token", "is required (a bot token, xoxb-…), or set $PARLEY_SLACK_BOT_TOKEN");
  r.finish();
  return out;
}

}  // namespace parley::slack
