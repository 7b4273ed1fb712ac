#include "src/oidc/owner_mapping.hpp"

#include <catch2/catch.hpp>

using namespace parley::oidc;

TEST_CASE("oidc owner mapping: preferred_username first, then sub, else nobody", "[oidc]") {
  const std::vector<std::string> owners = {"alice", "f81d4fae-7dec", "bob"};
  verified_token t;
  t.subject = "f81d4fae-7dec";
  t.username = "alice";
  CHECK(owner_for(t, owners) == "alice");
  t.username = "carol";  // not an owner: fall back to sub
  CHECK(owner_for(t, owners) == "f81d4fae-7dec");
  t.username.reset();
  CHECK(owner_for(t, owners) == "f81d4fae-7dec");
  t.subject = "someone-else";
  CHECK_FALSE(owner_for(t, owners));
  t.subject.clear();
  CHECK_FALSE(owner_for(t, {"", "alice"}));  // an empty sub never matches
  t.username = "bob";
  CHECK(owner_for(t, owners) == "bob");
  CHECK_FALSE(owner_for(t, {}));
}
