#include "src/config/gateway_config.hpp"

#include <catch2/catch.hpp>

using parley::config::problem;
using parley::config::value;

namespace {

value profile(const std::string& handle, std::vector<std::string> topics) {
  value p = value::map();
  value id = value::map();
  id.set("handle", value::scalar(handle));
  p.set("identity", id);
  value t = value::list();
  for (auto& s : topics) t.push_back(value::scalar(s));
  p.set("topics", t);
  return p;
}

value token(const std::string& sha, const std::string& prof) {
  value t = value::map();
  t.set("sha256", value::scalar(sha));
  t.set("profile", value::scalar(prof));
  return t;
}

}  // namespace

TEST_CASE("gateway config: profiles and hashed tokens, defaults filled in") {
  value g = value::map();
  value profiles = value::map();
  profiles.set("web", profile("claude-web", {"ctx"}));
  g.set("profiles", profiles);
  value tokens = value::list();
  tokens.push_back(token(parley::token_digest("a-long-enough-secret-token"), "web"));
  g.set("tokens", tokens);
  g.set("listen", value::scalar("127.0.0.1:0"));
  std::vector<problem> problems;
  auto cfg = parley::parse_gateway_config(g, "parley-presence", problems);
  REQUIRE(problems.empty());
  REQUIRE(cfg.profiles.size() == 1);
  CHECK(cfg.profiles[0].handle == "claude-web");
  CHECK(cfg.profiles[0].live_push);
  CHECK(cfg.public_url == "http://127.0.0.1:0");
  CHECK(cfg.listen_host == "127.0.0.1");
  CHECK(cfg.port == 0);
  CHECK(cfg.tokens[0].profile == "web");
}

TEST_CASE("gateway config: the defaults, and listen as HOST:PORT") {
  std::vector<problem> problems;
  const value absent;
  auto cfg = parley::parse_gateway_config(absent, "parley-presence", problems);
  CHECK(problems.empty());
  CHECK(cfg.listen == "127.0.0.1:7420");
  CHECK(cfg.port == 7420);
  std::string host;
  std::int64_t port = 0;
  CHECK(parley::parse_listen("[::1]:8080", host, port));
  CHECK(host == "::1");
  CHECK(port == 8080);
  CHECK_FALSE(parley::parse_listen("localhost", host, port));
  CHECK_FALSE(parley::parse_listen("h:99999", host, port));
}

TEST_CASE("gateway config: unknown profiles and bad hashes are named") {
  std::vector<problem> problems;

  value g = value::map();
  value profiles = value::map();
  profiles.set("web", profile("claude-web", {"parley-presence"}));
  g.set("profiles", profiles);
  value tokens = value::list();
  tokens.push_back(token("not-a-hash", "nope"));
  g.set("tokens", tokens);
  g.set("prot", value::scalar("1"));
  problems.clear();
  (void)parley::parse_gateway_config(g, "parley-presence", problems);
  std::vector<std::string> paths;
  for (auto& p : problems) paths.push_back(p.path);
  CHECK(paths == std::vector<std::string>{"gateway.profiles.web.topics", "gateway.tokens[0].sha256",
                                          "gateway.tokens[0].profile", "gateway.prot"});
}

TEST_CASE("gateway config: token digests are SHA-256 hex") {
  CHECK(parley::token_digest("abc") == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}
