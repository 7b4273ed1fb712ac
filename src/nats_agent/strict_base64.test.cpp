#include "src/nats_agent/strict_base64.hpp"

#include <catch2/catch.hpp>

using namespace parley::nats_agent;

namespace {

std::string decoded(std::string_view text) {
  auto r = decode_strict_base64(text);
  REQUIRE(r);
  return *r;
}

}  // namespace

TEST_CASE("nats_agent base64: standard padded alphabet decodes", "[nats_agent]") {
  CHECK(decoded("AAECAw==") == std::string("\x00\x01\x02\x03", 4));
  CHECK(decoded("").empty());
  CHECK(decoded("aGk=") == "hi");
  CHECK(decoded("aGVsbG8tYXR0YWNobWVudC1jb250ZW50cwo=") == "hello-attachment-contents\n");
  CHECK(decoded("+/+/") == "\xfb\xff\xbf");
  // Non-canonical trailing bits are accepted, as the reference does.
  CHECK(decoded("aGl=") == "hi");
}

TEST_CASE("nats_agent base64: anything but strict RFC 4648 §4 is rejected", "[nats_agent]") {
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
    auto r = decode_strict_base64(bad);
    CHECK_FALSE(r);
    if (!r) CHECK_FALSE(r.error().reason.empty());
  }
}

TEST_CASE("nats_agent base64: encode round-trips every byte value", "[nats_agent]") {
  std::string all;
  for (int rep = 0; rep < 4; ++rep)
    for (int b = 0; b < 256; ++b) all.push_back(static_cast<char>(b));
  for (std::size_t n : {0u, 1u, 2u, 3u, 4u, 5u, 1024u}) {
    const auto part = all.substr(0, n);
    const auto text = encode_base64(part);
    CHECK(text.size() % 4 == 0);
    CHECK(decoded(text) == part);
  }
  CHECK(encode_base64("hi") == "aGk=");
  CHECK(encode_base64(std::string("\x00\x01\x02\x03", 4)) == "AAECAw==");
}
