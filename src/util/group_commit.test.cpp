#include "src/util/group_commit.hpp"

#include <catch2/catch.hpp>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <mutex>
#include <thread>
#include <vector>

namespace {

struct entry {
  int id = 0;
  int committed_in = -1;
  bool done = false;
};

}  // namespace

TEST_CASE("group commit: every entry is committed once, batches form under contention", "[group_commit]") {
  parley::group_commit<entry> commits;
  constexpr int threads = 8;
  constexpr int per_thread = 200;
  std::mutex log_mu;
  std::vector<std::size_t> batch_sizes;
  std::atomic<int> batch_no{0};
  std::vector<std::vector<entry>> entries(threads, std::vector<entry>(per_thread));
  std::vector<std::thread> posters;
  for (int t = 0; t < threads; ++t) {
    posters.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        entry& e = entries[t][i];
        e.id = t * per_thread + i;
        commits.submit(e, [&](std::vector<entry*>& batch) {
          const int n = batch_no++;
          for (auto* b : batch) {
            REQUIRE(b->committed_in == -1);
            b->committed_in = n;
          }
          std::this_thread::sleep_for(std::chrono::microseconds(50));  // a transaction takes time
          std::lock_guard lock(log_mu);
          batch_sizes.push_back(batch.size());
        });
        // Done means committed, and the outcome is visible to its owner.
        REQUIRE(e.done);
        REQUIRE(e.committed_in >= 0);
      }
    });
  }
  for (auto& p : posters) p.join();
  std::size_t total = 0;
  std::size_t largest = 0;
  for (auto n : batch_sizes) {
    total += n;
    largest = std::max(largest, n);
  }
  CHECK(total == threads * per_thread);
  CHECK(largest > 1);
}

TEST_CASE("group commit: take() caps a batch, and the rest follows in later ones", "[group_commit]") {
  parley::group_commit<entry> commits;
  std::vector<int> order;
  int batches = 0;
  std::mutex mu;
  std::atomic<bool> first_running{false};
  std::atomic<bool> release_first{false};
  entry first;
  first.id = 0;
  std::thread leader([&] {
    commits.submit(first, [&](std::vector<entry*>&) {
      first_running = true;
      while (!release_first) std::this_thread::yield();
    });
  });
  while (!first_running) std::this_thread::yield();
  // While a batch runs nobody can commit alone.
  CHECK_FALSE(commits.try_begin_solo());
  std::vector<entry> queued(5);
  std::vector<std::thread> waiters;
  for (int i = 0; i < 5; ++i) {
    queued[i].id = i + 1;
    waiters.emplace_back([&, i] {
      commits.submit(
          queued[i], [](const std::vector<entry*>&) { return std::size_t{2}; },
          [&](std::vector<entry*>& batch) {
            CHECK(batch.size() <= 2);
            std::lock_guard lock(mu);
            ++batches;
            for (auto* b : batch) order.push_back(b->id);
          });
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  release_first = true;
  leader.join();
  for (auto& w : waiters) w.join();
  std::sort(order.begin(), order.end());
  CHECK(order == std::vector<int>{1, 2, 3, 4, 5});
  CHECK(batches >= 3);
  commits.wait_idle();
  REQUIRE(commits.try_begin_solo());
  commits.end_solo();
}
