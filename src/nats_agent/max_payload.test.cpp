#include "src/nats_agent/max_payload.hpp"

#include <catch2/catch.hpp>

using namespace parley::nats_agent;

TEST_CASE("nats_agent max_payload: SDK grammar, base 1024, case-insensitive", "[nats_agent]") {
  CHECK(parse_max_payload("1MB") == 1048576u);
  CHECK(parse_max_payload("8MB") == 8388608u);
  CHECK(parse_max_payload(" 256kb ") == 262144u);
  CHECK(parse_max_payload("32B") == 32u);
  CHECK(parse_max_payload("1gb") == 1073741824u);
  CHECK(parse_max_payload("1B") == 1u);
  for (const char* bad : {"", "MB", "0MB", "1", "1.5MB", "-1MB", "1TB", "1 M", "x1MB",
                          "99999999999999999999B", "17179869184GB"})
    CHECK_FALSE(parse_max_payload(bad));
}

TEST_CASE("nats_agent max_payload: formatting picks the largest exact unit", "[nats_agent]") {
  CHECK(format_max_payload(1048576) == "1MB");
  CHECK(format_max_payload(8388608) == "8MB");
  CHECK(format_max_payload(262144) == "256KB");
  CHECK(format_max_payload(1024 * 1024 * 1024) == "1GB");
  CHECK(format_max_payload(1536) == "1536B");
  CHECK(format_max_payload(1000) == "1000B");
  CHECK(format_max_payload(32) == "32B");
  CHECK(format_max_payload(3 * 1024 * 1024 + 512 * 1024) == "3584KB");
  for (std::uint64_t v : {1ull, 1024ull, 1048576ull, 1536ull, 262144ull})
    CHECK(parse_max_payload(format_max_payload(v)) == v);
}

TEST_CASE("nats_agent max_payload: clamped to the broker's limit", "[nats_agent]") {
  auto e = effective_max_payload(std::nullopt, 1048576);
  CHECK(e.bytes == 1048576);
  CHECK_FALSE(e.clamped);
  e = effective_max_payload(262144, 1048576);  // smaller override advertised verbatim
  CHECK(e.bytes == 262144);
  CHECK_FALSE(e.clamped);
  e = effective_max_payload(8388608, 1048576);  // larger one clamped, with a warning
  CHECK(e.bytes == 1048576);
  CHECK(e.clamped);
  e = effective_max_payload(8388608, 8388608);
  CHECK(e.bytes == 8388608);
  CHECK_FALSE(e.clamped);
  e = effective_max_payload(4096, std::nullopt);  // no server info: the override stands
  CHECK(e.bytes == 4096);
  e = effective_max_payload(std::nullopt, 0);
  CHECK(e.bytes == default_max_payload);
}
