// The one place session settings are assembled: what comes from the host's
// spec, what from the config, what from the shared runtime.
#include "actors/session_host/session_host.hpp"

#include <catch2/catch.hpp>

using namespace parley;

namespace {

parley_config sample_config() {
  parley_config cfg;
  cfg.handle = "claude-frontend";
  cfg.topics = {"ctx"};
  cfg.post_topics = {"team-.*"};
  cfg.catchup.on_start = false;
  cfg.catchup.limit = 42;
  cfg.catchup.block_max_ms = 1234;
  cfg.live_push.mention_filter = true;
  cfg.presence.topic = "here";
  cfg.presence.heartbeat_ms = 1000;
  cfg.presence.ttl_ms = 3000;
  cfg.permissions.relay_topic = "perms";
  cfg.permissions.approvers = {"boss"};
  cfg.permissions.timeout_ms = 777;
  return cfg;
}

class null_output final : public session_output {
 public:
  void response(const std::string&, std::shared_ptr<const std::string>) override {}
  void notification(std::shared_ptr<const std::string>, const droppable_event*) override {}
};

session_runtime runtime() {
  session_runtime rt;
  rt.server_version = "9.9.9";
  rt.sender_is_identity = false;
  rt.metrics = std::make_shared<runtime_metrics>();
  return rt;
}

}  // namespace

TEST_CASE("session host: the spec, the config and the runtime each fill their part",
          "[session_host]") {
  const auto cfg = sample_config();
  const auto rt = runtime();
  session_spec spec;
  spec.id = 7;
  spec.output = std::make_shared<null_output>();
  spec.live_push = true;
  spec.read_state_path = "/tmp/state.json";
  spec.read_cursors = {{"ctx", "c1"}};
  spec.max_input_bytes = 2048;
  auto ss = make_session_settings(cfg, rt, spec);
  CHECK(ss.id == 7);
  CHECK(ss.output == spec.output);
  CHECK(ss.live_push);
  CHECK(ss.read_state_path == "/tmp/state.json");
  CHECK(ss.initial_read_cursors.at("ctx") == "c1");
  CHECK(ss.max_input_bytes == 2048);
  CHECK_FALSE(ss.catchup_on_start);
  CHECK(ss.catchup_limit == 42);
  CHECK(ss.heartbeat_ms == 1000);
  CHECK(ss.ttl_ms == 3000);
  CHECK(ss.presence_enabled);
  CHECK(ss.presence_topic == "here");  // the config's, the spec naming none
  CHECK(ss.server_version == "9.9.9");
  CHECK_FALSE(ss.sender_is_identity);
  CHECK(ss.metrics == rt.metrics);
  CHECK_FALSE(ss.spawn_nats_agent);
}

TEST_CASE("session host: presence needs both the profile and the config", "[session_host]") {
  auto cfg = sample_config();
  session_spec spec;
  spec.presence = false;
  CHECK_FALSE(make_session_settings(cfg, runtime(), spec).presence_enabled);
  spec.presence = true;
  spec.presence_topic = "alice.here";
  auto ss = make_session_settings(cfg, runtime(), spec);
  CHECK(ss.presence_enabled);
  CHECK(ss.presence_topic == "alice.here");
  cfg.presence.enabled = false;
  CHECK_FALSE(make_session_settings(cfg, runtime(), spec).presence_enabled);
}

TEST_CASE("session host: the top-level permissions apply only when the spec says so",
          "[session_host]") {
  const auto cfg = sample_config();
  session_spec spec;
  auto gateway_like = make_session_settings(cfg, runtime(), spec);
  CHECK(gateway_like.approvers.empty());
  CHECK(gateway_like.permission_timeout_ms == session_settings{}.permission_timeout_ms);
  spec.config_permissions = true;
  auto stdio_like = make_session_settings(cfg, runtime(), spec);
  CHECK(stdio_like.approvers == std::vector<std::string>{"boss"});
  CHECK(stdio_like.permission_timeout_ms == 777);
}

TEST_CASE("session host: the top-level profile is the stdio session's", "[session_host]") {
  auto profile = top_level_profile(sample_config());
  REQUIRE(profile);
  const auto& p = **profile;
  CHECK(p.handle == "claude-frontend");
  CHECK(p.mention_filter);
  CHECK_FALSE(p.echo_own_posts);
  CHECK(p.relay_topic == std::optional<std::string>("perms"));
  CHECK(p.block_max_ms == 1234);
  CHECK(p.allow.allows("team-a"));
  CHECK(p.allow.is_explicit("ctx"));
  CHECK_FALSE(p.allow.allows("other"));
  CHECK_FALSE(p.allow.allows("here"));

  auto bad = sample_config();
  bad.post_topics = {"("};
  CHECK_FALSE(top_level_profile(bad));
}
