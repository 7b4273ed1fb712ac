#include "src/config/base_url.hpp"

#include <catch2/catch.hpp>

using namespace parley::config;

TEST_CASE("base url: http(s), no query, trailing slashes stripped") {
  auto v = value::map();
  v.set("a", value::scalar("https://api.example.com/v1//"));
  v.set("b", value::scalar("ftp://x"));
  v.set("c", value::scalar("http://x/?q=1"));
  std::vector<problem> problems;
  map_reader r(v, "backend_config", problems);
  CHECK(read_base_url(r, "a") == "https://api.example.com/v1");
  CHECK_FALSE(read_base_url(r, "b"));
  CHECK_FALSE(read_base_url(r, "c"));
  CHECK_FALSE(read_base_url(r, "absent"));
  REQUIRE(problems.size() == 2);
  CHECK(problems[0].path == "backend_config.b");
}
