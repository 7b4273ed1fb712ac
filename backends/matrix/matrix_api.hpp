#pragma once

#include <atomic>
#include <chrono>
#include <optional>
#include <string>

#include "src/json/document.hpp"
#include "backends/matrix/matrix_config.hpp"
#include "src/error/result.hpp"
#include "src/http_client/http_client.hpp"

namespace parley::matrix {

/// One `/messages` page request.
struct messages_query {
  /// `b` (newest first) or `f`.
  char dir = 'b';
  std::optional<std::string> from;
  std::optional<std::string> to;
  std::size_t limit = 100;
  /// A RoomEventFilter as JSON, or empty for none.
  std::string filter;
};

/// The Client-Server API calls the backend makes, over the shared
/// http_client: the access token goes in a header, never in a label, a log
/// line or an error; 429 waits `retry_after_ms` (or Retry-After).
class matrix_api {
 public:
  explicit matrix_api(const matrix_config& cfg);

  /// Password login, or the configured token (the as_token of an
  /// application service) checked with /account/whoami.
  [[nodiscard]] result<void> login();
  /// The MXID logged in as.
  [[nodiscard]] const std::string& user_id() const noexcept { return user_id_; }

  /// The room of `alias` (`#localpart:server`): resolved through the
  /// directory and joined, else created (a 400/409 from createRoom, another
  /// writer's creation, resolves again).
  [[nodiscard]] result<std::string> resolve_room(const std::string& alias, const std::string& localpart);
  /// PUT send with a fresh transaction id; the new event's id. With
  /// `as_user`, an application service posts as that user (`?user_id=`).
  [[nodiscard]] result<std::string> send(const std::string& room_id, const std::string& content_json,
                                         const std::optional<std::string>& as_user = std::nullopt);
  /// Registers `localpart` in the application service's namespace (taken
  /// already is fine); its MXID.
  [[nodiscard]] result<std::string> register_user(const std::string& localpart);
  /// Joins `room_id` as `as_user` (application service).
  [[nodiscard]] result<void> join_as(const std::string& room_id, const std::string& as_user);
  [[nodiscard]] result<json::document> messages(const std::string& room_id, const messages_query& q);
  /// /context/<event_id>?limit=0; nullopt when the server does not know the event (404).
  [[nodiscard]] result<std::optional<json::document>> context(const std::string& room_id, const std::string& event_id);
  /// One /sync with an inline filter.
  [[nodiscard]] result<json::document> sync(const std::string& filter, const std::optional<std::string>& since,
                                      std::int64_t timeout_ms);

  /// Aborts every request in flight and every later one.
  void stop() { client_.stop(); }

 private:
  [[nodiscard]] result<http::http_response> call(const std::string& method, const std::string& path,
                                                 const std::string& query, const std::string& body,
                                                 const std::string& label, http::retry_policy policy,
                                                 std::chrono::milliseconds timeout);
  [[nodiscard]] result<http::http_response> call(const std::string& method, const std::string& path,
                                                 const std::string& query, const std::string& body,
                                                 const std::string& label, http::retry_policy policy);
  [[nodiscard]] result<std::optional<std::string>> lookup_alias(const std::string& alias);
  [[nodiscard]] result<std::string> join(const std::string& room_id, const std::string& query = "");
  [[nodiscard]] result<void> whoami();
  [[nodiscard]] std::string next_txn_id();

  matrix_config cfg_;
  http::http_client client_;
  std::string token_;
  std::string user_id_;
  std::atomic<std::uint64_t> txn_counter_{0};
};

/// The wait a Matrix 429 asks for: its body's `retry_after_ms`.
[[nodiscard]] std::optional<std::chrono::milliseconds> retry_after_ms(const http::http_response& r);

}  // namespace parley::matrix
