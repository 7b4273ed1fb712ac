#include "backends/telegram/telegram_backend.hpp"

#include <catch2/catch.hpp>
#include <fstream>
#include <thread>

#include "backends/telegram/telegram_harness.hpp"
#include "backends/telegram/testing/fake_telegram.hpp"
#include "tests/support/stderr_capture.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"
#include "src/json/writer.hpp"

using namespace parley;
using namespace parley::telegram;
using namespace parley::telegram::testing;
using namespace std::chrono_literals;

namespace {

std::string chat_json(std::int64_t chat_id, const char* type, const char* username) {
  json::writer w;
  w.begin_object().key("chat_id").value(chat_id).key("type").value(type).key("username").value(username);
  w.end_object();
  return std::move(w).take();
}

}  // namespace

TEST_CASE("telegram: connect checks the token with getMe", "[telegram][backend]") {
  parley::testing::temp_dir dir;
  auto cfg = fake_config(dir.file("t.db"));
  auto b = connect_telegram(cfg);
  CHECK(b->self().id == 123456);
  CHECK(b->self().username == "parley_test_bot");
  CHECK(b->resolve_identity("parley_test_bot")->backend_ref == "123456");
  CHECK(b->resolve_identity("someone")->backend_ref == "someone");
  b.reset();
  cfg.token = "999:WRONG-SECRET";
  telegram_backend bad;
  auto r = bad.connect(cfg);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::bad_credentials);
  CHECK_THAT(r.error().message, Catch::Contains("invalid or revoked"));
  CHECK_THAT(r.error().message, !Catch::Contains("WRONG-SECRET"));
}

TEST_CASE("telegram: a human's message arrives live and in history", "[telegram][backend]") {
  telegram_harness h;
  auto b = h.connect_backend();
  const auto chat = fresh_chat();
  const auto topic = std::to_string(chat);
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, topic, sink);
  const auto mid = shared_fake().post_as_human(chat, "hello @parley_test_bot");
  auto live = sink.wait_for(1, 5s);
  REQUIRE(live.size() == 1);
  CHECK(live[0].backend_msg_id == topic + ":" + std::to_string(mid));
  CHECK(live[0].cursor.text == std::to_string(mid));
  CHECK(live[0].sender_handle == "human");
  CHECK(live[0].mentions == std::vector<std::string>{"parley_test_bot"});
  // The answer: a reply, as the bot, ingested from sendMessage's answer.
  auto reply = b->post({topic, "claude", "hi", live[0].backend_msg_id});
  REQUIRE(reply);
  CHECK(reply->msg.sender_handle == "parley_test_bot");
  CHECK(reply->msg.in_reply_to == live[0].backend_msg_id);
  auto all = b->fetch_recent({topic, std::nullopt, 10});
  REQUIRE(all);
  REQUIRE(all->messages.size() == 2);
  CHECK(all->messages[1] == reply->msg);
  auto msgs = shared_fake().control("GET", "chats/" + topic);
  CHECK_THAT(msgs, Catch::Contains("\"reply_to_message\""));
}

TEST_CASE("telegram: forum topics route by (chat, message_thread_id)", "[telegram][backend]") {
  telegram_harness h;
  const auto chat = fresh_chat("supergroup", true);
  auto cfg = h.config();
  cfg.chat_map["dev"] = *chat_target::parse(std::to_string(chat) + "/7");
  cfg.chat_map["ops"] = *chat_target::parse(std::to_string(chat) + "/9");
  auto b = connect_telegram(cfg);
  conformance::collecting_sink dev, ops, rest;
  auto s1 = conformance::subscribe_ok(*b, "dev", dev);
  auto s2 = conformance::subscribe_ok(*b, "ops", ops);
  auto s3 = conformance::subscribe_ok(*b, std::to_string(chat), rest);
  shared_fake().post_as_human(chat, "to dev", 7);
  shared_fake().post_as_human(chat, "to ops", 9);
  shared_fake().post_as_human(chat, "elsewhere", 11);
  // The human's message first (a send racing an update may be delivered
  // before it: README.md, Limits).
  REQUIRE(dev.wait_for(1, 5s).size() == 1);
  REQUIRE(conformance::post_ok(*b, "dev", "from the bot") != "");
  auto d = dev.wait_for(2, 5s);
  REQUIRE(d.size() == 2);
  CHECK(d[0].content == "to dev");
  CHECK(d[1].content == "from the bot");
  CHECK(ops.wait_for(1, 5s).at(0).content == "to ops");
  CHECK(rest.wait_for(1, 5s).at(0).content == "elsewhere");
  CHECK_THAT(shared_fake().control("GET", "chats/" + std::to_string(chat)),
             Catch::Contains("\"message_thread_id\": 7"));
}

TEST_CASE("telegram: an @name chat is resolved with getChat", "[telegram][backend]") {
  telegram_harness h;
  const auto chat = fresh_chat("channel");
  (void)shared_fake().control("POST", "chat", chat_json(chat, "channel", "parley_news"));
  auto cfg = h.config();
  cfg.chat_map["news"] = *chat_target::parse("@parley_news");
  auto b = connect_telegram(cfg);
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*b, "news", sink);
  auto posted = b->post({"news", "claude", "headline", std::nullopt});
  REQUIRE(posted);
  CHECK(posted->msg.backend_msg_id == std::to_string(chat) + ":1");
  CHECK(posted->msg.sender_handle == std::to_string(chat));  // a channel post
  json::writer w;
  w.begin_object().key("chat_id").value(chat).key("text").value("by the channel").key("kind").value("channel_post");
  w.end_object();
  (void)shared_fake().control("POST", "post", std::move(w).take());
  auto live = sink.wait_for(2, 5s);
  REQUIRE(live.size() == 2);
  CHECK(live[1].content == "by the channel");
}

TEST_CASE("telegram: privacy mode in a mapped group is reported once, loudly", "[telegram][backend]") {
  telegram_harness h;
  (void)shared_fake().control("POST", "privacy", R"({"can_read_all_group_messages": false})");
  auto cfg = h.config();
  cfg.chat_map["a"] = *chat_target::parse(std::to_string(fresh_chat("supergroup")));
  cfg.chat_map["b"] = *chat_target::parse(std::to_string(fresh_chat("group")));
  parley::testing::stderr_capture err;
  {
    auto b = connect_telegram(cfg);
    CHECK_FALSE(b->self().can_read_all_group_messages);
  }
  const auto text = err.text();
  (void)shared_fake().control("POST", "privacy", R"({"can_read_all_group_messages": true})");
  CHECK_THAT(text, Catch::Contains("PRIVACY MODE"));
  CHECK_THAT(text, Catch::Contains("/setprivacy"));
  CHECK(text.find("PRIVACY MODE") == text.rfind("PRIVACY MODE"));
}

TEST_CASE("telegram: the original's JSONL store is imported at connect", "[telegram][backend]") {
  parley::testing::temp_dir dir;
  auto cfg = fake_config(dir.file("t.db"));
  cfg.store_path = dir.file("parley-telegram.jsonl");
  {
    std::ofstream out(cfg.store_path);
    out << R"({"topic":"old","chat_id":"-77","message_id":3,"sender":"ann","content":"from TS","ts":"2024-01-01T00:00:00.000Z"})"
        << "\n";
  }
  auto b = connect_telegram(cfg);
  auto p = b->fetch_recent({"old", std::nullopt, 10});
  REQUIRE(p);
  REQUIRE(p->messages.size() == 1);
  CHECK(p->messages[0].backend_msg_id == "-77:3");
  CHECK(p->next_cursor.text == "3");
}

TEST_CASE("telegram: the state database defaults to the parley state dir", "[telegram][backend]") {
  parley::testing::temp_dir dir;
  ::setenv("XDG_STATE_HOME", dir.path().c_str(), 1);
  auto cfg = fake_config("");
  cfg.state_db.clear();
  {
    auto b = connect_telegram(cfg);
    CHECK(b->session().store().path() == dir.file("parley/telegram-123456.db"));
  }
  ::unsetenv("XDG_STATE_HOME");
  CHECK(std::filesystem::exists(dir.file("parley/telegram-123456.db")));
}

TEST_CASE("telegram: the send budget waits instead of drawing 429s", "[telegram][backend]") {
  telegram_harness h;
  auto cfg = h.config();
  cfg.sends_per_second = 2;
  auto b = connect_telegram(cfg);
  const auto topic = std::to_string(fresh_chat());
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < 5; ++i) REQUIRE(b->post({topic, "c", "m" + std::to_string(i), std::nullopt}));
  CHECK(std::chrono::steady_clock::now() - start >= 1500ms);
}

TEST_CASE("telegram: disconnect ends a post waiting for its send slot", "[telegram][backend]") {
  telegram_harness h;
  auto cfg = h.config();
  cfg.group_sends_per_minute = 1;
  auto b = connect_telegram(cfg);
  const auto topic = std::to_string(fresh_chat("supergroup"));
  REQUIRE(b->post({topic, "c", "first", std::nullopt}));
  std::thread stopper([&] {
    std::this_thread::sleep_for(200ms);
    b->disconnect();
  });
  const auto start = std::chrono::steady_clock::now();
  auto second = b->post({topic, "c", "second", std::nullopt});  // would wait a minute
  stopper.join();
  REQUIRE_FALSE(second);
  CHECK(second.error().code == errc::not_connected);
  CHECK(std::chrono::steady_clock::now() - start < 5s);
}

TEST_CASE("telegram: post refuses what Telegram would", "[telegram][backend]") {
  telegram_harness h;
  auto b = h.connect_backend();
  const auto topic = std::to_string(fresh_chat());
  CHECK(b->post({topic, "c", "", std::nullopt}).error().code == errc::invalid_argument);
  CHECK(b->post({topic, "c", std::string(4097, 'x'), std::nullopt}).error().code ==
        errc::payload_too_large);
  CHECK(b->post({topic, "c", "bad \xff", std::nullopt}).error().code == errc::invalid_argument);
  CHECK(b->post({topic, "c", "x", std::string("1:1")}).error().code == errc::invalid_argument);
  CHECK(b->post({"not-a-chat", "c", "x", std::nullopt}).error().code == errc::invalid_argument);
  CHECK(b->post({topic, "c", std::string(4096, 'x'), std::nullopt}));
}

TEST_CASE("telegram: connect returns caught up with what Telegram holds", "[telegram][backend]") {
  telegram_harness h;
  const auto chat = fresh_chat();
  const auto topic = std::to_string(chat);
  for (int i = 0; i < 150; ++i) shared_fake().post_as_human(chat, "m" + std::to_string(i));
  auto b = h.connect_backend();
  auto p = b->fetch_recent({topic, std::nullopt, 1000});
  REQUIRE(p);
  REQUIRE(p->messages.size() == 150);
  CHECK(p->messages.back().content == "m149");
  // A second backend of the process shares the session: no second poller.
  auto other = h.connect_backend();
  CHECK(other->fetch_recent({topic, std::nullopt, 1000})->messages.size() == 150);
  // The last page is confirmed by the poller's next getUpdates, which may
  // still be on its way.
  std::string pending;
  for (auto until = std::chrono::steady_clock::now() + 5s; std::chrono::steady_clock::now() < until;) {
    pending = shared_fake().member(shared_fake().control("GET", "updates"), "pending");
    if (pending == "0") break;
    std::this_thread::sleep_for(20ms);
  }
  CHECK(pending == "0");
}
