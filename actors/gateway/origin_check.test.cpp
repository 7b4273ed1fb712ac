// DNS-rebinding protection: which Origin and Host headers reach the gateway.
#include "actors/gateway/origin_check.hpp"

#include <catch2/catch.hpp>

using namespace parley;

namespace {

http::request with(std::initializer_list<std::pair<std::string, std::string>> headers) {
  http::request r;
  r.method = "POST";
  r.target = "/mcp";
  for (const auto& [k, v] : headers) r.header[k] = v;
  return r;
}

}  // namespace

TEST_CASE("origin check: on loopback, loopback and the public origin pass, others are refused",
          "[gateway][origin]") {
  origin_check check("https://parley.example.com", {"https://app.example.org"}, "127.0.0.1");
  CHECK_FALSE(check.refusal(with({{"host", "127.0.0.1:7420"}})));
  CHECK_FALSE(
      check.refusal(with({{"host", "localhost:7420"}, {"origin", "http://localhost:3000"}})));
  CHECK_FALSE(check.refusal(
      with({{"host", "parley.example.com"}, {"origin", "https://parley.example.com"}})));
  CHECK_FALSE(check.refusal(with({{"host", "127.0.0.1"}, {"origin", "https://APP.example.org"}})));

  auto foreign = check.refusal(with({{"host", "127.0.0.1"}, {"origin", "https://evil.example"}}));
  REQUIRE(foreign);
  CHECK(foreign->status == 403);
  CHECK(foreign->body.find("origin https://evil.example is not allowed") != std::string::npos);

  // A rebound DNS name reaches the loopback listener with its own Host.
  auto rebound = check.refusal(with({{"host", "evil.example:7420"}}));
  REQUIRE(rebound);
  CHECK(rebound->body.find("Invalid Host: evil.example:7420") != std::string::npos);
  CHECK(check.refusal(with({})));
}

TEST_CASE("origin check: off loopback, any Host passes but a foreign Origin does not",
          "[gateway][origin]") {
  origin_check check("https://parley.example.com", {}, "0.0.0.0");
  CHECK_FALSE(check.refusal(with({{"host", "10.1.2.3:7420"}})));
  CHECK(check.refusal(with({{"host", "10.1.2.3"}, {"origin", "https://evil.example"}})));
}

TEST_CASE("origin check: Host names compare without case; one that does not parse is refused",
          "[gateway][origin]") {
  origin_check check("https://parley.example.com", {}, "127.0.0.1");
  CHECK_FALSE(check.refusal(with({{"host", "LOCALHOST:7420"}})));
  CHECK_FALSE(check.refusal(with({{"host", "Parley.Example.com"}})));
  // User info or a bad port make it no authority at all, never a loopback one.
  CHECK(check.refusal(with({{"host", "evil@127.0.0.1:7420"}})));
  CHECK(check.refusal(with({{"host", "127.0.0.1:notaport"}})));
}
