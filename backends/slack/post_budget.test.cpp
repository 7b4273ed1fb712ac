#include "backends/slack/post_budget.hpp"

#include <catch2/catch.hpp>

#include <chrono>
#include <thread>

using namespace parley::slack;
using namespace std::chrono_literals;
using clock_type = std::chrono::steady_clock;

TEST_CASE("slack post budget: a burst goes out at once, the rest at the sustained rate",
          "[slack][budget]") {
  std::atomic<bool> stopped{false};
  post_budget budget({20.0, 5});
  const auto start = clock_type::now();
  for (int i = 0; i < 5; ++i) REQUIRE(budget.acquire(stopped));
  CHECK(clock_type::now() - start < 40ms);
  for (int i = 0; i < 4; ++i) REQUIRE(budget.acquire(stopped));
  CHECK(clock_type::now() - start >= 180ms);  // 4 more at 20/s
}

TEST_CASE("slack post budget: shared per token and channel, the token never kept",
          "[slack][budget]") {
  const post_rate rate{1.0, 1};
  auto a = post_budget::of("xoxb-secret", "C1", rate);
  CHECK(post_budget::of("xoxb-secret", "C1", rate) == a);
  CHECK(post_budget::of("xoxb-secret", "C2", rate) != a);
  CHECK(post_budget::of("xoxb-other", "C1", rate) != a);
}

TEST_CASE("slack post budget: a waiting post ends when the backend stops; 0 means no budget",
          "[slack][budget]") {
  std::atomic<bool> stopped{false};
  post_budget slow({0.1, 1});
  REQUIRE(slow.acquire(stopped));
  std::thread stopper([&] {
    std::this_thread::sleep_for(100ms);
    stopped = true;
  });
  const auto start = clock_type::now();
  auto r = slow.acquire(stopped);
  stopper.join();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == parley::errc::not_connected);
  CHECK(clock_type::now() - start < 1s);
  std::atomic<bool> running{false};
  post_budget none({0.0, 1});
  for (int i = 0; i < 1000; ++i) REQUIRE(none.acquire(running));
}
