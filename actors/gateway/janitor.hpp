#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>

namespace parley {

/// A thread that runs `sweep` every `period` (the gateway ends idle
/// sessions with it) until it is destroyed.
class janitor {
 public:
  janitor(std::chrono::milliseconds period, std::function<void()> sweep);
  /// Stops the thread and joins it; a sweep under way finishes first.
  ~janitor();
  janitor(const janitor&) = delete;
  janitor& operator=(const janitor&) = delete;

 private:
  void loop();

  std::chrono::milliseconds period_;
  std::function<void()> sweep_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread thread_;
};

}  // namespace parley
