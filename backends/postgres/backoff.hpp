#pragma once

#include <algorithm>
#include <chrono>
#include <random>

namespace parley::postgres {

/// Exponential backoff with jitter: each delay is drawn from [d/2, d] where d
/// doubles from `initial` up to `cap`, so many clients losing one server do
/// not reconnect in lockstep.
class backoff {
 public:
  explicit backoff(std::chrono::milliseconds initial = std::chrono::milliseconds(100),
                   std::chrono::milliseconds cap = std::chrono::milliseconds(5000))
      : initial_(initial), cap_(cap), next_(initial), rng_(std::random_device{}()) {}

  /// The delay before the next attempt; doubles the one after.
  [[nodiscard]] std::chrono::milliseconds next() {
    const auto d = next_;
    next_ = std::min(cap_, next_ * 2);
    std::uniform_int_distribution<long long> pick(d.count() / 2, d.count());
    return std::chrono::milliseconds(pick(rng_));
  }

  void reset() { next_ = initial_; }

 private:
  std::chrono::milliseconds initial_;
  std::chrono::milliseconds cap_;
  std::chrono::milliseconds next_;
  std::mt19937_64 rng_;
};

}  // namespace parley::postgres
