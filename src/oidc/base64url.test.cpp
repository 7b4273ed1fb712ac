#include "src/oidc/base64url.hpp"

#include <catch2/catch.hpp>

using namespace parley::oidc;

TEST_CASE("oidc base64url: unpadded URL-safe text decodes", "[oidc]") {
  auto d = [](std::string_view t) {
    auto r = decode_base64url(t);
    REQUIRE(r);
    return *r;
  };
  CHECK(d("").empty());
  CHECK(d("aGk") == "hi");
  CHECK(d("aGVsbG8") == "hello");
  CHECK(d("-_-_") == "\xfb\xff\xbf");
  CHECK(d("eyJhbGciOiJSUzI1NiJ9") == R"({"alg":"RS256"})");
}

TEST_CASE("oidc base64url: padding, the standard alphabet and junk are refused", "[oidc]") {
  for (const char* bad :
       {"aGk=", "aGVsbG8=", "+/+/", "aG k", "aGk\n", "a", "aGVsb", "aGl", "aGk.", "\xc3\xa9"}) {
    auto r = decode_base64url(bad);
    CHECK_FALSE(r);
    if (!r) CHECK(r.error().code == parley::errc::invalid_argument);
  }
}

TEST_CASE("oidc base64url: encode round-trips every length", "[oidc]") {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (std::size_t n = 0; n < 40; ++n) {
    const auto part = all.substr(n * 3 % 200, n);
    const auto text = encode_base64url(part);
    CHECK(text.find('=') == std::string::npos);
    auto back = decode_base64url(text);
    REQUIRE(back);
    CHECK(*back == part);
  }
}
