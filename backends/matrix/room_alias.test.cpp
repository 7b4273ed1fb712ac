#include <catch2/catch.hpp>

#include "backends/matrix/room_alias.hpp"

using namespace parley::matrix;

TEST_CASE("matrix aliases: safe topics map verbatim, folded ones get the sha1 suffix", "[matrix][alias]") {
  CHECK(safe_localpart("ctx-payments") == "ctx-payments");
  CHECK(safe_localpart("t-1-Ab.c_d") == "t-1-Ab.c_d");  // case is kept
  // The fold alone would make it collide with "team_frontend"; sha1("team frontend") starts a9ddf97181.
  const auto folded = safe_localpart("team frontend");
  CHECK(folded == "team_frontend-a9ddf97181");
  CHECK(safe_localpart("team_frontend") == "team_frontend");
  CHECK(folded != safe_localpart("team:frontend"));
  // Per UTF-16 code unit, as the original: é is one `_`, 🦜 two.
  CHECK(safe_localpart("é🦜").substr(0, 4) == "___-");
  CHECK(alias_localpart("ctx", std::nullopt) == "parley_ctx");
  CHECK(alias_localpart("ctx", std::string("shared")) == "shared");
  CHECK(room_alias("parley_ctx", "parley.local") == "#parley_ctx:parley.local");
  // Application-service users: user ids allow no upper case, so `Carol` folds (and is told from `_arol`).
  CHECK(user_localpart("alice") == "parley_alice");
  CHECK(user_localpart("w0-bot.x=y") == "parley_w0-bot.x=y");
  CHECK(user_localpart("Carol").rfind("parley__arol-", 0) == 0);
  CHECK(user_localpart("Carol") != user_localpart("_arol"));
}
