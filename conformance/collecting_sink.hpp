#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <vector>

#include "src/seam/backend.hpp"

namespace parley::conformance {

/// A subscription sink that stores what it receives and lets a test wait for
/// a count, with a deadline instead of sleeps.
class collecting_sink final : public subscription_sink {
 public:
  void on_message(message msg) override {
    std::lock_guard lock(mu_);
    received_.push_back(std::move(msg));
    cv_.notify_all();
  }

  void on_gap() override {
    std::lock_guard lock(mu_);
    ++gaps_;
  }

  /// Waits until at least `n` messages arrived or `timeout` passed; returns
  /// everything received so far.
  std::vector<message> wait_for(std::size_t n, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return received_.size() >= n; });
    return received_;
  }

  /// How many times live delivery reported a gap.
  int gaps() {
    std::lock_guard lock(mu_);
    return gaps_;
  }

  std::vector<message> snapshot() {
    std::lock_guard lock(mu_);
    return received_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<message> received_;
  int gaps_ = 0;
};

}  // namespace parley::conformance
