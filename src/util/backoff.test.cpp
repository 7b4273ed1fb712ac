#include "src/util/backoff.hpp"

#include <catch2/catch.hpp>
#include <cstdint>

using std::chrono::milliseconds;

TEST_CASE("backoff: each delay lies in the upper half of a doubling nominal delay", "[util]") {
  parley::backoff b(milliseconds(100), milliseconds(1000));
  for (long long nominal : {100, 200, 400, 800, 1000, 1000, 1000}) {
    const auto d = b.next().count();
    CAPTURE(nominal, d);
    CHECK(d >= nominal - nominal / 2);
    CHECK(d <= nominal);
  }
}

TEST_CASE("backoff: reset starts short again", "[util]") {
  parley::backoff b(milliseconds(10), milliseconds(10000));
  for (int i = 0; i < 8; ++i) (void)b.next();
  CHECK(b.next().count() > 10);
  b.reset();
  const auto d = b.next().count();
  CHECK(d >= 5);
  CHECK(d <= 10);
}

TEST_CASE("backoff: never zero, and a cap below the start is the start", "[util]") {
  parley::backoff tiny(milliseconds(0), milliseconds(0));
  for (int i = 0; i < 5; ++i) CHECK(tiny.next().count() == 1);
  parley::backoff capped(milliseconds(50), milliseconds(10));
  for (int i = 0; i < 5; ++i) {
    const auto d = capped.next().count();
    CHECK(d >= 25);
    CHECK(d <= 50);
  }
}

TEST_CASE("backoff: the jitter spreads delays", "[util]") {
  parley::backoff b(milliseconds(1000), milliseconds(1000));
  std::int64_t lo = 1000;
  std::int64_t hi = 0;
  for (int i = 0; i < 200; ++i) {
    const auto d = b.next().count();
    lo = std::min<std::int64_t>(lo, d);
    hi = std::max<std::int64_t>(hi, d);
  }
  CHECK(hi - lo > 100);  // 200 draws from [500, 1000] all within 100 ms: ~1e-140
}
