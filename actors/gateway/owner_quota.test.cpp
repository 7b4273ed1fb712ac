// Per-owner limits: a request bucket that refills over the minute and a
// session cap; owner "" (static tokens) is never limited.
#include "actors/gateway/owner_quota.hpp"

#include <catch2/catch.hpp>

using namespace parley;

namespace {

owner_config owner(std::string name, std::int64_t max_sessions, std::int64_t rate_per_min) {
  owner_config o;
  o.name = std::move(name);
  o.max_sessions = max_sessions;
  o.rate_per_min = rate_per_min;
  return o;
}

}  // namespace

TEST_CASE("owner quota: a full minute's requests at once, then one per refill interval", "[gateway][quota]") {
  owner_quota q({owner("alice", 10, 60)});
  const auto t0 = owner_quota::clock_type::now();
  std::int64_t retry = 0;
  for (int i = 0; i < 60; ++i) REQUIRE(q.admit_request("alice", retry, t0));
  REQUIRE_FALSE(q.admit_request("alice", retry, t0));
  CHECK(retry == 1);  // 60 per minute: one more each second
  CHECK(q.admit_request("alice", retry, t0 + std::chrono::milliseconds(1100)));
  CHECK_FALSE(q.admit_request("alice", retry, t0 + std::chrono::milliseconds(1200)));
  CHECK(q.prometheus().find("parley_owner_rate_limited_total{owner=\"alice\"} 2") != std::string::npos);
}

TEST_CASE("owner quota: owners are limited separately; static tokens not at all", "[gateway][quota]") {
  owner_quota q({owner("alice", 1, 1), owner("bob", 1, 1)});
  const auto t0 = owner_quota::clock_type::now();
  std::int64_t retry = 0;
  REQUIRE(q.admit_request("alice", retry, t0));
  REQUIRE_FALSE(q.admit_request("alice", retry, t0));
  CHECK(retry == 60);
  CHECK(q.admit_request("bob", retry, t0));
  for (int i = 0; i < 1000; ++i) REQUIRE(q.admit_request("", retry, t0));
}

TEST_CASE("owner quota: the session cap frees a slot when a session ends", "[gateway][quota]") {
  owner_quota q({owner("alice", 2, 600)});
  REQUIRE(q.open_session("alice"));
  REQUIRE(q.open_session("alice"));
  CHECK_FALSE(q.open_session("alice"));
  q.close_session("alice");
  CHECK(q.open_session("alice"));
  CHECK(q.open_session(""));
  const auto text = q.prometheus();
  CHECK(text.find("parley_owner_sessions_active{owner=\"alice\"} 2") != std::string::npos);
  CHECK(text.find("parley_owner_sessions_refused_total{owner=\"alice\"} 1") != std::string::npos);
}
