// The janitor sweeps on its period and stops when destroyed.
#include "actors/gateway/janitor.hpp"

#include <catch2/catch.hpp>

using namespace parley;

TEST_CASE("janitor: sweeps on its period until destroyed", "[gateway][janitor]") {
  std::mutex mu;
  std::condition_variable cv;
  int sweeps = 0;
  {
    janitor j(std::chrono::milliseconds(1), [&] {
      std::lock_guard lock(mu);
      ++sweeps;
      cv.notify_all();
    });
    std::unique_lock lock(mu);
    CHECK(cv.wait_for(lock, std::chrono::seconds(10), [&] { return sweeps >= 3; }));
  }
  // Destroyed: the thread is joined, so the count no longer moves.
  std::lock_guard lock(mu);
  const int after = sweeps;
  CHECK(after >= 3);
}

TEST_CASE("janitor: destroyed before its first period, it never sweeps", "[gateway][janitor]") {
  int sweeps = 0;
  {
    janitor j(std::chrono::hours(1), [&] { ++sweeps; });
  }
  CHECK(sweeps == 0);
}
