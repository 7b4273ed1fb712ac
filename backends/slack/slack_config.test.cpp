#include "backends/slack/slack_config.hpp"

#include "src/config/parley_config.hpp"

#include <catch2/catch.hpp>

#include "tests/support/config_values.hpp"

#include <cstdlib>

using namespace parley;
using namespace parley::slack;

namespace {

/// The secret's variables, unset for the test and after it.
struct no_token_env : testing::unset_env {
  no_token_env() : unset_env({"PARLEY_SLACK_BOT_TOKEN", "PARLEY_SLACK_APP_TOKEN", "MY_BOT", "MY_APP"}) {}
};

}  // namespace

TEST_CASE("slack config: the original's keys and defaults", "[slack][config]") {
  no_token_env env;
  std::vector<config::problem> problems;
  auto cfg =
      slack_config::parse(testing::config_map({{"bot_token", "xoxb-1"}, {"app_token", "xapp-1"}}), problems);
  CHECK(problems.empty());
  CHECK(cfg.bot_token == "xoxb-1");
  CHECK(cfg.app_token == "xapp-1");
  CHECK(cfg.api_url == "https://slack.com/api");
  CHECK(cfg.channel_map.empty());
  CHECK(cfg.display == handle_display::automatic);
  CHECK(cfg.channel_of("C0123") == "C0123");
  CHECK(cfg.rate.per_second == 1.0);
  CHECK(cfg.rate.burst == 10);

  auto v = testing::config_map({{"bot_token", "xoxb-1"},
                      {"api_url", "http://127.0.0.1:9/api/"},
                      {"handle_display", "prefix"},
                      {"post_rate_per_minute", "0"},
                      {"post_burst", "3"}});
  auto map = config::value::map();
  map.set("ctx", config::value::scalar("C0CTX"));
  map.set("parley-presence", config::value::scalar("C0PRES"));
  v.set("channel_map", map);
  cfg = slack_config::parse(v, problems);
  CHECK(problems.empty());
  CHECK(cfg.api_url == "http://127.0.0.1:9/api");
  CHECK(cfg.channel_of("ctx") == "C0CTX");
  CHECK(cfg.channel_of("parley-presence") == "C0PRES");
  CHECK(cfg.channel_of("other") == "other");
  CHECK(cfg.display == handle_display::prefix);
  CHECK(cfg.rate.per_second == 0.0);
  CHECK(cfg.rate.burst == 3);
}

TEST_CASE("slack config: tokens from the environment, never in a problem", "[slack][config]") {
  no_token_env env;
  std::vector<config::problem> problems;
  ::setenv("PARLEY_SLACK_BOT_TOKEN", "xoxb-from-env", 1);
  ::setenv("PARLEY_SLACK_APP_TOKEN", "xapp-from-env", 1);
  auto cfg = slack_config::parse(config::value(), problems);
  CHECK(problems.empty());
  CHECK(cfg.bot_token == "xoxb-from-env");
  CHECK(cfg.app_token == "xapp-from-env");

  ::setenv("MY_BOT", "xoxb-mine", 1);
  ::setenv("MY_APP", "xapp-mine", 1);
  cfg = slack_config::parse(testing::config_map({{"bot_token_env", "MY_BOT"}, {"app_token_env", "MY_APP"}}),
                            problems);
  CHECK(problems.empty());
  CHECK(cfg.bot_token == "xoxb-mine");
  CHECK(cfg.app_token == "xapp-mine");

  // The key wins over the variable.
  cfg = slack_config::parse(testing::config_map({{"bot_token", "xoxb-key"}}), problems);
  CHECK(cfg.bot_token == "xoxb-key");

  env.clear();
  cfg = slack_config::parse(testing::config_map({{"app_token", "xapp-secret-value"},
                                       {"api_url", "ftp://x"},
                                       {"handle_display", "loud"},
                                       {"colour", "blue"}}),
                            problems);
  const auto text = testing::problems_text(problems);
  CHECK_THAT(text, Catch::Contains("backend_config.bot_token"));
  CHECK_THAT(text, Catch::Contains("backend_config.api_url"));
  CHECK_THAT(text, Catch::Contains("backend_config.handle_display"));
  CHECK_THAT(text, Catch::Contains("backend_config.colour"));
  CHECK_THAT(text, !Catch::Contains("xapp-secret-value"));
}

TEST_CASE("slack config: config/slack.example.yaml loads and parses", "[slack][config]") {
  no_token_env env;
  ::setenv("PARLEY_SLACK_BOT_TOKEN", "xoxb-example", 1);
  auto loaded = load_config(PARLEY_SLACK_EXAMPLE);
  INFO((loaded ? std::string() : loaded.error().message));
  REQUIRE(loaded);
  CHECK(loaded->backend == "slack");
  std::vector<config::problem> problems;
  auto cfg = slack_config::parse(loaded->backend_config, problems);
  INFO(testing::problems_text(problems));
  CHECK(problems.empty());
  CHECK(cfg.channel_of("ctx") == "C0123ABCDEF");
  CHECK(cfg.channel_of("parley-presence") == "C0456GHIJKL");
}
