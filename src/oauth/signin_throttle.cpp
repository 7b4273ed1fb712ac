#include "src/oauth/signin_throttle.hpp"

#include <algorithm>

namespace parley::oauth {

namespace {

// Owner names and addresses live in one map; the prefixes keep an owner
// called "10.0.0.1" apart from that address.
std::string owner_key(const std::string& owner) {
  return "o:" + owner;
}
std::string peer_key(const std::string& peer) {
  return "p:" + peer;
}

}  // namespace

std::int64_t signin_throttle::wait_for(const std::string& key, std::int64_t now) {
  auto it = failures_.find(key);
  if (it == failures_.end()) return 0;
  auto& times = it->second;
  while (!times.empty() && times.front() <= now - window_s_) times.pop_front();
  if (times.size() < max_failures_) return 0;
  // The attempt becomes possible once enough failures have aged out.
  const std::int64_t frees_at = times[times.size() - max_failures_] + window_s_;
  return std::max<std::int64_t>(1, frees_at - now);
}

std::int64_t signin_throttle::retry_after(const std::string& owner, const std::string& peer,
                                          std::int64_t now) {
  std::lock_guard lock(mutex_);
  return std::max(wait_for(owner_key(owner), now), wait_for(peer_key(peer), now));
}

void signin_throttle::record_failure(const std::string& owner, const std::string& peer,
                                     std::int64_t now) {
  std::lock_guard lock(mutex_);
  if (failures_.size() + 2 > max_keys_) prune(now);
  for (const auto& key : {owner_key(owner), peer_key(peer)}) {
    auto& times = failures_[key];
    times.push_back(now);
    // Only the newest max_failures matter for the decision.
    while (times.size() > max_failures_) times.pop_front();
  }
}

void signin_throttle::prune(std::int64_t now) {
  for (auto it = failures_.begin(); it != failures_.end();) {
    if (it->second.empty() || it->second.back() <= now - window_s_)
      it = failures_.erase(it);
    else
      ++it;
  }
  // Still full of live keys: an address sweep is under way. Dropping the
  // oldest keeps memory bounded; those keys start counting again.
  while (failures_.size() + 2 > max_keys_ && !failures_.empty()) {
    auto oldest = std::min_element(
        failures_.begin(), failures_.end(),
        [](const auto& a, const auto& b) { return a.second.back() < b.second.back(); });
    failures_.erase(oldest);
  }
}

}  // namespace parley::oauth
