#pragma once

#include <simdjson.h>

#include <chrono>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "backends/zulip/zulip_config.hpp"
#include "src/error/result.hpp"
#include "src/json/document.hpp"
#include "src/http_client/http_client.hpp"

namespace parley::zulip {

/// Parameters of one call, in order: a query string or a form body.
using fields = std::vector<std::pair<std::string, std::string>>;

/// One JSON answer of the REST API; the root stays valid while it lives.
class zulip_answer {
 public:
  /// Parses `body` (bytes that are not UTF-8 repaired first, with a log
  /// line). Not a JSON object: errc::backend_unavailable `<label> → an
  /// answer that is not a JSON object`.
  [[nodiscard]] static result<zulip_answer> parse(const std::string& label, std::string_view body);

  [[nodiscard]] simdjson::dom::object root() const noexcept { return doc_.object(); }
  /// The string member `key` of the root, or "".
  [[nodiscard]] std::string text(std::string_view key) const;

 private:
  explicit zulip_answer(json::document doc) : doc_(std::move(doc)) {}
  json::document doc_;
};

/// The string member `key` of `obj`, or "".
[[nodiscard]] inline std::string member_text(simdjson::dom::object obj, std::string_view key) {
  return json::text_of(obj, key).value_or("");
}

/// How long a 429 answer asks to wait: its body's `retry-after` (seconds, a
/// float), when positive. The Retry-After header is the shared fallback.
[[nodiscard]] std::optional<std::chrono::milliseconds> retry_after_of(const http::http_response& r);

/// Zulip's REST API over the shared http_client: HTTP Basic `email:api_key`
/// (never in a label, a log line or an error), parameters form-encoded (in
/// the query for GET and DELETE), 429s waited out (body `retry-after`, else
/// Retry-After), and every request within the account's budget of
/// `requests_per_minute`, shared by every backend of the process that uses
/// the same account, so bursts wait here instead of drawing 429s.
class zulip_api {
 public:
  explicit zulip_api(const zulip_config& cfg);

  /// A read (GET), transport errors retried.
  [[nodiscard]] result<zulip_answer> get(const std::string& path, const fields& query);
  /// A POST that creates something (a message): never sent twice.
  [[nodiscard]] result<zulip_answer> post(const std::string& path, const fields& form);
  /// A POST safe to repeat (register, subscribe).
  [[nodiscard]] result<zulip_answer> post_safe(const std::string& path, const fields& form);
  /// Any exchange: `path` under /api/v1, the policy's allowed statuses
  /// handed back. `budgeted` false skips the request budget (a best-effort
  /// call at disconnect must not wait for it).
  [[nodiscard]] result<http::http_response> exchange(const std::string& method, const std::string& path,
                                                     const fields& params, http::retry_policy policy,
                                                     std::chrono::milliseconds timeout, bool budgeted = true);
  /// The label of a call: `Zulip <METHOD> /api/v1<path>`.
  [[nodiscard]] static std::string label(const std::string& method, const std::string& path);

  /// Aborts every call in flight and every later one, and every budget wait.
  void stop();

 private:
  [[nodiscard]] result<zulip_answer> call(const std::string& method, const std::string& path,
                                          const fields& params, http::retry_policy policy);
  [[nodiscard]] bool wait_for_budget();

  zulip_config cfg_;
  std::string authorization_;
  std::string budget_key_;
  http::http_client client_;
  std::mutex wait_mu_;
  std::condition_variable wait_cv_;
  bool stopped_ = false;
};

}  // namespace parley::zulip
