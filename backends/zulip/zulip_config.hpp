#pragma once

#include <chrono>
#include <optional>
#include <string>
#include <vector>

#include "src/config/value.hpp"

namespace parley::zulip {

/// The original's API key default: connecting with it draws a SECURITY warning.
inline constexpr const char* default_api_key = "parley-api-key";

/// `backend_config` of the Zulip backend. The first five keys are the
/// original's, with its defaults; the rest are ours. The API key never
/// appears in a log line or an error.
struct zulip_config {
  /// The server's base URL, trailing `/` stripped; the API is under `/api/v1`.
  std::string site_url = "http://127.0.0.1:9991";
  /// The bot's account (HTTP Basic user name).
  std::string email = "parley-bot@localhost";
  /// From `api_key`, else `$PARLEY_ZULIP_API_KEY` (or the variable named by
  /// `api_key_env`), else the original's default.
  std::string api_key = default_api_key;
  /// The stream every topic lives in.
  std::string stream = "parley";
  /// How long one `GET /events` may stay parked before the client ends it
  /// (it is then asked again at once; the server's heartbeat comes sooner).
  std::chrono::milliseconds events_timeout{25'000};
  /// `all_topics: true`: one event queue narrowed to the stream only feeds
  /// every subscription of the stream, routed by the message's topic,
  /// instead of one queue per topic.
  bool all_topics = false;
  /// The request budget of this account (`requests_per_minute`, 180; 0:
  /// none): Zulip's default limit is 200 API requests per minute per user.
  long requests_per_minute = 180;
  /// The longest one ordinary API call may take (`request_timeout_ms`).
  std::chrono::milliseconds request_timeout{30'000};

  /// The API base: `<site_url>/api/v1`.
  [[nodiscard]] std::string api_base() const { return site_url + "/api/v1"; }

  /// The SECURITY warning when the key is the original's default, else nullopt.
  [[nodiscard]] std::optional<std::string> default_key_warning() const;

  /// Reads and validates; problems carry paths under `backend_config`.
  [[nodiscard]] static zulip_config parse(const config::value& v,
                                          std::vector<config::problem>& problems);
};

}  // namespace parley::zulip
