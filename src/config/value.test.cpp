#include "src/config/value.hpp"

#include <catch2/catch.hpp>

#include <cstdlib>

using parley::config::map_reader;
using parley::config::problem;
using parley::config::value;

TEST_CASE("config value: scalars are typed on demand, quoted ones stay strings") {
  CHECK(value::scalar("true").as_bool() == true);
  CHECK(value::scalar("False").as_bool() == false);
  CHECK_FALSE(value::scalar("yes").as_bool().has_value());
  CHECK(value::scalar("42").as_int() == 42);
  CHECK(value::scalar("-7").as_int() == -7);
  CHECK_FALSE(value::scalar("42", false).as_int().has_value());
  CHECK_FALSE(value::scalar("4x").as_int().has_value());
  CHECK_FALSE(value::scalar("99999999999999999999").as_int().has_value());
}

TEST_CASE("config reader: typed keys, defaults, ranges and unknown keys with paths") {
  value v = value::map();
  v.set("db_path", value::scalar("x.db"));
  v.set("poll_interval_ms", value::scalar("0"));
  v.set("typo_key", value::scalar("1"));
  v.set("flag", value::scalar("maybe"));
  std::vector<problem> problems;
  map_reader r(v, "backend_config", problems);
  CHECK(r.string("db_path") == "x.db");
  CHECK_FALSE(r.integer("poll_interval_ms", 1, 1000).has_value());
  CHECK_FALSE(r.boolean("flag").has_value());
  CHECK_FALSE(r.string("absent").has_value());
  r.finish();
  REQUIRE(problems.size() == 3);
  CHECK(problems[0].path == "backend_config.poll_interval_ms");
  CHECK(problems[0].message == "must be between 1 and 1000, got 0");
  CHECK(problems[1].path == "backend_config.flag");
  CHECK(problems[2].path == "backend_config.typo_key");
  CHECK(problems[2].message == "unknown key");
}

TEST_CASE("config reader: a string or a list, and list items with index paths") {
  value v = value::map();
  v.set("servers", value::scalar("nats://a:4222"));
  value bad = value::list();
  bad.push_back(value::scalar("ok"));
  bad.push_back(value::map());
  v.set("topics", bad);
  std::vector<problem> problems;
  map_reader r(v, "", problems);
  CHECK(r.string_list("servers", true) == std::vector<std::string>{"nats://a:4222"});
  CHECK_FALSE(r.string_list("topics").has_value());
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "topics[1]");
}

TEST_CASE("config reader: a non-map where a map belongs is reported once") {
  std::vector<problem> problems;
  const value oops = value::scalar("oops");
  map_reader r(oops, "backend_config", problems);
  CHECK_FALSE(r.string("db_path").has_value());
  r.finish();
  REQUIRE(problems.size() == 1);
  CHECK(problems[0].path == "backend_config");
}

TEST_CASE("config reader: a secret from its key, else from the variable its _env key names") {
  ::setenv("PARLEY_TEST_SECRET", "from-default-env", 1);
  ::setenv("PARLEY_TEST_OTHER", "from-named-env", 1);
  std::vector<problem> problems;
  auto v = value::map();
  map_reader none(v, "backend_config", problems);
  CHECK(none.secret("token", "PARLEY_TEST_SECRET") == "from-default-env");
  CHECK_FALSE(none.secret("token", "PARLEY_TEST_UNSET_VARIABLE").has_value());
  v.set("token_env", value::scalar("PARLEY_TEST_OTHER"));
  map_reader named(v, "backend_config", problems);
  CHECK(named.secret("token", "PARLEY_TEST_SECRET") == "from-named-env");
  v.set("token", value::scalar("from-key"));
  map_reader key(v, "backend_config", problems);
  CHECK(key.secret("token", "PARLEY_TEST_SECRET") == "from-key");
  key.finish();
  CHECK(problems.empty());
  ::unsetenv("PARLEY_TEST_SECRET");
  ::unsetenv("PARLEY_TEST_OTHER");
}
