#include "src/nats_agent/valid_utf8.hpp"

#include <catch2/catch.hpp>

using namespace parley::nats_agent;

TEST_CASE("nats_agent valid_utf8: malformed bytes become U+FFFD, the rest stays", "[nats_agent]") {
  CHECK(to_valid_utf8("") == "");
  CHECK(to_valid_utf8("caf\xC3\xA9 \xF0\x9F\x98\x80") == "caf\xC3\xA9 \xF0\x9F\x98\x80");
  CHECK(to_valid_utf8("a\xFF"
                      "b") ==
        "a\xEF\xBF\xBD"
        "b");
  CHECK(to_valid_utf8("\xC3") == "\xEF\xBF\xBD");  // cut short
  CHECK(to_valid_utf8("\xE2\x82"
                      "x") ==
        "\xEF\xBF\xBD\xEF\xBF\xBD"
        "x");  // each byte alone
  CHECK(to_valid_utf8("\xED\xA0\x80") == "\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD");  // surrogate
  CHECK(to_valid_utf8(std::string("a\0b", 3)) == std::string("a\0b", 3));
}
