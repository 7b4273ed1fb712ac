// The server dies mid-stream: redis-server is SIGKILLed while a subscriber
// listens and a thread posts without pause, then restarted on the same port
// and data directory (append-only file, fsync on every write). Every post
// the backend acknowledged must reach the subscriber exactly once and in
// order, nothing may arrive twice, and health must go retrying → connected.
//
// Uses `$PARLEY_TEST_SERVICES kill|restart redis` (scripts/test-services.sh);
// registered RUN_SERIAL, since it takes the shared server away.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstdlib>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <set>
#include <thread>

#include "conformance/collecting_sink.hpp"
#include "conformance/fault_kit.hpp"
#include "backends/redis/redis_harness.hpp"

using namespace std::chrono_literals;
using parley::conformance::collecting_sink;
using namespace parley::conformance::fault;
using parley::redis::redis_backend;
using parley::redis::testing::redis_harness;

TEST_CASE("redis: SIGKILL of the server loses no acknowledged post and repeats nothing",
          "[redis][fault]") {
  redis_harness h;
  const std::string script = require_services();

  health_log health;
  auto cfg = h.config();
  cfg.reconnect_max_ms = 1000;
  redis_backend b;
  b.set_health_listener([&](parley::health s, const std::string&) { health.add(s); });
  REQUIRE(b.connect(cfg).has_value());

  collecting_sink sink;
  auto sub = b.subscribe("fault", sink);
  REQUIRE(sub.has_value());

  // Several posters, so that the pipeline has posts in flight when the
  // server dies.
  constexpr int posters = 4;
  post_log posts;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  outage_guard guard{script, "redis", stop, threads};
  for (int p = 0; p < posters; ++p)
    threads.emplace_back([&, p] {
      for (int i = 0; !stop; ++i) {
        const auto start = clock_type::now();
        auto id = b.post(
            {"fault", "poster", "p" + std::to_string(p) + "-" + std::to_string(i), std::nullopt});
        posts.record(p, i, id, clock_type::now() - start);
        // Continuous, but leave some CPU to the server on this 2-core machine.
        std::this_thread::sleep_for(id ? 500us : 2ms);
      }
    });

  REQUIRE(wait_until([&] { return posts.acked_count() >= 400; }, 20s));
  guard.kill();
  const auto retrying_at = health.wait_for(parley::health::retrying, 0, 10s);
  CHECK(retrying_at.has_value());
  std::this_thread::sleep_for(300ms);  // posts fail fast meanwhile
  guard.restart();
  const auto connected_at =
      health.wait_for(parley::health::connected, retrying_at.value_or(0) + 1, 20s);
  CHECK(connected_at.has_value());
  const std::size_t before = posts.acked_count();
  REQUIRE(wait_until([&] { return posts.acked_count() >= before + 400; }, 20s));
  guard.join();

  // A last post as a marker: once it arrives, everything before it has.
  auto marker = b.post({"fault", "poster", "marker", std::nullopt});
  REQUIRE(marker.has_value());
  const auto acked = [&] {
    std::lock_guard lock(posts.mu);
    return posts.acked;
  }();
  REQUIRE(wait_until(
      [&] {
        auto got = sink.snapshot();
        return !got.empty() && got.back().backend_msg_id == marker->msg.backend_msg_id;
      },
      20s));
  auto got = sink.snapshot();
  got.pop_back();

  // Exactly once, in cursor order, and each poster's posts in its order.
  std::set<std::string> ids;
  std::set<std::string> contents;
  std::map<int, int> last_seq;
  for (std::size_t i = 0; i < got.size(); ++i) {
    const auto& m = got[i];
    CHECK(ids.insert(m.backend_msg_id).second);
    CHECK(contents.insert(m.content).second);
    const auto [poster, seq] = parse_body(m.content);
    if (auto it = last_seq.find(poster); it != last_seq.end()) CHECK(it->second < seq);
    last_seq[poster] = seq;
    if (i > 0) {
      INFO("delivery " << i << ": " << got[i - 1].backend_msg_id << " then " << m.backend_msg_id);
      CHECK(*parley::redis::stream_id::parse(got[i - 1].backend_msg_id) <
            *parley::redis::stream_id::parse(m.backend_msg_id));
    }
  }
  // Every acknowledged post was delivered, with the id post returned. (A post
  // that failed while the server died may still have been stored: it may be
  // delivered too, once, but need not be.)
  std::map<std::string, std::string> delivered;
  for (const auto& m : got) delivered[m.backend_msg_id] = m.content;
  std::size_t missing = 0;
  for (const auto& [key, id] : acked) {
    auto it = delivered.find(id);
    const std::string body = "p" + std::to_string(key.first) + "-" + std::to_string(key.second);
    if (it == delivered.end() || it->second != body) ++missing;
  }
  INFO("acknowledged " << acked.size() << ", failed " << posts.failed << ", delivered "
                       << got.size());
  CHECK(missing == 0);
  CHECK(acked.size() >= 800);

  // Posts during the outage failed fast with backend_unavailable.
  CHECK(posts.failed > 0);
  CHECK(posts.failure_codes == std::set<parley::errc>{parley::errc::backend_unavailable});
  CHECK(posts.slowest_failure < 2s);

  // Health: connected at connect, then retrying, then connected again.
  const auto states = health.snapshot();
  REQUIRE(states.size() >= 3);
  CHECK(states.front() == parley::health::connected);
  CHECK(states.back() == parley::health::connected);
  CHECK(retrying_at.value_or(0) < connected_at.value_or(0));

  // The history agrees with what was delivered live.
  parley::fetch_request req;
  req.topic = "fault";
  req.since = parley::cursor{"0-0"};
  req.limit = 100000;
  auto history = b.fetch_recent(req);
  REQUIRE(history.has_value());
  std::vector<std::string> fetched;
  for (const auto& m : history->messages) fetched.push_back(m.backend_msg_id);
  std::vector<std::string> live;
  for (const auto& m : got) live.push_back(m.backend_msg_id);
  live.push_back(marker->msg.backend_msg_id);
  CHECK(fetched == live);
}
