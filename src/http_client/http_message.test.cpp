#include "src/http_client/http_message.hpp"

#include <catch2/catch.hpp>

using parley::http::http_response;

TEST_CASE("http message: header lookup ignores case and takes the first field") {
  http_response r;
  r.status = 204;
  r.headers = {{"Content-Type", "application/json"}, {"retry-after", "3"}, {"RETRY-AFTER", "9"}};
  CHECK(r.ok());
  CHECK(r.header("content-type") == "application/json");
  CHECK(r.header("Retry-After") == "3");
  CHECK_FALSE(r.header("Location"));
  CHECK_FALSE(r.header("Content-Typ"));
  r.status = 300;
  CHECK_FALSE(r.ok());
}
