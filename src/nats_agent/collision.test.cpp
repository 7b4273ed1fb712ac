#include "src/nats_agent/collision.hpp"

#include <catch2/catch.hpp>

using namespace parley::nats_agent;

namespace {

std::string info_with(const std::string& agent, const std::string& owner, const std::string& name) {
  return R"({"type":"io.nats.micro.v1.info_response","name":"agents","id":"X","version":"0.1.0",)"
         R"("description":"","metadata":{"agent":")" +
         agent + R"(","owner":")" + owner + R"(","protocol_version":"0.3"},"endpoints":[)" +
         R"({"subject":"agents.prompt.)" + agent + "." + owner + "." + name +
         R"(","name":"prompt","queue_group":"agents"},)" + R"({"subject":"agents.status.)" + agent +
         "." + owner + "." + name + R"(","name":"status","queue_group":"agents"}]})";
}

}  // namespace

TEST_CASE("nats_agent collision: suffixes -2, -3, … until free", "[nats_agent]") {
  CHECK(first_free_name("main", {}) == "main");
  CHECK(first_free_name("main", {"other"}) == "main");
  CHECK(first_free_name("main", {"main"}) == "main-2");
  CHECK(first_free_name("main", {"main", "main-2"}) == "main-3");
  CHECK(first_free_name("main", {"main", "main-2", "main-3", "main-5"}) == "main-4");
  // A gap is reused; only the base being taken triggers suffixing.
  CHECK(first_free_name("main", {"main-2"}) == "main");
}

TEST_CASE("nats_agent collision: taken names come from $SRV.INFO replies for our agent/owner",
          "[nats_agent]") {
  const identity us{"parley", "alice", "main"};
  std::set<std::string> taken;
  collect_taken_names(info_with("parley", "alice", "main"), us, taken);
  collect_taken_names(info_with("parley", "alice", "main-2"), us, taken);
  collect_taken_names(info_with("parley", "bob", "main-3"), us, taken);  // other owner
  collect_taken_names(info_with("cc", "alice", "main-4"), us, taken);    // other agent
  CHECK(taken == std::set<std::string>{"main", "main-2"});
  CHECK(first_free_name(us.session, taken) == "main-3");
}

TEST_CASE("nats_agent collision: v0.2 subjects count, junk adds nothing", "[nats_agent]") {
  const identity us{"parley", "alice", "main"};
  std::set<std::string> taken;
  collect_taken_names(
      R"({"name":"agents","endpoints":[{"subject":"agents.parley.alice.old","name":"prompt"}]})",
      us, taken);
  collect_taken_names("not json", us, taken);
  collect_taken_names(
      R"({"name":"pi-exec","endpoints":[{"subject":"agents.prompt.parley.alice.x"}]})", us, taken);
  collect_taken_names(R"({"name":"agents"})", us, taken);
  collect_taken_names(R"({"name":"agents","endpoints":[{"subject":7},{"name":"x"}]})", us, taken);
  collect_taken_names(R"({"name":"agents","endpoints":[{"subject":"agents.hb.parley.alice.y"}]})",
                      us, taken);
  CHECK(taken == std::set<std::string>{"old"});
}
