#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "src/config/value.hpp"

namespace parley::discord {

/// `backend_config` of the Discord backend. The first four keys are the
/// original's, with its defaults; the rest are ours. Secrets (`token`, the
/// webhook URLs, which carry a token in their path) never appear in a log
/// line or an error.
struct discord_config {
  /// The bot token: from `token`, else `$PARLEY_DISCORD_TOKEN` (or the
  /// variable named by `token_env`). Sent as `Authorization: Bot <token>`.
  std::string token;
  /// The REST base, trailing `/` stripped.
  std::string api_url = "https://discord.com/api/v10";
  /// The gateway; empty: ask `GET /gateway/bot`.
  std::string gateway_url;
  /// topic → channel id; a topic not in it is taken as the channel id itself.
  std::map<std::string, std::string> channel_map;
  /// topic → webhook URL (`…/webhooks/<id>/<token>`): posts to that topic go
  /// through the webhook with `username` = the poster's handle.
  std::map<std::string, std::string> webhook_map;
  /// The longest an ordinary request may take.
  std::int64_t request_timeout_ms = 30000;
  /// Fail connect() when the application lacks the MESSAGE_CONTENT intent
  /// (its flags in `GET /applications/@me`).
  bool require_message_content = true;

  /// The channel id of `topic`.
  [[nodiscard]] std::string channel_of(const std::string& topic) const;
  /// Reads and validates; problems carry paths under `backend_config`.
  [[nodiscard]] static discord_config parse(const config::value& v, std::vector<config::problem>& problems);
};

}  // namespace parley::discord
