#include "src/model/push_decision.hpp"

#include <algorithm>

namespace parley {

bool should_push(const message& m, const push_policy& policy, bool own) noexcept {
  if (own && !policy.echo_own_posts) return false;
  if (!policy.mention_filter) return true;
  return std::find(m.mentions.begin(), m.mentions.end(), policy.handle) != m.mentions.end();
}

}  // namespace parley
