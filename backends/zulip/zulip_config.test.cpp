#include "backends/zulip/zulip_config.hpp"

#include "src/config/parley_config.hpp"

#include <catch2/catch.hpp>

#include "tests/support/config_values.hpp"

#include <cstdlib>

using namespace parley;
using namespace parley::zulip;

namespace {

/// The secret's variables, unset for the test and after it.
struct no_key_env : testing::unset_env {
  no_key_env() : unset_env({"PARLEY_ZULIP_API_KEY", "MY_ZULIP_KEY"}) {}
};

}  // namespace

TEST_CASE("zulip config: the original's keys and defaults", "[zulip][config]") {
  no_key_env env;
  std::vector<config::problem> problems;
  auto cfg = zulip_config::parse(config::value{}, problems);
  CHECK(problems.empty());
  CHECK(cfg.site_url == "http://127.0.0.1:9991");
  CHECK(cfg.api_base() == "http://127.0.0.1:9991/api/v1");
  CHECK(cfg.email == "parley-bot@localhost");
  CHECK(cfg.api_key == "parley-api-key");
  CHECK(cfg.stream == "parley");
  CHECK(cfg.events_timeout == std::chrono::milliseconds(25'000));
  CHECK_FALSE(cfg.all_topics);
  CHECK(cfg.requests_per_minute == 180);
  CHECK(cfg.request_timeout == std::chrono::milliseconds(30'000));
}

TEST_CASE("zulip config: every key set", "[zulip][config]") {
  no_key_env env;
  std::vector<config::problem> problems;
  auto cfg = zulip_config::parse(testing::config_map({{"site_url", "https://chat.example.com/"},
                                            {"email", "bot@example.com"},
                                            {"api_key", "k3y"},
                                            {"stream", "agents"},
                                            {"events_timeout_ms", "60000"},
                                            {"all_topics", "true"},
                                            {"requests_per_minute", "0"},
                                            {"request_timeout_ms", "5000"}}),
                                 problems);
  INFO(testing::problems_text(problems));
  CHECK(problems.empty());
  CHECK(cfg.site_url == "https://chat.example.com");
  CHECK(cfg.email == "bot@example.com");
  CHECK(cfg.api_key == "k3y");
  CHECK(cfg.stream == "agents");
  CHECK(cfg.events_timeout == std::chrono::milliseconds(60'000));
  CHECK(cfg.all_topics);
  CHECK(cfg.requests_per_minute == 0);
  CHECK(cfg.request_timeout == std::chrono::milliseconds(5'000));
  CHECK_FALSE(cfg.default_key_warning());
}

TEST_CASE("zulip config: the key from the environment", "[zulip][config]") {
  no_key_env env;
  std::vector<config::problem> problems;
  ::setenv("PARLEY_ZULIP_API_KEY", "from-env", 1);
  CHECK(zulip_config::parse(config::value{}, problems).api_key == "from-env");
  ::setenv("MY_ZULIP_KEY", "named-env", 1);
  CHECK(zulip_config::parse(testing::config_map({{"api_key_env", "MY_ZULIP_KEY"}}), problems).api_key == "named-env");
  CHECK(problems.empty());
}

TEST_CASE("zulip config: the default key draws the SECURITY warning", "[zulip][config]") {
  no_key_env env;
  std::vector<config::problem> problems;
  auto cfg = zulip_config::parse(config::value{}, problems);
  auto w = cfg.default_key_warning();
  REQUIRE(w);
  CHECK_THAT(*w, Catch::StartsWith("SECURITY: connecting with the built-in default API key ('parley-api-key')"));
  CHECK_THAT(*w, Catch::Contains("api_key"));
  cfg = zulip_config::parse(testing::config_map({{"api_key", "parley-api-key"}}), problems);
  CHECK(cfg.default_key_warning());
}

TEST_CASE("zulip config: bad values and unknown keys, every one reported", "[zulip][config]") {
  no_key_env env;
  std::vector<config::problem> problems;
  (void)zulip_config::parse(testing::config_map({{"site_url", "ftp://x"},
                                       {"email", "a:b"},
                                       {"api_key", "secret-key-value"},
                                       {"stream", ""},
                                       {"events_timeout_ms", "5"},
                                       {"all_topics", "maybe"},
                                       {"requests_per_minute", "-1"},
                                       {"request_timeout_ms", "x"},
                                       {"colour", "blue"}}),
                            problems);
  const auto text = testing::problems_text(problems);
  for (const char* key : {"site_url", "email", "stream", "events_timeout_ms", "all_topics",
                          "requests_per_minute", "request_timeout_ms", "colour"})
    CHECK_THAT(text, Catch::Contains(std::string("backend_config.") + key));
  CHECK_THAT(text, !Catch::Contains("secret-key-value"));
}

TEST_CASE("zulip config: config/zulip.example.yaml loads and parses", "[zulip][config]") {
  no_key_env env;
  ::setenv("PARLEY_ZULIP_API_KEY", "example-key", 1);
  auto loaded = load_config(PARLEY_ZULIP_EXAMPLE);
  INFO((loaded ? std::string() : loaded.error().message));
  REQUIRE(loaded);
  CHECK(loaded->backend == "zulip");
  std::vector<config::problem> problems;
  auto cfg = zulip_config::parse(loaded->backend_config, problems);
  INFO(testing::problems_text(problems));
  CHECK(problems.empty());
  CHECK(cfg.api_key == "example-key");
  CHECK(cfg.stream == "parley");
}
