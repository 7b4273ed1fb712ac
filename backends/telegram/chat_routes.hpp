#pragma once

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>

namespace parley::telegram {

/// Which topic an inbound message belongs to, by its chat and forum topic:
/// a route for (chat, thread) first, then one for the whole chat, else the
/// chat id itself (the original's literal topic). Thread-safe.
class chat_routes {
 public:
  /// Messages of `chat_id` (of its forum topic `thread`, when given) go to `topic`.
  void add(std::int64_t chat_id, std::optional<std::int64_t> thread, const std::string& topic);
  /// The topic of a message in `chat_id` (forum topic `thread`).
  [[nodiscard]] std::string topic_of(std::int64_t chat_id, std::optional<std::int64_t> thread) const;

 private:
  mutable std::mutex mu_;
  /// Keyed by (chat, thread); thread 0 is the whole chat (forum topic ids
  /// are message ids, which are positive).
  std::map<std::pair<std::int64_t, std::int64_t>, std::string> routes_;
};

}  // namespace parley::telegram
