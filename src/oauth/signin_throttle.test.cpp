#include "src/oauth/signin_throttle.hpp"

#include <catch2/catch.hpp>

using parley::oauth::signin_throttle;

TEST_CASE("signin throttle: ten failures per owner lock the owner for the window", "[oauth]") {
  signin_throttle t;
  const std::int64_t now = 1'000'000;
  for (int i = 0; i < 10; ++i) {
    CHECK(t.retry_after("alice", "10.0.0." + std::to_string(i), now + i) == 0);
    t.record_failure("alice", "10.0.0." + std::to_string(i), now + i);
  }
  // Every address is still fresh; the owner is not.
  CHECK(t.retry_after("alice", "10.9.9.9", now + 10) == 15 * 60 - 10);
  CHECK(t.retry_after("bob", "10.9.9.9", now + 10) == 0);
  CHECK(t.retry_after("alice", "10.9.9.9", now + 15 * 60) == 0);
}

TEST_CASE("signin throttle: ten failures per address lock the address across owners", "[oauth]") {
  signin_throttle t;
  const std::int64_t now = 5'000;
  for (int i = 0; i < 10; ++i) t.record_failure("owner" + std::to_string(i), "192.0.2.7", now);
  CHECK(t.retry_after("fresh-owner", "192.0.2.7", now + 1) == 15 * 60 - 1);
  CHECK(t.retry_after("fresh-owner", "192.0.2.8", now + 1) == 0);
}

TEST_CASE("signin throttle: memory stays bounded under a spray of names", "[oauth]") {
  signin_throttle t(10, 900, 50);
  for (int i = 0; i < 1000; ++i)
    t.record_failure("name" + std::to_string(i), "peer" + std::to_string(i), i);
  CHECK(t.retry_after("name999", "peer999", 1000) == 0);
}
