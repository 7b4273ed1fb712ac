#pragma once

#include <chrono>
#include <deque>
#include <map>
#include <mutex>
#include <string>

namespace parley::discord {

/// Discord lets a bot start at most `max_concurrency` sessions (IDENTIFYs)
/// per 5 seconds; more and it closes the socket, and a bot that keeps trying
/// gets its token reset. Every backend of this process with the same token
/// draws from one limiter.
class identify_limiter {
 public:
  using clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds window{5000};

  /// The process's limiter.
  [[nodiscard]] static identify_limiter& shared();

  /// Takes the next IDENTIFY slot of `token` at or after `now`; how long the
  /// caller must wait before sending it.
  [[nodiscard]] std::chrono::milliseconds reserve(const std::string& token, long max_concurrency,
                                                  clock::time_point now);

 private:
  std::mutex mu_;
  std::map<std::string, std::deque<clock::time_point>> slots_;  // per token, ascending
};

}  // namespace parley::discord
