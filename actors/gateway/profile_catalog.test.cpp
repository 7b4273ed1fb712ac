// What each owner's sessions may touch: the namespace goes on the backend
// names the router checks, never on the names the client is shown.
#include "actors/gateway/profile_catalog.hpp"

#include <catch2/catch.hpp>

using namespace parley;

namespace {

parley_config two_owners() {
  parley_config cfg;
  gateway_profile web;
  web.name = "web";
  web.handle = "web";
  web.topics = {"ctx"};
  cfg.gateway.profiles.push_back(web);
  owner_config alice;
  alice.name = "alice";
  alice.topic_namespace = "alice";
  gateway_profile p;
  p.name = "default";
  p.handle = "alice";
  p.topics = {"general"};
  p.post_topics = {"team-.*"};
  alice.profiles.push_back(p);
  owner_config bob;
  bob.name = "bob";
  gateway_profile q;
  q.name = "main";
  q.handle = "bob";
  q.topics = {"general"};
  bob.profiles.push_back(q);
  cfg.owners = {alice, bob};
  return cfg;
}

}  // namespace

TEST_CASE("profile catalog: an owner's namespace prefixes backend topics, presence and patterns", "[gateway][catalog]") {
  profile_catalog catalog(two_owners());
  const auto* a = catalog.find("alice", "default");
  REQUIRE(a);
  const auto& p = *a->profile;
  CHECK(p.topic_prefix == "alice.");
  CHECK(p.allow.topics() == std::vector<std::string>{"alice.general"});
  REQUIRE(p.shown_allow);
  CHECK(p.shown_allow->topics() == std::vector<std::string>{"general"});
  CHECK(a->presence_topic == "alice.parley-presence");
  // The pattern still means what the owner wrote, inside the namespace only.
  CHECK(p.allow.allows("alice.team-red"));
  CHECK_FALSE(p.allow.allows("team-red"));
  CHECK_FALSE(p.allow.allows("bob.team-red"));
  CHECK_FALSE(p.allow.allows("alice.general.x"));
}

TEST_CASE("profile catalog: without a namespace nothing changes; owners are looked up by name", "[gateway][catalog]") {
  profile_catalog catalog(two_owners());
  const auto* web = catalog.find("", "web");
  REQUIRE(web);
  CHECK(web->profile->topic_prefix.empty());
  CHECK(web->presence_topic == "parley-presence");
  CHECK(catalog.find("alice", "web") == nullptr);
  CHECK(catalog.find("", "default") == nullptr);
  // OIDC tokens name no profile: `default`, else the first.
  CHECK(catalog.default_for("alice")->name == "default");
  CHECK(catalog.default_for("bob")->name == "main");
  CHECK(catalog.default_for("carol") == nullptr);
  CHECK(catalog.owner_names() == std::vector<std::string>{"alice", "bob"});
}
