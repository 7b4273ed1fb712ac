#include "src/nats_agent/subjects.hpp"

#include <catch2/catch.hpp>

using namespace parley::nats_agent;

TEST_CASE("nats_agent subjects: v0.3 verb-first layout", "[nats_agent]") {
  const identity id{"parley", "alice", "my-project"};
  CHECK(prompt_subject(id) == "agents.prompt.parley.alice.my-project");
  CHECK(status_subject(id) == "agents.status.parley.alice.my-project");
  CHECK(heartbeat_subject(id) == "agents.hb.parley.alice.my-project");
  CHECK(heartbeat_wildcard == "agents.hb.*.*.*");
}

TEST_CASE("nats_agent subjects: v0.2 legacy layout and the control plane", "[nats_agent]") {
  const identity id{"parley", "alice", "main"};
  CHECK(legacy_prompt_subject(id) == "agents.parley.alice.main");
  CHECK(legacy_heartbeat_subject(id) == "agents.parley.alice.main.heartbeat");
  CHECK(control_subject("alice") == "agents.parley.alice");
  // The control subject keeps its pinned token whatever the agent kind.
  const identity other{"claude", "alice", "main"};
  CHECK(control_subject(other.owner) == "agents.parley.alice");
}

TEST_CASE("nats_agent subjects: instance name is the prompt subject's 5th token", "[nats_agent]") {
  CHECK(instance_name_of("agents.prompt.cc.alice.my-project") == "my-project");
  CHECK(instance_name_of("agents.status.cc.alice.my-project").empty());
  CHECK(instance_name_of("agents.prompt.cc.alice").empty());
  CHECK(instance_name_of("agents.prompt.cc.alice.x.y").empty());
  CHECK(instance_name_of("agents.prompt.cc.alice.").empty());
  CHECK(instance_name_of("").empty());
}
