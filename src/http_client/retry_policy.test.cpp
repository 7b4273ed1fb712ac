#include "src/http_client/retry_policy.hpp"

#include <catch2/catch.hpp>

using namespace parley::http;
using std::chrono::milliseconds;

namespace {

http_response too_many(header_list headers = {}, std::string body = {}) {
  return http_response{429, std::move(headers), std::move(body)};
}

/// Matrix-style: `{"retry_after_ms": N}`, read crudely for the test.
std::optional<milliseconds> body_ms(const http_response& r) {
  const auto at = r.body.find("\"retry_after_ms\":");
  if (at == std::string::npos) return std::nullopt;
  return milliseconds(std::stoll(r.body.substr(at + 17)));
}

}  // namespace

TEST_CASE("retry policy: Retry-After seconds are honoured when positive") {
  retry_policy p;
  CHECK(wait_after_429(too_many({{"Retry-After", "2"}}), p) == milliseconds(2000));
  CHECK(wait_after_429(too_many({{"retry-after", "0.25"}}), p) == milliseconds(250));
  CHECK(wait_after_429(too_many({{"Retry-After", "0"}}), p) == milliseconds(500));
  CHECK(wait_after_429(too_many({{"Retry-After", "-3"}}), p) == milliseconds(500));
  CHECK(wait_after_429(too_many({{"Retry-After", "Wed, 21 Oct 2015 07:28:00 GMT"}}), p) ==
        milliseconds(500));
  CHECK(wait_after_429(too_many(), p) == milliseconds(500));
}

TEST_CASE("retry policy: waits are capped") {
  retry_policy p;
  CHECK(wait_after_429(too_many({{"Retry-After", "60"}}), p) == milliseconds(5000));
  CHECK(wait_after_429(too_many({{"Retry-After", "1e300"}}), p) == milliseconds(5000));
  p.max_429_wait = milliseconds(100);
  CHECK(wait_after_429(too_many({{"Retry-After", "1"}}), p) == milliseconds(100));
  CHECK(wait_after_429(too_many(), p) == milliseconds(100));  // the default too
}

TEST_CASE("retry policy: a body extractor comes before the header") {
  retry_policy p;
  p.retry_after = body_ms;
  CHECK(wait_after_429(too_many({{"Retry-After", "3"}}, R"({"retry_after_ms":1200})"), p) ==
        milliseconds(1200));
  // Zero or none in the body: the header, then the default.
  CHECK(wait_after_429(too_many({{"Retry-After", "3"}}, R"({"retry_after_ms":0})"), p) ==
        milliseconds(3000));
  CHECK(wait_after_429(too_many({}, "{}"), p) == milliseconds(500));
}

TEST_CASE("retry policy: the defaults do not resend, retry_safe does") {
  CHECK_FALSE(retry_policy{}.idempotent);
  CHECK(retry_policy::retry_safe().idempotent);
  CHECK(retry_policy::retry_safe().transport_attempts == 3);
}
