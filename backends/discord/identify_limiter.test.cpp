#include "backends/discord/identify_limiter.hpp"

#include <catch2/catch.hpp>

using parley::discord::identify_limiter;
using namespace std::chrono_literals;

TEST_CASE("at most max_concurrency IDENTIFYs per token in any 5 s", "[discord][identify]") {
  identify_limiter l;
  const auto t0 = identify_limiter::clock::now();
  CHECK(l.reserve("a", 1, t0) == 0ms);
  CHECK(l.reserve("a", 1, t0) == 5000ms);
  CHECK(l.reserve("a", 1, t0 + 1000ms) == 9000ms);  // after the second, at t0 + 10 s
  CHECK(l.reserve("b", 1, t0) == 0ms);              // another token: its own budget
  identify_limiter wide;
  for (int i = 0; i < 16; ++i) CHECK(wide.reserve("a", 16, t0) == 0ms);
  CHECK(wide.reserve("a", 16, t0) == 5000ms);
  CHECK(wide.reserve("a", 16, t0 + 6000ms) == 0ms);
}
