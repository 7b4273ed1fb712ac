#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace parley::discord {

/// At most N events per key in any window: Discord's limits are of that
/// shape, per bot token and process-wide, since every backend of a process
/// with the same token spends the same budget. Two of them are kept:
/// - IDENTIFY: `max_concurrency` new sessions per 5 s; more and Discord
///   closes the socket, and a bot that keeps trying gets its token reset;
/// - requests: 45 per second (under Discord's global 50); past it a burst of
///   posts queues here rather than collecting 429s, which get a bot banned
///   when they pile up.
class window_limiter {
 public:
  using clock = std::chrono::steady_clock;

  explicit window_limiter(std::chrono::milliseconds window) : window_(window) {}

  /// The process's IDENTIFY limiter (5 s windows).
  [[nodiscard]] static window_limiter& identify();
  /// The process's request limiter (1 s windows).
  [[nodiscard]] static window_limiter& requests();

  /// Takes the next slot of `key` at or after `now`, at most `per_window`
  /// in any window; how long the caller must wait before using it.
  [[nodiscard]] std::chrono::milliseconds reserve(const std::string& key, long per_window, clock::time_point now);

 private:
  std::chrono::milliseconds window_;
  std::mutex mu_;
  std::map<std::string, std::deque<clock::time_point>> slots_;  // per key, ascending
};

}  // namespace parley::discord
