#include "backends/discord/channel_feed.hpp"

#include <algorithm>

#include "backends/discord/snowflake.hpp"

namespace parley::discord {

std::uint64_t channel_feed::add(const std::string& channel_id, const std::string& topic, subscription_sink& sink,
                                const std::string& newest) {
  std::lock_guard lock(mu_);
  // The channel's position stays where it is: an older subscriber may still
  // be owed messages before `newest`. The new one starts after `newest`.
  last_.try_emplace(channel_id, newest);
  const auto id = next_id_++;
  subs_.emplace(id, subscriber{channel_id, topic, newest, &sink});
  return id;
}

void channel_feed::remove(std::uint64_t id) {
  std::lock_guard lock(mu_);
  auto it = subs_.find(id);
  if (it == subs_.end()) return;
  const std::string channel = it->second.channel_id;
  subs_.erase(it);
  const bool still = std::any_of(subs_.begin(), subs_.end(), [&](const auto& s) { return s.second.channel_id == channel; });
  if (!still) last_.erase(channel);
}

void channel_feed::clear() {
  std::lock_guard lock(mu_);
  subs_.clear();
  last_.clear();
}

bool channel_feed::deliver(const discord_message& m) {
  std::lock_guard lock(mu_);
  auto last = last_.find(m.channel_id);
  if (last == last_.end() || !snowflake_less(last->second, m.id)) return false;
  last->second = m.id;
  for (auto& [id, s] : subs_)
    if (s.channel_id == m.channel_id && snowflake_less(s.after, m.id)) s.sink->on_message(to_message(m, s.topic));
  return true;
}

void channel_feed::gap(const std::string& channel_id) {
  std::lock_guard lock(mu_);
  for (auto& [id, s] : subs_)
    if (s.channel_id == channel_id) s.sink->on_gap();
}

std::vector<std::pair<std::string, std::string>> channel_feed::positions() const {
  std::lock_guard lock(mu_);
  return {last_.begin(), last_.end()};
}

bool channel_feed::empty() const {
  std::lock_guard lock(mu_);
  return subs_.empty();
}

}  // namespace parley::discord
