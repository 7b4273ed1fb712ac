#include "backends/zulip/health_merge.hpp"

#include <catch2/catch.hpp>

#include <vector>

using namespace parley;
using namespace parley::zulip;

TEST_CASE("zulip health merge: the worst queue wins, only changes are told", "[zulip][health]") {
  std::vector<std::pair<health, std::string>> told;
  health_merge m([&](health h, const std::string& why) { told.emplace_back(h, why); });
  m.report(1, health::connected, "");
  m.report(2, health::connected, "");
  REQUIRE(told.size() == 1);
  CHECK(told[0].first == health::connected);
  m.report(1, health::retrying, "A away");
  m.report(2, health::retrying, "B away");
  m.report(1, health::connected, "");  // B still retries: no change
  REQUIRE(told.size() == 2);
  CHECK(told[1] == std::pair{health::retrying, std::string("A away")});
  m.forget(2);  // B closed: all connected
  REQUIRE(told.size() == 3);
  CHECK(told[2].first == health::connected);
  m.report(3, health::failed, "revoked");
  m.report(1, health::retrying, "x");
  REQUIRE(told.size() == 4);
  CHECK(told[3] == std::pair{health::failed, std::string("revoked")});
}
