#pragma once

#include <atomic>
#include <chrono>
#include <memory>
#include <string>

#include "src/error/result.hpp"

namespace parley::slack {

/// How fast one bot may post to one channel. Slack allows about one
/// message per second per channel with short bursts above it, and answers
/// a sustained burst with 429s (and, kept up, with a suspended app).
struct post_rate {
  /// Messages per second, sustained; 0: no budget.
  double per_second = 1.0;
  /// Messages that may go out at once after a quiet spell.
  int burst = 10;
};

/// The posting budget of one (bot token, channel), shared by every backend
/// in the process that posts with that token: a burst of posts waits its
/// turn here instead of getting 429s from Slack. A token bucket; the token
/// is held only as a hash.
class post_budget {
 public:
  /// The process-wide budget of `bot_token` in `channel`.
  [[nodiscard]] static std::shared_ptr<post_budget> of(const std::string& bot_token,
                                                       const std::string& channel,
                                                       const post_rate& rate);

  explicit post_budget(const post_rate& rate);

  /// Waits until the post may go out; fails as not_connected when `stopped`
  /// becomes true meanwhile (the backend disconnects).
  [[nodiscard]] result<void> acquire(const std::atomic<bool>& stopped);

 private:
  struct state;
  std::shared_ptr<state> state_;
};

}  // namespace parley::slack
