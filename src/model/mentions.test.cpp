#include "src/model/mentions.hpp"

#include <catch2/catch.hpp>

using parley::parse_mentions;
using v = std::vector<std::string>;

TEST_CASE("mentions: handles in first-seen order, unique") {
  CHECK(parse_mentions("hey @bob and @ctx-payments please review") == v{"bob", "ctx-payments"});
  CHECK(parse_mentions("@a @b @a @c @b") == v{"a", "b", "c"});
}

TEST_CASE("mentions: trailing punctuation is not absorbed") {
  CHECK(parse_mentions("ping @bob.") == v{"bob"});
  CHECK(parse_mentions("@bob-") == v{"bob"});
  CHECK(parse_mentions("@bob_") == v{"bob"});
  CHECK(parse_mentions("cc @a.b and @ctx-payments") == v{"a.b", "ctx-payments"});
}

TEST_CASE("mentions: addresses and bare signs are not mentions") {
  CHECK(parse_mentions("@.").empty());
  CHECK(parse_mentions("@-").empty());
  CHECK(parse_mentions("mail me at alice@example.com").empty());
  CHECK(parse_mentions("@").empty());
  CHECK(parse_mentions("").empty());
  CHECK(parse_mentions("@a@b") == v{"a"});
}

TEST_CASE("mentions: any non-word character opens a mention") {
  CHECK(parse_mentions("(@x) [@y] \"@z\" ✓@w") == v{"x", "y", "z", "w"});
  CHECK(parse_mentions("line\n@next") == v{"next"});
}
