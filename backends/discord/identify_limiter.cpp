#include "backends/discord/identify_limiter.hpp"

#include <algorithm>

namespace parley::discord {

identify_limiter& identify_limiter::shared() {
  static identify_limiter limiter;
  return limiter;
}

std::chrono::milliseconds identify_limiter::reserve(const std::string& token, long max_concurrency,
                                                    clock::time_point now) {
  const auto per_window = static_cast<std::size_t>(std::max(1L, max_concurrency));
  std::lock_guard lock(mu_);
  auto& taken = slots_[token];
  while (!taken.empty() && taken.front() + window <= now) taken.pop_front();
  clock::time_point at = now;
  // The slot that frees one for us: the per_window-th last one taken.
  if (taken.size() >= per_window) at = std::max(now, taken[taken.size() - per_window] + window);
  taken.push_back(at);
  return std::chrono::duration_cast<std::chrono::milliseconds>(at - now);
}

}  // namespace parley::discord
