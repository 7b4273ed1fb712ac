#include "backends/discord/discord_backend.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "backends/discord/discord_harness.hpp"
#include "backends/discord/testing/fake_discord.hpp"
#include "conformance/backend_calls.hpp"

using namespace parley;
using namespace parley::discord;
using namespace parley::discord::testing;

namespace {

page fetch_page(backend& b, const std::string& topic, std::optional<cursor> since = std::nullopt,
                std::size_t limit = 100) {
  auto p = b.fetch_recent({topic, std::move(since), limit, {}});
  INFO((p ? "" : p.error().message));
  REQUIRE(p.has_value());
  return std::move(*p);
}

std::vector<std::string> contents(const page& p) {
  std::vector<std::string> out;
  for (const auto& m : p.messages) out.push_back(m.content);
  return out;
}

}  // namespace

TEST_CASE("discord: a wrong token is bad_credentials and the error does not show it", "[discord]") {
  auto cfg = fake_config();
  cfg.token = "wrong-secret-token";
  discord_backend b;
  auto r = b.connect(cfg);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == errc::bad_credentials);
  CHECK(r.error().message.find("wrong-secret-token") == std::string::npos);
}

TEST_CASE("discord: without the MESSAGE_CONTENT switch connect fails and says where to switch it on", "[discord]") {
  shared_fake().post("app_flags", R"({"flags":0})");
  discord_backend b;
  auto r = b.connect(fake_config());
  shared_fake().post("app_flags", R"({"flags":524288})");
  REQUIRE_FALSE(r.has_value());
  CHECK_THAT(r.error().message, Catch::Contains("MESSAGE CONTENT INTENT") && Catch::Contains("Developer Portal"));
  auto cfg = fake_config();
  cfg.require_message_content = false;
  shared_fake().post("app_flags", R"({"flags":0})");
  discord_backend lenient;
  CHECK(lenient.connect(cfg).has_value());
  shared_fake().post("app_flags", R"({"flags":524288})");
}

// The other bodies of the conformance unicode case run there (the harness
// leaves out only the empty one).
TEST_CASE("discord: an empty post is refused with a clear error", "[discord]") {
  auto b = connect_discord(fake_config());
  const auto t = shared_fake().add_channel();
  auto empty = b->post({t, "writer", "", std::nullopt});
  REQUIRE_FALSE(empty.has_value());
  CHECK_THAT(empty.error().message, Catch::Contains("empty"));
}

TEST_CASE("discord: 2000 characters fit, 2001 are payload_too_large", "[discord]") {
  auto b = connect_discord(fake_config());
  const auto t = shared_fake().add_channel();
  std::string max;
  for (int i = 0; i < 2000; ++i) max += "é";
  CHECK(b->post({t, "writer", max, std::nullopt}).has_value());
  auto over = b->post({t, "writer", max + "x", std::nullopt});
  REQUIRE_FALSE(over.has_value());
  CHECK(over.error().code == errc::payload_too_large);
}

TEST_CASE("discord: a topic in webhook_map posts as the handle, a reply goes out as the bot", "[discord]") {
  auto cfg = fake_config();
  const auto t = shared_fake().add_channel();
  cfg.webhook_map[t] = shared_fake().add_webhook(t);
  auto b = connect_discord(cfg);
  auto first = b->post({t, "ada", "from ada", std::nullopt});
  REQUIRE(first.has_value());
  CHECK(first->msg.sender_handle == "ada");
  auto reply = b->post({t, "ada", "a reply", first->msg.backend_msg_id});
  REQUIRE(reply.has_value());
  CHECK(reply->msg.sender_handle == b->bot().username);
  CHECK(reply->msg.in_reply_to == first->msg.backend_msg_id);
  auto p = fetch_page(*b, t);
  REQUIRE(p.messages.size() == 2);
  CHECK(p.messages[0] == first->msg);
  CHECK(p.messages[1] == reply->msg);
}

TEST_CASE("discord: 429 with and without Retry-After is waited out", "[discord]") {
  auto b = connect_discord(fake_config());
  const auto t = shared_fake().add_channel();
  shared_fake().post("rate_limit", R"({"count":2,"retry_after":0.2})");
  const auto start = std::chrono::steady_clock::now();
  auto a = b->post({t, "writer", "after a 429", std::nullopt});
  REQUIRE(a.has_value());
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(350));
  shared_fake().post("rate_limit", R"({"count":1,"retry_after":0.1,"header":false})");
  CHECK(contents(fetch_page(*b, t)) == std::vector<std::string>{"after a 429"});
  shared_fake().post("rate_limit", R"({"count":1,"retry_after":0.1,"header":false,"body":false})");
  CHECK(contents(fetch_page(*b, t)) == std::vector<std::string>{"after a 429"});
}

TEST_CASE("discord: since pages past 100 messages, topics resolve through channel_map", "[discord]") {
  auto cfg = fake_config();
  const auto channel = shared_fake().add_channel();
  cfg.channel_map["general"] = channel;
  auto b = connect_discord(cfg);
  for (int i = 0; i < 130; ++i) (void)conformance::post_ok(*b, "general", "n" + std::to_string(i));
  auto first = fetch_page(*b, "general", cursor{"0"}, 100);
  REQUIRE(first.messages.size() == 100);
  CHECK(first.messages.front().content == "n0");
  auto rest = fetch_page(*b, "general", first.next_cursor, 100);
  REQUIRE(rest.messages.size() == 30);
  CHECK(rest.messages.back().content == "n129");
  CHECK(fetch_page(*b, "general", rest.next_cursor).next_cursor == rest.next_cursor);
  auto unknown = b->fetch_recent({"no-such-topic", std::nullopt, 10, {}});
  REQUIRE_FALSE(unknown.has_value());
  CHECK(unknown.error().code == errc::no_such_topic);
}

TEST_CASE("discord: resolve_identity maps the bot's own name to its id", "[discord]") {
  auto b = connect_discord(fake_config());
  auto self = b->resolve_identity(b->bot().username);
  REQUIRE(self.has_value());
  CHECK(self->backend_ref == b->bot().id);
  CHECK(b->resolve_identity("alice")->backend_ref == "alice");
}

TEST_CASE("discord: a burst of posts queues under the request budget instead of drawing 429s", "[discord]") {
  auto& fake = shared_fake();
  std::vector<std::unique_ptr<discord_backend>> writers;
  for (int i = 0; i < 3; ++i) writers.push_back(connect_discord(fake_config()));
  const auto t = fake.add_channel();
  fake.post("global_limit", R"({"per_second":50})");
  const long limited = fake.stat("global_limited");
  const auto start = std::chrono::steady_clock::now();
  std::vector<std::thread> threads;
  std::atomic<int> ok{0};
  for (auto& w : writers)
    threads.emplace_back([&, b = w.get()] {
      for (int i = 0; i < 40; ++i)
        if (b->post({t, "writer", "burst " + std::to_string(i), std::nullopt})) ++ok;
    });
  for (auto& th : threads) th.join();
  fake.post("global_limit", R"({"per_second":0})");
  CHECK(ok == 120);
  CHECK(fake.stat("global_limited") == limited);
  CHECK(std::chrono::steady_clock::now() - start >= std::chrono::milliseconds(1500));
}
