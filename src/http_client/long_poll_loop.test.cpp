#include "src/http_client/long_poll_loop.hpp"

#include <catch2/catch.hpp>

#include <atomic>
#include <mutex>
#include <thread>
#include <vector>

#include "src/http_client/http_client.hpp"
#include "src/http_client/testing/scripted_http_server.hpp"

using namespace parley::http;
using parley::errc;
using parley::health;
using parley::result;
using clock_type = std::chrono::steady_clock;
using std::chrono::milliseconds;

namespace {

/// The health reports a loop made, in order.
struct health_log {
  std::mutex mutex;
  std::vector<std::pair<health, std::string>> events;

  parley::health_listener listener() {
    return [this](health h, const std::string& reason) {
      std::lock_guard lock(mutex);
      events.emplace_back(h, reason);
    };
  }
  std::vector<std::pair<health, std::string>> snapshot() {
    std::lock_guard lock(mutex);
    return events;
  }
};

void wait_until(const std::function<bool()>& done) {
  const auto deadline = clock_type::now() + milliseconds(10'000);
  while (!done() && clock_type::now() < deadline) std::this_thread::sleep_for(milliseconds(2));
}

long_poll_loop::options fast() {
  return {milliseconds(20), milliseconds(40)};
}

}  // namespace

TEST_CASE("long-poll loop: failures back off, a success reports connected once") {
  std::atomic<int> calls{0};
  std::mutex mutex;
  std::vector<clock_type::time_point> at;
  health_log log;
  long_poll_loop loop(
      [&]() -> result<void> {
        {
          std::lock_guard lock(mutex);
          at.push_back(clock_type::now());
        }
        const int n = ++calls;
        if (n <= 2) return parley::fail(errc::backend_unavailable, "Matrix GET /sync → 502");
        std::this_thread::sleep_for(milliseconds(2));  // a long-poll that returns quickly
        return {};
      },
      log.listener(), fast());
  loop.start();
  wait_until([&] { return calls.load() >= 6; });
  loop.stop();
  const auto events = log.snapshot();
  REQUIRE(events.size() == 2);
  CHECK(events[0].first == health::retrying);
  CHECK(events[0].second == "Matrix GET /sync → 502");
  CHECK(events[1].first == health::connected);
  std::lock_guard lock(mutex);
  REQUIRE(at.size() >= 3);
  // Backoff draws from [d/2, d]: 10..20 ms after the first failure.
  CHECK(at[1] - at[0] >= milliseconds(9));
  CHECK(at[2] - at[1] >= milliseconds(9));
}

TEST_CASE("long-poll loop: a loss after success reports retrying again") {
  std::atomic<int> calls{0};
  health_log log;
  long_poll_loop loop(
      [&]() -> result<void> {
        const int n = ++calls;
        std::this_thread::sleep_for(milliseconds(2));
        if (n == 3) return parley::fail(errc::backend_unavailable, "lost");
        return {};
      },
      log.listener(), fast());
  loop.start();
  wait_until([&] { return calls.load() >= 6; });
  loop.stop();
  const auto events = log.snapshot();
  REQUIRE(events.size() == 3);
  CHECK(events[0].first == health::connected);
  CHECK(events[1] == std::make_pair(health::retrying, std::string("lost")));
  CHECK(events[2].first == health::connected);
}

TEST_CASE("long-poll loop: bad credentials report failed and end the loop") {
  std::atomic<int> calls{0};
  health_log log;
  long_poll_loop loop(
      [&]() -> result<void> {
        ++calls;
        return parley::fail(errc::bad_credentials, "Matrix GET /sync → 401: M_UNKNOWN_TOKEN");
      },
      log.listener(), fast());
  loop.start();
  wait_until([&] { return !log.snapshot().empty(); });
  std::this_thread::sleep_for(milliseconds(100));
  loop.stop();
  CHECK(calls.load() == 1);
  const auto events = log.snapshot();
  REQUIRE(events.size() == 1);
  CHECK(events[0].first == health::failed);
  CHECK(events[0].second == "Matrix GET /sync → 401: M_UNKNOWN_TOKEN");
}

TEST_CASE("long-poll loop: stop() ends a backoff wait at once") {
  std::atomic<int> calls{0};
  long_poll_loop loop(
      [&]() -> result<void> {
        ++calls;
        return parley::fail(errc::backend_unavailable, "down");
      },
      nullptr, {milliseconds(20'000), milliseconds(20'000)});
  loop.start();
  wait_until([&] { return calls.load() >= 1; });
  const auto start = clock_type::now();
  loop.stop();
  CHECK(clock_type::now() - start < milliseconds(1000));
  CHECK(calls.load() == 1);
}

TEST_CASE("long-poll loop: stopping the client aborts the long-poll in flight") {
  testing::scripted_http_server server;
  server.push(testing::scripted_response{});  // one quick answer, then the poll hangs
  testing::scripted_response hang;
  hang.what = testing::scripted_response::action::hang;
  server.set_default(hang);
  http_client client;
  health_log log;
  long_poll_loop loop(
      [&]() -> result<void> {
        http_request req;
        req.url = server.url("/_matrix/client/v3/sync?timeout=30000");
        req.label = "Matrix GET /_matrix/client/v3/sync";
        req.timeout = milliseconds(40'000);
        auto resp = client.call(req, retry_policy::retry_safe());
        if (!resp) return resp.error();
        return {};
      },
      log.listener(), fast());
  loop.start();
  wait_until([&] { return server.requests().size() >= 2; });
  std::this_thread::sleep_for(milliseconds(50));
  const auto start = clock_type::now();
  client.stop();
  loop.stop();
  CHECK(clock_type::now() - start < milliseconds(1000));
  const auto events = log.snapshot();
  REQUIRE(events.size() == 1);
  CHECK(events[0].first == health::connected);
}
