#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <thread>

#include "backends/discord/discord_harness.hpp"
#include "backends/discord/testing/fake_discord.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"

using namespace parley;
using namespace parley::discord;
using namespace parley::discord::testing;
using namespace std::chrono_literals;

// The fake keeps everything in memory, so it cannot die and come back; it
// plays the gateway's failures instead. In each case a subscriber listens
// while a human posts without pause (through the control API, which stays up
// whatever the fault): every message must reach the subscriber exactly once
// and in order, whether the session RESUMEs (Discord replays) or starts
// anew (the backend fills the gap from REST).

namespace {

std::vector<std::string> ids(const std::vector<message>& ms) {
  std::vector<std::string> out;
  for (const auto& m : ms) out.push_back(m.backend_msg_id);
  return out;
}

/// Health changes as reported, for the checks on them.
struct health_log {
  std::mutex mu;
  std::vector<std::pair<health, std::string>> seen;
  health_listener listener() {
    return [this](health h, const std::string& why) {
      std::lock_guard lock(mu);
      seen.emplace_back(h, why);
    };
  }
  bool saw(health h) {
    std::lock_guard lock(mu);
    for (const auto& [s, why] : seen)
      if (s == h) return true;
    return false;
  }
  std::string last_reason() {
    std::lock_guard lock(mu);
    return seen.empty() ? "" : seen.back().second;
  }
};

/// Subscribes, lets a human post `before`, applies `fault`, keeps posting for
/// `during`, calls `heal`, posts a few more, and checks what arrived.
void survive(const std::function<void(fake_discord&)>& fault, std::chrono::milliseconds during,
             const std::function<void(fake_discord&)>& heal = {}) {
  auto& fake = shared_fake();
  health_log health;
  discord_backend b;
  b.set_health_listener(health.listener());
  REQUIRE(b.connect(fake_config()).has_value());
  const auto t = fake.add_channel("faults");
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(b, t, sink);
  std::vector<std::string> posted;
  for (int i = 0; i < 3; ++i) posted.push_back(fake.human_post(t, "alice", "before" + std::to_string(i)));
  fault(fake);
  const auto end = std::chrono::steady_clock::now() + during;
  for (int i = 0; std::chrono::steady_clock::now() < end; ++i) {
    posted.push_back(fake.human_post(t, "alice", "during" + std::to_string(i)));
    std::this_thread::sleep_for(150ms);
  }
  if (heal) heal(fake);
  for (int i = 0; i < 3; ++i) posted.push_back(fake.human_post(t, "alice", "after" + std::to_string(i)));
  auto got = sink.wait_for(posted.size(), 60s);
  // One more, as a marker: it must arrive as exactly the next one (nothing
  // was duplicated behind the others).
  posted.push_back(fake.human_post(t, "alice", "marker"));
  got = sink.wait_for(posted.size(), 30s);
  CHECK(ids(got) == posted);
  CHECK(health.saw(health::retrying));
  CHECK(health.saw(health::connected));
}

}  // namespace

TEST_CASE("discord faults: the socket drops mid-stream, the session RESUMEs", "[discord][fault]") {
  const long resumes = shared_fake().stat("resume");
  survive([](fake_discord& f) { f.post("gateway/drop"); }, 2s);
  CHECK(shared_fake().stat("resume") > resumes);
}

TEST_CASE("discord faults: RESUME refused, a new session fills the gap from REST", "[discord][fault]") {
  const long identifies = shared_fake().stat("identify");
  survive(
      [](fake_discord& f) {
        f.post("gateway/refuse_resume", R"({"count":1})");
        f.post("gateway/drop");
      },
      3s);
  CHECK(shared_fake().stat("resume_refused") >= 1);
  CHECK(shared_fake().stat("identify") >= identifies + 2);
}

TEST_CASE("discord faults: heartbeats go unACKed, the zombie socket is replaced", "[discord][fault]") {
  const long connects = shared_fake().stat("connect");
  survive([](fake_discord& f) { f.post("gateway/acks", R"({"on":false})"); }, 3s,
          [](fake_discord& f) { f.post("gateway/acks", R"({"on":true})"); });
  CHECK(shared_fake().stat("connect") >= connects + 2);
}

TEST_CASE("discord faults: 429s with and without Retry-After during the gap-fill", "[discord][fault]") {
  survive(
      [](fake_discord& f) {
        f.post("gateway/refuse_resume", R"({"count":1})");
        f.post("gateway/drop");
        f.post("rate_limit", R"({"count":2,"retry_after":0.4})");
        f.post("rate_limit", R"({"count":2,"retry_after":0.3,"header":false})");
      },
      2s);
}

TEST_CASE("discord faults: Discord goes away for 10 s", "[discord][fault]") {
  survive(
      [](fake_discord& f) {
        f.post("gateway/refuse_resume", R"({"count":1})");
        f.post("outage", R"({"seconds":10})");
      },
      11s);
}

TEST_CASE("discord faults: op 7 RECONNECT resumes, op 9 re-identifies", "[discord][fault]") {
  survive(
      [](fake_discord& f) {
        f.post("gateway/op", R"({"op":7,"d":null})");
        std::this_thread::sleep_for(2500ms);
        f.post("gateway/op", R"({"op":9,"d":false})");
      },
      3s);
}

TEST_CASE("discord faults: with no identify budget left the session waits for reset_after", "[discord][fault]") {
  survive(
      [](fake_discord& f) {
        f.post("gateway/budget", R"({"remaining":0,"reset_after":4000})");
        f.post("gateway/refuse_resume", R"({"count":1})");
        f.post("gateway/drop");
      },
      5s);
  CHECK(shared_fake().stat("identify_over_budget") == 0);
}

TEST_CASE("discord faults: a terminal close code stops reconnecting with failed health", "[discord][fault]") {
  auto& fake = shared_fake();
  for (int code : {4004, 4014}) {
    health_log health;
    discord_backend b;
    b.set_health_listener(health.listener());
    REQUIRE(b.connect(fake_config()).has_value());
    conformance::collecting_sink sink;
    auto sub = conformance::subscribe_ok(b, fake.add_channel(), sink);
    const long connects = fake.stat("connect");
    fake.post("gateway/close", R"({"code":)" + std::to_string(code) + "}");
    for (int i = 0; i < 50 && !health.saw(health::failed); ++i) std::this_thread::sleep_for(100ms);
    REQUIRE(health.saw(health::failed));
    CHECK_THAT(health.last_reason(), Catch::Contains(std::to_string(code)));
    std::this_thread::sleep_for(3s);  // longer than the first reconnect delay
    CHECK(fake.stat("connect") == connects);
  }
}
