#pragma once

#include <chrono>
#include <memory>
#include <string>

#include "backends/telegram/telegram_config.hpp"
#include "src/error/result.hpp"
#include "src/json/document.hpp"
#include "src/http_client/http_client.hpp"

namespace parley::telegram {

/// A Bot API answer whose `ok` was true: its `result`.
class bot_answer {
 public:
  [[nodiscard]] simdjson::dom::element result() const noexcept { return result_; }
  /// `result` as an object (an empty one when it is not).
  [[nodiscard]] simdjson::dom::object object() const;
  /// True when the body was not valid UTF-8 and was repaired (each bad byte
  /// became U+FFFD) to be parsed at all.
  [[nodiscard]] bool repaired() const noexcept { return repaired_; }

 private:
  friend class bot_api;
  bot_answer(json::document doc, simdjson::dom::element result, bool repaired)
      : doc_(std::move(doc)), result_(result), repaired_(repaired) {}
  json::document doc_;
  simdjson::dom::element result_;
  bool repaired_ = false;
};

/// The Bot API over the shared HTTP client: `<api_url>/bot<token>/<method>`
/// with JSON bodies. Errors read `Telegram <method> → <status> <description>`
/// and never hold the token (it sits in the URL, which no error shows). A
/// 429 is waited out as `parameters.retry_after` says (else Retry-After).
class bot_api {
 public:
  explicit bot_api(const telegram_config& cfg);

  /// One call; `json_body` empty sends a GET with `query` (already encoded,
  /// without `?`). 409 comes back as errc::backend_unavailable whose message
  /// starts with `conflict_prefix`.
  [[nodiscard]] result<bot_answer> call(const std::string& method, const std::string& json_body,
                                        const std::string& query = {},
                                        std::chrono::milliseconds timeout = {});
  /// Ends every call in flight and every later one.
  void stop() { client_.stop(); }

  /// What a 409 (another getUpdates poller on this token) reads as.
  static constexpr const char* conflict_prefix =
      "another getUpdates poller uses this bot token (another Parley, a bridge or a webhook); ";

 private:
  const telegram_config& cfg_;
  http::http_client client_;
};

}  // namespace parley::telegram
