// Crash recovery against the live server: the server is stopped with
// `pg_ctl -m immediate` (every backend aborted, no checkpoint, as a crash)
// while a writer posts continuously and a subscriber listens, then started
// again. Runs alone (RUN_SERIAL): it takes the shared server down.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <mutex>
#include <set>
#include <thread>

#include "conformance/collecting_sink.hpp"
#include "backends/postgres/postgres_harness.hpp"

using namespace std::chrono_literals;
using parley::conformance::collecting_sink;
using parley::postgres::postgres_backend;
using namespace parley::postgres::testing;

namespace {

using clock_type = std::chrono::steady_clock;

/// `$PARLEY_TEST_SERVICES` ("<script> <dir>"), or a failed test.
std::string services() {
  const char* s = std::getenv("PARLEY_TEST_SERVICES");
  if (s == nullptr || *s == '\0')
    FAIL(
        "PARLEY_TEST_SERVICES is not set: run scripts/test.sh, or source the env file of "
        "scripts/test-services.sh start DIR");
  return s;
}

/// Stops the server now and makes sure it runs again when the test ends,
/// whatever happens in between.
class server_outage {
 public:
  explicit server_outage(std::string services) : services_(std::move(services)) {
    REQUIRE(std::system((services_ + " kill postgres").c_str()) == 0);
    down_ = true;
  }
  ~server_outage() {
    if (down_) (void)std::system((services_ + " restart postgres").c_str());
  }
  void end() {
    REQUIRE(std::system((services_ + " restart postgres").c_str()) == 0);
    down_ = false;
  }

 private:
  std::string services_;
  bool down_ = false;
};

struct health_log {
  std::mutex mu;
  std::vector<parley::health> states;
  void operator()(parley::health h, const std::string&) {
    std::lock_guard lock(mu);
    states.push_back(h);
  }
  /// Whether `retrying` was reported and a later `connected` followed it.
  bool retried_then_recovered() {
    std::lock_guard lock(mu);
    bool retrying = false;
    for (auto s : states) {
      if (s == parley::health::retrying) retrying = true;
      if (retrying && s == parley::health::connected) return true;
    }
    return false;
  }
};

struct acked_post {
  std::string id;
  std::string content;
};

template <class Pred>
bool wait_until(Pred pred, std::chrono::milliseconds timeout) {
  const auto end = clock_type::now() + timeout;
  while (clock_type::now() < end) {
    if (pred()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return pred();
}

}  // namespace

TEST_CASE("postgres: after a server crash every acknowledged post is delivered once, in order",
          "[fault]") {
  const std::string svc = services();
  const std::string url = pg_url();
  const std::string table = random_table_name();
  struct dropped_after {
    const std::string& url;
    const std::string& table;
    ~dropped_after() { drop_schema(url, table); }
  } cleanup{url, table};
  const std::string topic = "crash-topic";

  health_log sub_health;
  health_log writer_health;
  collecting_sink sink;
  std::vector<acked_post> acked;
  std::mutex acked_mu;
  std::atomic<int> failures{0};
  std::atomic<long long> slowest_failure_ms{0};
  std::set<parley::errc> failure_codes;
  {
    postgres_backend subscriber;
    subscriber.set_health_listener(std::ref(sub_health));
    REQUIRE(subscriber.connect(test_config(table)).has_value());
    postgres_backend writer;
    writer.set_health_listener(std::ref(writer_health));
    REQUIRE(writer.connect(test_config(table)).has_value());
    auto sub = subscriber.subscribe(topic, sink);
    REQUIRE(sub.has_value());

    std::atomic<bool> stop{false};
    std::thread poster([&] {
      for (int i = 0; !stop; ++i) {
        const std::string content = "m" + std::to_string(i);
        const auto start = clock_type::now();
        auto id = writer.post({topic, "writer", content, std::nullopt});
        if (id) {
          std::lock_guard lock(acked_mu);
          acked.push_back({id->msg.backend_msg_id, content});
        } else {
          ++failures;
          const auto ms =
              std::chrono::duration_cast<std::chrono::milliseconds>(clock_type::now() - start)
                  .count();
          if (ms > slowest_failure_ms) slowest_failure_ms = ms;
          std::lock_guard lock(acked_mu);
          failure_codes.insert(id.error().code);
        }
        std::this_thread::sleep_for(2ms);
      }
    });
    auto acked_count = [&] {
      std::lock_guard lock(acked_mu);
      return acked.size();
    };

    CHECK(wait_until([&] { return acked_count() >= 100; }, 20s));
    {
      server_outage outage(svc);
      const auto before = failures.load();
      // Posts keep coming while the server is away; they fail, and fast.
      CHECK(wait_until([&] { return failures.load() >= before + 20; }, 10s));
      outage.end();
    }
    const auto after_restart = acked_count();
    CHECK(wait_until([&] { return acked_count() >= after_restart + 100; }, 30s));
    stop = true;
    poster.join();

    // Everything acknowledged must arrive: wait for the last one.
    std::string last_id;
    {
      std::lock_guard lock(acked_mu);
      REQUIRE_FALSE(acked.empty());
      last_id = acked.back().id;
    }
    CHECK(wait_until(
        [&] {
          auto got = sink.snapshot();
          return !got.empty() && std::stoll(got.back().backend_msg_id) >= std::stoll(last_id);
        },
        30s));
    CHECK(wait_until([&] { return sub_health.retried_then_recovered(); }, 10s));
    CHECK(wait_until([&] { return writer_health.retried_then_recovered(); }, 10s));
  }

  const auto delivered = sink.snapshot();
  INFO("acknowledged " << acked.size() << ", failed " << failures << " (slowest "
                       << slowest_failure_ms << " ms), delivered " << delivered.size());
  REQUIRE(failures > 0);
  CHECK(failure_codes == std::set<parley::errc>{parley::errc::backend_unavailable});
  CHECK(slowest_failure_ms < 3000);
  // In cursor order, no duplicates.
  std::set<std::string> seen;
  for (std::size_t i = 0; i < delivered.size(); ++i) {
    CHECK(seen.insert(delivered[i].backend_msg_id).second);
    if (i > 0)
      CHECK(std::stoll(delivered[i].backend_msg_id) > std::stoll(delivered[i - 1].backend_msg_id));
  }
  // Every acknowledged post, with its content. (A post whose commit the
  // crash cut off may be delivered without having been acknowledged.)
  std::map<std::string, std::string> by_id;
  for (const auto& m : delivered) by_id[m.backend_msg_id] = m.content;
  std::size_t missing = 0;
  for (const auto& a : acked) {
    auto it = by_id.find(a.id);
    if (it == by_id.end()) {
      ++missing;
      continue;
    }
    CHECK(it->second == a.content);
  }
  CHECK(missing == 0);
}
