#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>

#include "backends/discord/discord_config.hpp"
#include "src/json/document.hpp"
#include "src/error/result.hpp"
#include "src/http_client/http_client.hpp"

namespace parley::discord {

/// `GET /gateway/bot`: where to connect, and how many IDENTIFYs are left.
struct gateway_info {
  std::string url;
  std::int64_t total = 1000;
  std::int64_t remaining = 1000;
  /// Milliseconds until `remaining` is back to `total`.
  std::int64_t reset_after_ms = 0;
  std::int64_t max_concurrency = 1;
};

/// The bot account (`GET /users/@me`).
struct bot_user {
  std::string id;
  std::string username;
};

/// The REST v10 calls the backend makes, over the shared http_client: the
/// token goes in `Authorization: Bot`, never in a label, a log line or an
/// error; a 429 waits the body's float `retry_after` (or Retry-After).
class discord_api {
 public:
  explicit discord_api(const discord_config& cfg);

  /// The bot account (`GET /users/@me`); a refused token is bad_credentials.
  [[nodiscard]] result<bot_user> me();
  /// The application's flags (`GET /applications/@me`).
  [[nodiscard]] result<std::int64_t> application_flags();
  /// `GET /gateway/bot`: the gateway URL and the identify budget.
  [[nodiscard]] result<gateway_info> gateway_bot();
  /// POST /channels/{id}/messages; the created message object.
  [[nodiscard]] result<json::document> create_message(const std::string& channel_id, const std::string& content,
                                                const std::optional<std::string>& reply_to);
  /// Executes the webhook at `url` with `?wait=true`, posting as `username`.
  [[nodiscard]] result<json::document> execute_webhook(const std::string& url, const std::string& content,
                                                 const std::string& username);
  /// GET /channels/{id}/messages with `limit` (1–100) and, when given,
  /// `after` (exclusive); an array, newest first. 404: errc::no_such_topic.
  [[nodiscard]] result<json::document> messages(const std::string& channel_id, const std::optional<std::string>& after,
                                          std::size_t limit);

  /// Aborts every request in flight, every wait for the request budget, and
  /// every later request.
  void stop();

 private:
  [[nodiscard]] result<http::http_response> call(const std::string& method, const std::string& url,
                                                 const std::string& body, const std::string& label,
                                                 http::retry_policy policy, bool authorized = true);
  /// Waits for a slot of the token's request budget (45 per second across
  /// the process); false when stopped meanwhile.
  [[nodiscard]] bool wait_for_budget();
  [[nodiscard]] result<json::document> get_json(const std::string& path, const std::string& label);

  discord_config cfg_;
  http::http_client client_;
  std::mutex wait_mu_;
  std::condition_variable wait_cv_;
  bool stopped_ = false;
};

/// The wait a Discord 429 asks for: its body's `retry_after`, float seconds,
/// rounded up to a millisecond.
[[nodiscard]] std::optional<std::chrono::milliseconds> retry_after_seconds(const http::http_response& r);

}  // namespace parley::discord
