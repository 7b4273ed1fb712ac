#include "src/util/window_limiter.hpp"

#include <algorithm>

namespace parley {

std::chrono::milliseconds window_limiter::reserve(const std::string& key, long per_window, clock::time_point now) {
  const auto n = static_cast<std::size_t>(std::max(1L, per_window));
  std::lock_guard lock(mu_);
  auto& taken = slots_[key];
  while (!taken.empty() && taken.front() + window_ <= now) taken.pop_front();
  clock::time_point at = now;
  // The slot that frees one for us: the n-th last one taken.
  if (taken.size() >= n) at = std::max(now, taken[taken.size() - n] + window_);
  taken.push_back(at);
  return std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
}

}  // namespace parley
