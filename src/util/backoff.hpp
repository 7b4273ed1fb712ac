#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace parley {

/// Exponential reconnect backoff with equal jitter: the nominal delay d
/// doubles from `initial` up to `cap`, and each delay is drawn from
/// [d - d/2, d]. The jitter keeps many clients that lost one server from
/// reconnecting in lockstep; the fixed half keeps a delay from collapsing to
/// zero. Not thread-safe: one owner (a reconnect loop) draws from it.
class backoff {
 public:
  explicit backoff(std::chrono::milliseconds initial = std::chrono::milliseconds(100),
                   std::chrono::milliseconds cap = std::chrono::milliseconds(5000))
      : initial_(std::max(initial, std::chrono::milliseconds(1))),
        cap_(std::max(initial_, cap)),
        next_(initial_),
        rng_(std::random_device{}()) {}

  /// The delay before the next attempt; doubles the nominal one after it.
  [[nodiscard]] std::chrono::milliseconds next() {
    const auto d = next_.count();
    next_ = std::min(cap_, next_ * 2);
    std::uniform_int_distribution<long long> half(0, d / 2);
    return std::chrono::milliseconds(d - d / 2 + half(rng_));
  }

  /// Back to `initial`: after a success, the next loss starts short again.
  void reset() { next_ = initial_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds cap_;
  std::chrono::milliseconds next_;
  std::mt19937_64 rng_;
};

}  // namespace parley
