#include "src/util/window_limiter.hpp"

#include <catch2/catch.hpp>

using parley::window_limiter;
using namespace std::chrono_literals;

TEST_CASE("at most N per key in any window", "[util][limiter]") {
  window_limiter l(5000ms);
  const auto t0 = window_limiter::clock::now();
  CHECK(l.reserve("a", 1, t0) == 0ms);
  CHECK(l.reserve("a", 1, t0) == 5000ms);
  CHECK(l.reserve("a", 1, t0 + 1000ms) == 9000ms);  // after the second, at t0 + 10 s
  CHECK(l.reserve("b", 1, t0) == 0ms);              // another token: its own budget
  window_limiter wide(5000ms);
  for (int i = 0; i < 16; ++i) CHECK(wide.reserve("a", 16, t0) == 0ms);
  CHECK(wide.reserve("a", 16, t0) == 5000ms);
  CHECK(wide.reserve("a", 16, t0 + 6000ms) == 0ms);
}

TEST_CASE("a burst of requests queues at 50 per second", "[util][limiter]") {
  window_limiter l(1000ms);
  const auto t0 = window_limiter::clock::now();
  for (int i = 0; i < 50; ++i) CHECK(l.reserve("tok", 50, t0) == 0ms);
  for (int i = 0; i < 50; ++i) CHECK(l.reserve("tok", 50, t0) == 1000ms);
  CHECK(l.reserve("tok", 50, t0) == 2000ms);
}
