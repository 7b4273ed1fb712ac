// The Socket Mode session against the fake Slack: health as it reconnects,
// a fresh single-use URL each time, Slack's retries delivered once, and a
// clear error without an app token.
#include "backends/slack/socket_session.hpp"

#include <catch2/catch.hpp>

#include <chrono>

#include "backends/slack/slack_harness.hpp"
#include "backends/slack/testing/fake_slack.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"
#include "conformance/fault_kit.hpp"

using namespace parley;
using namespace parley::slack;
using namespace parley::slack::testing;
using namespace std::chrono_literals;

TEST_CASE("slack session: health goes retrying then connected, with a fresh URL per connection",
          "[slack][session]") {
  slack_harness h;
  conformance::fault::health_log health;
  slack_backend b;
  b.set_health_listener([&](parley::health s, const std::string&) { health.add(s); });
  REQUIRE(b.connect(h.config()));
  const auto t = h.fresh_topic();
  const auto opened = [] {
    return std::stoi(fake_slack::member(shared_fake().control("GET", "connections"), "opened"));
  };
  const auto count_opens = [] {
    std::size_t n = 0;
    const auto calls = shared_fake().control("GET", "calls");
    for (auto at = calls.find("apps.connections.open"); at != std::string::npos;
         at = calls.find("apps.connections.open", at + 1))
      ++n;
    return n;
  };
  const int opened_before = opened();
  const std::size_t opens_before = count_opens();
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(b, t, sink);
  auto first = health.wait_for(parley::health::connected, 0, 5s);
  REQUIRE(first);
  shared_fake().control("POST", "drop");
  auto retrying = health.wait_for(parley::health::retrying, *first + 1, 10s);
  REQUIRE(retrying);
  REQUIRE(health.wait_for(parley::health::connected, *retrying + 1, 10s));
  CHECK(b.sessions() == 2);
  CHECK(opened() - opened_before == 2);
  CHECK(count_opens() - opens_before == 2);  // a fresh URL for each connection
}

TEST_CASE("slack session: an envelope Slack sends again is delivered once", "[slack][session]") {
  slack_harness h;
  auto b = connect_slack(h.config());
  const auto t = h.fresh_topic();
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, t, sink);
  const auto id = shared_fake().post_as_human(t, "once");
  REQUIRE(sink.wait_for(1, 5s).size() == 1);
  shared_fake().control("POST", "redeliver", R"({"channel":")" + t + R"("})");
  const auto next = shared_fake().post_as_human(t, "next");
  auto got = sink.wait_for(2, 5s);
  REQUIRE(got.size() == 2);
  CHECK(got[0].backend_msg_id == id);
  CHECK(got[1].backend_msg_id == next);
  CHECK(sink.wait_for(3, 300ms).size() == 2);
}

TEST_CASE("slack session: no app token is a clear error at subscribe; posts and history still work",
          "[slack][session]") {
  slack_harness h;
  auto cfg = h.config();
  cfg.app_token.clear();
  auto b = connect_slack(cfg);
  const auto t = h.fresh_topic();
  conformance::post_ok(*b, t, "still works");
  conformance::collecting_sink sink;
  auto sub = b->subscribe(t, sink);
  REQUIRE_FALSE(sub);
  CHECK(sub.error().code == errc::invalid_config);
  CHECK_THAT(sub.error().message, Catch::Contains("app_token"));
}

TEST_CASE("slack session: a wrong app token fails subscribe at once as bad credentials",
          "[slack][session]") {
  slack_harness h;
  auto cfg = h.config();
  cfg.app_token = "xapp-wrong";
  auto b = connect_slack(cfg);
  conformance::collecting_sink sink;
  const auto start = std::chrono::steady_clock::now();
  auto sub = b->subscribe(h.fresh_topic(), sink);
  REQUIRE_FALSE(sub);
  CHECK(sub.error().code == errc::bad_credentials);
  CHECK(sub.error().message == "Slack apps.connections.open → invalid_auth");
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("slack session: a subscription made while the socket reconnects misses nothing",
          "[slack][session]") {
  slack_harness h;
  auto b = connect_slack(h.config());
  conformance::collecting_sink first_sink;
  auto first = conformance::subscribe_ok(*b, h.fresh_topic(), first_sink);
  const auto t = h.fresh_topic();
  shared_fake().control("POST", "drop");
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, t, sink);  // most likely before the new hello
  const auto a = shared_fake().post_as_human(t, "during");
  auto got = sink.wait_for(1, 10s);
  REQUIRE(got.size() == 1);
  CHECK(got[0].backend_msg_id == a);
  const auto c = shared_fake().post_as_human(t, "after");
  got = sink.wait_for(2, 10s);
  REQUIRE(got.size() == 2);
  CHECK(got[1].backend_msg_id == c);
  CHECK(sink.wait_for(3, 300ms).size() == 2);
}
