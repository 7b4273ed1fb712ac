#include "src/ws_client/ws_url.hpp"

#include <catch2/catch.hpp>

using parley::ws::parse_ws_url;

TEST_CASE("a wss URL keeps its query as the target and defaults to port 443", "[ws_url]") {
  auto u = parse_ws_url("wss://wss-primary.slack.com/link/?ticket=abc&app_id=A1#frag");
  REQUIRE(u);
  CHECK(u->tls);
  CHECK(u->host == "wss-primary.slack.com");
  CHECK_FALSE(u->host_is_ip);
  CHECK(u->port == 443);
  CHECK(u->target == "/link/?ticket=abc&app_id=A1");
  CHECK(u->host_header() == "wss-primary.slack.com");
  CHECK(u->authority() == "wss-primary.slack.com:443");
}

TEST_CASE("a ws URL without a path targets / and names a non-default port in Host", "[ws_url]") {
  auto u = parse_ws_url("ws://127.0.0.1:8080?v=10&encoding=json");
  REQUIRE(u);
  CHECK_FALSE(u->tls);
  CHECK(u->host_is_ip);
  CHECK(u->port == 8080);
  CHECK(u->target == "/?v=10&encoding=json");
  CHECK(u->host_header() == "127.0.0.1:8080");
}

TEST_CASE("an IPv6 host loses its brackets for connecting and keeps them in Host", "[ws_url]") {
  auto u = parse_ws_url("wss://[::1]:9443/gateway");
  REQUIRE(u);
  CHECK(u->host == "::1");
  CHECK(u->host_is_ip);
  CHECK(u->host_header() == "[::1]:9443");
}

TEST_CASE("anything but ws and wss with a clean authority is refused", "[ws_url]") {
  CHECK_FALSE(parse_ws_url("https://gateway.discord.gg"));
  CHECK_FALSE(parse_ws_url("wss://user:pw@gateway.discord.gg"));
  CHECK_FALSE(parse_ws_url("wss://:443/"));
  CHECK_FALSE(parse_ws_url("ws://host:0/"));
  CHECK_FALSE(parse_ws_url("ws://host:70000/"));
  CHECK_FALSE(parse_ws_url("gateway.discord.gg"));
}
