#include "src/nats_agent/service_error.hpp"

#include <catch2/catch.hpp>

#include "src/util/utf8.hpp"

using namespace parley::nats_agent;

TEST_CASE("nats_agent service_error: descriptions become one header-safe line", "[nats_agent]") {
  CHECK(one_line_description("plain") == "plain");
  CHECK(one_line_description("  padded\t") == "padded");
  CHECK(one_line_description("first\nsecond\r\nthird\rfourth") ==
        "first | second | third | fourth");
  CHECK(one_line_description("a\n\n  \n b ") == "a | b");
  CHECK(one_line_description("tab\tinside\x01x") == "tab inside x");
  CHECK(one_line_description("") == "error");
  CHECK(one_line_description("\r\n \n") == "error");
  CHECK(one_line_description("bad\xFF"
                             "byte") ==
        "bad\xEF\xBF\xBD"
        "byte");
}

TEST_CASE("nats_agent service_error: capped at 200 characters ending in ...", "[nats_agent]") {
  const std::string long_text(500, 'x');
  const auto d = one_line_description(long_text);
  CHECK(d.size() == 200);
  CHECK(d.substr(197) == "...");
  CHECK(one_line_description(std::string(200, 'y')) == std::string(200, 'y'));
  // Never cut inside a character; count in UTF-16 units like the SDKs.
  std::string wide;
  for (int i = 0; i < 150; ++i) wide += "\xC3\xA9";         // é, one unit, two bytes
  for (int i = 0; i < 60; ++i) wide += "\xF0\x9F\x98\x80";  // emoji, two units
  const auto w = one_line_description(wide);
  CHECK(parley::utf8::utf16_length(w) <= 200);
  CHECK(w.substr(w.size() - 3) == "...");
  CHECK(parley::utf8::utf16_length(w.substr(0, w.size() - 3)) >= 196);
  bool all_valid = true;
  for (std::size_t i = 0; i < w.size();) {
    const auto decoded = parley::utf8::decode(w, i);
    all_valid = all_valid && decoded.valid;
    i += decoded.length;
  }
  CHECK(all_valid);
}

TEST_CASE("nats_agent service_error: headers and the well-known errors", "[nats_agent]") {
  const auto e =
      make_service_error(400, "attachment[0] has unsafe filename\n(path separator or NUL)");
  CHECK(e.code == 400);
  CHECK(e.description == "attachment[0] has unsafe filename | (path separator or NUL)");
  const auto h = error_headers(e);
  REQUIRE(h.size() == 2);
  CHECK(h[0] == std::pair<std::string, std::string>{"Nats-Service-Error-Code", "400"});
  CHECK(h[1] ==
        std::pair<std::string, std::string>{
            "Nats-Service-Error", "attachment[0] has unsafe filename | (path separator or NUL)"});

  CHECK(handler_error("kaboom") == service_error{500, "handler error: kaboom"});
  CHECK(shutdown_error() == service_error{503, "session stopped"});
  CHECK(expired_error(1800) ==
        service_error{503, "request waited longer than 1800 s in the queue"});
}
