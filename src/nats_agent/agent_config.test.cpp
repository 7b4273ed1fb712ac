#include "src/nats_agent/agent_config.hpp"

#include <catch2/catch.hpp>

using namespace parley::nats_agent;
using parley::config::problem;
using parley::config::value;

namespace {

agent_config parse(const value& v, std::vector<problem>& problems) {
  return parse_agent_config(v, "nats_agent", problems);
}

/// Parses a block with exactly one key set and returns the problems.
std::vector<problem> problems_with(const std::string& key, value v) {
  value block = value::map();
  block.set(key, std::move(v));
  std::vector<problem> problems;
  (void)parse(block, problems);
  return problems;
}

bool has_problem(const std::vector<problem>& problems, const std::string& path) {
  for (const auto& p : problems)
    if (p.path == path) return true;
  return false;
}

}  // namespace

TEST_CASE("nats_agent config: absent block is disabled, an empty one enabled", "[nats_agent]") {
  std::vector<problem> problems;
  auto cfg = parse(value(), problems);
  CHECK_FALSE(cfg.enabled);
  CHECK(problems.empty());

  cfg = parse(value::map(), problems);
  CHECK(problems.empty());
  CHECK(cfg.enabled);
  CHECK(cfg.servers.empty());
  CHECK_FALSE(cfg.context);
  CHECK(cfg.agent == "parley");
  CHECK_FALSE(cfg.owner);
  CHECK_FALSE(cfg.session);
  CHECK_FALSE(cfg.max_payload);
  CHECK(cfg.attachments_ok);
  CHECK(cfg.heartbeat_s == 5);
  CHECK(cfg.keepalive_s == 30);
  CHECK(cfg.max_pending_age_s == 1800);
  CHECK(cfg.query_timeout_s == 120);
  CHECK_FALSE(cfg.legacy_v02);

  value off = value::map();
  off.set("enabled", value::scalar("false"));
  CHECK_FALSE(parse(off, problems).enabled);
  CHECK(problems.empty());
}

TEST_CASE("nats_agent config: every key typed", "[nats_agent]") {
  value b = value::map();
  b.set("enabled", value::scalar("true"));
  value servers = value::list();
  servers.push_back(value::scalar("nats://a:4222"));
  servers.push_back(value::scalar("nats://b:4222, nats://c:4222"));
  b.set("servers", servers);
  b.set("context", value::scalar("prod"));
  b.set("agent", value::scalar("parley-dev"));
  b.set("owner", value::scalar("alice"));
  b.set("session", value::scalar("main"));
  b.set("max_payload", value::scalar("256KB"));
  b.set("attachments_ok", value::scalar("false"));
  b.set("heartbeat_s", value::scalar("10"));
  b.set("keepalive_s", value::scalar("20"));
  b.set("max_pending_age_s", value::scalar("600"));
  b.set("query_timeout_s", value::scalar("60"));
  b.set("legacy_v02", value::scalar("true"));
  std::vector<problem> problems;
  const auto cfg = parse(b, problems);
  CHECK(problems.empty());
  CHECK(cfg.enabled);
  CHECK(cfg.servers == std::vector<std::string>{"nats://a:4222", "nats://b:4222", "nats://c:4222"});
  CHECK(cfg.context == "prod");
  CHECK(cfg.agent == "parley-dev");
  CHECK(cfg.owner == "alice");
  CHECK(cfg.session == "main");
  CHECK(cfg.max_payload == 262144u);
  CHECK_FALSE(cfg.attachments_ok);
  CHECK(cfg.heartbeat_s == 10);
  CHECK(cfg.keepalive_s == 20);
  CHECK(cfg.max_pending_age_s == 600);
  CHECK(cfg.query_timeout_s == 60);
  CHECK(cfg.legacy_v02);
}

TEST_CASE("nats_agent config: servers as one string; max_payload as bytes", "[nats_agent]") {
  value b = value::map();
  b.set("servers", value::scalar("nats://127.0.0.1:4222"));
  b.set("max_payload", value::scalar("4096"));
  std::vector<problem> problems;
  const auto cfg = parse(b, problems);
  CHECK(problems.empty());
  CHECK(cfg.servers == std::vector<std::string>{"nats://127.0.0.1:4222"});
  CHECK(cfg.max_payload == 4096u);
}

TEST_CASE("nats_agent config: problems carry nats_agent.<key> paths", "[nats_agent]") {
  CHECK(has_problem(problems_with("unknown_key", value::scalar("x")), "nats_agent.unknown_key"));
  CHECK(has_problem(problems_with("sessionName", value::scalar("x")), "nats_agent.sessionName"));
  CHECK(has_problem(problems_with("owner", value::scalar("a.b")), "nats_agent.owner"));
  CHECK(has_problem(problems_with("session", value::scalar("has space")), "nats_agent.session"));
  CHECK(has_problem(problems_with("agent", value::scalar("$sys")), "nats_agent.agent"));
  CHECK(has_problem(problems_with("owner", value::scalar("")), "nats_agent.owner"));
  CHECK(has_problem(problems_with("context", value::scalar("../evil")), "nats_agent.context"));
  CHECK(has_problem(problems_with("context", value::scalar(".hidden")), "nats_agent.context"));
  CHECK(has_problem(problems_with("servers", value::list()), "nats_agent.servers"));
  CHECK(has_problem(problems_with("servers", value::scalar(" , ")), "nats_agent.servers"));
  CHECK(
      has_problem(problems_with("max_payload", value::scalar("1.5MB")), "nats_agent.max_payload"));
  CHECK(has_problem(problems_with("max_payload", value::scalar("0")), "nats_agent.max_payload"));
  CHECK(has_problem(problems_with("max_payload", value::scalar("65MB")), "nats_agent.max_payload"));
  CHECK(has_problem(problems_with("attachments_ok", value::scalar("maybe")),
                    "nats_agent.attachments_ok"));
  CHECK(has_problem(problems_with("heartbeat_s", value::scalar("0")), "nats_agent.heartbeat_s"));
  CHECK(has_problem(problems_with("keepalive_s", value::scalar("-1")), "nats_agent.keepalive_s"));
  CHECK(has_problem(problems_with("keepalive_s", value::scalar("60")), "nats_agent.keepalive_s"));
  CHECK(has_problem(problems_with("max_pending_age_s", value::scalar("0")),
                    "nats_agent.max_pending_age_s"));
  CHECK(has_problem(problems_with("query_timeout_s", value::scalar("x")),
                    "nats_agent.query_timeout_s"));
  CHECK(has_problem(problems_with("legacy_v02", value::scalar("2")), "nats_agent.legacy_v02"));

  // Not a map at all.
  std::vector<problem> problems;
  (void)parse(value::scalar("yes"), problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "nats_agent");

  // A gateway profile's block reports under its own path.
  value b = value::map();
  b.set("enabled", value::scalar("true"));
  b.set("bogus", value::scalar("1"));
  problems.clear();
  (void)parse_agent_config(b, "profiles.dev.nats_agent", problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "profiles.dev.nats_agent.bogus");
}
