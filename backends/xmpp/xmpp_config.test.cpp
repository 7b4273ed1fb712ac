#include <catch2/catch.hpp>

#include <cstdlib>

#include "backends/xmpp/xmpp_config.hpp"
#include "tests/support/config_values.hpp"

using namespace parley;
using parley::testing::config_map;
using parley::testing::problems_text;
using namespace parley::xmpp;

namespace {

xmpp_config parse(config::value v, std::vector<config::problem>& problems) {
  return xmpp_config::parse(v, problems);
}

}  // namespace

TEST_CASE("the original's keys and defaults", "[xmpp][config]") {
  ::unsetenv("PARLEY_XMPP_PASSWORD");
  std::vector<config::problem> problems;
  auto cfg = parse(config::value(), problems);
  CHECK(problems.empty());
  CHECK(cfg.host == "127.0.0.1");
  CHECK(cfg.port == 5222);
  CHECK(cfg.domain == "parley.local");
  CHECK(cfg.muc_service == "muc.parley.local");
  CHECK(cfg.username == "parley");
  CHECK(cfg.password == "parleypass");
  CHECK(cfg.default_password);
  CHECK(cfg.nick.rfind("parley-", 0) == 0);
  CHECK(cfg.nick.size() == 17);
  CHECK(cfg.tls == tls_mode::starttls);

  cfg = parse(config_map({{"service", "xmpp://chat.example.org"}, {"domain", "example.org"},
                    {"muc_service", "rooms.example.org"}, {"username", "bot"}, {"password", "s3cret"},
                    {"nick", "reviewer"}}),
              problems);
  CHECK(problems.empty());
  CHECK(cfg.host == "chat.example.org");
  CHECK(cfg.port == 5222);
  CHECK(cfg.jid() == "bot@example.org");
  CHECK(cfg.nick == "reviewer");
  CHECK_FALSE(cfg.default_password);
}

TEST_CASE("the password may come from the environment", "[xmpp][config]") {
  std::vector<config::problem> problems;
  ::setenv("PARLEY_XMPP_PASSWORD", "from-env", 1);
  CHECK(parse(config::value(), problems).password == "from-env");
  ::setenv("MY_XMPP_SECRET", "named", 1);
  CHECK(parse(config_map({{"password_env", "MY_XMPP_SECRET"}}), problems).password == "named");
  // An explicit password wins.
  CHECK(parse(config_map({{"password", "inline"}}), problems).password == "inline");
  ::unsetenv("PARLEY_XMPP_PASSWORD");
  ::unsetenv("MY_XMPP_SECRET");
  CHECK(problems.empty());
}

TEST_CASE("xmpps:// is direct TLS and tls: false only on loopback", "[xmpp][config]") {
  std::vector<config::problem> problems;
  auto cfg = parse(config_map({{"service", "xmpps://chat.example.org"}}), problems);
  CHECK(cfg.tls == tls_mode::direct);
  CHECK(cfg.port == 5223);
  cfg = parse(config_map({{"service", "xmpp://127.0.0.1:15222"}, {"tls", "false"}}), problems);
  CHECK(problems.empty());
  CHECK(cfg.tls == tls_mode::off);
  CHECK(cfg.port == 15222);
  (void)parse(config_map({{"service", "xmpp://chat.example.org"}, {"tls", "false"}}), problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "backend_config.tls");
}

TEST_CASE("bad values and unknown keys are reported together", "[xmpp][config]") {
  std::vector<config::problem> problems;
  (void)parse(config_map({{"service", "http://x"}, {"timeout_ms", "5"}, {"muc", "typo"}}), problems);
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].path == "backend_config.service");
}
