#include "src/util/iso_time.hpp"

#include <catch2/catch.hpp>

TEST_CASE("iso time: the exact shape of JavaScript's toISOString") {
  CHECK(parley::iso8601_utc_ms(0) == "1970-01-01T00:00:00.000Z");
  CHECK(parley::iso8601_utc_ms(1752343391204) == "2025-07-12T18:03:11.204Z");
  CHECK(parley::iso8601_utc_ms(-1) == "1969-12-31T23:59:59.999Z");
}

TEST_CASE("iso time: now is 24 characters and sorts after a past time") {
  auto now = parley::iso8601_now();
  CHECK(now.size() == 24);
  CHECK(now > parley::iso8601_utc_ms(1752343391204));
}

TEST_CASE("iso time: parses what it writes, refuses anything else") {
  CHECK(parley::parse_iso8601_utc_ms("2025-07-12T18:03:11.204Z") == 1752343391204);
  CHECK(parley::parse_iso8601_utc_ms(parley::iso8601_utc_ms(1)) == 1);
  CHECK_FALSE(parley::parse_iso8601_utc_ms("2025-07-12T18:03:11Z").has_value());
  CHECK_FALSE(parley::parse_iso8601_utc_ms("").has_value());
  CHECK_FALSE(parley::parse_iso8601_utc_ms("2025-07-12T18:0x:11.204Z").has_value());
}
