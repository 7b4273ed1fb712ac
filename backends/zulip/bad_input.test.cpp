// What a server (or a broken proxy in front of it) may send that the Zulip
// backend must survive: invalid UTF-8, events of other types, messages that
// are not stream messages, answers that are not JSON. Each is skipped or
// fails its call with a message, and delivery goes on.
#include <catch2/catch.hpp>

#include <thread>

#include "backends/zulip/testing/fake_zulip.hpp"
#include "backends/zulip/zulip_harness.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"

using namespace parley;
using namespace parley::zulip;
using namespace parley::zulip::testing;
using namespace std::chrono_literals;

TEST_CASE("zulip bad input: invalid UTF-8 content arrives repaired", "[zulip][bad-input]") {
  auto b = connect_zulip(fake_config());
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, "utf8", sink);
  const auto answer =
      shared_fake().control("POST", "post", R"({"topic":"utf8","content":"x","content_hex":"41ff42c3"})");
  const auto id = fake_zulip::member(answer, "id");
  auto got = sink.wait_for(1, 3s);
  REQUIRE(got.size() == 1);
  CHECK(got[0].backend_msg_id == id);
  CHECK(got[0].content == "A\xEF\xBF\xBD" "B\xEF\xBF\xBD");
  auto p = conformance::fetch(*b, "utf8");
  REQUIRE(p);
  REQUIRE(p->messages.size() == 1);
  CHECK(p->messages[0].content == got[0].content);
}

TEST_CASE("zulip bad input: events of other types and unusable messages are skipped", "[zulip][bad-input]") {
  auto b = connect_zulip(fake_config());
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, "kinds", sink);
  for (const char* ev : {
           R"({"event":{"type":"reaction","op":"add","message_id":1,"emoji_name":"+1"}})",
           R"({"event":{"type":"update_message","message_id":1,"content":"edited"}})",
           R"({"event":{"type":"typing","op":"start"}})",
           R"({"event":{"type":"message","message":{"id":99999999,"type":"private","sender_email":"a","content":"dm","timestamp":1}}})",
           R"({"event":{"type":"message","message":{"id":"not-a-number"}}})",
           R"({"event":{"type":"message"}})",
           R"({"event":{"type":"message","message":[1,2,3]}})",
       })
    shared_fake().control("POST", "event", ev);
  const auto id = shared_fake().post_as_human("kinds", "the real one");
  auto got = sink.wait_for(1, 3s);
  std::this_thread::sleep_for(200ms);
  got = sink.wait_for(2, 0ms);
  REQUIRE(got.size() == 1);
  CHECK(got[0].backend_msg_id == id);
}

TEST_CASE("zulip bad input: an events answer that is not JSON is retried", "[zulip][bad-input]") {
  auto b = connect_zulip(fake_config());
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, "garbage", sink);
  shared_fake().control("POST", "garbage", R"({"count":2,"path":"/api/v1/events"})");
  shared_fake().control("POST", "garbage", R"({"count":1,"path":"/api/v1/events","body":"{\"result\":\"success\",\"events\":7}"})");
  const auto id = shared_fake().post_as_human("garbage", "through");
  auto got = sink.wait_for(1, 10s);
  REQUIRE(got.size() == 1);
  CHECK(got[0].backend_msg_id == id);
}

TEST_CASE("zulip bad input: a history, post or users answer that is not JSON fails the call", "[zulip][bad-input]") {
  auto b = connect_zulip(fake_config());
  shared_fake().control("POST", "garbage", R"({"count":1,"path":"/api/v1/messages"})");
  auto p = conformance::fetch(*b, "garbage-history");
  REQUIRE_FALSE(p);
  CHECK(p.error().code == errc::backend_unavailable);
  CHECK_THAT(p.error().message, Catch::Contains("Zulip GET /api/v1/messages → an answer that is not a JSON object"));
  shared_fake().control("POST", "garbage", R"({"count":1,"path":"/api/v1/messages","body":"{\"result\":\"success\"}"})");
  auto posted = b->post({"garbage-history", "", "x", std::nullopt});
  REQUIRE_FALSE(posted);
  CHECK_THAT(posted.error().message, Catch::Contains("without id"));
  shared_fake().control("POST", "garbage", R"({"count":1,"path":"/api/v1/users","body":"[]"})");
  auto who = b->resolve_identity("Alice");
  REQUIRE_FALSE(who);
  CHECK(conformance::fetch(*b, "garbage-history"));  // and then it works again
}
