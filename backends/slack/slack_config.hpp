#pragma once

#include <chrono>
#include <map>
#include <string>
#include <vector>

#include "backends/slack/post_budget.hpp"
#include "src/config/value.hpp"

namespace parley::slack {

/// How a post shows the agent's handle (every post goes out as the one bot).
enum class handle_display {
  /// `username` when the bot token has `chat:write.customize` (auth.test's
  /// `x-oauth-scopes` says), else `prefix`.
  automatic,
  /// `username=<handle>`: the message shows under the handle's name.
  username,
  /// `*handle*: ` in front of the text.
  prefix,
};

/// `backend_config` of the Slack backend. The first four keys are the
/// original's, with its defaults; the rest are ours. The tokens never appear
/// in a log line or an error.
struct slack_config {
  /// From `bot_token`, else `$PARLEY_SLACK_BOT_TOKEN` (or the variable named
  /// by `bot_token_env`). Required.
  std::string bot_token;
  /// From `app_token`, else `$PARLEY_SLACK_APP_TOKEN` (or the variable named
  /// by `app_token_env`). Required for live delivery (Socket Mode) only.
  std::string app_token;
  /// The Web API's base URL, trailing `/` stripped.
  std::string api_url = "https://slack.com/api";
  /// Topic → channel id; a topic not in it is used as the channel id.
  std::map<std::string, std::string> channel_map;
  /// How the agent's handle is shown.
  handle_display display = handle_display::automatic;
  /// The posting budget per channel (`post_rate_per_minute`, 60; 0: none,
  /// and `post_burst`, 10): a burst of posts queues instead of meeting 429s.
  post_rate rate;
  /// The longest one Web API call may take.
  std::chrono::milliseconds request_timeout{30'000};

  /// The channel id of `topic`.
  [[nodiscard]] std::string channel_of(const std::string& topic) const;

  /// Reads and validates; problems carry paths under `backend_config`.
  [[nodiscard]] static slack_config parse(const config::value& v,
                                          std::vector<config::problem>& problems);
};

}  // namespace parley::slack
