#include "src/nats_agent/identity.hpp"

#include <catch2/catch.hpp>

#include <map>
#include <string>

#include "src/nats_agent/agent_config.hpp"

using namespace parley::nats_agent;

namespace {

/// An environment made of a map, so tests never touch the real one.
env_lookup fake_env(std::map<std::string, std::string> vars) {
  return [vars = std::move(vars)](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

identity resolve_ok(const identity_sources& s) {
  auto r = resolve_identity(s);
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("nats_agent identity: defaults from $USER and the cwd basename", "[nats_agent]") {
  agent_config cfg;
  auto s =
      stdio_identity_sources(cfg, "/home/alice/Code/My Project", fake_env({{"USER", "Alice"}}));
  CHECK(s.user == "Alice");
  CHECK(s.session_basis == "My Project");
  CHECK(resolve_ok(s) == identity{"parley", "alice", "my-project"});

  // Trailing slashes ignored; root and empty have no basename → fallbacks.
  CHECK(stdio_identity_sources(cfg, "/srv/repo/", fake_env({})).session_basis == "repo");
  CHECK(resolve_ok(stdio_identity_sources(cfg, "/", fake_env({}))) ==
        identity{"parley", "unknown", "default"});
  CHECK(resolve_ok(stdio_identity_sources(cfg, "", fake_env({{"USER", "..."}}))) ==
        identity{"parley", "unknown", "default"});
}

TEST_CASE("nats_agent identity: config beats derived values, env beats config", "[nats_agent]") {
  agent_config cfg;
  cfg.agent = "claude";
  cfg.owner = "team";
  cfg.session = "main";
  auto env = fake_env({{"USER", "alice"}});
  CHECK(resolve_ok(stdio_identity_sources(cfg, "/x/y", env)) == identity{"claude", "team", "main"});

  auto env2 = fake_env({{"USER", "alice"}, {"SYNADIA_OWNER", "ops"}, {"NATS_SESSION_NAME", "nsn"}});
  CHECK(resolve_ok(stdio_identity_sources(cfg, "/x/y", env2)) == identity{"claude", "ops", "nsn"});

  // Precedence inside the environment groups.
  auto env3 = fake_env({{"SYNADIA_PARLEY_OWNER", "p-owner"},
                        {"SYNADIA_OWNER", "s-owner"},
                        {"SYNADIA_PARLEY_NAME", "p-name"},
                        {"SYNADIA_NAME", "s-name"},
                        {"SESH_SESSION", "sesh"},
                        {"NATS_SESSION_NAME", "nsn"}});
  CHECK(resolve_ok(stdio_identity_sources(cfg, "/x", env3)) ==
        identity{"claude", "p-owner", "p-name"});
  auto env4 = fake_env({{"SYNADIA_NAME", "s-name"}, {"SESH_SESSION", "sesh"}});
  CHECK(resolve_ok(stdio_identity_sources(cfg, "/x", env4)).session == "s-name");
  auto env5 = fake_env({{"SESH_SESSION", "sesh"}, {"NATS_SESSION_NAME", "nsn"}});
  CHECK(resolve_ok(stdio_identity_sources(cfg, "/x", env5)).session == "sesh");

  // An empty variable counts as unset.
  auto env6 = fake_env({{"SYNADIA_OWNER", ""}, {"NATS_SESSION_NAME", ""}});
  CHECK(resolve_ok(stdio_identity_sources(cfg, "/x", env6)) == identity{"claude", "team", "main"});
}

TEST_CASE("nats_agent identity: explicit values are validated, never sanitized", "[nats_agent]") {
  agent_config cfg;
  auto bad_env = fake_env({{"SYNADIA_OWNER", "a.b"}});
  auto r = resolve_identity(stdio_identity_sources(cfg, "/x", bad_env));
  REQUIRE_FALSE(r);
  CHECK(r.error().code == parley::errc::invalid_config);
  CHECK(r.error().message.find("$SYNADIA_OWNER") != std::string::npos);

  identity_sources s;
  s.config_session = "has space";
  r = resolve_identity(s);
  REQUIRE_FALSE(r);
  CHECK(r.error().message.find("nats_agent.session") != std::string::npos);

  s = {};
  s.config_agent = "$sys";
  CHECK_FALSE(resolve_identity(s));

  // Valid but unusual explicit values pass through verbatim.
  s = {};
  s.config_owner = "Alice";
  s.env_session = identity_sources::env_value{"$NATS_SESSION_NAME", "Proj_X"};
  CHECK(resolve_ok(s) == identity{"parley", "Alice", "Proj_X"});
}

TEST_CASE("nats_agent identity: gateway sessions derive the name from the handle", "[nats_agent]") {
  identity_sources s;
  s.config_owner = "alice";
  s.session_basis = "Reviewer.Bot";
  CHECK(resolve_ok(s) == identity{"parley", "alice", "reviewer-bot"});
}
