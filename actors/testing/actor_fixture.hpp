#pragma once

// Deterministic actor tests: CAF 0.17's test coordinator runs every actor on
// the test thread, one message at a time, and its clock moves only when the
// test says so. No sleeps, no races.

#include <caf/all.hpp>
#include <caf/scheduler/test_coordinator.hpp>

#include <catch2/catch.hpp>

namespace parley::testing {

class actor_fixture {
 public:
  actor_fixture() : sys_(configure(cfg_)), self(sys_, true),
                    sched(dynamic_cast<caf::scheduler::test_coordinator&>(sys_.scheduler())) {}
  virtual ~actor_fixture() { sched.run(); }

  /// Runs every actor until all mailboxes are empty.
  void run() { sched.run(); }

  /// Fires every pending timer (delayed messages), then runs.
  void fire_timers() {
    sched.trigger_timeouts();
    sched.run();
  }

  /// Sends a request from the test and returns the answer of type T.
  template <class T, class Dest, class... Ts>
  T ask(const Dest& dest, Ts&&... xs) {
    auto handle = self->request(dest, caf::infinite, std::forward<Ts>(xs)...);
    sched.run();
    std::optional<T> out;
    handle.receive([&](T& x) { out = std::move(x); },
                   [&](caf::error& err) { FAIL("request failed: " << sys_.render(err)); });
    REQUIRE(out.has_value());
    return std::move(*out);
  }

  caf::actor_system& sys() { return sys_; }

 private:
  static caf::actor_system_config& configure(caf::actor_system_config& cfg) {
    cfg.set("scheduler.policy", caf::atom("testing"));
    cfg.set("logger.file-verbosity", caf::atom("quiet"));
    return cfg;
  }

  caf::actor_system_config cfg_;
  caf::actor_system sys_;

 public:
  caf::scoped_actor self;
  caf::scheduler::test_coordinator& sched;
};

}  // namespace parley::testing
