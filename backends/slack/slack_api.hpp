#pragma once

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backends/slack/slack_config.hpp"
#include "src/error/result.hpp"
#include "src/json/document.hpp"
#include "src/http_client/http_client.hpp"

namespace parley::slack {

/// One `ok: true` answer of a Web API method; the root stays valid while it lives.
class slack_answer {
 public:
  /// Parses a method's answer: `ok: false` is the error `Slack <method> → <error>`
  /// (invalid_auth, not_authed, missing_scope and friends: bad_credentials;
  /// channel_not_found: no_such_topic; msg_too_long: payload_too_large).
  /// Bytes that are not UTF-8 become U+FFFD first.
  [[nodiscard]] static result<slack_answer> parse(std::string_view method, std::string_view body);

  [[nodiscard]] simdjson::dom::object root() const noexcept { return doc_.object(); }
  /// The string member `key` of the root, or "".
  [[nodiscard]] std::string text(std::string_view key) const;
  /// The bot token's scopes (`x-oauth-scopes`), when the answer named them.
  std::string scopes;

 private:
  explicit slack_answer(json::document doc) : doc_(std::move(doc)) {}
  json::document doc_;
};

/// The string member `key` of `obj`, or "": Slack omits what is empty.
[[nodiscard]] inline std::string member_text(simdjson::dom::object obj, std::string_view key) {
  return json::text_of(obj, key).value_or("");
}

/// Form fields of one call, in order; encoded with url::form_encode.
using form_fields = std::vector<std::pair<std::string, std::string>>;

/// The Web API over the shared http_client: every call a form-encoded POST
/// to `<api_url>/<method>` with the bot token (the app token for
/// `apps.connections.open`) in the Authorization header, never in a label,
/// a log line or an error; 429 waits Retry-After (capped) and asks again.
class slack_api {
 public:
  explicit slack_api(const slack_config& cfg);

  /// A read, or a call that is safe to repeat: transport errors retried.
  [[nodiscard]] result<slack_answer> read(const std::string& method, const form_fields& fields);
  /// chat.postMessage: never sent twice (a reset fails, the caller decides).
  [[nodiscard]] result<slack_answer> write(const std::string& method, const form_fields& fields);
  /// apps.connections.open with the app token: a single-use Socket Mode URL.
  [[nodiscard]] result<std::string> open_connection();

  /// Aborts every call in flight and every later one.
  void stop() { client_.stop(); }

 private:
  [[nodiscard]] result<slack_answer> call(const std::string& method, const form_fields& fields,
                                          const std::string& token,
                                          const http::retry_policy& policy);

  slack_config cfg_;
  http::http_client client_;
};

}  // namespace parley::slack
