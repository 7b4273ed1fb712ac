#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <thread>

#include "src/error/result.hpp"
#include "src/seam/backend.hpp"

namespace parley::http {

/// Runs a backend's long-poll (Matrix /sync, Zulip /events, Telegram
/// getUpdates) on a thread of its own: calls `step` again and again, backs
/// off after a failure (src/util/backoff.hpp, reset by a success), and
/// reports health as it changes: `connected` after a success that follows
/// a start or a failure, `retrying` with the step's error message after a
/// failure that follows a start or a success, and `failed` when a step fails
/// with errc::bad_credentials, which also ends the loop (retrying cannot fix
/// a revoked token). A step that fails with errc::not_connected (the
/// http_client was stopped) ends the loop quietly.
class long_poll_loop {
 public:
  /// One blocking long-poll request whose results it hands to the backend.
  using step_function = std::function<result<void>()>;

  struct options {
    std::chrono::milliseconds backoff_initial{500};
    std::chrono::milliseconds backoff_cap{30'000};
  };

  long_poll_loop(step_function step, health_listener on_health, options opts);
  long_poll_loop(step_function step, health_listener on_health)
      : long_poll_loop(std::move(step), std::move(on_health), options{}) {}
  long_poll_loop(const long_poll_loop&) = delete;
  long_poll_loop& operator=(const long_poll_loop&) = delete;
  /// stop().
  ~long_poll_loop();

  /// Starts the thread. Call once.
  void start();

  /// Ends the loop after the step in flight and joins the thread. A step
  /// blocked in a long-poll ends only when its request does, so a backend
  /// stops its http_client first: that aborts the request at once.
  /// Idempotent; not callable from `step` or `on_health`.
  void stop();

  /// Lets the loop end without waiting for it (callable from `step`).
  void request_stop();

 private:
  void run();
  void report(health state, const std::string& reason);

  step_function step_;
  health_listener on_health_;
  options opts_;
  std::optional<health> reported_;
  std::atomic<bool> stopping_{false};
  std::mutex mutex_;
  std::condition_variable cv_;
  std::thread thread_;
};

}  // namespace parley::http
