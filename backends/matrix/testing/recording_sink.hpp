#pragma once

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "src/seam/backend.hpp"

namespace parley::matrix::testing {

/// A sink that keeps messages and counts gaps, and a test can wait on.
class recording_sink final : public subscription_sink {
 public:
  void on_message(message msg) override {
    std::lock_guard lock(mu_);
    messages_.push_back(std::move(msg));
    cv_.notify_all();
  }
  void on_gap() override {
    std::lock_guard lock(mu_);
    ++gaps_;
    cv_.notify_all();
  }
  /// Everything so far, once there are `n` messages or `timeout` passed.
  std::vector<message> wait_for(std::size_t n, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    cv_.wait_for(lock, timeout, [&] { return messages_.size() >= n; });
    return messages_;
  }
  [[nodiscard]] int gaps() {
    std::lock_guard lock(mu_);
    return gaps_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<message> messages_;
  int gaps_ = 0;
};

/// Health changes as reported, in order.
class health_log {
 public:
  health_listener listener() {
    return [this](health h, const std::string& why) {
      std::lock_guard lock(mu_);
      states_.emplace_back(h, why);
      cv_.notify_all();
    };
  }
  /// Waits until `h` was reported at least `times` times.
  bool wait_for(health h, int times, std::chrono::milliseconds timeout = std::chrono::seconds(10)) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, timeout, [&] {
      int n = 0;
      for (auto& s : states_) n += s.first == h ? 1 : 0;
      return n >= times;
    });
  }
  std::vector<std::pair<health, std::string>> states() {
    std::lock_guard lock(mu_);
    return states_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::pair<health, std::string>> states_;
};

}  // namespace parley::matrix::testing
