#include "src/model/allowlist.hpp"

#include <catch2/catch.hpp>

#include <string>

using parley::errc;
using parley::topic_allowlist;
using strings = std::vector<std::string>;

namespace {

topic_allowlist make_ok(strings topics, strings patterns,
                        std::string reserved = "parley-presence") {
  auto made = topic_allowlist::make(std::move(topics), std::move(patterns), std::move(reserved));
  REQUIRE(made.has_value());
  return std::move(made).value();
}

}  // namespace

TEST_CASE("allowlist: explicit topics, and patterns that must match the whole topic") {
  const auto allow = make_ok({"ctx", "ctx-reviews"}, {"team-.*", "ops"});
  CHECK(allow.allows("ctx"));
  CHECK(allow.allows("ctx-reviews"));
  CHECK(allow.is_explicit("ctx"));
  CHECK_FALSE(allow.pattern_matches("ctx"));

  CHECK(allow.allows("team-a"));
  CHECK(allow.allows("team-"));
  CHECK_FALSE(allow.is_explicit("team-a"));
  CHECK(allow.pattern_matches("team-a"));
  // `^(?:src)$`: no prefix, suffix or substring matches.
  CHECK_FALSE(allow.allows("xteam-a"));
  CHECK_FALSE(allow.allows("team"));
  CHECK(allow.allows("ops"));
  CHECK_FALSE(allow.allows("my-ops-secret"));
  CHECK_FALSE(allow.allows("ops2"));

  CHECK_FALSE(allow.allows("other"));
  CHECK_FALSE(allow.allows("CTX"));
  CHECK(allow.topics() == strings{"ctx", "ctx-reviews"});
  CHECK(allow.post_patterns() == strings{"team-.*", "ops"});
  CHECK(allow.reserved_topic() == "parley-presence");
}

TEST_CASE("allowlist: the presence topic stays reserved even under .*") {
  const auto allow = make_ok({"ctx"}, {".*"});
  CHECK_FALSE(allow.allows("parley-presence"));
  CHECK(allow.pattern_matches("parley-presence"));  // the raw pattern does match
  CHECK(allow.allows("anything-else"));
  CHECK(allow.allows("ctx"));
}

TEST_CASE("allowlist: an explicit topic equal to the reserved one is refused") {
  auto made = topic_allowlist::make({"ctx", "parley-presence"}, {}, "parley-presence");
  REQUIRE_FALSE(made.has_value());
  CHECK(made.error().code == errc::invalid_config);
  CHECK(made.error().message ==
        "\"parley-presence\" is reserved for presence (presence.topic); rename the topic or change "
        "presence.topic");

  auto quoted = topic_allowlist::make({"a\"b"}, {}, "a\"b");
  REQUIRE_FALSE(quoted.has_value());
  CHECK(quoted.error().message.rfind("\"a\\\"b\" is reserved for presence", 0) == 0);
}

TEST_CASE("allowlist: a pattern that does not compile names its index") {
  auto made = topic_allowlist::make({"ctx"}, {"ctx-.*", "("}, "parley-presence");
  REQUIRE_FALSE(made.has_value());
  CHECK(made.error().code == errc::invalid_config);
  CHECK(made.error().message.rfind("post_topics[1]: invalid regex: ", 0) == 0);
  CHECK(made.error().message.size() > std::string("post_topics[1]: invalid regex: ").size());

  for (const char* bad : {"[a-", "*a", "a)|(b", "[z-a]"}) {
    INFO(bad);
    auto r = topic_allowlist::make({"ctx"}, {bad}, "parley-presence");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message.rfind("post_topics[0]: invalid regex: ", 0) == 0);
  }
}

TEST_CASE("allowlist: a quantifier on a quantifier is refused as JavaScript does") {
  // libstdc++ would accept `a*+` as `(?:a*)+` and backtrack exponentially.
  for (const char* bad : {"a*+", "a**", "a+*", "a?*", "a{2}{3}", "a*??"}) {
    INFO(bad);
    auto r = topic_allowlist::make({"ctx"}, {bad}, "parley-presence");
    REQUIRE_FALSE(r.has_value());
    CHECK(r.error().message == "post_topics[0]: invalid regex: nothing to repeat");
  }
  // Lazy quantifiers and group prefixes are not stacking.
  for (const char* ok : {"a*?", "a+?b", "a{2}?", "(?:ab)+", "(?=t)t", "[*+]+", "\\*+"}) {
    INFO(ok);
    CHECK(topic_allowlist::make({"ctx"}, {ok}, "parley-presence").has_value());
  }
}

TEST_CASE("allowlist: patterns follow ECMAScript rules, case-sensitive, `.` stops at newlines") {
  const auto allow = make_ok({}, {"ctx-\\d+", "a.b", "(?:x|y)z"});
  CHECK(allow.allows("ctx-42"));
  CHECK_FALSE(allow.allows("ctx-x"));
  CHECK(allow.allows("a.b"));
  CHECK(allow.allows("axb"));
  CHECK(
      allow.allows("a\xC3\xA9"
                   "b"));  // one character, not two bytes
  CHECK_FALSE(allow.allows("a\nb"));
  CHECK_FALSE(allow.allows("A.B"));
  CHECK(allow.allows("xz"));
  CHECK_FALSE(allow.allows("xyz"));
}

TEST_CASE("allowlist: topics over 64 characters are allowed only when explicit") {
  const std::string long_topic = "team-" + std::string(60, 'a');  // 65 characters
  const auto allow = make_ok({long_topic}, {"team-.*"});
  CHECK(allow.allows("team-" + std::string(59, 'a')));  // 64: matched by the pattern
  CHECK_FALSE(allow.allows("team-" + std::string(61, 'b')));
  CHECK(allow.allows(long_topic));
  // A huge caller-supplied topic must not reach the recursive regex engine.
  CHECK_FALSE(allow.allows("team-" + std::string(200000, 'a')));
}

TEST_CASE("allowlist: copies share patterns, repeats collapse, default allows nothing") {
  const auto allow = make_ok({"ctx", "ops", "ctx"}, {"t-.*"});
  CHECK(allow.topics() == strings{"ctx", "ops"});
  const topic_allowlist copy = allow;  // NOLINT(performance-unnecessary-copy-initialization)
  CHECK(copy.allows("t-1"));
  topic_allowlist moved = topic_allowlist(copy);
  CHECK(moved.allows("t-1"));
  CHECK(moved.allows("ops"));

  const topic_allowlist empty;
  CHECK_FALSE(empty.allows("ctx"));
  CHECK_FALSE(empty.pattern_matches("ctx"));
  CHECK(empty.topics().empty());
}
