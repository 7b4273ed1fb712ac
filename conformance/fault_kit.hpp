#pragma once

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
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "src/seam/backend.hpp"

/// What a backend's fault test (backends/README.md, step 7) needs besides the
/// backend: the server's kill and restart, health and post logs, waits.
namespace parley::conformance::fault {

using clock_type = std::chrono::steady_clock;

/// `$PARLEY_TEST_SERVICES` (scripts/test-services.sh and its directory), or
/// a failed test that says how to get it.
inline std::string require_services() {
  const char* s = std::getenv("PARLEY_TEST_SERVICES");
  if (!s || !*s)
    FAIL(
        "PARLEY_TEST_SERVICES is not set: the fault test kills and restarts a server of "
        "scripts/test-services.sh; run it through scripts/test.sh or source DIR/env.");
  return s;
}

/// Runs `<script> <verb> <server>` (kill, restart).
inline int services(const std::string& script, const std::string& verb, const std::string& server) {
  // Output to /dev/null: the restarted server inherits these descriptors and
  // must not hold ctest's pipe open.
  const std::string cmd = script + " " + verb + " " + server + " >/dev/null 2>&1";
  return std::system(cmd.c_str());
}

/// Whatever fails in between, the server comes back and the posters stop,
/// so that a failed assertion neither takes the tests after it down with the
/// server nor ends in std::terminate.
struct outage_guard {
  const std::string& script;
  std::string server;
  std::atomic<bool>& stop;
  std::vector<std::thread>& threads;
  bool server_down = false;

  void kill() {
    server_down = true;
    REQUIRE(services(script, "kill", server) == 0);
  }
  void restart() {
    REQUIRE(services(script, "restart", server) == 0);
    server_down = false;
  }
  void join() {
    stop = true;
    for (auto& t : threads)
      if (t.joinable()) t.join();
  }
  ~outage_guard() {
    join();
    if (server_down) (void)services(script, "restart", server);
  }
};

/// The health states a backend reported, in order.
class health_log {
 public:
  void add(health s) {
    std::lock_guard lock(mu_);
    states_.push_back(s);
    cv_.notify_all();
  }
  /// Waits until `want` appears at or after index `from`; returns its index.
  std::optional<std::size_t> wait_for(health want, std::size_t from, std::chrono::milliseconds timeout) {
    std::unique_lock lock(mu_);
    std::optional<std::size_t> at;
    cv_.wait_for(lock, timeout, [&] {
      for (std::size_t i = from; i < states_.size(); ++i)
        if (states_[i] == want) return (at = i).has_value();
      return false;
    });
    return at;
  }
  std::vector<health> snapshot() {
    std::lock_guard lock(mu_);
    return states_;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<health> states_;
};

/// What the posters saw.
struct post_log {
  std::mutex mu;
  /// (poster, sequence number) → id, for every acknowledged post.
  std::map<std::pair<int, int>, std::string> acked;
  int failed = 0;
  std::set<errc> failure_codes;
  clock_type::duration slowest_failure{};

  std::size_t acked_count() {
    std::lock_guard lock(mu);
    return acked.size();
  }
  void record(int poster, int seq, const result<stored_post>& r, clock_type::duration took) {
    std::lock_guard lock(mu);
    if (r) {
      acked.emplace(std::pair{poster, seq}, r->msg.backend_msg_id);
    } else {
      ++failed;
      failure_codes.insert(r.error().code);
      slowest_failure = std::max(slowest_failure, took);
    }
  }
};

/// "p<poster>-<seq>" → (poster, seq).
inline std::pair<int, int> parse_body(const std::string& body) {
  const auto dash = body.find('-');
  return {std::stoi(body.substr(1, dash - 1)), std::stoi(body.substr(dash + 1))};
}

inline bool wait_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
  const auto deadline = clock_type::now() + timeout;
  while (!done()) {
    if (clock_type::now() > deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return true;
}

}  // namespace parley::conformance::fault
