// The fake Slack fails while a subscriber listens and humans and an agent
// post without pause: every message posted meanwhile must reach the
// subscriber exactly once, in ts order, with the gap filled from history.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <functional>
#include <mutex>
#include <set>
#include <thread>

#include "backends/slack/slack_harness.hpp"
#include "backends/slack/slack_ts.hpp"
#include "backends/slack/testing/fake_slack.hpp"
#include "conformance/backend_calls.hpp"
#include "conformance/collecting_sink.hpp"
#include "conformance/fault_kit.hpp"

using namespace parley;
using namespace parley::slack;
using namespace parley::slack::testing;
using namespace std::chrono_literals;

namespace {

/// Posts from a human (control API: works while Slack is away) and from an
/// agent (another backend instance: may fail meanwhile) until stopped.
class posters {
 public:
  posters(backend& agent, std::string topic) : agent_(agent), topic_(std::move(topic)) {
    threads_.emplace_back([this] {
      for (int i = 0; !stop_; ++i) {
        record(shared_fake().post_as_human(topic_, "h-" + std::to_string(i)));
        std::this_thread::sleep_for(15ms);
      }
    });
    threads_.emplace_back([this] {
      for (int i = 0; !stop_; ++i) {
        auto r = agent_.post({topic_, "agent", "a-" + std::to_string(i), std::nullopt});
        if (r) record(r->msg.backend_msg_id);
        std::this_thread::sleep_for(r ? 15ms : 100ms);
      }
    });
  }
  ~posters() { join(); }
  void join() {
    stop_ = true;
    for (auto& t : threads_)
      if (t.joinable()) t.join();
  }
  std::set<std::string> ids() {
    std::lock_guard lock(mu_);
    return ids_;
  }

 private:
  void record(const std::string& id) {
    std::lock_guard lock(mu_);
    ids_.insert(id);
  }
  backend& agent_;
  std::string topic_;
  std::atomic<bool> stop_{false};
  std::mutex mu_;
  std::set<std::string> ids_;
  std::vector<std::thread> threads_;
};

/// Runs `outage` while messages flow, then checks that the subscriber got
/// every acknowledged message exactly once, in order.
void survives(const std::function<void()>& outage, std::chrono::milliseconds flow_after = 1500ms) {
  slack_harness h;
  auto listener = connect_slack(h.config());
  auto agent = connect_slack(h.config());
  const auto t = h.fresh_topic();
  conformance::collecting_sink sink;
  auto sub = conformance::subscribe_ok(*listener, t, sink);
  const int sessions_before = listener->sessions();
  std::set<std::string> expected;
  {
    posters p(*agent, t);
    std::this_thread::sleep_for(500ms);
    outage();
    std::this_thread::sleep_for(flow_after);
    p.join();
    expected = p.ids();
  }
  REQUIRE(expected.size() > 20);
  auto got = sink.wait_for(expected.size(), 30s);
  // One more post proves nothing else was on its way.
  const auto marker = shared_fake().post_as_human(t, "marker");
  got = sink.wait_for(expected.size() + 1, 10s);
  REQUIRE(got.size() == expected.size() + 1);
  CHECK(got.back().backend_msg_id == marker);
  got.pop_back();
  std::set<std::string> seen;
  for (std::size_t i = 0; i < got.size(); ++i) {
    CHECK(seen.insert(got[i].backend_msg_id).second);                               // exactly once
    if (i > 0) CHECK(ts_before(got[i - 1].backend_msg_id, got[i].backend_msg_id));  // in order
  }
  CHECK(seen == expected);
  CHECK(listener->sessions() > sessions_before);  // it did reconnect
  CHECK(sink.gaps() == 0);                        // the backend filled the gap itself
}

}  // namespace

TEST_CASE("slack faults: the socket dropped mid-stream", "[slack][fault]") {
  survives([] { shared_fake().control("POST", "drop"); });
}

TEST_CASE("slack faults: a disconnect envelope", "[slack][fault]") {
  survives([] {
    shared_fake().control("POST", "disconnect",
                          R"({"reason":"refresh_requested","close_after_s":5})");
  });
}

TEST_CASE("slack faults: 429 with Retry-After, then without, while reconnecting",
          "[slack][fault]") {
  survives([] {
    shared_fake().control("POST", "rate_limit", R"({"count":2,"retry_after":1})");
    shared_fake().control("POST", "rate_limit", R"({"count":2,"retry_after":null})");
    shared_fake().control("POST", "drop");
  });
}

TEST_CASE("slack faults: Slack away for 10 s", "[slack][fault]") {
  survives([] { shared_fake().control("POST", "away", R"({"seconds":10})"); }, 12'000ms);
}
