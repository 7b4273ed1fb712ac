#include "src/nats_agent/response_stream.hpp"

#include <simdjson.h>
#include <catch2/catch.hpp>

#include <random>

#include "src/json/writer.hpp"

using namespace parley::nats_agent;

namespace {

/// The `data` of a response chunk, checking the chunk's shape on the way.
std::string data_of(const std::string& chunk) {
  simdjson::dom::parser parser;
  simdjson::dom::element root;
  REQUIRE_FALSE(parser.parse(chunk).get(root));
  std::string_view type;
  std::string_view data;
  REQUIRE_FALSE(root["type"].get_string().get(type));
  CHECK(type == "response");
  REQUIRE_FALSE(root["data"].get_string().get(data));
  return std::string(data);
}

/// Splits, then checks every invariant: size bound, order, no lost bytes.
std::vector<std::string> split_checked(std::string_view text, std::size_t max) {
  auto r = split_response(text, max);
  REQUIRE(r);
  std::string joined;
  for (const auto& c : *r) {
    CHECK(c.size() <= max);
    joined += data_of(c);
  }
  std::string expected;
  parley::json::append_quoted(expected, text);  // repairs like the chunks do
  std::string got;
  parley::json::append_quoted(got, joined);
  CHECK(got == expected);
  return std::move(*r);
}

}  // namespace

TEST_CASE("nats_agent stream: chunk shapes are exact compact JSON", "[nats_agent]") {
  CHECK(ack_chunk == R"({"type":"status","data":"ack"})");
  CHECK(ack_chunk.size() == 30);
  CHECK(status_chunk("ack") == ack_chunk);
  CHECK(status_chunk("thinking") == R"({"type":"status","data":"thinking"})");
  CHECK(response_chunk("echo: hi there") == R"({"type":"response","data":"echo: hi there"})");
  CHECK(response_chunk("") == R"({"type":"response","data":""})");
  CHECK(response_chunk("").size() == response_chunk_overhead);
  CHECK(response_chunk("a\"b\\c\nd\x01") == R"({"type":"response","data":"a\"b\\c\nd\u0001"})");
  CHECK(query_chunk("abc123", "_INBOX.x.y", "Proceed? (yes/no)") ==
        R"({"type":"query","data":{"id":"abc123","reply_subject":"_INBOX.x.y",)"
        R"json("prompt":"Proceed? (yes/no)"}})json");
}

TEST_CASE("nats_agent stream: frames and the header-less terminator", "[nats_agent]") {
  const frame t = terminator_frame();
  CHECK(t.is_terminator());
  CHECK(t.headers.empty());
  CHECK(t.body.empty());

  const frame ack = chunk_frame(std::string(ack_chunk));
  CHECK(ack.headers.empty());
  CHECK_FALSE(ack.is_terminator());

  const auto err = make_service_error(400, "zero-byte request payload (\u00a75.3)");
  const frame e = error_frame(err);
  CHECK(e.body.empty());
  CHECK_FALSE(e.is_terminator());  // an error frame is recognised by its headers
  REQUIRE(e.headers.size() == 2);
  CHECK(e.headers[0].first == "Nats-Service-Error-Code");
  CHECK(e.headers[0].second == "400");
  CHECK(e.headers[1].first == "Nats-Service-Error");
  CHECK(e.headers[1].second == "zero-byte request payload (\u00a75.3)");

  const auto frames = error_then_terminator(err);
  REQUIRE(frames.size() == 2);
  CHECK(frames[0] == e);
  CHECK(frames[1].is_terminator());
}

TEST_CASE("nats_agent stream: short text is one chunk; empty text none", "[nats_agent]") {
  CHECK(split_checked("", 1048576).empty());
  const auto one = split_checked("part one ", 1048576);
  REQUIRE(one.size() == 1);
  CHECK(one[0] == R"({"type":"response","data":"part one "})");
  // Exactly at the limit still fits.
  CHECK(split_checked(std::string(100 - response_chunk_overhead, 'x'), 100).size() == 1);
  CHECK(split_checked(std::string(101 - response_chunk_overhead, 'x'), 100).size() == 2);
}

TEST_CASE("nats_agent stream: 1.4 MB of text splits under a 1 MiB max_payload", "[nats_agent]") {
  const std::string big(1400 * 1000, 'x');
  const auto chunks = split_checked(big, 1048576);
  CHECK(chunks.size() == 2);
}

TEST_CASE("nats_agent stream: the encoded frame is measured, not the text", "[nats_agent]") {
  // Control characters grow 6x, quotes 2x: the limit must still hold.
  split_checked(std::string(500, '\x01'), 64);
  split_checked(std::string(500, '"'), 64);
  split_checked(std::string(500, '\n'), 40);
  const auto c = split_checked(std::string(12, '\x01'), response_chunk_overhead + 12);
  CHECK(c.size() == 6);  // two escaped characters per chunk
}

TEST_CASE("nats_agent stream: a UTF-8 sequence is never split", "[nats_agent]") {
  std::string text;
  for (int i = 0; i < 50; ++i) text += "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80";  // a é € 😀
  for (std::size_t max = response_chunk_overhead + 6; max < response_chunk_overhead + 20; ++max) {
    for (const auto& chunk : split_checked(text, max)) {
      const auto d = data_of(chunk);
      CHECK(d.find("\xEF\xBF\xBD") == std::string::npos);  // no half characters repaired
    }
  }
  // Malformed input bytes count as the U+FFFD they become.
  split_checked(
      "ab\xFF\xFE"
      "cd\xC3",
      response_chunk_overhead + 6);
}

TEST_CASE("nats_agent stream: random text keeps every invariant", "[nats_agent]") {
  std::mt19937 gen(42);
  const std::vector<std::string> pieces = {
      "a",    "\"", "\\", "\n", "\x01", "\x7f", "\xC3\xA9", "\xE2\x82\xAC", "\xF0\x9F\x98\x80",
      "\xFF", " "};
  for (int round = 0; round < 50; ++round) {
    std::string text;
    const int len = static_cast<int>(gen() % 300);
    for (int i = 0; i < len; ++i) text += pieces[gen() % pieces.size()];
    split_checked(text, response_chunk_overhead + 6 + gen() % 64);
  }
}

TEST_CASE("nats_agent stream: a max_payload too small for one character is an error",
          "[nats_agent]") {
  auto r = split_response("x", response_chunk_overhead + 5);
  REQUIRE_FALSE(r);
  CHECK(r.error().code == parley::errc::invalid_argument);
  CHECK(split_response("", 0).has_value() == false);
}
