// What `parley serve` refuses before it starts, each check on its own.
#include "src/config/serve_config.hpp"

#include <catch2/catch.hpp>

using parley::config::problem;
using namespace parley;

namespace {

/// A config that serves: the top-level `default` profile and one token.
parley_config serving() {
  parley_config cfg;
  gateway_profile d;
  d.name = "default";
  d.handle = "claude";
  d.topics = {"ctx"};
  cfg.gateway.profiles.push_back(d);
  cfg.gateway.tokens.push_back({token_digest("a-token"), "default"});
  return cfg;
}

std::vector<problem> problems_of(parley_config& cfg, const serve_overrides& o = {}) {
  std::vector<problem> problems;
  prepare_serve_config(cfg, o, problems);
  return problems;
}

bool has(const std::vector<problem>& ps, const std::string& path, const std::string& words) {
  for (const auto& p : ps)
    if (p.path == path && p.message.find(words) != std::string::npos) return true;
  return false;
}

}  // namespace

TEST_CASE("serve config: a config with a profile and a token serves", "[config][serve]") {
  auto cfg = serving();
  CHECK(problems_of(cfg).empty());
  CHECK(prepare_serve_config(cfg, {}, "/etc/parley.yaml"));
}

TEST_CASE("serve config: --listen replaces gateway.listen, and must be HOST:PORT",
          "[config][serve]") {
  auto cfg = serving();
  serve_overrides o;
  o.listen = "[::1]:0";
  CHECK(problems_of(cfg, o).empty());
  CHECK(cfg.gateway.listen == "[::1]:0");
  CHECK(cfg.gateway.listen_host == "::1");
  CHECK(cfg.gateway.port == 0);

  auto bad = serving();
  o.listen = "nonsense";
  CHECK(has(problems_of(bad, o), "--listen", "expected HOST:PORT, got 'nonsense'"));
}

TEST_CASE("serve config: PARLEY_PUBLIC_URL replaces gateway.public_url, without trailing slashes",
          "[config][serve]") {
  auto cfg = serving();
  serve_overrides o;
  o.public_url = "https://parley.example.com//";
  CHECK(problems_of(cfg, o).empty());
  CHECK(cfg.gateway.public_url == "https://parley.example.com");
  CHECK(cfg.gateway.public_url_given);

  auto unset = serving();
  o.public_url = "";
  CHECK(problems_of(unset, o).empty());
  CHECK_FALSE(unset.gateway.public_url_given);
}

TEST_CASE("serve config: without any profile nothing could be served", "[config][serve]") {
  parley_config cfg;
  serve_overrides o;
  o.dev_token = "dev";
  CHECK(has(problems_of(cfg, o), "gateway.profiles", "no session profile is defined"));

  // Owners bring their own profiles.
  parley_config owned;
  owner_config alice;
  alice.name = "alice";
  owned.owners.push_back(alice);
  CHECK_FALSE(has(problems_of(owned), "gateway.profiles", "no session profile"));
}

TEST_CASE("serve config: some credential must be accepted", "[config][serve]") {
  auto cfg = serving();
  cfg.gateway.tokens.clear();
  CHECK(has(problems_of(cfg), "gateway.tokens", "no credential would be accepted"));

  // PARLEY_DEV_TOKEN is one, for the `default` profile.
  auto dev = serving();
  dev.gateway.tokens.clear();
  serve_overrides o;
  o.dev_token = "dev-token";
  CHECK(problems_of(dev, o).empty());
  REQUIRE(dev.gateway.tokens.size() == 1);
  CHECK(dev.gateway.tokens[0].sha256_hex == token_digest("dev-token"));
  CHECK(dev.gateway.tokens[0].profile == "default");

  // OIDC accepts the issuer's tokens instead.
  auto oidc = serving();
  oidc.gateway.tokens.clear();
  oidc.auth.mode = "oidc";
  CHECK(problems_of(oidc).empty());
}

TEST_CASE("serve config: a token must name an existing profile", "[config][serve]") {
  auto cfg = serving();
  cfg.gateway.profiles[0].name = "web";
  auto ps = problems_of(cfg);
  CHECK(has(ps, "gateway.tokens[0].profile",
            "names profile 'default', which does not exist (give identity.handle"));

  auto dev = serving();
  dev.gateway.profiles[0].name = "web";
  dev.gateway.tokens[0].profile = "web";
  serve_overrides o;
  o.dev_token = "dev-token";
  CHECK(has(problems_of(dev, o), "PARLEY_DEV_TOKEN",
            "names profile 'default', which does not exist"));
}

TEST_CASE("serve config: a profile on NATS needs the top-level nats_agent block",
          "[config][serve]") {
  auto cfg = serving();
  cfg.gateway.profiles[0].nats_agent = true;
  CHECK(has(problems_of(cfg), "nats_agent", "no top-level nats_agent block"));

  auto owned = serving();
  owner_config alice;
  alice.name = "alice";
  gateway_profile p;
  p.name = "default";
  p.nats_agent = true;
  alice.profiles.push_back(p);
  owned.owners.push_back(alice);
  CHECK(has(problems_of(owned), "nats_agent", "no top-level nats_agent block"));

  auto enabled = serving();
  enabled.gateway.profiles[0].nats_agent = true;
  enabled.nats_agent.enabled = true;
  CHECK(problems_of(enabled).empty());
}

TEST_CASE("serve config: problems are reported like other config errors", "[config][serve]") {
  parley_config cfg;
  auto r = prepare_serve_config(cfg, {}, "/etc/parley.yaml");
  REQUIRE_FALSE(r);
  CHECK(r.error().code == errc::invalid_config);
  CHECK(r.error().message.find("invalid config /etc/parley.yaml:") == 0);
  CHECK(r.error().message.find("gateway.profiles: no session profile") != std::string::npos);
  CHECK(r.error().message.find("gateway.tokens: no credential") != std::string::npos);
}
