// A live subscriber survives nats-server being killed and restarted on the
// same store: every acknowledged post is delivered exactly once, in order.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

#include "conformance/collecting_sink.hpp"
#include "backends/nats/nats_harness.hpp"

using namespace std::chrono_literals;
using namespace parley;

namespace {

void services(const std::string& action) {
  const char* svc = std::getenv("PARLEY_TEST_SERVICES");
  if (!svc) FAIL("PARLEY_TEST_SERVICES is not set: run the tests with scripts/test.sh");
  const std::string cmd = std::string(svc) + " " + action + " nats";
  REQUIRE(std::system(cmd.c_str()) == 0);
}

}  // namespace

TEST_CASE("nats fault: SIGKILL and restart of nats-server loses and repeats nothing", "[fault]") {
  auto cfg = nats::testing::isolated_config();
  nats::nats_backend b;
  std::mutex health_mu;
  std::vector<health> states;
  b.set_health_listener([&](health h, const std::string&) {
    std::lock_guard lock(health_mu);
    states.push_back(h);
  });
  REQUIRE(b.connect(cfg).has_value());
  conformance::collecting_sink sink;
  auto sub = b.subscribe("ctx", sink);
  REQUIRE(sub.has_value());

  std::atomic<bool> stop{false};
  std::mutex acked_mu;
  std::vector<std::string> acked;
  // Stops and joins the poster however the test ends (a failed REQUIRE
  // throws past the join below).
  struct joiner {
    std::atomic<bool>& stop;
    std::thread& t;
    ~joiner() {
      stop = true;
      if (t.joinable()) t.join();
    }
  };
  std::thread poster;
  joiner guard{stop, poster};
  poster = std::thread([&] {
    int i = 0;
    while (!stop) {
      auto id = b.post({"ctx", "poster", "p" + std::to_string(i++), std::nullopt});
      if (id) {
        std::lock_guard lock(acked_mu);
        acked.push_back(id->msg.backend_msg_id);
      } else {
        std::this_thread::sleep_for(20ms);
      }
    }
  });
  std::this_thread::sleep_for(300ms);
  services("kill");
  std::this_thread::sleep_for(300ms);
  services("restart");
  // Keep posting until a few posts were acknowledged after the restart.
  std::size_t before = 0;
  {
    std::lock_guard lock(acked_mu);
    before = acked.size();
  }
  const auto deadline = std::chrono::steady_clock::now() + 30s;
  for (;;) {
    {
      std::lock_guard lock(acked_mu);
      if (acked.size() >= before + 50) break;
    }
    REQUIRE(std::chrono::steady_clock::now() < deadline);
    std::this_thread::sleep_for(20ms);
  }
  stop = true;
  poster.join();

  auto got = sink.wait_for(acked.size(), 20s);
  std::vector<std::string> ids;
  for (const auto& m : got) ids.push_back(m.backend_msg_id);
  // Nothing twice.
  CHECK(std::set<std::string>(ids.begin(), ids.end()).size() == ids.size());
  // Strictly ascending stream sequences.
  for (std::size_t i = 1; i < ids.size(); ++i) CHECK(std::stoull(ids[i - 1]) < std::stoull(ids[i]));
  // Every acknowledged post arrived.
  std::set<std::string> delivered(ids.begin(), ids.end());
  for (const auto& id : acked) CHECK(delivered.count(id) == 1);
  {
    std::lock_guard lock(health_mu);
    REQUIRE(std::find(states.begin(), states.end(), health::retrying) != states.end());
    CHECK(states.back() == health::connected);
  }
  sub->reset();
  b.disconnect();
  nats::testing::delete_streams(cfg.stream_prefix);
}
