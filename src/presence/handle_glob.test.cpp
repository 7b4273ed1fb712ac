#include "src/presence/handle_glob.hpp"

#include <catch2/catch.hpp>

#include <string>

using parley::presence::glob_match;

TEST_CASE("handle glob: the documented examples") {
  CHECK(glob_match("claude-*", "claude-payments"));
  CHECK(glob_match("claude-*", "claude-"));
  CHECK(glob_match("*-bot", "chat-bot"));
  CHECK_FALSE(glob_match("*-bot", "chat-boat"));
  CHECK(glob_match("claude-?", "claude-a"));
  CHECK_FALSE(glob_match("claude-?", "claude-ab"));
  CHECK_FALSE(glob_match("ctx", "ctx-payments"));
  CHECK(glob_match("a.b", "a.b"));
  CHECK_FALSE(glob_match("a.b", "axb"));
  CHECK_FALSE(glob_match("Claude-*", "claude-a"));
  CHECK(glob_match("**", ""));
}

TEST_CASE("handle glob: anchored at both ends, regex metacharacters literal") {
  CHECK(glob_match("*", ""));
  CHECK(glob_match("", ""));
  CHECK_FALSE(glob_match("", "a"));
  CHECK_FALSE(glob_match("?", ""));
  CHECK(glob_match("*pay*", "ctx-payments"));
  CHECK_FALSE(glob_match("pay*", "ctx-payments"));
  CHECK(glob_match("a*b*c", "aXbYbZc"));
  CHECK_FALSE(glob_match("a*b*c", "aXbYbZcd"));
  CHECK(glob_match("[ab]+(x)|^$", "[ab]+(x)|^$"));
  CHECK_FALSE(glob_match("[ab]", "a"));
  CHECK_FALSE(glob_match(".*", "anything"));
  // A `*` in the handle is only a literal character to a wildcard.
  CHECK(glob_match("a*b", "a*xb"));
  CHECK(glob_match("a\\b", "a\\b"));
}

TEST_CASE("handle glob: patterns over 256 characters match nothing") {
  const std::string stars256(256, '*');
  const std::string stars257(257, '*');
  CHECK(glob_match(stars256, "anyone"));
  CHECK_FALSE(glob_match(stars257, "anyone"));
  // The cap counts characters, not bytes: 256 two-byte characters still count.
  std::string e256;
  for (int i = 0; i < 256; ++i) e256 += "\xC3\xA9";  // é
  CHECK(glob_match(e256, e256));
  CHECK_FALSE(glob_match(e256 + "\xC3\xA9", e256 + "\xC3\xA9"));
}

TEST_CASE("handle glob: many stars against a long handle stay linear") {
  // The original's SEC-15 (docs/parley-behavior.md, "Lessons from the original"): a 40-star filter
  // translated to a backtracking regex hung Node for ~47 s. Here it is at most pattern length times
  // handle length steps.
  std::string pattern;
  for (int i = 0; i < 40; ++i) pattern += "*a";
  pattern += "*b";
  const std::string handle(20000, 'a');
  CHECK_FALSE(glob_match(pattern, handle));
  CHECK(glob_match(pattern, handle + "b"));
}

TEST_CASE("handle glob: ? is one UTF-16 code unit, as in the original") {
  CHECK(glob_match("caf?", "caf\xC3\xA9"));            // é: one unit
  CHECK_FALSE(glob_match("x?", "x\xF0\x9F\x98\x80"));  // 😀: two units
  CHECK(glob_match("x??", "x\xF0\x9F\x98\x80"));
  CHECK(glob_match("x*", "x\xF0\x9F\x98\x80"));
  CHECK(glob_match("\xF0\x9F\x98\x80-*", "\xF0\x9F\x98\x80-bot"));
  // Invalid UTF-8 never crashes; each bad byte is one replacement character.
  CHECK(glob_match("a?b",
                   "a\xFF"
                   "b"));
  CHECK(glob_match("*", "\xC3"));
}
