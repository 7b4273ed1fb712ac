#include "src/oidc/url.hpp"

#include <catch2/catch.hpp>

using namespace parley::oidc;

TEST_CASE("oidc url: origin drops the default port and lower-cases", "[oidc]") {
  auto u = parse_http_url("HTTPS://Login.Example.COM:443/realms/x?y=1");
  REQUIRE(u);
  CHECK(u->origin() == "https://login.example.com");
  CHECK(u->path == "/realms/x?y=1");
  CHECK_FALSE(u->is_loopback());
  auto l = parse_http_url("http://127.0.0.1:8080");
  REQUIRE(l);
  CHECK(l->origin() == "http://127.0.0.1:8080");
  CHECK(l->path.empty());
  CHECK(l->is_loopback());
  auto v6 = parse_http_url("http://[::1]:9/x");
  REQUIRE(v6);
  CHECK(v6->host == "[::1]");
  CHECK(v6->is_loopback());
}

TEST_CASE("oidc url: anything ambiguous is not a URL", "[oidc]") {
  for (const char* bad :
       {"", "example.com", "ftp://x/", "https://", "https://u:p@host/", "https://h:99999/",
        "https://h:/", "https://h:x/", "https://h /", "https://[::1/", "https://h:0/"}) {
    CHECK_FALSE(parse_http_url(bad));
  }
}
