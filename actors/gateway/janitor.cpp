#include "actors/gateway/janitor.hpp"

namespace parley {

janitor::janitor(std::chrono::milliseconds period, std::function<void()> sweep)
    : period_(period), sweep_(std::move(sweep)), thread_([this] { loop(); }) {}

janitor::~janitor() {
  {
    std::lock_guard lock(mu_);
    stopping_ = true;
  }
  cv_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void janitor::loop() {
  std::unique_lock lock(mu_);
  while (!stopping_) {
    cv_.wait_for(lock, period_);
    if (stopping_) break;
    sweep_();
  }
}

}  // namespace parley
