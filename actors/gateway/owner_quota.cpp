#include "actors/gateway/owner_quota.hpp"

#include <algorithm>
#include <cmath>

namespace parley {

owner_quota::owner_quota(const std::vector<owner_config>& owners) {
  for (const auto& o : owners) {
    bucket b;
    // A full minute's allowance up front: bursts are fine, sustained abuse is not.
    b.capacity = static_cast<double>(o.rate_per_min);
    b.tokens = b.capacity;
    b.per_second = b.capacity / 60.0;
    b.last = clock_type::now();
    b.max_sessions = o.max_sessions;
    owners_[o.name] = b;
  }
}

bool owner_quota::admit_request(const std::string& owner, std::int64_t& retry_after_s, clock_type::time_point now) {
  std::lock_guard lock(mu_);
  auto it = owners_.find(owner);
  if (it == owners_.end()) return true;
  auto& b = it->second;
  const double elapsed = std::chrono::duration<double>(now - b.last).count();
  if (elapsed > 0) {
    b.tokens = std::min(b.capacity, b.tokens + elapsed * b.per_second);
    b.last = now;
  }
  if (b.tokens < 1.0) {
    ++b.rate_limited;
    retry_after_s = std::max<std::int64_t>(1, static_cast<std::int64_t>(std::ceil((1.0 - b.tokens) / b.per_second)));
    return false;
  }
  b.tokens -= 1.0;
  ++b.requests;
  return true;
}

bool owner_quota::open_session(const std::string& owner) {
  std::lock_guard lock(mu_);
  auto it = owners_.find(owner);
  if (it == owners_.end()) return true;
  if (it->second.sessions >= it->second.max_sessions) {
    ++it->second.session_refused;
    return false;
  }
  ++it->second.sessions;
  return true;
}

void owner_quota::close_session(const std::string& owner) {
  std::lock_guard lock(mu_);
  auto it = owners_.find(owner);
  if (it != owners_.end() && it->second.sessions > 0) --it->second.sessions;
}

std::string owner_quota::prometheus() const {
  std::lock_guard lock(mu_);
  if (owners_.empty()) return {};
  std::string out = "# TYPE parley_owner_sessions_active gauge\n";
  for (const auto& [name, b] : owners_)
    out += "parley_owner_sessions_active{owner=\"" + name + "\"} " + std::to_string(b.sessions) + "\n";
  out += "# TYPE parley_owner_requests_total counter\n";
  for (const auto& [name, b] : owners_)
    out += "parley_owner_requests_total{owner=\"" + name + "\"} " + std::to_string(b.requests) + "\n";
  out += "# TYPE parley_owner_rate_limited_total counter\n";
  for (const auto& [name, b] : owners_)
    out += "parley_owner_rate_limited_total{owner=\"" + name + "\"} " + std::to_string(b.rate_limited) + "\n";
  out += "# TYPE parley_owner_sessions_refused_total counter\n";
  for (const auto& [name, b] : owners_)
    out += "parley_owner_sessions_refused_total{owner=\"" + name + "\"} " + std::to_string(b.session_refused) + "\n";
  return out;
}

}  // namespace parley
