#include <catch2/catch.hpp>

#include <cstdlib>

#include "backends/matrix/matrix_config.hpp"
#include "tests/support/config_values.hpp"

using namespace parley;
using parley::testing::config_map;
using parley::testing::problems_text;
using namespace parley::matrix;

namespace {

void unset_secrets() {
  ::unsetenv("PARLEY_MATRIX_PASSWORD");
  ::unsetenv("PARLEY_MATRIX_ACCESS_TOKEN");
}

/// The secret variables unset for the test and after it.
struct clean_env {
  clean_env() { unset_secrets(); }
  ~clean_env() { unset_secrets(); }
  clean_env(const clean_env&) = delete;
  clean_env& operator=(const clean_env&) = delete;
};

}  // namespace

TEST_CASE("matrix config: the original's keys and defaults", "[matrix][config]") {
  clean_env env;
  std::vector<config::problem> problems;
  auto cfg = matrix_config::parse(config::value(), problems);
  CHECK(problems.empty());
  CHECK(cfg.homeserver_url == "http://127.0.0.1:8008");
  CHECK(cfg.user == "parley");
  CHECK(cfg.password == "parleypass");
  CHECK(cfg.default_password);
  CHECK(cfg.server_name == "parley.local");
  CHECK(cfg.sync_timeout_ms == 25000);
  CHECK_FALSE(cfg.shared_room);
  CHECK_FALSE(cfg.token_login());

  cfg = matrix_config::parse(config_map({{"homeserver_url", "https://matrix.example.org/"},
                                   {"user", "bot"},
                                   {"password", "s3cret"},
                                   {"server_name", "example.org"},
                                   {"sync_timeout_ms", "1000"},
                                   {"shared_room", "parley_tests"}}),
                             problems);
  CHECK(problems.empty());
  CHECK(cfg.homeserver_url == "https://matrix.example.org");  // trailing slash stripped
  CHECK(cfg.user == "bot");
  CHECK(cfg.password == "s3cret");
  CHECK_FALSE(cfg.default_password);
  CHECK(cfg.server_name == "example.org");
  CHECK(cfg.sync_timeout_ms == 1000);
  CHECK(cfg.shared_room == "parley_tests");
}

TEST_CASE("matrix config: secrets from the environment, under our names or the ones given", "[matrix][config]") {
  clean_env env;
  std::vector<config::problem> problems;
  ::setenv("PARLEY_MATRIX_PASSWORD", "from-env", 1);
  auto cfg = matrix_config::parse(config::value(), problems);
  CHECK(cfg.password == "from-env");
  CHECK_FALSE(cfg.default_password);

  ::setenv("MY_MATRIX_SECRET", "named-env", 1);
  cfg = matrix_config::parse(config_map({{"password_env", "MY_MATRIX_SECRET"}}), problems);
  CHECK(cfg.password == "named-env");
  cfg = matrix_config::parse(config_map({{"password", "in-config"}}), problems);
  CHECK(cfg.password == "in-config");  // the config wins

  ::setenv("PARLEY_MATRIX_ACCESS_TOKEN", "syt_token", 1);
  cfg = matrix_config::parse(config_map({{"user_id", "@bot:example.org"}}), problems);
  CHECK(cfg.token_login());
  CHECK(cfg.access_token == "syt_token");
  CHECK(cfg.user_id == "@bot:example.org");
  ::setenv("OTHER_TOKEN", "syt_other", 1);
  cfg = matrix_config::parse(config_map({{"access_token_env", "OTHER_TOKEN"}}), problems);
  CHECK(cfg.access_token == "syt_other");
  CHECK(problems.empty());
  ::unsetenv("MY_MATRIX_SECRET");
  ::unsetenv("OTHER_TOKEN");
}

TEST_CASE("matrix config: every problem at once, named by path, without a secret", "[matrix][config]") {
  clean_env env;
  std::vector<config::problem> problems;
  (void)matrix_config::parse(config_map({{"homeserver_url", "ftp://x"},
                                   {"password", "hunter2-secret"},
                                   {"access_token", "syt_secret_token"},
                                   {"user_id", "bot"},
                                   {"shared_room", "#room:x"},
                                   {"sync_timeout_ms", "-1"},
                                   {"passwrd", "typo"}}),
                             problems);
  const auto text = problems_text(problems);
  CHECK(problems.size() == 5);
  CHECK(text.find("backend_config.homeserver_url") != std::string::npos);
  CHECK(text.find("backend_config.user_id") != std::string::npos);
  CHECK(text.find("backend_config.shared_room") != std::string::npos);
  CHECK(text.find("backend_config.sync_timeout_ms") != std::string::npos);
  CHECK(text.find("backend_config.passwrd") != std::string::npos);
  CHECK(text.find("hunter2-secret") == std::string::npos);
  CHECK(text.find("syt_secret_token") == std::string::npos);
}

TEST_CASE("matrix config: the appservice block", "[matrix][config]") {
  clean_env env;
  std::vector<config::problem> problems;
  auto v = config::value::map();
  auto as = config_map({{"as_token", "as-secret"}, {"hs_token", "hs-secret"}, {"listen", "127.0.0.1:7420"}});
  v.set("appservice", as);
  auto cfg = matrix_config::parse(v, problems);
  CHECK(problems.empty());
  REQUIRE(cfg.appservice);
  CHECK(cfg.appservice->as_token == "as-secret");
  CHECK(cfg.appservice->hs_token == "hs-secret");
  CHECK(cfg.appservice->listen_host == "127.0.0.1");
  CHECK(cfg.appservice->listen_port == 7420);
  CHECK(cfg.appservice->sender_localpart == "parley_bridge");

  v.set("appservice", config_map({{"listen", "nowhere"}, {"hs_token", "hs-secret-2"}, {"extra", "x"}}));
  (void)matrix_config::parse(v, problems);
  const auto text = problems_text(problems);
  CHECK(text.find("backend_config.appservice.listen") != std::string::npos);
  CHECK(text.find("backend_config.appservice.as_token") != std::string::npos);
  CHECK(text.find("backend_config.appservice.extra") != std::string::npos);
  CHECK(text.find("hs-secret-2") == std::string::npos);
}
