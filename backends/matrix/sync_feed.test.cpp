#include <catch2/catch.hpp>

#include <chrono>

#include "backends/matrix/matrix_harness.hpp"
#include "backends/matrix/testing/fake_homeserver.hpp"
#include "conformance/collecting_sink.hpp"
#include "conformance/backend_calls.hpp"

using namespace parley;
using namespace parley::matrix;
using namespace parley::matrix::testing;

namespace {

std::string topic_name(const char* what) { return std::string("feed-") + what + "-" + std::to_string(std::rand()); }

}  // namespace

TEST_CASE("matrix 429: a send waits retry_after_ms and posts once", "[matrix][429]") {
  auto& fake = shared_fake();
  auto b = connect_matrix(fake_config());
  const auto topic = topic_name("send");
  auto room = b->room_of(topic);
  REQUIRE(room);
  fake.fault(R"({"kind":"429","count":2,"retry_after_ms":300,"path_prefix":"/_matrix/client/v3/rooms/)" + *room +
             R"(/send"})");
  const auto start = std::chrono::steady_clock::now();
  conformance::post_ok(*b, topic, "patient");
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(600));
  auto page = conformance::fetch(*b, topic);
  REQUIRE(page);
  REQUIRE(page->messages.size() == 1);
  CHECK(page->messages[0].content == "patient");
}

TEST_CASE("matrix 429: a /sync waits Retry-After and delivers what came meanwhile", "[matrix][429]") {
  auto& fake = shared_fake();
  auto b = connect_matrix(fake_config());
  const auto topic = topic_name("sync429");
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, topic, sink);
  fake.fault(R"({"kind":"429","retry_after_header":1})");
  conformance::post_ok(*b, topic, "one");
  conformance::post_ok(*b, topic, "two");
  auto live = sink.wait_for(2, std::chrono::seconds(10));
  REQUIRE(live.size() == 2);
  CHECK(live[0].content == "one");
  CHECK(live[1].content == "two");
  CHECK(sink.gaps() == 0);  // a 429 is waited out, not a failure
}

TEST_CASE("matrix limited sync: the gap is backfilled from prev_batch, in order, once", "[matrix][limited]") {
  auto& fake = shared_fake();
  auto cfg = fake_config();
  cfg.sync_timeline_limit = 3;
  auto b = connect_matrix(cfg);
  auto other = connect_matrix(fake_config());
  const auto topic = topic_name("limited");
  auto room = b->room_of(topic);
  REQUIRE(room);
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, topic, sink);
  // The next /sync waits 1.5 s: the posts pile up behind it, far more than
  // the 3 a timeline carries, and some by a human in between.
  fake.fault(R"({"kind":"429","retry_after_ms":1500})");
  conformance::post_ok(*b, topic, "trigger");
  REQUIRE(sink.wait_for(1, std::chrono::seconds(10)).size() == 1);
  for (int i = 0; i < 20; ++i) {
    conformance::post_ok(*other, topic, "m" + std::to_string(i));
    if (i % 5 == 0) fake.inject(*room, "alice", R"({"key":"x"})", R"(,"type":"m.reaction")");
  }
  auto live = sink.wait_for(21, std::chrono::seconds(15));
  REQUIRE(live.size() == 21);
  for (int i = 0; i < 20; ++i) CHECK(live[static_cast<std::size_t>(i) + 1].content == "m" + std::to_string(i));
  auto page = conformance::fetch(*b, topic);
  REQUIRE(page);
  CHECK(page->messages == live);
  CHECK(sink.gaps() == 0);
}

TEST_CASE("matrix feed: one /sync serves several rooms and subscribers; cancel stops one", "[matrix][feed]") {
  auto b = connect_matrix(fake_config());
  const auto t1 = topic_name("a");
  const auto t2 = topic_name("b");
  conformance::collecting_sink s1, s2, s1b;
  auto sub1 = conformance::subscribe_ok(*b, t1, s1);
  auto sub2 = conformance::subscribe_ok(*b, t2, s2);
  auto sub1b = conformance::subscribe_ok(*b, t1, s1b);
  conformance::post_ok(*b, t1, "to a");
  conformance::post_ok(*b, t2, "to b");
  CHECK(s1.wait_for(1, std::chrono::seconds(10)).size() == 1);
  CHECK(s2.wait_for(1, std::chrono::seconds(10)).size() == 1);
  CHECK(s1b.wait_for(1, std::chrono::seconds(10)).size() == 1);
  sub1b->cancel();
  conformance::post_ok(*b, t1, "a again");
  CHECK(s1.wait_for(2, std::chrono::seconds(10)).size() == 2);
  CHECK(s1b.wait_for(2, std::chrono::milliseconds(300)).size() == 1);
  CHECK(s2.wait_for(2, std::chrono::milliseconds(100)).size() == 1);
}
