#pragma once

#include <algorithm>
#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

namespace parley {

/// Leader/follower group commit, shared by the SQLite and Postgres backends.
///
/// Posters on many threads each submit their entry. Whoever finds no batch
/// in progress becomes the leader: it takes what is queued (in arrival
/// order, as much as `take` allows), commits it in one transaction on its
/// own thread, marks those entries done and wakes the others; a poster whose
/// entry is not done yet waits, or leads the next batch. One transaction and
/// one flush then serve every post that arrived while the previous one ran.
///
/// `Entry` needs a `bool done` member, written only under this object's lock.
/// The leader writes each entry's outcome without the lock; `done` publishes
/// it, and only then may the entry's owner read it and return.
template <class Entry>
class group_commit {
 public:
  /// Queues `entry` and returns once it is done. `take(queue)` says how many
  /// of the queued entries (at least one) go into the next batch;
  /// `commit(batch)` runs the transaction, unlocked, on the leader's thread.
  template <class Take, class Commit>
  void submit(Entry& entry, Take take, Commit commit) {
    std::unique_lock lock(mu_);
    queue_.push_back(&entry);
    while (!entry.done) {
      if (leader_active_) {
        cv_.wait(lock);
        continue;
      }
      leader_active_ = true;
      const std::size_t n = std::max<std::size_t>(1, std::min(take(queue_), queue_.size()));
      std::vector<Entry*> batch(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      queue_.erase(queue_.begin(), queue_.begin() + static_cast<std::ptrdiff_t>(n));
      lock.unlock();
      commit(batch);
      lock.lock();
      for (auto* e : batch) e->done = true;
      leader_active_ = false;
      cv_.notify_all();
    }
  }

  /// Queues `entry` and commits everything queued so far with it.
  template <class Commit>
  void submit(Entry& entry, Commit commit) {
    submit(entry, [](const std::vector<Entry*>& queue) { return queue.size(); }, commit);
  }

  /// Becomes the leader without waiting, when no batch runs and none waits;
  /// the caller then commits on its own and must call end_solo(). False when
  /// that would mean waiting (a fast path's cue to take the slow one).
  [[nodiscard]] bool try_begin_solo() {
    std::unique_lock lock(mu_, std::try_to_lock);
    if (!lock.owns_lock() || leader_active_ || !queue_.empty()) return false;
    leader_active_ = true;
    return true;
  }

  void end_solo() {
    {
      std::lock_guard lock(mu_);
      leader_active_ = false;
    }
    cv_.notify_all();
  }

  /// Waits until no batch is being committed (before closing connections).
  void wait_idle() {
    std::unique_lock lock(mu_);
    cv_.wait(lock, [this] { return !leader_active_; });
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<Entry*> queue_;
  bool leader_active_ = false;
};

}  // namespace parley
