#include "src/nats_agent/endpoint_stats.hpp"

#include <catch2/catch.hpp>

#include <limits>

using namespace parley::nats_agent;
using std::chrono::nanoseconds;

TEST_CASE("nats_agent endpoint_stats: counts requests, errors and time like Go micro",
          "[nats_agent]") {
  endpoint_stats s;
  CHECK(s.num_requests() == 0);
  CHECK(s.average_processing_time_ns() == 0);
  CHECK(s.last_error().empty());

  s.record_success(nanoseconds(400));
  s.record_success(nanoseconds(500));
  s.record_error(nanoseconds(300), 400, "zero-byte request payload (\u00a75.3)");
  CHECK(s.num_requests() == 3);
  CHECK(s.num_errors() == 1);
  CHECK(s.processing_time_ns() == 1200);
  CHECK(s.average_processing_time_ns() == 400);
  CHECK(s.last_error() == "400:zero-byte request payload (\u00a75.3)");

  s.record_success(nanoseconds(1));
  CHECK(s.average_processing_time_ns() == 1201 / 4);                     // integer division
  CHECK(s.last_error() == "400:zero-byte request payload (\u00a75.3)");  // sticks

  s.record_error(nanoseconds(0), 500, "handler error: boom");
  CHECK(s.last_error() == "500:handler error: boom");
  CHECK(s.num_errors() == 2);

  s.reset();
  CHECK(s.num_requests() == 0);
  CHECK(s.num_errors() == 0);
  CHECK(s.processing_time_ns() == 0);
  CHECK(s.last_error().empty());
}

TEST_CASE("nats_agent endpoint_stats: negative durations count as zero, totals saturate",
          "[nats_agent]") {
  endpoint_stats s;
  s.record_success(nanoseconds(-50));
  CHECK(s.processing_time_ns() == 0);
  s.record_success(nanoseconds(std::numeric_limits<std::int64_t>::max()));
  s.record_success(nanoseconds(10));
  CHECK(s.processing_time_ns() == std::numeric_limits<std::int64_t>::max());
  CHECK(s.num_requests() == 3);
}
