#include "src/util/url.hpp"

#include <catch2/catch.hpp>

namespace url = parley::url;

TEST_CASE("url: origin drops the default port and lower-cases", "[util]") {
  auto u = url::parse_http_url("HTTPS://Login.Example.COM:443/realms/x?y=1");
  REQUIRE(u);
  CHECK(u->origin() == "https://login.example.com");
  CHECK(u->path == "/realms/x?y=1");
  CHECK_FALSE(u->is_loopback());
  auto l = url::parse_http_url("http://127.0.0.1:8080");
  REQUIRE(l);
  CHECK(l->origin() == "http://127.0.0.1:8080");
  CHECK(l->path.empty());
  CHECK(l->is_loopback());
  auto v6 = url::parse_http_url("http://[::1]:9/x");
  REQUIRE(v6);
  CHECK(v6->host == "[::1]");
  CHECK(v6->is_loopback());
  auto q = url::parse_http_url("https://h?x");
  REQUIRE(q);
  CHECK(q->path == "/?x");
}

TEST_CASE("url: anything ambiguous is not an http URL", "[util]") {
  for (const char* bad :
       {"", "example.com", "ftp://x/", "https://", "https://u:p@host/", "https://h:99999/",
        "https://h:/", "https://h:x/", "https://h /", "https://[::1/", "https://h:0/",
        "https://h\\@evil/", "https://h\xc3\xa9/"}) {
    CAPTURE(bad);
    CHECK_FALSE(url::parse_http_url(bad));
  }
}

TEST_CASE("url: split finds the seams without judging them", "[util]") {
  auto p = url::split("HTTP://Host:1/a/b?c#d");
  REQUIRE(p);
  CHECK(p->scheme == "http");
  CHECK(p->authority == "Host:1");
  CHECK(p->rest == "/a/b?c#d");
  auto bare = url::split("https://h");
  REQUIRE(bare);
  CHECK(bare->authority == "h");
  CHECK(bare->rest.empty());
  CHECK_FALSE(url::split("javascript:alert(1)"));
}

TEST_CASE("url: authorities with a port, IPv6 brackets and the refusals", "[util]") {
  auto a = url::parse_authority("Example.COM:8080");
  REQUIRE(a);
  CHECK(a->host == "example.com");
  CHECK(a->port == 8080);
  auto b = url::parse_authority("[::1]");
  REQUIRE(b);
  CHECK(b->host == "[::1]");
  CHECK_FALSE(b->port);
  auto c = url::parse_authority("[::1]:9000");
  REQUIRE(c);
  CHECK(c->port == 9000);
  // Syntax only: the range is the caller's rule.
  auto d = url::parse_authority("h:99999");
  REQUIRE(d);
  CHECK(d->port == 99999);
  for (const char* bad : {"", ":80", "u@h", "h\\x", "[::1", "[::1]x", "h:", "h:x", "h:123456",
                          "127.0.0.1@evil.example"}) {
    CAPTURE(bad);
    CHECK_FALSE(url::parse_authority(bad));
  }
}

TEST_CASE("url: loopback names", "[util]") {
  CHECK(url::is_loopback_host("localhost"));
  CHECK(url::is_loopback_host("127.0.0.1"));
  CHECK(url::is_loopback_host("[::1]"));
  CHECK_FALSE(url::is_loopback_host("localhost.evil.example"));
  CHECK_FALSE(url::is_loopback_host("::1"));
  CHECK_FALSE(url::is_loopback_host(""));
}

TEST_CASE("url: origin_of is scheme and authority, lower-cased", "[util]") {
  CHECK(url::origin_of("HTTPS://Claude.AI/api/cb?x") == "https://claude.ai");
  CHECK(url::origin_of("http://LocalHost:3000") == "http://localhost:3000");
  CHECK(url::origin_of("https://a.example?q") == "https://a.example");
  CHECK(url::origin_of("https://a.example:443/") == "https://a.example:443");  // as written
  CHECK(url::origin_of("null") == "null");  // an opaque Origin stays itself
}

TEST_CASE("url: host_name of a Host header or an origin", "[util]") {
  CHECK(url::host_name("localhost:7420") == "localhost");
  CHECK(url::host_name("127.0.0.1") == "127.0.0.1");
  CHECK(url::host_name("[::1]:7420") == "[::1]");
  CHECK(url::host_name("http://LOCALHOST:3000") == "localhost");
  CHECK(url::host_name("https://parley.example.com") == "parley.example.com");
  CHECK(url::host_name("") == "");
  CHECK(url::host_name("null") == "null");
  CHECK(url::host_name("localhost:x") == "");  // a malformed port names no host
  CHECK(url::host_name("user@localhost") == "");
}

TEST_CASE("url: percent_encode keeps only the unreserved characters", "[util]") {
  CHECK(url::percent_encode("AZaz09-._~") == "AZaz09-._~");
  CHECK(url::percent_encode("!room:example.org") == "%21room%3Aexample.org");
  CHECK(url::percent_encode("a/b?c#d&e=f g+h%") == "a%2Fb%3Fc%23d%26e%3Df%20g%2Bh%25");
  CHECK(url::percent_encode("\xc3\xa9") == "%C3%A9");  // UTF-8 bytes one by one
  CHECK(url::percent_encode("") == "");
  CHECK(url::encode_path_segment("$event/id") == "%24event%2Fid");
  CHECK(url::encode_query_value("s1_2 3") == "s1_2%203");
}

TEST_CASE("url: form_encode joins encoded fields in order", "[util]") {
  CHECK(url::form_encode({}) == "");
  CHECK(url::form_encode({{"type", "stream"}, {"to", "general chat"}, {"content", "a&b=c"}}) ==
        "type=stream&to=general%20chat&content=a%26b%3Dc");
  CHECK(url::form_encode({{"empty", ""}, {"k y", "v"}}) == "empty=&k%20y=v");
}
