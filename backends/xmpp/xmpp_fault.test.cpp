// The server dies mid-stream: Prosody is SIGKILLed while a session listens
// and two connections post at 50 posts/s in all, then restarted on the same
// port and data (rooms persistent, archives on disk). The listening
// connection must come back by itself, enter its room again and report the
// gap; filling it from the archive as core does, every acknowledged post
// reaches the listener exactly once and in order, posts fail fast and
// clearly while the server is down, and health goes retrying → connected.
//
// Uses `$PARLEY_TEST_SERVICES kill|restart prosody`; registered RUN_SERIAL.
#include <catch2/catch.hpp>

#include <algorithm>
#include <unordered_set>

#include "backends/xmpp/xmpp_harness.hpp"
#include "conformance/fault_kit.hpp"

using namespace std::chrono_literals;
using namespace parley;
using namespace parley::conformance::fault;
using parley::xmpp::testing::xmpp_harness;

namespace {

/// A listener that does what core's topic subscription does with a gap:
/// hold live messages, read the archive after the last delivered cursor,
/// then release the held ones the read did not already deliver.
class gap_filling_sink final : public subscription_sink {
 public:
  explicit gap_filling_sink(backend& b, std::string topic) : b_(b), topic_(std::move(topic)) {}
  ~gap_filling_sink() override { stop(); }

  void on_message(message m) override {
    std::lock_guard lock(mu_);
    live_ids_.push_back(m.backend_msg_id);
    if (filling_) {
      held_.push_back(std::move(m));
    } else {
      delivered_.push_back(std::move(m));
    }
  }
  void on_gap() override {
    std::lock_guard lock(mu_);
    ++gaps_;
    if (filling_) return;
    filling_ = true;
    if (filler_.joinable()) filler_.detach();
    filler_ = std::thread([this] { fill(); });
  }
  void stop() {
    if (filler_.joinable()) filler_.join();
  }
  std::vector<message> delivered() {
    std::lock_guard lock(mu_);
    return delivered_;
  }
  std::vector<std::string> live_ids() {
    std::lock_guard lock(mu_);
    return live_ids_;
  }
  int gaps() {
    std::lock_guard lock(mu_);
    return gaps_;
  }

 private:
  void fill() {
    for (;;) {
      fetch_request req;
      req.topic = topic_;
      {
        std::lock_guard lock(mu_);
        req.since = delivered_.empty() ? cursor{""} : delivered_.back().cursor;
      }
      req.limit = 10000;
      auto page = b_.fetch_recent(req);
      if (!page) {
        std::this_thread::sleep_for(200ms);
        continue;
      }
      std::lock_guard lock(mu_);
      std::unordered_set<std::string> drained;
      for (auto& m : page->messages) {
        drained.insert(m.backend_msg_id);
        delivered_.push_back(m);
      }
      for (auto& m : held_)
        if (!drained.count(m.backend_msg_id)) delivered_.push_back(std::move(m));
      held_.clear();
      filling_ = false;
      return;
    }
  }

  backend& b_;
  std::string topic_;
  std::mutex mu_;
  bool filling_ = false;
  int gaps_ = 0;
  std::vector<message> held_;
  std::vector<message> delivered_;
  std::vector<std::string> live_ids_;
  std::thread filler_;
};

}  // namespace

TEST_CASE("xmpp: SIGKILL of Prosody loses no acknowledged post and repeats nothing", "[xmpp][fault]") {
  xmpp_harness h;
  const std::string script = require_services();
  const auto topic = h.fresh_topic();

  health_log health_states;
  auto cfg = h.config();
  cfg.reconnect_max_ms = 500;
  cfg.nick = xmpp::random_nick("listener");
  xmpp::xmpp_backend listener;
  listener.set_health_listener([&](health s, const std::string&) { health_states.add(s); });
  REQUIRE(listener.connect(cfg).has_value());
  auto other_cfg = h.config();
  other_cfg.reconnect_max_ms = 500;
  xmpp::xmpp_backend other;
  REQUIRE(other.connect(other_cfg).has_value());

  gap_filling_sink sink(listener, topic);
  auto sub = listener.subscribe(topic, sink);
  REQUIRE(sub.has_value());

  // Two posters on two connections (the listener's own and another), 25
  // posts/s each.
  xmpp::xmpp_backend* connections[] = {&listener, &other};
  post_log posts;
  std::atomic<bool> stop{false};
  std::vector<std::thread> threads;
  outage_guard guard{script, "prosody", stop, threads};
  for (int p = 0; p < 2; ++p)
    threads.emplace_back([&, p] {
      for (int i = 0; !stop; ++i) {
        const auto start = clock_type::now();
        auto r = connections[p]->post({topic, "poster", "p" + std::to_string(p) + "-" + std::to_string(i), {}});
        posts.record(p, i, r, clock_type::now() - start);
        std::this_thread::sleep_until(start + 40ms);
      }
    });

  REQUIRE(wait_until([&] { return posts.acked_count() >= 100; }, 20s));
  guard.kill();
  const auto retrying_at = health_states.wait_for(health::retrying, 0, 10s);
  CHECK(retrying_at.has_value());
  std::this_thread::sleep_for(500ms);  // posts fail fast meanwhile
  guard.restart();
  const auto connected_at = health_states.wait_for(health::connected, retrying_at.value_or(0) + 1, 20s);
  CHECK(connected_at.has_value());
  const std::size_t before = posts.acked_count();
  REQUIRE(wait_until([&] { return posts.acked_count() >= before + 100; }, 30s));
  guard.join();

  // A last post as a marker: once it arrives, everything before it has.
  auto marker = other.post({topic, "poster", "marker", std::nullopt});
  REQUIRE(marker.has_value());
  REQUIRE(wait_until(
      [&] {
        auto got = sink.delivered();
        return !got.empty() && got.back().backend_msg_id == marker->msg.backend_msg_id;
      },
      20s));
  sink.stop();
  auto got = sink.delivered();
  got.pop_back();
  CHECK(sink.gaps() >= 1);

  // The backend never delivers one message twice live.
  auto live = sink.live_ids();
  std::sort(live.begin(), live.end());
  CHECK(std::adjacent_find(live.begin(), live.end()) == live.end());

  // Exactly once, and each poster's posts in its order.
  std::set<std::string> ids;
  std::map<int, int> last_seq;
  for (const auto& m : got) {
    CHECK(ids.insert(m.backend_msg_id).second);
    const auto [poster, seq] = parse_body(m.content);
    if (auto it = last_seq.find(poster); it != last_seq.end()) CHECK(it->second < seq);
    last_seq[poster] = seq;
  }
  // Every acknowledged post was delivered, with the id post returned.
  std::map<std::string, std::string> delivered;
  for (const auto& m : got) delivered[m.backend_msg_id] = m.content;
  std::size_t missing = 0;
  {
    std::lock_guard lock(posts.mu);
    for (const auto& [key, id] : posts.acked) {
      auto it = delivered.find(id);
      const std::string body = "p" + std::to_string(key.first) + "-" + std::to_string(key.second);
      if (it == delivered.end() || it->second != body) ++missing;
    }
    INFO("acknowledged " << posts.acked.size() << ", failed " << posts.failed << ", delivered " << got.size());
    CHECK(missing == 0);
    // Posts during the outage failed, fast, with backend_unavailable.
    CHECK(posts.failed > 0);
    CHECK(posts.failure_codes == std::set<errc>{errc::backend_unavailable});
    CHECK(posts.slowest_failure < 2s);
  }

  const auto states = health_states.snapshot();
  REQUIRE(states.size() >= 3);
  CHECK(states.front() == health::connected);
  CHECK(states.back() == health::connected);

  // The archive agrees with what was delivered.
  fetch_request req;
  req.topic = topic;
  req.since = cursor{""};
  req.limit = 100000;
  auto history = listener.fetch_recent(req);
  REQUIRE(history.has_value());
  std::vector<std::string> fetched;
  for (const auto& m : history->messages) fetched.push_back(m.backend_msg_id);
  std::vector<std::string> in_order;
  for (const auto& m : got) in_order.push_back(m.backend_msg_id);
  in_order.push_back(marker->msg.backend_msg_id);
  CHECK(fetched == in_order);
}
