#include "backends/slack/slack_ts.hpp"

#include <catch2/catch.hpp>

using parley::slack::slack_ts;
using parley::slack::ts_before;

TEST_CASE("slack_ts compares (seconds, suffix) as integers, never as a float or text",
          "[slack][ts]") {
  CHECK(ts_before("9.000010", "10.000000"));
  CHECK_FALSE(ts_before("10.000000", "9.000010"));
  CHECK(
      ts_before("1700000000.000001", "1700000000.000002"));  // 16 digits: past what a double keeps
  CHECK(ts_before("1700000000.999999", "1700000001.000000"));
  CHECK_FALSE(ts_before("5.000001", "5.000001"));
  CHECK(ts_before("0", "0.000001"));
}

TEST_CASE("slack_ts parses Slack's forms and refuses the rest", "[slack][ts]") {
  CHECK(slack_ts::parse("1700000000.123456")->str() == "1700000000.123456");
  CHECK(slack_ts::parse("0")->str() == "0.000000");
  CHECK(slack_ts::parse("12")->str() == "12.000000");
  CHECK(slack_ts::parse("12.5")->micros == 500000);
  for (const char* bad : {"", ".", "1.", ".5", "1.1234567", "-1.000000", "1e9", "abc", "1.00000a",
                          "%%not-a-cursor%%", " 1.000000", "1.000000 "})
    CHECK_FALSE(slack_ts::parse(bad).has_value());
}
