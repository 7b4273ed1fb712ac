#include "backends/telegram/telegram_config.hpp"

#include "src/config/parley_config.hpp"

#include <catch2/catch.hpp>

#include "tests/support/config_values.hpp"

#include <cstdlib>

using namespace parley;
using namespace parley::telegram;

namespace {

/// The secret's variables, unset for the test and after it.
struct no_token_env : testing::unset_env {
  no_token_env() : unset_env({"PARLEY_TELEGRAM_TOKEN", "MY_TG"}) {}
};

}  // namespace

TEST_CASE("telegram config: the original's keys and defaults", "[telegram][config]") {
  no_token_env env;
  ::setenv("XDG_STATE_HOME", "/xdg", 1);
  std::vector<config::problem> problems;
  auto cfg = telegram_config::parse(testing::config_map({{"token", "123:secret"}}), problems);
  CHECK(problems.empty());
  CHECK(cfg.token == "123:secret");
  CHECK(cfg.api_url == "https://api.telegram.org");
  CHECK(cfg.store_path == "parley-telegram.jsonl");
  CHECK(cfg.poll_timeout_s == 25);
  CHECK(cfg.chat_map.empty());
  CHECK(cfg.retention_per_topic == 10000);
  CHECK(cfg.state_db.empty());
  CHECK(cfg.state_db_path() == "/xdg/parley/telegram-123.db");
  CHECK(cfg.sends_per_second == 30);
  CHECK(cfg.group_sends_per_minute == 20);
  ::unsetenv("XDG_STATE_HOME");
}

TEST_CASE("telegram config: every key", "[telegram][config]") {
  no_token_env env;
  auto v = testing::config_map({{"token", "9:x"}, {"api_url", "http://127.0.0.1:9/"}, {"store_path", "/s.jsonl"},
                      {"poll_timeout_s", "3"}, {"observed_retention_per_topic", "50"},
                      {"state_db", "/db/t.db"}, {"sends_per_second", "5"},
                      {"group_sends_per_minute", "7"}, {"request_timeout_ms", "2000"}});
  auto map = config::value::map();
  map.set("ctx", config::value::scalar("-100/7"));
  map.set("news", config::value::scalar("@news_channel"));
  map.set("dm", config::value::scalar("42"));
  v.set("chat_map", map);
  std::vector<config::problem> problems;
  auto cfg = telegram_config::parse(v, problems);
  INFO(testing::problems_text(problems));
  CHECK(problems.empty());
  CHECK(cfg.api_url == "http://127.0.0.1:9");
  CHECK(cfg.store_path == "/s.jsonl");
  CHECK(cfg.poll_timeout_s == 3);
  CHECK(cfg.retention_per_topic == 50);
  CHECK(cfg.state_db_path() == "/db/t.db");
  CHECK(cfg.sends_per_second == 5);
  CHECK(cfg.group_sends_per_minute == 7);
  CHECK(cfg.request_timeout == std::chrono::milliseconds(2000));
  CHECK(cfg.target_of("ctx") == chat_target{"-100", 7});
  CHECK(cfg.target_of("news") == chat_target{"@news_channel", std::nullopt});
  CHECK(cfg.target_of("dm") == chat_target{"42", std::nullopt});
  CHECK(cfg.target_of("-5") == chat_target{"-5", std::nullopt});  // a literal topic
  CHECK_FALSE(cfg.target_of("parley-presence"));
}

TEST_CASE("telegram config: retention <= 0 means 10000, as the original", "[telegram][config]") {
  for (const char* n : {"0", "-5"}) {
    std::vector<config::problem> problems;
    auto cfg = telegram_config::parse(testing::config_map({{"token", "1:x"}, {"observed_retention_per_topic", n}}),
                                      problems);
    CHECK(problems.empty());
    CHECK(cfg.retention_per_topic == 10000);
  }
}

TEST_CASE("telegram config: bad values and unknown keys are reported", "[telegram][config]") {
  no_token_env env;
  auto v = testing::config_map({{"api_url", "ftp://x"}, {"poll_timeout_s", "-1"}, {"sends_per_second", "0"},
                      {"bogus", "1"}});
  auto map = config::value::map();
  map.set("ctx", config::value::scalar("general"));
  v.set("chat_map", map);
  std::vector<config::problem> problems;
  (void)telegram_config::parse(v, problems);
  const auto text = testing::problems_text(problems);
  INFO(text);
  for (const char* key : {"backend_config.token", "backend_config.api_url", "backend_config.poll_timeout_s",
                          "backend_config.sends_per_second", "backend_config.bogus",
                          "backend_config.chat_map"})
    CHECK_THAT(text, Catch::Contains(key));
  std::vector<config::problem> p2;
  (void)telegram_config::parse(testing::config_map({{"token", "not-a-token"}}), p2);
  REQUIRE(p2.size() == 1);
  CHECK_THAT(p2[0].message, !Catch::Contains("not-a-token"));
}

TEST_CASE("telegram config: the token from the environment", "[telegram][config]") {
  no_token_env env;
  ::setenv("PARLEY_TELEGRAM_TOKEN", "77:env", 1);
  std::vector<config::problem> problems;
  CHECK(telegram_config::parse(config::value::map(), problems).token == "77:env");
  ::setenv("MY_TG", "78:other", 1);
  CHECK(telegram_config::parse(testing::config_map({{"token_env", "MY_TG"}}), problems).token == "78:other");
  CHECK(problems.empty());
}

TEST_CASE("telegram config: config/telegram.example.yaml loads and parses", "[telegram][config]") {
  no_token_env env;
  ::setenv("PARLEY_TELEGRAM_TOKEN", "123:example", 1);
  auto loaded = load_config(PARLEY_TELEGRAM_EXAMPLE);
  INFO((loaded ? std::string() : loaded.error().message));
  REQUIRE(loaded);
  CHECK(loaded->backend == "telegram");
  std::vector<config::problem> problems;
  auto cfg = telegram_config::parse(loaded->backend_config, problems);
  INFO(testing::problems_text(problems));
  CHECK(problems.empty());
  CHECK(cfg.target_of("ctx") == chat_target{"-1001234567890", 42});
}
