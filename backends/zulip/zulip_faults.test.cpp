// The fake Zulip fails while a subscriber listens and humans post: every
// message posted meanwhile must reach the subscriber exactly once, in id
// order, with any gap filled by the backend itself (no on_gap).
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <thread>

#include "backends/zulip/testing/fake_zulip.hpp"
#include "backends/zulip/zulip_harness.hpp"
#include "backends/zulip/zulip_message.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"
#include "conformance/fault_kit.hpp"

using namespace parley;
using namespace parley::zulip;
using namespace parley::zulip::testing;
using namespace std::chrono_literals;

namespace {

/// Subscribes, posts `count` human messages (one every `pause`), calls
/// `fault(i)` before the i-th, and checks every one arrived once, in order.
void delivers_all(zulip_config cfg, int count, const std::function<void(int)>& fault,
                  std::chrono::milliseconds pause = 5ms, std::chrono::milliseconds wait = 30s) {
  conformance::fault::health_log health;
  auto b = std::make_unique<zulip_backend>();
  b->set_health_listener([&](parley::health s, const std::string&) { health.add(s); });
  REQUIRE(b->connect(cfg));
  const std::string topic = "fault-" + std::to_string(std::chrono::steady_clock::now().time_since_epoch().count());
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, topic, sink);
  std::vector<std::string> expected;
  for (int i = 0; i < count; ++i) {
    fault(i);
    expected.push_back(shared_fake().post_as_human(topic, "m" + std::to_string(i)));
    std::this_thread::sleep_for(pause);
  }
  auto got = sink.wait_for(expected.size(), wait);
  std::this_thread::sleep_for(300ms);  // nothing more may come
  got = sink.wait_for(expected.size() + 1, 0ms);
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) {
    CHECK(got[i].backend_msg_id == expected[i]);
    CHECK(got[i].content == "m" + std::to_string(i));
  }
  CHECK(sink.gaps() == 0);
}

}  // namespace

TEST_CASE("zulip faults: the queue expires while 100 messages arrive", "[zulip][fault]") {
  delivers_all(fake_config(), 100, [](int i) {
    if (i == 30 || i == 31 || i == 70) shared_fake().control("POST", "expire_queues");
  });
}

TEST_CASE("zulip faults: messages posted while the queue is dead come from history", "[zulip][fault]") {
  // Away and expired: what humans post meanwhile reaches no queue, so only
  // the gap fill after the new registration can deliver it.
  delivers_all(fake_config(), 60, [](int i) {
    if (i != 0) return;
    shared_fake().control("POST", "away", R"({"seconds":2})");
    shared_fake().control("POST", "expire_queues");
  }, 20ms);
}

TEST_CASE("zulip faults: the wildcard queue expires while messages arrive in several topics",
          "[zulip][fault][wildcard]") {
  auto cfg = fake_config();
  cfg.all_topics = true;
  auto b = connect_zulip(cfg);
  conformance::collecting_sink a, c;
  auto sa = conformance::subscribe_ok(*b, "wa", a);
  auto sc = conformance::subscribe_ok(*b, "wc", c);
  std::vector<std::string> want_a, want_c;
  for (int i = 0; i < 60; ++i) {
    if (i == 20 || i == 40) shared_fake().control("POST", "expire_queues");
    (i % 2 ? want_c : want_a).push_back(shared_fake().post_as_human(i % 2 ? "wc" : "wa", std::to_string(i)));
    shared_fake().post_as_human("wb", "not subscribed");
  }
  auto got_a = a.wait_for(want_a.size(), 20s);
  auto got_c = c.wait_for(want_c.size(), 20s);
  std::this_thread::sleep_for(300ms);
  got_a = a.wait_for(want_a.size() + 1, 0ms);
  got_c = c.wait_for(want_c.size() + 1, 0ms);
  REQUIRE(got_a.size() == want_a.size());
  REQUIRE(got_c.size() == want_c.size());
  for (std::size_t i = 0; i < want_a.size(); ++i) CHECK(got_a[i].backend_msg_id == want_a[i]);
  for (std::size_t i = 0; i < want_c.size(); ++i) CHECK(got_c[i].backend_msg_id == want_c[i]);
  CHECK(b->open_queues() == 1);
  CHECK(b->registrations() >= 3);
}

TEST_CASE("zulip faults: 429s, with and without Retry-After, on polls and posts", "[zulip][fault]") {
  delivers_all(fake_config(), 40, [](int i) {
    if (i == 10) shared_fake().control("POST", "rate_limit", R"({"count":2,"retry_after":1})");
    if (i == 25) shared_fake().control("POST", "rate_limit", R"({"count":3})");
  });
  auto b = connect_zulip(fake_config());
  shared_fake().control("POST", "rate_limit", R"({"count":2,"retry_after":1})");
  const auto began = std::chrono::steady_clock::now();
  auto stored = b->post({"after-429", "", "waited", std::nullopt});
  REQUIRE(stored);
  CHECK(std::chrono::steady_clock::now() - began >= 1900ms);  // both Retry-After waits
}

TEST_CASE("zulip faults: Zulip away for 5 s", "[zulip][fault]") {
  conformance::fault::health_log health;
  auto cfg = fake_config();
  auto b = std::make_unique<zulip_backend>();
  b->set_health_listener([&](parley::health s, const std::string&) { health.add(s); });
  REQUIRE(b->connect(cfg));
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, "away", sink);
  REQUIRE(health.wait_for(parley::health::connected, 0, 5s));
  shared_fake().control("POST", "away", R"({"seconds":5})");
  std::vector<std::string> expected;
  for (int i = 0; i < 20; ++i) {  // the control API works while away
    expected.push_back(shared_fake().post_as_human("away", "a" + std::to_string(i)));
    std::this_thread::sleep_for(100ms);
  }
  auto retrying = health.wait_for(parley::health::retrying, 0, 10s);
  REQUIRE(retrying);
  CHECK(health.wait_for(parley::health::connected, *retrying, 20s));
  auto got = sink.wait_for(expected.size(), 20s);
  REQUIRE(got.size() == expected.size());
  for (std::size_t i = 0; i < got.size(); ++i) CHECK(got[i].backend_msg_id == expected[i]);
  auto after = b->post({"away", "", "back", std::nullopt});
  CHECK(after);
}

TEST_CASE("zulip faults: parked polls get heartbeats and keep delivering", "[zulip][fault]") {
  fake_zulip fast({"--heartbeat-s", "0.3"});
  auto cfg = fake_config();
  cfg.site_url = fast.url();
  auto b = connect_zulip(cfg);
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, "beat", sink);
  std::this_thread::sleep_for(1500ms);  // several heartbeats consumed
  const auto id = fast.post_as_human("beat", "after heartbeats");
  auto got = sink.wait_for(1, 3s);
  REQUIRE(got.size() == 1);
  CHECK(got[0].backend_msg_id == id);
}
