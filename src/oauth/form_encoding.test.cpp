#include "src/oauth/form_encoding.hpp"

#include <catch2/catch.hpp>

using namespace parley::oauth;

TEST_CASE("form encoding: decodes plus, percent escapes and empty values", "[oauth]") {
  auto f = parse_form(
      "grant_type=authorization_code&redirect_uri=http%3A%2F%2F127.0.0.1%2Fcb&scope=a+b&empty=&"
      "flag");
  REQUIRE(f);
  CHECK(f->get("grant_type") == std::optional<std::string>("authorization_code"));
  CHECK(f->get("redirect_uri") == std::optional<std::string>("http://127.0.0.1/cb"));
  CHECK(f->get("scope") == std::optional<std::string>("a b"));
  CHECK(f->get("empty") == std::optional<std::string>(""));
  CHECK(f->get("flag") == std::optional<std::string>(""));
  CHECK(f->get("missing") == std::nullopt);
  CHECK_FALSE(f->first_repeated());
}

TEST_CASE("form encoding: malformed escapes and NULs are refused", "[oauth]") {
  CHECK_FALSE(parse_form("a=%"));
  CHECK_FALSE(parse_form("a=%4"));
  CHECK_FALSE(parse_form("a=%zz"));
  CHECK_FALSE(parse_form("a=%00"));
  CHECK(parse_form("&&a=1&&"));
  CHECK(parse_form("")->items().empty());
}

TEST_CASE("form encoding: repeated parameters are found", "[oauth]") {
  auto f = parse_form("code=1&state=x&code=2");
  REQUIRE(f);
  CHECK(f->first_repeated() == std::optional<std::string>("code"));
}

TEST_CASE("form encoding: encoding and query appending", "[oauth]") {
  CHECK(form_encode("a b/c~") == "a%20b%2Fc~");
  CHECK(append_query("https://c.example/cb", {{"code", "x y"}, {"state", "s&t"}}) ==
        "https://c.example/cb?code=x%20y&state=s%26t");
  CHECK(append_query("https://c.example/cb?x=1", {{"code", "c"}}) ==
        "https://c.example/cb?x=1&code=c");
  CHECK(append_query("https://c.example/cb?", {{"code", "c"}}) == "https://c.example/cb?code=c");
}
