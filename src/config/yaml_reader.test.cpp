#include <catch2/catch.hpp>
#include <fstream>

#include "src/config/parley_config.hpp"
#include "tests/support/temp_dir.hpp"

using parley::errc;
using parley::read_yaml_file;
using parley::config::value;

namespace {

std::string write_file(const parley::testing::temp_dir& dir, const std::string& name,
                       const std::string& text) {
  std::string path = dir.file(name);
  std::ofstream(path) << text;
  return path;
}

}  // namespace

TEST_CASE("config: read_yaml_file keeps quoting, nulls and order") {
  parley::testing::temp_dir dir;
  auto tree = read_yaml_file(write_file(dir, "t.yaml", R"(
z: 1
a: "1"
n:
t: ~
q: "null"
b: |
  text
l: [x, 'y']
)"));
  REQUIRE(tree.has_value());
  const auto& e = tree->entries();
  REQUIRE(e.size() == 7);
  CHECK(e[0].first == "z");
  CHECK(e[0].second.is_plain());
  CHECK(e[1].first == "a");
  CHECK_FALSE(e[1].second.is_plain());
  CHECK(e[2].second.is_null());
  CHECK(e[3].second.is_null());
  CHECK(e[4].second.is_scalar());
  CHECK(e[4].second.text() == "null");
  CHECK(e[5].second.text() == "text\n");
  CHECK_FALSE(e[5].second.is_plain());
  REQUIRE(e[6].second.items().size() == 2);
  CHECK(e[6].second.items()[0].is_plain());
  CHECK_FALSE(e[6].second.items()[1].is_plain());

  auto empty = read_yaml_file(write_file(dir, "empty.yaml", ""));
  REQUIRE(empty.has_value());
  CHECK(empty->is_null());
}

TEST_CASE("config: read_yaml_file refuses bad YAML with a position") {
  parley::testing::temp_dir dir;
  auto bad = read_yaml_file(write_file(dir, "bad.yaml", "a: 1\nb: [1, 2\nc: 3\n"));
  REQUIRE_FALSE(bad.has_value());
  CHECK(bad.error().code == errc::invalid_config);
  CHECK_THAT(bad.error().message,
             Catch::StartsWith(dir.file("bad.yaml") + ": invalid YAML at line "));
  CHECK_THAT(bad.error().message, Catch::Contains(", column "));

  auto dup = read_yaml_file(write_file(dir, "dup.yaml", "a: 1\nb: 2\na: 3\n"));
  REQUIRE_FALSE(dup.has_value());
  CHECK(dup.error().message ==
        dir.file("dup.yaml") + ": invalid YAML at line 3, column 1: duplicate key 'a'");

  auto cycle = read_yaml_file(write_file(dir, "cycle.yaml", "a: &x [*x]\n"));
  REQUIRE_FALSE(cycle.has_value());
  CHECK(cycle.error().code == errc::invalid_config);

  auto laughs = read_yaml_file(write_file(dir, "laughs.yaml",
                                          "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
                                          "b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
                                          "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\n"
                                          "d: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n"
                                          "e: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]\n"));
  REQUIRE_FALSE(laughs.has_value());
  CHECK_THAT(laughs.error().message, Catch::Contains("more than 100000 values"));

  auto two = read_yaml_file(write_file(dir, "two.yaml", "a: 1\n---\nb: 2\n"));
  REQUIRE_FALSE(two.has_value());
  CHECK_THAT(two.error().message, Catch::EndsWith("expected one YAML document, found 2"));

  auto missing = read_yaml_file(dir.file("nope.yaml"));
  REQUIRE_FALSE(missing.has_value());
  CHECK(missing.error().code == errc::io_error);
  CHECK_THAT(missing.error().message, Catch::Contains(dir.file("nope.yaml")));

  auto directory = read_yaml_file(dir.path().string());
  REQUIRE_FALSE(directory.has_value());
  CHECK(directory.error().code == errc::io_error);
}
