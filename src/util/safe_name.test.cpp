#include <catch2/catch.hpp>

#include "src/util/safe_name.hpp"

TEST_CASE("safe_name keeps a name the fold did not change and suffixes one it did", "[util]") {
  CHECK(parley::safe_name("ctx-payments", "ctx-payments") == "ctx-payments");
  // `echo -n team.frontend | sha1sum` starts 08edf065f713.
  CHECK(parley::safe_name("team.frontend", "team_frontend") == "team_frontend-08edf065f7");
}
