#include "backends/slack/slack_backend.hpp"

#include <catch2/catch.hpp>

#include <chrono>

#include "backends/slack/slack_harness.hpp"
#include "backends/slack/testing/fake_slack.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"
#include "src/seam/registry.hpp"

using namespace parley;
using namespace parley::slack;
using namespace parley::slack::testing;
using namespace std::chrono_literals;

namespace {

std::vector<std::string> contents(const page& p) {
  std::vector<std::string> out;
  for (const auto& m : p.messages) out.push_back(m.content);
  return out;
}

page fetch_ok(backend& b, const std::string& topic, std::optional<std::string> since = std::nullopt,
              std::size_t limit = 100) {
  fetch_request req;
  req.topic = topic;
  if (since) req.since = cursor{*since};
  req.limit = limit;
  auto p = b.fetch_recent(req);
  INFO((p ? "" : p.error().message));
  REQUIRE(p);
  return std::move(*p);
}

/// The fake's recorded calls of `method`, as their JSON text.
std::string calls_of(const std::string& method) {
  const auto all = shared_fake().control("GET", "calls");
  std::string out;
  for (std::size_t at = all.find("\"method\": \"" + method + "\""); at != std::string::npos;
       at = all.find("\"method\": \"" + method + "\"", at + 1))
    out += all.substr(at, all.find('}', all.find("\"form\"", at)) - at) + "\n";
  return out;
}

}  // namespace

TEST_CASE("slack: registered as backend slack", "[slack]") {
  auto b = backend_registry::instance().create("slack");
  REQUIRE(b);
  CHECK(*b != nullptr);
}

TEST_CASE("slack: every Web API call is form-encoded; channel, oldest and email reach Slack",
          "[slack]") {
  slack_harness h;
  auto b = connect_slack(h.config());
  const auto t = h.fresh_topic();
  const auto id = conformance::post_ok(*b, t, "hello");
  (void)fetch_ok(*b, t, id);
  auto who = b->resolve_identity("alice@example.com");
  REQUIRE(who);
  CHECK(who->backend_ref == "U0HUMAN");
  const auto history = calls_of("conversations.history");
  CHECK_THAT(history, Catch::Contains("\"channel\": \"" + t + "\""));
  CHECK_THAT(history, Catch::Contains("\"oldest\": \"" + id + "\""));
  CHECK_THAT(history, Catch::Contains("\"limit\": \"200\""));
  CHECK_THAT(history, !Catch::Contains("inclusive"));
  CHECK_THAT(calls_of("users.lookupByEmail"), Catch::Contains("alice@example.com"));
  const auto all = shared_fake().control("GET", "calls");
  CHECK_THAT(all, !Catch::Contains("\"content_type\": \"application/json\""));
  CHECK_THAT(all, !Catch::Contains("xoxb-"));  // the token goes in the header only
}

TEST_CASE("slack: resolve_identity names our bot and leaves other handles alone", "[slack]") {
  auto b = connect_slack(fake_config());
  CHECK(b->resolve_identity("parley")->backend_ref == b->self().user_id);
  CHECK(b->resolve_identity("claude-api")->backend_ref == "claude-api");
  auto missing = b->resolve_identity("nobody@example.com");
  REQUIRE_FALSE(missing);
  CHECK_THAT(missing.error().message,
             Catch::Contains("Slack users.lookupByEmail → users_not_found"));
}

TEST_CASE("slack: cursors across a seconds boundary order as (seconds, suffix)", "[slack]") {
  slack_harness h;
  auto b = connect_slack(h.config());
  const auto t = h.fresh_topic();
  shared_fake().control("POST", "clock", R"({"channel":")" + t + R"(","next_ts":"9.999998"})");
  const auto a = conformance::post_ok(*b, t, "a");
  const auto c = conformance::post_ok(*b, t, "b");
  const auto d = conformance::post_ok(*b, t, "c");
  CHECK(a == "9.999998");
  CHECK(d == "10.000000");
  CHECK(contents(fetch_ok(*b, t, c)) == std::vector<std::string>{"c"});
  CHECK(contents(fetch_ok(*b, t, "9")) == std::vector<std::string>{"a", "b", "c"});
  CHECK(fetch_ok(*b, t).next_cursor.text == "10.000000");
}

TEST_CASE("slack: the default window skips system messages to fill its limit", "[slack]") {
  slack_harness h;
  auto b = connect_slack(h.config());
  const auto t = h.fresh_topic();
  conformance::post_ok(*b, t, "m1");
  conformance::post_ok(*b, t, "m2");
  for (int i = 0; i < 3; ++i)
    shared_fake().control("POST", "post",
                          R"({"channel":")" + t + R"(","subtype":"channel_join","text":"joined"})");
  CHECK(contents(fetch_ok(*b, t, std::nullopt, 2)) == std::vector<std::string>{"m1", "m2"});
}

TEST_CASE(
    "slack: catch-up over a large backlog returns the true oldest window, across 50-message pages",
    "[slack]") {
  slack_harness h;
  auto b = connect_slack(h.config());
  const auto t = h.fresh_topic();
  std::vector<std::string> ids;
  for (int i = 0; i < 130; ++i)
    ids.push_back(shared_fake().post_as_human(t, "h" + std::to_string(i)));
  auto p = fetch_ok(*b, t, ids[4], 10);
  REQUIRE(p.messages.size() == 10);
  CHECK(p.messages.front().content == "h5");
  CHECK(p.messages.back().content == "h14");
  CHECK(p.next_cursor.text == ids[14]);
  auto newest = fetch_ok(*b, t, std::nullopt, 120);
  REQUIRE(newest.messages.size() == 120);
  CHECK(newest.messages.front().content == "h10");
  CHECK(newest.messages.back().content == "h129");
  CHECK(newest.messages.front().sender_handle == "U0HUMAN");
}

TEST_CASE("slack: handles show as a prefix without chat:write.customize, as username with it",
          "[slack]") {
  slack_harness h;
  const auto t = h.fresh_topic();
  auto plain = connect_slack(fake_config());
  CHECK_FALSE(plain->posts_as_username());
  auto custom = connect_slack(username_harness().config());
  CHECK(custom->posts_as_username());
  conformance::post_ok(*plain, t, "one & <two>", "claude-a");
  conformance::post_ok(*custom, t, "three", "claude-b");
  const auto stored = shared_fake().control("GET", "channels/" + t);
  CHECK_THAT(stored, Catch::Contains("\"text\": \"*claude-a*: one &amp; &lt;two&gt;\""));
  CHECK_THAT(stored, Catch::Contains("\"username\": \"claude-b\""));
  auto p = fetch_ok(*plain, t);
  REQUIRE(p.messages.size() == 2);
  CHECK(p.messages[0].sender_handle == "claude-a");
  CHECK(p.messages[0].content == "one & <two>");
  CHECK(p.messages[1].sender_handle == "claude-b");
  CHECK(p.messages[1].content == "three");
}

TEST_CASE("slack: a reply is a thread reply shown in the channel; thread_replies reads a thread",
          "[slack]") {
  slack_harness h;
  auto b = connect_slack(h.config());
  const auto t = h.fresh_topic();
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, t, sink);
  const auto root = conformance::post_ok(*b, t, "root");
  auto reply = b->post({t, "me", "reply", root});
  REQUIRE(reply);
  CHECK(reply->msg.in_reply_to == root);
  shared_fake().control(
      "POST", "post",
      R"({"channel":")" + t + R"(","text":"human in thread","thread_ts":")" + root + R"("})");
  // A person's thread-only reply arrives live, as a reply...
  auto live = sink.wait_for(3, 5s);
  REQUIRE(live.size() == 3);
  CHECK(live[2].content == "human in thread");
  CHECK(live[2].in_reply_to == root);
  // ...but is not at channel level.
  auto p = fetch_ok(*b, t);
  CHECK(contents(p) == std::vector<std::string>{"root", "reply"});
  auto thread = b->thread_replies(t, root);
  REQUIRE(thread);
  REQUIRE(thread->size() == 2);
  CHECK((*thread)[0].content == "reply");
  CHECK((*thread)[1].content == "human in thread");
  CHECK((*thread)[1].in_reply_to == root);
  CHECK(b->post({t, "me", "x", std::string("not-a-ts")}).error().code == errc::invalid_argument);
}

TEST_CASE("slack: 429 is waited out, Retry-After honoured, 500 ms without it", "[slack]") {
  slack_harness h;
  auto b = connect_slack(h.config());
  const auto t = h.fresh_topic();
  shared_fake().control("POST", "rate_limit",
                        R"({"count":1,"retry_after":null,"method":"chat.postMessage"})");
  auto start = std::chrono::steady_clock::now();
  conformance::post_ok(*b, t, "after a bare 429");
  auto took = std::chrono::steady_clock::now() - start;
  CHECK(took >= 450ms);
  CHECK(took < 3s);
  shared_fake().control("POST", "rate_limit",
                        R"({"count":1,"retry_after":1,"method":"conversations.history"})");
  start = std::chrono::steady_clock::now();
  CHECK(contents(fetch_ok(*b, t)) == std::vector<std::string>{"after a bare 429"});
  CHECK(std::chrono::steady_clock::now() - start >= 950ms);
}

TEST_CASE("slack: bad credentials and a channel that does not exist are clear errors", "[slack]") {
  auto cfg = fake_config();
  cfg.bot_token = "xoxb-wrong";
  slack_backend b;
  auto r = b.connect(cfg);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::bad_credentials);
  CHECK(r.error().message == "Slack auth.test → invalid_auth");
  auto ok = connect_slack(fake_config());
  fetch_request req;
  req.topic = "not-a-channel";
  auto p = ok->fetch_recent(req);
  REQUIRE_FALSE(p);
  CHECK(p.error().code == errc::no_such_topic);
  CHECK(p.error().message == "Slack conversations.history → channel_not_found");
}

TEST_CASE("slack: channel_map routes a topic to its channel", "[slack]") {
  auto cfg = fake_config();
  cfg.channel_map["ctx"] = "C0MAPPED";
  auto b = connect_slack(cfg);
  conformance::post_ok(*b, "ctx", "via the map");
  CHECK_THAT(shared_fake().control("GET", "channels/C0MAPPED"), Catch::Contains("via the map"));
  CHECK(fetch_ok(*b, "ctx").messages.at(0).topic == "ctx");
}

TEST_CASE("slack: a burst of posts from two backends on one token queues on the channel's budget",
          "[slack][budget]") {
  slack_harness h;
  auto cfg = h.config();
  cfg.rate = {10.0, 2};
  auto a = connect_slack(cfg);
  auto b = connect_slack(cfg);
  const auto t = h.fresh_topic();
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 3; ++i) {
    conformance::post_ok(*a, t, "a" + std::to_string(i));
    conformance::post_ok(*b, t, "b" + std::to_string(i));
  }
  CHECK(std::chrono::steady_clock::now() - start >= 350ms);  // 2 at once, 4 more at 10/s
  CHECK(fetch_ok(*a, t).messages.size() == 6);
}
