#include <catch2/catch.hpp>

#include <cstdlib>

#include "backends/discord/discord_config.hpp"
#include "src/config/parley_config.hpp"
#include "tests/support/config_values.hpp"

using namespace parley;
using parley::testing::config_map;
using parley::testing::problems_text;
using namespace parley::discord;

namespace {

/// $PARLEY_DISCORD_TOKEN unset for the test and after it.
struct clean_env {
  clean_env() { ::unsetenv("PARLEY_DISCORD_TOKEN"); }
  ~clean_env() { ::unsetenv("PARLEY_DISCORD_TOKEN"); }
  clean_env(const clean_env&) = delete;
  clean_env& operator=(const clean_env&) = delete;
};

}  // namespace

TEST_CASE("discord config: the original's keys and defaults", "[discord][config]") {
  clean_env env;
  std::vector<config::problem> problems;
  auto cfg = discord_config::parse(config_map({{"token", "t0k"}}), problems);
  CHECK(problems.empty());
  CHECK(cfg.token == "t0k");
  CHECK(cfg.api_url == "https://discord.com/api/v10");
  CHECK(cfg.gateway_url.empty());
  CHECK(cfg.channel_map.empty());
  CHECK(cfg.webhook_map.empty());
  CHECK(cfg.require_message_content);
  CHECK(cfg.channel_of("123") == "123");
}

TEST_CASE("discord config: the token from the environment, never in a problem", "[discord][config]") {
  clean_env env;
  std::vector<config::problem> problems;
  auto none = discord_config::parse(config::value(), problems);
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "backend_config.token");
  CHECK_THAT(problems[0].message, Catch::Contains("PARLEY_DISCORD_TOKEN"));
  ::setenv("PARLEY_DISCORD_TOKEN", "from-env", 1);
  problems.clear();
  CHECK(discord_config::parse(config::value(), problems).token == "from-env");
  CHECK(problems.empty());
  ::setenv("OTHER_TOKEN", "other", 1);
  CHECK(discord_config::parse(config_map({{"token_env", "OTHER_TOKEN"}}), problems).token == "other");
  ::unsetenv("OTHER_TOKEN");
  problems.clear();
  (void)discord_config::parse(config_map({{"token", "sekrit-token"}, {"api_url", "ftp://x"}, {"nope", "1"}}), problems);
  CHECK(problems.size() == 2);
  CHECK(problems_text(problems).find("sekrit-token") == std::string::npos);
}

TEST_CASE("discord config: urls, channel_map and webhook_map", "[discord][config]") {
  clean_env env;
  auto v = config_map({{"token", "t"}, {"api_url", "http://127.0.0.1:9/api/v10/"}, {"gateway_url", "ws://127.0.0.1:9/gw"}});
  auto cm = config::value::map();
  cm.set("general", config::value::scalar("175928847299117063"));
  cm.set("bad", config::value::scalar("#general"));
  v.set("channel_map", cm);
  auto wm = config::value::map();
  wm.set("general", config::value::scalar("https://discord.com/api/webhooks/1/hook-secret"));
  wm.set("worse", config::value::scalar("https://example.org/x?token=hook-secret"));
  v.set("webhook_map", wm);
  std::vector<config::problem> problems;
  auto cfg = discord_config::parse(v, problems);
  CHECK(cfg.api_url == "http://127.0.0.1:9/api/v10");
  CHECK(cfg.gateway_url == "ws://127.0.0.1:9/gw");
  CHECK(cfg.channel_of("general") == "175928847299117063");
  CHECK(cfg.webhook_map.count("general") == 1);
  REQUIRE(problems.size() == 2);
  CHECK_THAT(problems_text(problems), Catch::Contains("\"bad\"") && Catch::Contains("\"worse\""));
  CHECK(problems_text(problems).find("hook-secret") == std::string::npos);
  problems.clear();
  (void)discord_config::parse(config_map({{"token", "t"}, {"gateway_url", "https://gateway.discord.gg"}}), problems);
  CHECK(problems.size() == 1);
}

TEST_CASE("discord config: config/discord.example.yaml parses", "[discord][config]") {
  clean_env env;
  ::setenv("PARLEY_DISCORD_TOKEN", "example-token", 1);
  auto cfg = load_config(std::string(PARLEY_SOURCE_DIR) + "/config/discord.example.yaml");
  INFO((cfg ? "" : cfg.error().message));
  REQUIRE(cfg.has_value());
  CHECK(cfg->backend == "discord");
  std::vector<config::problem> problems;
  auto d = discord_config::parse(cfg->backend_config, problems);
  CHECK(problems_text(problems).empty());
  CHECK(d.token == "example-token");
  CHECK(d.channel_of("build") == "1234567890123456789");
}
