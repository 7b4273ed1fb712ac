#include "src/nats_agent/tokens.hpp"

#include <catch2/catch.hpp>

#include <string>

using namespace parley::nats_agent;

TEST_CASE("nats_agent tokens: sanitize follows the Claude Code channel's rule", "[nats_agent]") {
  CHECK(sanitize_token("alice") == "alice");
  CHECK(sanitize_token("Alice.Smith") == "alice-smith");
  CHECK(sanitize_token("my project") == "my-project");
  CHECK(sanitize_token("My_Project-2") == "my_project-2");
  // Leading/trailing runs stripped, inner runs kept (no collapsing).
  CHECK(sanitize_token("..a..b..") == "a--b");
  CHECK(sanitize_token("  x  y  ") == "x--y");
  // One dash per UTF-16 code unit: é is one unit, an emoji two.
  CHECK(sanitize_token("caf\xC3\xA9s") == "caf-s");
  CHECK(sanitize_token("a\xF0\x9F\x98\x80"
                       "b") == "a--b");
  // A malformed byte is one U+FFFD, one unit.
  CHECK(sanitize_token("a\xFF"
                       "b") == "a-b");
  CHECK(sanitize_token("a*b>c$d") == "a-b-c-d");
}

TEST_CASE("nats_agent tokens: sanitize may give empty, and caps at 63", "[nats_agent]") {
  CHECK(sanitize_token("").empty());
  CHECK(sanitize_token("...").empty());
  CHECK(sanitize_token("\xE2\x9C\x93").empty());
  const std::string long_name(100, 'a');
  CHECK(sanitize_token(long_name) == std::string(63, 'a'));
  // A cut that lands on a dash run is trimmed again.
  const std::string dashy = std::string(62, 'a') + "..b";
  CHECK(sanitize_token(dashy) == std::string(62, 'a'));
  CHECK(is_recommended_token(sanitize_token("Some Very/Odd:Name!")));
}

TEST_CASE("nats_agent tokens: validate rejects what would change a subject", "[nats_agent]") {
  CHECK(validate_token("alice", "owner"));
  CHECK(validate_token("Alice_2-x", "owner"));  // valid though not recommended
  CHECK(validate_token("caf\xC3\xA9", "owner"));
  for (const char* bad : {"", "$sys", "a.b", "a*", "a>b", "a b", "a\tb", "a\nb", "a\x7f"}) {
    auto r = validate_token(bad, "nats_agent.owner");
    REQUIRE_FALSE(r);
    CHECK(r.error().code == parley::errc::invalid_config);
    CHECK(r.error().message.rfind("nats_agent.owner: ", 0) == 0);
  }
  CHECK_FALSE(validate_token(std::string("a\0b", 3), "x"));
  CHECK_FALSE(
      validate_token("a\xC2\xA0"
                     "b",
                     "x"));  // NO-BREAK SPACE is \s in JavaScript
  CHECK_FALSE(
      validate_token("a\xE3\x80\x80"
                     "b",
                     "x"));
}

TEST_CASE("nats_agent tokens: recommended and micro-name rules", "[nats_agent]") {
  CHECK(is_recommended_token("parley"));
  CHECK(is_recommended_token("a-b_c9"));
  CHECK_FALSE(is_recommended_token(""));
  CHECK_FALSE(is_recommended_token("Parley"));
  CHECK_FALSE(is_recommended_token(std::string(64, 'a')));
  CHECK(is_recommended_token(std::string(63, 'a')));

  CHECK(is_valid_micro_name("agents"));
  CHECK(is_valid_micro_name("BPG82j3GGGOUUH2UwCfk1r"));
  CHECK(is_valid_micro_name("a_b-C"));
  CHECK_FALSE(is_valid_micro_name(""));
  CHECK_FALSE(is_valid_micro_name("a.b"));
  CHECK_FALSE(is_valid_micro_name("a b"));
  CHECK_FALSE(is_valid_micro_name("Synadia Agents"));
}
