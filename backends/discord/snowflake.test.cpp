#include "backends/discord/snowflake.hpp"

#include <catch2/catch.hpp>

using parley::discord::snowflake;
using parley::discord::snowflake_less;

TEST_CASE("snowflakes compare as 64-bit integers, not strings", "[snowflake]") {
  CHECK(snowflake_less("9", "10"));
  CHECK_FALSE(snowflake_less("10", "9"));
  CHECK(snowflake_less("999999999999999999", "1000000000000000000"));
  CHECK_FALSE(snowflake_less("175928847299117063", "175928847299117063"));
  CHECK(snowflake::parse("18446744073709551615")->value == 18446744073709551615ULL);
}

TEST_CASE("only decimal digits that fit 64 bits are snowflakes", "[snowflake]") {
  for (const char* bad : {"", "-1", "+1", " 1", "1 ", "0x10", "18446744073709551616", "123456789012345678901",
                          "%%not-a-cursor%%", "1.5"})
    CHECK_FALSE(snowflake::parse(bad).has_value());
  CHECK(snowflake::parse("0")->value == 0);
  CHECK(snowflake_less("junk", "0"));
}
