#include <catch2/catch.hpp>

#include "backends/xmpp/room_names.hpp"

using namespace parley::xmpp;

TEST_CASE("topics name rooms as the original does", "[xmpp][names]") {
  CHECK(room_localpart("general") == "general");
  CHECK(room_localpart("Dev Team/Q4") == "dev_team_q4");
  CHECK(room_localpart("a.b-c_d") == "a.b-c_d");
  // One `_` per UTF-16 code unit, as JavaScript's replace counts them.
  CHECK(room_localpart("ünï") == "_n_");
  CHECK(room_localpart("🦜x") == "__x");
  CHECK(room_localpart("\xE2\x84\xAA") == "k");  // KELVIN SIGN lower-cases to ASCII k
  CHECK(room_jid("Ops", "conference.localhost") == "ops@conference.localhost");
}

TEST_CASE("JIDs split into bare part and resource", "[xmpp][names]") {
  CHECK(resource_of("room@svc/nick/with/slash") == "nick/with/slash");
  CHECK(resource_of("room@svc").empty());
  CHECK(bare_of("room@svc/nick") == "room@svc");
}
