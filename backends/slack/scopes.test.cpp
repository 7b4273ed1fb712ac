#include "backends/slack/scopes.hpp"

#include <catch2/catch.hpp>

using parley::slack::has_scope;
using parley::slack::missing_scopes;

TEST_CASE("a scope is found only as a whole entry of the list", "[slack][scopes]") {
  CHECK(has_scope("chat:write,channels:history", "chat:write"));
  CHECK(has_scope("chat:write,channels:history", "channels:history"));
  CHECK_FALSE(has_scope("chat:write.customize", "chat:write"));
  CHECK_FALSE(has_scope("", "chat:write"));
}

TEST_CASE("the scopes a bot needs and lacks are named with what they are for", "[slack][scopes]") {
  CHECK(missing_scopes("chat:write,channels:history,users:read.email").empty());
  CHECK(missing_scopes("chat:write,groups:history").empty());
  CHECK(missing_scopes("channels:history") == "chat:write (to post)");
  CHECK(missing_scopes("chat:write.customize") ==
        "chat:write (to post), channels:history or groups:history (to read channels)");
  CHECK(missing_scopes("").empty());  // Slack named none: nothing to say
}
