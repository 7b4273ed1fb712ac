#include "src/util/base64.hpp"

#include <catch2/catch.hpp>

namespace base64 = parley::base64;

namespace {

std::string lenient(std::string_view text) {
  auto r = base64::decode_lenient(text);
  REQUIRE(r);
  return *r;
}

std::string url(std::string_view text) {
  auto r = base64::decode_url(text);
  REQUIRE(r);
  return *r;
}

bool refused(const parley::result<std::string>& r) {
  return !r && r.error().code == parley::errc::invalid_argument && !r.error().message.empty();
}

}  // namespace

TEST_CASE("base64 strict: the exact inverse of encode", "[util]") {
  CHECK(base64::encode("hello") == "aGVsbG8=");
  auto hello = base64::decode_strict("aGVsbG8=");
  REQUIRE(hello);
  CHECK(*hello == "hello");
  CHECK(refused(base64::decode_strict("aGVsbG8")));
  CHECK(refused(base64::decode_strict("aGVsbG9=")));  // stray bits
  CHECK(refused(base64::decode_strict("aGVs*G8=")));
  auto empty = base64::decode_strict("");
  REQUIRE(empty);
  CHECK(empty->empty());
  CHECK(base64::encode_url("\xfb\xff") == "-_8");
}

TEST_CASE("base64 lenient: standard padded alphabet decodes", "[util]") {
  CHECK(lenient("AAECAw==") == std::string("\x00\x01\x02\x03", 4));
  CHECK(lenient("").empty());
  CHECK(lenient("aGk=") == "hi");
  CHECK(lenient("aGVsbG8tYXR0YWNobWVudC1jb250ZW50cwo=") == "hello-attachment-contents\n");
  CHECK(lenient("+/+/") == "\xfb\xff\xbf");
  // Non-canonical trailing bits are accepted, as the reference does.
  CHECK(lenient("aGl=") == "hi");
  CHECK(refused(base64::decode_strict("aGl=")));
}

TEST_CASE("base64 lenient and strict: anything but RFC 4648 §4 is rejected", "[util]") {
  for (const char* bad : {
           "AAECAw",      // missing padding
           "AAECAw=",     // wrong length
           "-_-_",        // URL-safe alphabet
           "AAEC Aw==",   // embedded space
           "AAEC\nAw==",  // newline (MIME line breaks)
           "AA==AAAA",    // padding in the middle
           "A===",        // three padding characters
           "====",
           "AAECAw==\n",  // trailing newline
           "AA!A",
       }) {
    CHECK(refused(base64::decode_lenient(bad)));
    CHECK(refused(base64::decode_strict(bad)));
  }
}

TEST_CASE("base64 encode round-trips every byte value", "[util]") {
  std::string all;
  for (int rep = 0; rep < 4; ++rep)
    for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (std::size_t n : {0u, 1u, 2u, 3u, 4u, 5u, 1024u}) {
    const auto part = all.substr(0, n);
    const auto text = base64::encode(part);
    CHECK(text.size() % 4 == 0);
    CHECK(lenient(text) == part);
    auto strict = base64::decode_strict(text);
    REQUIRE(strict);
    CHECK(*strict == part);
  }
  CHECK(base64::encode("hi") == "aGk=");
  CHECK(base64::encode(std::string("\x00\x01\x02\x03", 4)) == "AAECAw==");
}

TEST_CASE("base64url: unpadded URL-safe text decodes", "[util]") {
  CHECK(url("").empty());
  CHECK(url("aGk") == "hi");
  CHECK(url("aGVsbG8") == "hello");
  CHECK(url("-_-_") == "\xfb\xff\xbf");
  CHECK(url("eyJhbGciOiJSUzI1NiJ9") == R"({"alg":"RS256"})");
}

TEST_CASE("base64url: padding, the standard alphabet and junk are refused", "[util]") {
  for (const char* bad :
       {"aGk=", "aGVsbG8=", "+/+/", "aG k", "aGk\n", "a", "aGVsb", "aGl", "aGk.", "\xc3\xa9"}) {
    CHECK(refused(base64::decode_url(bad)));
  }
}

TEST_CASE("base64url: encode round-trips every length", "[util]") {
  std::string all;
  for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (std::size_t n = 0; n < 40; ++n) {
    const auto part = all.substr(n * 3 % 200, n);
    const auto text = base64::encode_url(part);
    CHECK(text.find('=') == std::string::npos);
    CHECK(url(text) == part);
  }
}

TEST_CASE("base64: error messages name the offending offset", "[util]") {
  auto r = base64::decode_lenient("AA=A");
  REQUIRE_FALSE(r);
  CHECK(r.error().message == "padding '=' before the end at offset 2");
  auto u = base64::decode_url("aG+k");
  REQUIRE_FALSE(u);
  CHECK(u.error().message == "character outside the base64url alphabet at offset 2");
}
