// The Zulip backend against the fake, beyond the conformance suite: what
// connect checks, resolve_identity, the first poll, the topic wildcard, the
// request budget and the queue deleted at disconnect.
#include <catch2/catch.hpp>

#include <simdjson.h>

#include <chrono>
#include <future>
#include <thread>

#include "backends/zulip/testing/fake_zulip.hpp"
#include "backends/zulip/zulip_harness.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"

using namespace parley;
using namespace parley::zulip;
using namespace parley::zulip::testing;
using namespace std::chrono_literals;

namespace {

/// The fake's queues (GET /_fake/queues): each narrow as JSON text, and
/// whether a poll is parked on it.
std::vector<std::pair<std::string, bool>> queues() {
  const auto json = shared_fake().control("GET", "queues");
  simdjson::dom::parser parser;
  std::vector<std::pair<std::string, bool>> out;
  // Named, not a temporary of the range-for: the array must outlive the loop.
  simdjson::dom::array all;
  if (parser.parse(json)["queues"].get_array().get(all) != simdjson::SUCCESS) return out;
  for (auto q : all)
    out.emplace_back(simdjson::to_string(q["narrow"].value()), q["parked"].get_bool().value());
  return out;
}

/// Waits until every queue of the fake has a parked poll.
bool all_parked(std::chrono::milliseconds timeout) {
  const auto until = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < until) {
    auto qs = queues();
    if (!qs.empty() && std::all_of(qs.begin(), qs.end(), [](const auto& q) { return q.second; })) return true;
    std::this_thread::sleep_for(20ms);
  }
  return false;
}

}  // namespace

TEST_CASE("zulip backend: a wrong key fails connect, naming the email, never the key", "[zulip][backend]") {
  auto cfg = fake_config();
  cfg.api_key = "wrong-secret-key";
  zulip_backend b;
  auto r = b.connect(cfg);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::bad_credentials);
  CHECK_THAT(r.error().message, Catch::Contains("invalid API key for parley-bot@localhost"));
  CHECK_THAT(r.error().message, !Catch::Contains("wrong-secret-key"));
}

TEST_CASE("zulip backend: a stream the bot cannot join fails connect with the fix", "[zulip][backend]") {
  auto cfg = fake_config();
  cfg.stream = "no-such-stream";
  zulip_backend b;
  // The join is refused, as Zulip refuses a bot that may not create streams.
  shared_fake().control("POST", "garbage", R"({"count":1,"method":"POST","path":"/api/v1/users/me/subscriptions",
      "status":400,"body":"{\"result\":\"error\",\"msg\":\"Insufficient permission\",\"code\":\"BAD_REQUEST\"}"})");
  auto r = b.connect(cfg);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::invalid_config);
  CHECK_THAT(r.error().message, Catch::Contains("is not in the stream \"no-such-stream\" and cannot join it"));
  CHECK_THAT(r.error().message, Catch::Contains("set backend_config.stream"));
}

TEST_CASE("zulip backend: a missing stream is made by joining it", "[zulip][backend]") {
  auto cfg = fake_config();
  cfg.stream = "made-at-connect";
  auto b = connect_zulip(cfg);
  conformance::post_ok(*b, "t", "in the new stream");
  CHECK_THAT(shared_fake().control("GET", "messages?stream=made-at-connect"), Catch::Contains("in the new stream"));
}

TEST_CASE("zulip backend: a stream the bot is not in is joined at connect", "[zulip][backend]") {
  shared_fake().post_as_human("hello", "a stream only alice is in", "elsewhere");
  auto cfg = fake_config();
  cfg.stream = "elsewhere";
  auto b = connect_zulip(cfg);
  const auto requests = shared_fake().control("GET", "requests");
  CHECK_THAT(requests, Catch::Contains(R"("method": "POST", "path": "/api/v1/users/me/subscriptions")"));
  auto p = conformance::fetch(*b, "hello");
  REQUIRE(p);
  CHECK(p->messages.size() == 1);
}

TEST_CASE("zulip backend: resolve_identity by email or full name", "[zulip][backend]") {
  auto b = connect_zulip(fake_config());
  auto by_email = b->resolve_identity("alice@example.com");
  REQUIRE(by_email);
  CHECK(by_email->backend_ref == "9");
  auto by_name = b->resolve_identity("Alice");
  REQUIRE(by_name);
  CHECK(by_name->backend_ref == "9");
  auto bot = b->resolve_identity("parley-bot@localhost");
  REQUIRE(bot);
  CHECK(bot->backend_ref == std::to_string(b->user_id()));
  auto unknown = b->resolve_identity("claude-frontend");
  REQUIRE(unknown);
  CHECK(unknown->backend_ref == "claude-frontend");
}

TEST_CASE("zulip backend: the first events request goes out at once", "[zulip][backend]") {
  auto b = connect_zulip(fake_config());
  conformance::collecting_sink sink;
  const auto began = std::chrono::steady_clock::now();
  auto sub = conformance::subscribe_ok(*b, "first-poll", sink);
  REQUIRE(all_parked(2s));
  CHECK(std::chrono::steady_clock::now() - began < 1s);
  auto qs = queues();
  REQUIRE(qs.size() == 1);
  CHECK(qs[0].first == R"([["stream","parley"],["topic","first-poll"]])");
  const auto id = shared_fake().post_as_human("first-poll", "at once");
  auto got = sink.wait_for(1, 2s);
  REQUIRE(got.size() == 1);
  CHECK(got[0].backend_msg_id == id);
  CHECK(got[0].sender_handle == "alice@example.com");
}

TEST_CASE("zulip backend: a queue per topic, each deleted when its last subscriber goes", "[zulip][backend]") {
  auto b = connect_zulip(fake_config());
  conformance::collecting_sink s1, s2, s3;
  auto a = conformance::subscribe_ok(*b, "qa", s1);
  auto a2 = conformance::subscribe_ok(*b, "qa", s2);
  auto c = conformance::subscribe_ok(*b, "qc", s3);
  CHECK(b->open_queues() == 2);
  CHECK(queues().size() == 2);
  a->cancel();
  CHECK(b->open_queues() == 2);
  a2->cancel();
  CHECK(b->open_queues() == 1);
  CHECK(queues().size() == 1);
  b->disconnect();
  CHECK(queues().empty());  // DELETE /events at disconnect
}

TEST_CASE("zulip backend: all_topics feeds several topics from one queue", "[zulip][backend][wildcard]") {
  auto cfg = fake_config();
  cfg.all_topics = true;
  auto b = connect_zulip(cfg);
  conformance::collecting_sink deploy, review, review2;
  auto s1 = conformance::subscribe_ok(*b, "deploy", deploy);
  auto s2 = conformance::subscribe_ok(*b, "review", review);
  auto s3 = conformance::subscribe_ok(*b, "Review", review2);  // Zulip topics ignore case
  CHECK(b->open_queues() == 1);
  auto qs = queues();
  REQUIRE(qs.size() == 1);
  CHECK(qs[0].first == R"([["stream","parley"]])");
  const auto d1 = shared_fake().post_as_human("deploy", "d1");
  const auto r1 = shared_fake().post_as_human("review", "r1");
  shared_fake().post_as_human("unsubscribed", "nobody");
  const auto d2 = conformance::post_ok(*b, "deploy", "d2");
  const auto r2 = shared_fake().post_as_human("REVIEW", "r2");
  auto got_d = deploy.wait_for(2, 3s);
  auto got_r = review.wait_for(2, 3s);
  auto got_r2 = review2.wait_for(2, 3s);
  REQUIRE(got_d.size() == 2);
  CHECK(got_d[0].backend_msg_id == d1);
  CHECK(got_d[1].backend_msg_id == d2);
  CHECK(got_d[1].sender_handle == "parley-bot@localhost");  // own posts are delivered
  REQUIRE(got_r.size() == 2);
  CHECK(got_r[0].backend_msg_id == r1);
  CHECK(got_r[1].backend_msg_id == r2);
  CHECK(got_r[1].topic == "review");  // the subscribed name
  REQUIRE(got_r2.size() == 2);
  CHECK(got_r2[1].topic == "Review");
  std::this_thread::sleep_for(200ms);
  CHECK(deploy.wait_for(3, 0ms).size() == 2);
}

TEST_CASE("zulip backend: a burst waits for the request budget; disconnect ends the wait", "[zulip][backend]") {
  auto cfg = fake_config();
  cfg.api_key = "parley-api-key";
  cfg.requests_per_minute = 4;  // connect takes 2, a post 2 (send, read back)
  auto b = connect_zulip(cfg);
  conformance::post_ok(*b, "budget", "within");
  auto waiting = std::async(std::launch::async, [&] { return b->post({"budget", "", "over", std::nullopt}); });
  CHECK(waiting.wait_for(1500ms) == std::future_status::timeout);
  b->disconnect();
  REQUIRE(waiting.wait_for(2s) == std::future_status::ready);
  auto r = waiting.get();
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::not_connected);
}

TEST_CASE("zulip backend: posts the content raw and reads back what Zulip stored", "[zulip][backend]") {
  auto b = connect_zulip(fake_config());
  auto stored = b->post({"raw", "claude", "**bold** and `code` @alice", std::nullopt});
  REQUIRE(stored);
  CHECK(stored->msg.content == "**bold** and `code` @alice");
  CHECK(stored->msg.sender_handle == "parley-bot@localhost");
  CHECK(stored->msg.mentions == std::vector<std::string>{"alice"});
  const auto fake_view = shared_fake().control("GET", "messages?stream=parley&topic=raw");
  CHECK_THAT(fake_view, Catch::Contains("**bold** and `code` @alice"));
  auto too_long = b->post({"raw", "claude", std::string(10001, 'x'), std::nullopt});
  REQUIRE_FALSE(too_long);
  CHECK(too_long.error().code == errc::payload_too_large);
  auto long_topic = b->post({std::string(61, 't'), "claude", "x", std::nullopt});
  REQUIRE_FALSE(long_topic);
  CHECK(long_topic.error().code == errc::invalid_argument);
}
