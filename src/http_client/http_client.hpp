#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <string>

#include "src/error/result.hpp"
#include "src/http_client/curl_handle_pool.hpp"
#include "src/http_client/http_message.hpp"
#include "src/http_client/retry_policy.hpp"

namespace parley::http {

/// Settings that hold for every request of one client.
struct client_settings {
  /// Reaching the server; the request's own timeout bounds the whole exchange.
  std::chrono::milliseconds connect_timeout{10'000};
  /// A bigger response body is refused (errc::backend_unavailable).
  std::size_t max_body_bytes = 16 * 1024 * 1024;
  /// Handles (each with its keep-alive connections) kept between requests.
  std::size_t max_idle_handles = 8;
  /// Sent as User-Agent; empty means `parley/<version>`.
  std::string user_agent;
};

/// A blocking, thread-safe HTTP client for the chat backends, whose seam
/// operations run on backend threads and may block. Requests go out on
/// pooled libcurl handles, so keep-alive connections are reused across calls
/// and threads. Certificates are always verified, only http and https are
/// spoken, redirects are not followed (a 3xx is a response), and no signal
/// is used.
///
/// Errors read `<label> → <what happened>` and never contain the URL, the
/// query or a header value (error_text.hpp). After stop(), every call fails
/// with `<label> → stopped` (errc::not_connected).
class http_client {
 public:
  explicit http_client(client_settings settings = {});
  http_client(const http_client&) = delete;
  http_client& operator=(const http_client&) = delete;
  /// Requires that no call is in flight (stop() first, then join the callers).
  ~http_client();

  /// One exchange. Any status is a response; an error means no response:
  /// the transport failed (errc::backend_unavailable with libcurl's reason),
  /// the body was too big (backend_unavailable), the request is malformed
  /// (invalid_argument: not an http(s) URL, a CR or LF in a header), or the
  /// client was stopped (not_connected).
  [[nodiscard]] result<http_response> send(const http_request& req);

  /// An exchange under the shared retry rules. 2xx and the policy's allowed
  /// statuses are responses. A 429 is waited out (wait_after_429) and asked
  /// again, for as long as it takes, until stop(): then `<label> → 429
  /// (disconnected)`, errc::not_connected. Any other status fails as
  /// `<label> → <status>: <body excerpt>` with code_for_status's code. A
  /// transport error is retried with backoff when the policy says the
  /// request is idempotent, up to its attempt count; else it fails at once,
  /// and the backend decides.
  [[nodiscard]] result<http_response> call(const http_request& req,
                                           const retry_policy& policy = {});

  /// Ends every 429 and backoff wait and every transfer in flight promptly
  /// (each fails as above), and every later call at once. Idempotent;
  /// callable from any thread. A backend's disconnect() calls it to abort a
  /// long-poll.
  void stop();

  [[nodiscard]] bool stopped() const noexcept { return stopped_.load(); }

 private:
  struct exchange;
  [[nodiscard]] exchange perform(const http_request& req);
  [[nodiscard]] result<http_response> conclude(const http_request& req, exchange&& ex);
  /// Sleeps `d` unless stop() comes first; false when stopped.
  [[nodiscard]] bool wait_unless_stopped(std::chrono::milliseconds d);

  client_settings settings_;
  curl_handle_pool pool_;
  std::atomic<bool> stopped_{false};
  std::mutex wait_mutex_;
  std::condition_variable wait_cv_;
};

}  // namespace parley::http
