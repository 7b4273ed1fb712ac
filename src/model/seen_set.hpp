#pragma once

#include <cstddef>
#include <deque>
#include <string>
#include <unordered_set>

namespace parley {

/// The backend_msg_ids seen recently on one topic: a FIFO of bounded size
/// (the original's 4096), so memory stays flat however long a topic lives.
/// An id evicted by 4096 newer ones reads as new again, which only matters
/// for a backend that redelivers something that old.
class seen_set {
 public:
  explicit seen_set(std::size_t capacity = 4096) : capacity_(capacity) {}

  /// Records `id`; true if it was not seen before.
  bool first_seen(const std::string& id);
  /// Records `id` without asking.
  void mark(const std::string& id) { (void)first_seen(id); }
  [[nodiscard]] bool contains(const std::string& id) const { return ids_.count(id) > 0; }
  [[nodiscard]] std::size_t size() const noexcept { return order_.size(); }

 private:
  std::size_t capacity_;
  std::deque<std::string> order_;
  std::unordered_set<std::string> ids_;
};

}  // namespace parley
