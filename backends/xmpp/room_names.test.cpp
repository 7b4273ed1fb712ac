#include <catch2/catch.hpp>

#include "backends/xmpp/room_names.hpp"

using namespace parley::xmpp;

namespace {

/// The fold without the suffix: what comes before `-<10 hex>`.
std::string folded(const std::string& topic) {
  const auto name = room_localpart(topic);
  REQUIRE(name.size() > 11);
  CHECK(name[name.size() - 11] == '-');
  return name.substr(0, name.size() - 11);
}

}  // namespace

TEST_CASE("topics name rooms as the original does", "[xmpp][names]") {
  // Names the fold leaves alone are used as they are.
  CHECK(room_localpart("general") == "general");
  CHECK(room_localpart("a.b-c_d") == "a.b-c_d");
  CHECK(room_jid("ops", "conference.localhost") == "ops@conference.localhost");
  // Others get the sha1 suffix: `echo -n Ops | sha1sum` starts 907a54c2b2.
  CHECK(room_localpart("Ops") == "ops-907a54c2b2");
  CHECK(folded("Dev Team/Q4") == "dev_team_q4");
  // One `_` per UTF-16 code unit, as JavaScript's replace counts them.
  CHECK(folded("ünï") == "_n_");
  CHECK(folded("🦜x") == "__x");
  CHECK(folded("\xE2\x84\xAA") == "k");  // KELVIN SIGN lower-cases to ASCII k
}

TEST_CASE("JIDs split into bare part and resource", "[xmpp][names]") {
  CHECK(resource_of("room@svc/nick/with/slash") == "nick/with/slash");
  CHECK(resource_of("room@svc").empty());
  CHECK(bare_of("room@svc/nick") == "room@svc");
}
