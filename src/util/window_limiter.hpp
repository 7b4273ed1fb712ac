#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace parley {

/// At most N events per key in any window. Chat services state their limits
/// in that shape ("N per second per token", "N per minute per chat"), and
/// every backend of a process posting with the same token spends the same
/// budget, so a limiter is process-wide and keyed by token (or token and
/// chat). Waiting here instead of drawing 429s matters: services ban bots
/// whose 429s pile up. A caller keeps the token only as a key, never logs it.
class window_limiter {
 public:
  using clock = std::chrono::steady_clock;

  explicit window_limiter(std::chrono::milliseconds window) : window_(window) {}

  /// Takes the next slot of `key` at or after `now`, at most `per_window`
  /// in any window; how long the caller must wait before using it.
  [[nodiscard]] std::chrono::milliseconds reserve(const std::string& key, long per_window, clock::time_point now);

 private:
  std::chrono::milliseconds window_;
  std::mutex mu_;
  std::map<std::string, std::deque<clock::time_point>> slots_;  // per key, ascending
};

}  // namespace parley
