#include "src/model/seen_set.hpp"

namespace parley {

bool seen_set::first_seen(const std::string& id) {
  if (!ids_.insert(id).second) return false;
  order_.push_back(id);
  if (order_.size() > capacity_) {
    ids_.erase(order_.front());
    order_.pop_front();
  }
  return true;
}

}  // namespace parley
