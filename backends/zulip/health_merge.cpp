#include "backends/zulip/health_merge.hpp"

namespace parley::zulip {

void health_merge::report(std::uint64_t source, health state, const std::string& reason) {
  std::lock_guard lock(mu_);
  states_[source] = state;
  publish(reason);
}

void health_merge::forget(std::uint64_t source) {
  std::lock_guard lock(mu_);
  if (states_.erase(source) == 0 || states_.empty()) return;
  publish("");
}

void health_merge::publish(const std::string& reason) {
  health merged = health::connected;
  for (const auto& [id, s] : states_) {
    if (s == health::failed) merged = health::failed;
    if (s == health::retrying && merged == health::connected) merged = health::retrying;
  }
  if (published_ == merged) return;
  published_ = merged;
  // Called under the mutex, so listeners see the changes in order.
  if (out_) out_(merged, merged == health::connected ? std::string() : reason);
}

}  // namespace parley::zulip
