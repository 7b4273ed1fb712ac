// Storage compatibility with the original TypeScript Parley: entries it
// writes (plain XADD, exactly its field layout) read correctly here, live and
// fetched, and entries we write read correctly with plain XRANGE, field for
// field and in the same order. The raw side is hiredis itself, not our
// wrapper, so a bug in the wrapper cannot hide on both sides.
#include <hiredis/hiredis.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <regex>

#include "conformance/collecting_sink.hpp"
#include "backends/redis/redis_harness.hpp"

using namespace std::chrono_literals;
using parley::conformance::collecting_sink;
using parley::redis::testing::redis_harness;

namespace {

/// A bare hiredis connection to the test server.
struct raw_redis {
  redisContext* c = nullptr;
  explicit raw_redis(const parley::redis::endpoint& ep) {
    c = redisConnect(ep.host.c_str(), ep.port);
    REQUIRE(c != nullptr);
    INFO((c->err ? c->errstr : ""));
    REQUIRE(c->err == 0);
    if (!ep.password.empty()) {
      auto* r = static_cast<redisReply*>(
          ep.user.empty() ? redisCommand(c, "AUTH %s", ep.password.c_str())
                          : redisCommand(c, "AUTH %s %s", ep.user.c_str(), ep.password.c_str()));
      REQUIRE(r != nullptr);
      freeReplyObject(r);
    }
  }
  ~raw_redis() { redisFree(c); }
  raw_redis(const raw_redis&) = delete;
  raw_redis& operator=(const raw_redis&) = delete;

  /// The original's post(): XADD key * sender s content c ts t in_reply_to r.
  std::string original_xadd(const std::string& key, const std::string& sender,
                            const std::string& content, const std::string& ts,
                            const std::string& in_reply_to) {
    auto* r = static_cast<redisReply*>(
        redisCommand(c, "XADD %b * sender %b content %b ts %b in_reply_to %b", key.data(),
                     key.size(), sender.data(), sender.size(), content.data(), content.size(),
                     ts.data(), ts.size(), in_reply_to.data(), in_reply_to.size()));
    REQUIRE(r != nullptr);
    REQUIRE(r->type == REDIS_REPLY_STRING);
    std::string id(r->str, r->len);
    freeReplyObject(r);
    return id;
  }

  /// Every entry of `key` as "id|field=value|field=value…", in stream order.
  std::vector<std::string> xrange(const std::string& key) {
    auto* r = static_cast<redisReply*>(redisCommand(c, "XRANGE %b - +", key.data(), key.size()));
    REQUIRE(r != nullptr);
    REQUIRE(r->type == REDIS_REPLY_ARRAY);
    std::vector<std::string> out;
    for (std::size_t i = 0; i < r->elements; ++i) {
      const redisReply* e = r->element[i];
      std::string row(e->element[0]->str, e->element[0]->len);
      const redisReply* f = e->element[1];
      for (std::size_t j = 0; j + 1 < f->elements; j += 2)
        row += "|" + std::string(f->element[j]->str, f->element[j]->len) + "=" +
               std::string(f->element[j + 1]->str, f->element[j + 1]->len);
      out.push_back(row);
    }
    freeReplyObject(r);
    return out;
  }

  void command(const char* fmt, const std::string& key) {
    auto* r = static_cast<redisReply*>(redisCommand(c, fmt, key.data(), key.size()));
    REQUIRE(r != nullptr);
    INFO((r->type == REDIS_REPLY_ERROR ? r->str : ""));
    CHECK(r->type != REDIS_REPLY_ERROR);
    freeReplyObject(r);
  }
};

}  // namespace

TEST_CASE("redis: entries the original wrote read back through the backend, fetched and live",
          "[redis][compat]") {
  redis_harness h;
  raw_redis raw(h.config().server);
  auto b = h.connect_redis();
  const std::string topic = "ctx";
  const std::string key = h.config().key_prefix + topic;

  const auto first =
      raw.original_xadd(key, "claude-a", "plan ready @claude-b", "2026-07-12T18:03:11.204Z", "");
  const auto second =
      raw.original_xadd(key, "claude-b", "on it", "2026-07-12T18:03:13.500Z", first);

  auto p = b->fetch_recent({topic, std::nullopt, 100, 0ms});
  REQUIRE(p.has_value());
  REQUIRE(p->messages.size() == 2);
  const auto& m0 = p->messages[0];
  CHECK(m0.backend_msg_id == first);
  CHECK(m0.cursor.text == first);
  CHECK(m0.topic == topic);
  CHECK(m0.sender_handle == "claude-a");
  CHECK(m0.content == "plan ready @claude-b");
  CHECK(m0.timestamp == "2026-07-12T18:03:11.204Z");
  CHECK_FALSE(m0.in_reply_to.has_value());  // "" means none
  CHECK(m0.mentions == std::vector<std::string>{"claude-b"});
  CHECK(p->messages[1].in_reply_to == std::optional<std::string>(first));
  CHECK(p->next_cursor.text == second);

  // Exclusive since, as the original's XRANGE key (<since> +.
  auto after = b->fetch_recent({topic, parley::cursor{first}, 100, 0ms});
  REQUIRE(after.has_value());
  REQUIRE(after->messages.size() == 1);
  CHECK(after->messages[0].backend_msg_id == second);

  // Live: an original writer's XADD reaches our subscriber.
  collecting_sink sink;
  auto sub = b->subscribe(topic, sink);
  REQUIRE(sub.has_value());
  const auto third =
      raw.original_xadd(key, "claude-a", "done ✓ 🦜", "2026-07-12T18:03:15.000Z", "");
  auto live = sink.wait_for(1, 5000ms);
  REQUIRE(live.size() == 1);
  CHECK(live[0].backend_msg_id == third);
  CHECK(live[0].sender_handle == "claude-a");
  CHECK(live[0].content == "done ✓ 🦜");
  CHECK(live[0].timestamp == "2026-07-12T18:03:15.000Z");
  CHECK_FALSE(live[0].in_reply_to.has_value());
}

TEST_CASE("redis: entries with missing or extra fields read as empty strings, not errors",
          "[redis][compat]") {
  redis_harness h;
  raw_redis raw(h.config().server);
  auto b = h.connect_redis();
  const std::string key = h.config().key_prefix + "odd";
  raw.command("XADD %b * content only-content", key);
  raw.command("XADD %b * extra 1 sender s content c ts t more 2", key);
  auto p = b->fetch_recent({"odd", std::nullopt, 100, 0ms});
  REQUIRE(p.has_value());
  REQUIRE(p->messages.size() == 2);
  CHECK(p->messages[0].sender_handle.empty());
  CHECK(p->messages[0].content == "only-content");
  CHECK(p->messages[0].timestamp.empty());
  CHECK(p->messages[1].sender_handle == "s");
  CHECK(p->messages[1].content == "c");
}

TEST_CASE("redis: our entries read with plain XRANGE exactly as the original writes them",
          "[redis][compat]") {
  redis_harness h;
  raw_redis raw(h.config().server);
  auto b = h.connect_redis();
  const std::string topic = "ctx";
  const std::string key = h.config().key_prefix + topic;

  auto root = b->post({topic, "claude-a", "hello\nworld ✓", std::nullopt});
  REQUIRE(root.has_value());
  auto reply = b->post({topic, "claude-b", "", root->msg.backend_msg_id});
  REQUIRE(reply.has_value());

  const auto rows = raw.xrange(key);
  REQUIRE(rows.size() == 2);
  // Field names, order and values; ts is toISOString()'s shape.
  const std::regex shape(
      R"(^(\d+-\d+)\|sender=([^|]*)\|content=([^|]*)\|ts=(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z)\|in_reply_to=(.*)$)");
  std::smatch m0;
  REQUIRE(std::regex_match(rows[0], m0, shape));
  CHECK(m0[1] == root->msg.backend_msg_id);
  CHECK(m0[2] == "claude-a");
  CHECK(m0[3] == "hello\nworld ✓");
  CHECK(m0[5] == "");  // absent in_reply_to is the empty string, as the original writes it
  std::smatch m1;
  REQUIRE(std::regex_match(rows[1], m1, shape));
  CHECK(m1[1] == reply->msg.backend_msg_id);
  CHECK(m1[2] == "claude-b");
  CHECK(m1[3] == "");
  CHECK(m1[5] == root->msg.backend_msg_id);
  // The id is what XADD * minted: <ms>-<seq> near now.
  const auto ms = std::stoll(
      std::string(root->msg.backend_msg_id).substr(0, root->msg.backend_msg_id.find('-')));
  const auto now = std::chrono::duration_cast<std::chrono::milliseconds>(
                       std::chrono::system_clock::now().time_since_epoch())
                       .count();
  CHECK(std::llabs(now - ms) < 60'000);
}
