// Behavior of the Redis backend beyond the shared conformance suite: its
// configuration, cursor rules, pipelined posts, retention, the live reader's
// wake path and teardown. Live tests use $PARLEY_REDIS_URL.
#include <hiredis/hiredis.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <set>
#include <thread>

#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"
#include "backends/redis/redis_backend.hpp"
#include "backends/redis/redis_connection.hpp"
#include "backends/redis/redis_harness.hpp"
#include "src/seam/registry.hpp"

using namespace std::chrono_literals;
using parley::conformance::fetch;
using parley::conformance::post_ok;
using parley::config::value;
using parley::conformance::collecting_sink;
using parley::redis::endpoint;
using parley::redis::redis_backend;
using parley::redis::redis_config;
using parley::redis::testing::redis_harness;

namespace {

redis_config parse_ok(const value& v) {
  std::vector<parley::config::problem> problems;
  auto cfg = redis_config::parse(v, problems);
  for (const auto& p : problems) INFO(p.path << ": " << p.message);
  REQUIRE(problems.empty());
  return cfg;
}

std::vector<parley::config::problem> problems_of(const value& v) {
  std::vector<parley::config::problem> problems;
  (void)redis_config::parse(v, problems);
  return problems;
}

/// A loopback port nothing listens on (bound, then released).
int closed_port() {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  socklen_t len = sizeof addr;
  REQUIRE(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len) == 0);
  ::close(fd);
  return ntohs(addr.sin_port);
}

}  // namespace

// ---------------------------------------------------------------- config --

TEST_CASE("redis: registered as redis and local-redis", "[redis]") {
  auto& reg = parley::backend_registry::instance();
  for (const char* name : {"redis", "local-redis"}) {
    auto b = reg.create(name);
    REQUIRE(b.has_value());
    CHECK((*b)->capabilities().zero_cursor == "0-0");
    CHECK((*b)->capabilities().native_long_poll);
  }
}

TEST_CASE("redis: config defaults are the original's", "[redis]") {
  const auto cfg = parse_ok(value{});
  CHECK(cfg.server.host == "127.0.0.1");
  CHECK(cfg.server.port == 6379);
  CHECK(cfg.server.db == 0);
  CHECK(cfg.server.password.empty());
  CHECK(cfg.key_prefix == "parley:");
  CHECK(cfg.block_ms == 2000);
  CHECK_FALSE(cfg.retention_days.has_value());
  CHECK(cfg.read_count == 256);
}

TEST_CASE("redis: every key is typed", "[redis]") {
  const auto cfg =
      parse_ok(value::map({{"url", value::scalar("redis://bob:s%40cret@db.example:6380/3")},
                           {"key_prefix", value::scalar("chat:")},
                           {"block_ms", value::scalar("500")},
                           {"retention_days", value::scalar("7")},
                           {"read_count", value::scalar("64")},
                           {"timeout_ms", value::scalar("1000")},
                           {"reconnect_min_ms", value::scalar("10")},
                           {"reconnect_max_ms", value::scalar("100")}}));
  CHECK(cfg.server.host == "db.example");
  CHECK(cfg.server.port == 6380);
  CHECK(cfg.server.user == "bob");
  CHECK(cfg.server.password == "s@cret");
  CHECK(cfg.server.db == 3);
  CHECK(cfg.server.describe() == "db.example:6380/3");
  CHECK(cfg.key_prefix == "chat:");
  CHECK(cfg.block_ms == 500);
  CHECK(cfg.retention_days == std::optional<std::int64_t>(7));
  CHECK(cfg.read_count == 64);
  CHECK(cfg.timeout_ms == 1000);
  CHECK(cfg.reconnect_min_ms == 10);
  CHECK(cfg.reconnect_max_ms == 100);
}

TEST_CASE("redis: url forms", "[redis]") {
  std::string why;
  auto pw_only = endpoint::parse("redis://:secret@localhost", why);
  REQUIRE(pw_only.has_value());
  CHECK(pw_only->user.empty());
  CHECK(pw_only->password == "secret");
  CHECK(pw_only->port == 6379);
  auto v6 = endpoint::parse("redis://[::1]:7000/0", why);
  REQUIRE(v6.has_value());
  CHECK(v6->host == "::1");
  CHECK(v6->port == 7000);
  CHECK(v6->describe() == "[::1]:7000");

  for (const char* bad :
       {"rediss://127.0.0.1:6379", "http://127.0.0.1", "redis://", "redis://h:0", "redis://h:99999",
        "redis://h:12ab", "redis://h/db1", "redis://h?x=1", "redis://u:%zz@h", "redis://[::1"}) {
    INFO(bad);
    CHECK_FALSE(endpoint::parse(bad, why).has_value());
    CHECK_FALSE(why.empty());
  }
  (void)endpoint::parse("rediss://h", why);
  CHECK_THAT(why, Catch::Contains("hiredis 0.14 has no TLS"));
}

TEST_CASE("redis: bad and unknown keys are reported with their path", "[redis]") {
  const auto problems = problems_of(value::map({{"url", value::scalar("rediss://h:1")},
                                                {"block_ms", value::scalar("0")},
                                                {"retention_days", value::scalar("soon")},
                                                {"reconnect_min_ms", value::scalar("100")},
                                                {"reconnect_max_ms", value::scalar("10")},
                                                {"poll_interval_ms", value::scalar("1000")}}));
  std::set<std::string> paths;
  for (const auto& p : problems) paths.insert(p.path);
  CHECK(paths == std::set<std::string>{"backend_config.url", "backend_config.block_ms",
                                       "backend_config.retention_days",
                                       "backend_config.reconnect_max_ms",
                                       "backend_config.poll_interval_ms"});
  redis_backend b;
  auto r = b.connect(value::map({{"bogus", value::scalar("1")}}));
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == parley::errc::invalid_config);
  CHECK_THAT(r.error().message, Catch::Contains("backend_config.bogus: unknown key"));
}

TEST_CASE("redis: an unreachable server fails connect() at once with backend_unavailable",
          "[redis]") {
  redis_backend b;
  redis_config cfg;
  cfg.server.port = closed_port();
  const auto start = std::chrono::steady_clock::now();
  auto r = b.connect(cfg);
  REQUIRE_FALSE(r.has_value());
  CHECK(r.error().code == parley::errc::backend_unavailable);
  CHECK_THAT(r.error().message, Catch::Contains("127.0.0.1:" + std::to_string(cfg.server.port)));
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  auto p = b.post({"t", "me", "x", std::nullopt});
  REQUIRE_FALSE(p.has_value());
  CHECK(p.error().code == parley::errc::not_connected);
}

TEST_CASE("redis: refused credentials are bad_credentials", "[redis][live]") {
  redis_harness h;
  redis_config cfg = h.config();
  cfg.server.password = "definitely-not-the-password";
  redis_backend b;
  auto r = b.connect(cfg);
  REQUIRE_FALSE(r.has_value());
  // A server without requirepass answers AUTH with an error too.
  CHECK(r.error().code == parley::errc::bad_credentials);
}

// ------------------------------------------------------------ encoding --

TEST_CASE("redis: stream ids parse only in full form and order numerically", "[redis]") {
  using parley::redis::stream_id;
  CHECK(stream_id::parse("0-0") == stream_id{0, 0});
  CHECK(stream_id::parse("1752343391204-7") == stream_id{1752343391204, 7});
  CHECK(stream_id::parse("18446744073709551615-18446744073709551615")->is_max());
  CHECK_FALSE(stream_id::parse("18446744073709551616-0").has_value());
  CHECK_FALSE(stream_id::parse("12").has_value());
  // Numeric, not lexicographic: 9-0 < 10-0 and 1-9 < 1-10.
  CHECK(*stream_id::parse("9-0") < *stream_id::parse("10-0"));
  CHECK(*stream_id::parse("1-9") < *stream_id::parse("1-10"));
  CHECK(stream_id::parse("007-01")->to_string() == "7-1");
}

TEST_CASE("redis: the XADD is the original's, field for field", "[redis]") {
  using parley::redis::xadd_command;
  const parley::post_request plain{"ctx", "claude-a", "hi", std::nullopt};
  CHECK(xadd_command("parley:ctx", plain, "2026-07-12T18:03:11.204Z", std::nullopt) ==
        parley::redis::command_args{"XADD", "parley:ctx", "*", "sender", "claude-a", "content",
                                    "hi", "ts", "2026-07-12T18:03:11.204Z", "in_reply_to", ""});
  const parley::post_request reply{"ctx", "claude-b", "ok", std::string("1-0")};
  CHECK(xadd_command("parley:ctx", reply, "T", 1000) ==
        parley::redis::command_args{"XADD", "parley:ctx", "MINID", "~", "1000", "*", "sender",
                                    "claude-b", "content", "ok", "ts", "T", "in_reply_to", "1-0"});
}

// ------------------------------------------------------------ live reads --

TEST_CASE("redis: ids are stream entry ids, equal to cursors, and the zero cursor is 0-0",
          "[redis][live]") {
  redis_harness h;
  auto b = h.connect_redis();
  auto empty = fetch(*b, "never");
  REQUIRE(empty.has_value());
  CHECK(empty->next_cursor.text == "0-0");
  const auto id = post_ok(*b, "ctx", "hello @bob");
  CHECK(parley::redis::stream_id::parse(id).has_value());
  auto p = fetch(*b, "ctx");
  REQUIRE(p.has_value());
  REQUIRE(p->messages.size() == 1);
  CHECK(p->messages[0].backend_msg_id == id);
  CHECK(p->messages[0].cursor.text == id);
  CHECK(p->messages[0].mentions == std::vector<std::string>{"bob"});
  CHECK(p->messages[0].sender_handle == "me");
  CHECK(p->messages[0].timestamp.size() == 24);
  // From the zero cursor: everything.
  auto all = fetch(*b, "ctx", "0-0");
  REQUIRE(all.has_value());
  CHECK(all->messages.size() == 1);
}

TEST_CASE("redis: malformed cursors are refused with a clear message", "[redis][live]") {
  redis_harness h;
  auto b = h.connect_redis();
  post_ok(*b, "ctx", "a");
  for (const std::string bad : {"", "abc", "5", "1-", "-1", "1-2-3", " 1-0", "1-0 ", "+", "$",
                                "99999999999999999999-0", "1--1"}) {
    INFO("'" << bad << "'");
    auto p = fetch(*b, "ctx", bad);
    REQUIRE_FALSE(p.has_value());
    CHECK(p.error().code == parley::errc::malformed_cursor);
    CHECK(p.error().message == "parley-redis: malformed cursor '" + bad +
                                   "' for topic ctx — expected a stream entry id (<ms>-<seq>) "
                                   "minted by this backend");
  }
  // The largest possible id is a valid cursor with nothing after it.
  auto top = fetch(*b, "ctx", "18446744073709551615-18446744073709551615", 200ms);
  REQUIRE(top.has_value());
  CHECK(top->messages.empty());
}

TEST_CASE("redis: a long-poll fetch wakes on a post and is aborted by disconnect",
          "[redis][live]") {
  redis_harness h;
  auto b = h.connect_redis();
  const auto tail = post_ok(*b, "lp", "old");
  std::thread late([&] {
    std::this_thread::sleep_for(100ms);
    auto other = h.connect_redis();
    post_ok(*other, "lp", "new");
  });
  auto p = fetch(*b, "lp", tail, 5000ms);
  late.join();
  REQUIRE(p.has_value());
  REQUIRE(p->messages.size() == 1);
  CHECK(p->messages[0].content == "new");

  const auto new_tail = p->next_cursor.text;
  std::atomic<bool> returned{false};
  parley::result<parley::page> waited = parley::fail(parley::errc::internal, "not run");
  std::thread poller([&] {
    waited = fetch(*b, "lp", new_tail, 30000ms);
    returned = true;
  });
  std::this_thread::sleep_for(200ms);
  const auto start = std::chrono::steady_clock::now();
  b->disconnect();
  poller.join();
  CHECK(std::chrono::steady_clock::now() - start < 2s);
  REQUIRE_FALSE(waited.has_value());
  CHECK(waited.error().code == parley::errc::not_connected);
}

// ------------------------------------------------------------ writes --

TEST_CASE("redis: concurrent posts through one instance keep every thread's order",
          "[redis][live]") {
  redis_harness h;
  auto b = h.connect_redis();
  constexpr int threads = 16;
  constexpr int per_thread = 200;
  std::vector<std::vector<std::string>> ids(threads);
  std::vector<std::thread> posters;
  for (int t = 0; t < threads; ++t)
    posters.emplace_back([&, t] {
      for (int i = 0; i < per_thread; ++i) {
        auto id = b->post({"many", "p" + std::to_string(t),
                           std::to_string(t) + ":" + std::to_string(i), std::nullopt});
        if (id) ids[static_cast<std::size_t>(t)].push_back(id->msg.backend_msg_id);
      }
    });
  for (auto& p : posters) p.join();
  std::set<std::string> distinct;
  for (const auto& mine : ids) {
    REQUIRE(mine.size() == per_thread);
    for (std::size_t i = 1; i < mine.size(); ++i)
      CHECK(*parley::redis::stream_id::parse(mine[i - 1]) <
            *parley::redis::stream_id::parse(mine[i]));
    distinct.insert(mine.begin(), mine.end());
  }
  CHECK(distinct.size() == threads * per_thread);
  parley::fetch_request req;
  req.topic = "many";
  req.since = parley::cursor{"0-0"};
  req.limit = 10000;
  auto all = b->fetch_recent(req);
  REQUIRE(all.has_value());
  REQUIRE(all->messages.size() == threads * per_thread);
  // Each poster's messages appear in its own order in the stream.
  std::vector<int> next(threads, 0);
  for (const auto& m : all->messages) {
    const auto colon = m.content.find(':');
    const int t = std::stoi(m.content.substr(0, colon));
    CHECK(std::stoi(m.content.substr(colon + 1)) == next[static_cast<std::size_t>(t)]++);
  }
}

TEST_CASE("redis: large and small posts interleave on the pipeline intact", "[redis][live]") {
  redis_harness h;
  auto b = h.connect_redis();
  std::vector<std::thread> posters;
  std::atomic<int> failures{0};
  for (int t = 0; t < 12; ++t)
    posters.emplace_back([&, t] {
      const bool big = t < 4;
      for (int i = 0; i < (big ? 4 : 100); ++i) {
        std::string body = std::to_string(t) + ":" + std::to_string(i) + ":";
        body.resize(big ? 256 * 1024 : 64, static_cast<char>('a' + t));
        if (!b->post({"mixed", "p", body, std::nullopt})) ++failures;
      }
    });
  for (auto& p : posters) p.join();
  CHECK(failures == 0);
  parley::fetch_request req;
  req.topic = "mixed";
  req.since = parley::cursor{"0-0"};
  req.limit = 10000;
  auto all = b->fetch_recent(req);
  REQUIRE(all.has_value());
  REQUIRE(all->messages.size() == 4 * 4 + 8 * 100);
  for (const auto& m : all->messages) {
    const int t = std::stoi(m.content.substr(0, m.content.find(':')));
    CHECK(m.content.size() == (t < 4 ? 256u * 1024 : 64u));
    CHECK(m.content.back() == static_cast<char>('a' + t));
  }
}

TEST_CASE("redis: retention_days trims the stream with MINID on post", "[redis][live]") {
  redis_harness h;
  redis_config cfg = h.config();
  cfg.retention_days = 1;
  auto conn = parley::redis::connection::open(cfg.server, 2000ms);
  REQUIRE(conn.has_value());
  const std::string key = cfg.key_prefix + "old";
  // 1970-era entries, far older than a day; enough for whole radix-tree nodes
  // (100 entries each) to be trimmable by the approximate MINID ~.
  for (int i = 1; i <= 350; ++i)
    REQUIRE(conn->command({"XADD", key, std::to_string(i) + "-0", "sender", "x", "content", "old",
                           "ts", "1970-01-01T00:00:00.000Z", "in_reply_to", ""})
                .has_value());
  redis_backend b;
  REQUIRE(b.connect(cfg).has_value());
  post_ok(b, "old", "fresh");
  auto len = conn->command({"XLEN", key});
  REQUIRE(len.has_value());
  CHECK((*len)->integer < 351);
  auto newest = fetch(b, "old");
  REQUIRE(newest.has_value());
  CHECK(newest->messages.back().content == "fresh");
}

// ------------------------------------------------------------ live path --

TEST_CASE("redis: subscribe to a key that is not a stream fails and replays nothing",
          "[redis][live]") {
  redis_harness h;
  auto conn = parley::redis::connection::open(h.config().server, 2000ms);
  REQUIRE(conn.has_value());
  REQUIRE(conn->command({"SET", h.config().key_prefix + "str", "x"}).has_value());
  auto b = h.connect_redis();
  collecting_sink sink;
  auto sub = b->subscribe("str", sink);
  REQUIRE_FALSE(sub.has_value());
  CHECK_THAT(sub.error().message, Catch::Contains("WRONGTYPE"));
  // The backend keeps serving other topics live.
  collecting_sink ok;
  auto good = b->subscribe("fine", ok);
  REQUIRE(good.has_value());
  post_ok(*b, "fine", "x");
  CHECK(ok.wait_for(1, 5000ms).size() == 1);
}

namespace {

/// Cancels its own subscription from inside on_message.
class cancelling_sink final : public parley::subscription_sink {
 public:
  void on_message(parley::message) override {
    ++calls;
    if (sub) sub->cancel();
  }
  std::unique_ptr<parley::subscription> sub;
  std::atomic<int> calls{0};
};

}  // namespace

TEST_CASE("redis: a sink may cancel its own subscription", "[redis][live]") {
  redis_harness h;
  auto b = h.connect_redis();
  cancelling_sink once;
  auto sub = b->subscribe("c", once);
  REQUIRE(sub.has_value());
  once.sub = std::move(*sub);
  collecting_sink witness;
  auto w = b->subscribe("c", witness);
  REQUIRE(w.has_value());
  for (int i = 0; i < 5; ++i) post_ok(*b, "c", std::to_string(i));
  REQUIRE(witness.wait_for(5, 5000ms).size() == 5);
  CHECK(once.calls == 1);
}

TEST_CASE("redis: one reader serves many topics, each sink only its own", "[redis][live]") {
  redis_harness h;
  auto b = h.connect_redis();
  constexpr int topics = 40;
  std::vector<std::unique_ptr<collecting_sink>> sinks;
  std::vector<std::unique_ptr<parley::subscription>> subs;
  for (int i = 0; i < topics; ++i) {
    sinks.push_back(std::make_unique<collecting_sink>());
    auto s = b->subscribe("topic-" + std::to_string(i), *sinks.back());
    REQUIRE(s.has_value());
    subs.push_back(std::move(*s));
  }
  for (int i = 0; i < topics; ++i)
    post_ok(*b, "topic-" + std::to_string(i), "for " + std::to_string(i));
  for (int i = 0; i < topics; ++i) {
    auto got = sinks[static_cast<std::size_t>(i)]->wait_for(1, 5000ms);
    REQUIRE(got.size() == 1);
    CHECK(got[0].content == "for " + std::to_string(i));
  }
  // A marker per topic arrives as exactly the second message: nothing crossed.
  for (int i = 0; i < topics; ++i) post_ok(*b, "topic-" + std::to_string(i), "marker");
  for (int i = 0; i < topics; ++i) {
    auto got = sinks[static_cast<std::size_t>(i)]->wait_for(2, 5000ms);
    REQUIRE(got.size() == 2);
    CHECK(got[1].content == "marker");
  }
}

TEST_CASE("redis: subscription churn wakes the reader and never loses or repeats a message",
          "[redis][live]") {
  redis_harness h;
  auto b = h.connect_redis();
  collecting_sink steady;
  auto sub = b->subscribe("steady", steady);
  REQUIRE(sub.has_value());
  std::atomic<bool> stop{false};
  std::vector<std::string> posted;
  std::thread poster([&] {
    for (int i = 0; !stop; ++i) {
      auto id = b->post({"steady", "me", std::to_string(i), std::nullopt});
      if (id) posted.push_back(id->msg.backend_msg_id);
      std::this_thread::sleep_for(1ms);
    }
  });
  // Each new stream and each last cancel interrupts the blocked XREAD.
  for (int round = 0; round < 30; ++round) {
    collecting_sink transient;
    const std::string topic = "churn-" + std::to_string(round);
    auto s = b->subscribe(topic, transient);
    REQUIRE(s.has_value());
    post_ok(*b, topic, "hello");
    REQUIRE(transient.wait_for(1, 5000ms).size() == 1);
    (*s)->cancel();
  }
  stop = true;
  poster.join();
  const auto marker = post_ok(*b, "steady", "marker");
  posted.push_back(marker);
  auto got = steady.wait_for(posted.size(), 10000ms);
  std::vector<std::string> got_ids;
  for (const auto& m : got) got_ids.push_back(m.backend_msg_id);
  CHECK(got_ids == posted);
}

TEST_CASE("redis: health is reported at connect, and calls after disconnect are not_connected",
          "[redis][live]") {
  redis_harness h;
  std::vector<parley::health> seen;
  redis_backend b;
  b.set_health_listener([&](parley::health s, const std::string&) { seen.push_back(s); });
  REQUIRE(b.connect(h.config()).has_value());
  REQUIRE(seen == std::vector<parley::health>{parley::health::connected});
  collecting_sink sink;
  auto sub = b.subscribe("x", sink);
  REQUIRE(sub.has_value());
  b.disconnect();
  b.disconnect();  // idempotent
  auto p = b.post({"x", "me", "late", std::nullopt});
  REQUIRE_FALSE(p.has_value());
  CHECK(p.error().code == parley::errc::not_connected);
  auto f = fetch(b, "x");
  REQUIRE_FALSE(f.has_value());
  CHECK(f.error().code == parley::errc::not_connected);
  auto s = b.subscribe("x", sink);
  REQUIRE_FALSE(s.has_value());
  CHECK(s.error().code == parley::errc::not_connected);
  (*sub)->cancel();  // after disconnect: safe
}
