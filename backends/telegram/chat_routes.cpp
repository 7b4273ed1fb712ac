#include "backends/telegram/chat_routes.hpp"

namespace parley::telegram {

void chat_routes::add(std::int64_t chat_id, std::optional<std::int64_t> thread,
                      const std::string& topic) {
  std::lock_guard lock(mu_);
  routes_[{chat_id, thread.value_or(0)}] = topic;
}

std::string chat_routes::topic_of(std::int64_t chat_id, std::optional<std::int64_t> thread) const {
  std::lock_guard lock(mu_);
  if (thread)
    if (auto it = routes_.find({chat_id, *thread}); it != routes_.end()) return it->second;
  if (auto it = routes_.find({chat_id, 0}); it != routes_.end()) return it->second;
  return std::to_string(chat_id);
}

}  // namespace parley::telegram
