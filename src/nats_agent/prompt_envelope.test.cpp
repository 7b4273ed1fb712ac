#include "src/nats_agent/prompt_envelope.hpp"

#include <catch2/catch.hpp>

#include "src/nats_agent/response_stream.hpp"
#include "src/util/base64.hpp"

using namespace parley::nats_agent;
namespace base64 = parley::base64;

namespace {

const prompt_limits defaults{};

prompt accepted(std::string_view payload, const prompt_limits& limits = defaults) {
  auto r = decode_prompt(payload, limits);
  if (!r) FAIL("rejected: " << r.error().description);
  return *r;
}

/// The 400 description, failing the test when the payload was accepted.
std::string rejected(std::string_view payload, const prompt_limits& limits = defaults) {
  auto r = decode_prompt(payload, limits);
  if (r) FAIL("accepted: " << std::string(payload));
  CHECK(r.error().code == 400);
  CHECK(r.error().description.find('\n') == std::string::npos);
  return r.error().description;
}

std::string with_attachment(const std::string& filename, const std::string& content) {
  return R"({"prompt":"p","attachments":[{"filename":")" + filename + R"(","content":")" + content +
         R"("}]})";
}

}  // namespace

TEST_CASE("nats_agent prompt: plain text is the whole payload", "[nats_agent]") {
  auto p = accepted("hi there");
  CHECK(p.text == "hi there");
  CHECK(p.form == prompt_form::plain_text);
  CHECK(p.attachments.empty());
  CHECK_FALSE(p.from);
  // D9: `{` later in the string, or a leading [ " or digit, is still text.
  CHECK(accepted("say {\"prompt\":1}").text == "say {\"prompt\":1}");
  CHECK(accepted("[1,2]").text == "[1,2]");
  CHECK(accepted("\"quoted\"").text == "\"quoted\"");
  CHECK(accepted("42").text == "42");
  // Leading whitespace is kept; whitespace alone is a prompt (as the reference).
  CHECK(accepted("  indented").text == "  indented");
  CHECK(accepted(" \n\t").text == " \n\t");
  // Malformed UTF-8 is repaired, not refused (TS's non-fatal decoder).
  CHECK(accepted("a\xFF"
                 "b")
            .text ==
        "a\xEF\xBF\xBD"
        "b");
}

TEST_CASE("nats_agent prompt: the JSON envelope", "[nats_agent]") {
  auto p = accepted(R"({"prompt":"summarize"})");
  CHECK(p.text == "summarize");
  CHECK(p.form == prompt_form::envelope);
  // D9: leading whitespace before `{` still makes it JSON; unknown keys tolerated.
  p = accepted(" \r\n\t{\"prompt\":\"x\",\"any_other_field\":{\"kept\":[1]},\"n\":1.5}");
  CHECK(p.text == "x");
  CHECK(p.form == prompt_form::envelope);
  // Empty attachments are no attachments, also when they are not allowed.
  prompt_limits no_files;
  no_files.attachments_ok = false;
  CHECK(accepted(R"({"prompt":"x","attachments":[]})", no_files).attachments.empty());
  // A string `from` is kept for display; other types are ignored.
  CHECK(accepted(R"({"prompt":"x","from":"alice"})").from == "alice");
  CHECK_FALSE(accepted(R"({"prompt":"x","from":7})").from);
  // Escapes are decoded; duplicate keys: the last wins, as JSON.parse.
  CHECK(accepted(R"({"prompt":"a\nb\u00e9"})").text == "a\nb\xC3\xA9");
  CHECK(accepted(R"({"prompt":"first","prompt":"second"})").text == "second");
}

TEST_CASE("nats_agent prompt: attachments decode to bytes", "[nats_agent]") {
  std::string bytes;
  for (int rep = 0; rep < 4; ++rep)
    for (int b = 0; b < 256; ++b) bytes.push_back(static_cast<char>(b));
  auto p = accepted(with_attachment("data.bin", base64::encode(bytes)));
  REQUIRE(p.attachments.size() == 1);
  CHECK(p.attachments[0].filename == "data.bin");
  CHECK(p.attachments[0].bytes == bytes);

  p = accepted(R"({"prompt":"p","attachments":[{"filename":"a.txt","content":"aGk=","mime":"x"},)"
               R"({"filename":"..foo","content":""},{"filename":"a..b","content":"AAECAw=="},)"
               R"({"filename":"r\u00e9sum\u00e9 final.pdf","content":"aGk="}]})");
  REQUIRE(p.attachments.size() == 4);
  CHECK(p.attachments[0] == attachment{"a.txt", "hi"});
  CHECK(p.attachments[1] == attachment{"..foo", ""});
  CHECK(p.attachments[2].bytes == std::string("\x00\x01\x02\x03", 4));
  CHECK(p.attachments[3].filename == "r\xC3\xA9sum\xC3\xA9 final.pdf");
}

TEST_CASE("nats_agent prompt: D1 zero bytes and D8 size", "[nats_agent]") {
  CHECK(rejected("") == "zero-byte request payload (\u00a75.3)");
  prompt_limits tiny;
  tiny.max_payload = 32;
  CHECK(rejected(R"({"prompt":"this envelope is longer than 32 bytes"})", tiny) ==
        "prompt payload exceeds max_payload 32B");
  CHECK(rejected(std::string(33, 'x'), tiny) == "prompt payload exceeds max_payload 32B");
  CHECK(accepted(std::string(32, 'x'), tiny).text.size() == 32);
  CHECK(rejected(std::string(1048577, 'x')) == "prompt payload exceeds max_payload 1MB");
}

TEST_CASE("nats_agent prompt: D2 malformed JSON never falls back to text", "[nats_agent]") {
  for (const char* bad : {"{", "{\"prompt\":", "  {not json}", "{\"prompt\":\"x\"} trailing",
                          "{\"prompt\":\"x\",}", "{'prompt':'x'}"})
    CHECK(rejected(bad).rfind("malformed JSON envelope: ", 0) == 0);
  CHECK(rejected("{\"prompt\":\"\xFF\"}").rfind("malformed JSON envelope: ", 0) == 0);
}

TEST_CASE("nats_agent prompt: D3 prompt must be a non-empty string", "[nats_agent]") {
  const std::string missing = "envelope missing required string `prompt` field";
  CHECK(rejected(R"({"no_prompt":true})") == missing);
  CHECK(rejected(R"({})") == missing);
  CHECK(rejected(R"({"prompt":5})") == missing);
  CHECK(rejected(R"({"prompt":null})") == missing);
  CHECK(rejected(R"({"prompt":["x"]})") == missing);
  CHECK(rejected(R"({"prompt":""})") == "envelope `prompt` must be a non-empty string");
}

TEST_CASE("nats_agent prompt: D4 attachments' shape", "[nats_agent]") {
  const std::string not_array = "envelope `attachments` must be an array";
  CHECK(rejected(R"({"prompt":"p","attachments":{}})") == not_array);
  CHECK(rejected(R"({"prompt":"p","attachments":"a"})") == not_array);
  CHECK(rejected(R"({"prompt":"p","attachments":null})") == not_array);  // TS: 400
  CHECK(rejected(R"({"prompt":"p","attachments":["x"]})") == "attachment[0] must be an object");
  CHECK(rejected(R"({"prompt":"p","attachments":[{"filename":"a","content":"aGk="},7]})") ==
        "attachment[1] must be an object");
  CHECK(rejected(R"({"prompt":"p","attachments":[{"content":"aGk="}]})") ==
        "attachment[0] missing string `filename`");
  CHECK(rejected(R"({"prompt":"p","attachments":[{"filename":1,"content":"aGk="}]})") ==
        "attachment[0] missing string `filename`");
  CHECK(rejected(R"({"prompt":"p","attachments":[{"filename":"a"}]})") ==
        "attachment[0] missing string `content`");
  CHECK(rejected(R"({"prompt":"p","attachments":[{"filename":"a","content":null}]})") ==
        "attachment[0] missing string `content`");
}

TEST_CASE("nats_agent prompt: D5 non-strict base64", "[nats_agent]") {
  for (const char* content : {"aGk", "aG-_", "aG k=", "aGk=\\n", "a===", "aGk=aGk="}) {
    const auto d = rejected(with_attachment("a.txt", content));
    CHECK(d.rfind("attachment[0] has invalid base64 content: ", 0) == 0);
  }
}

TEST_CASE("nats_agent prompt: D6 unsafe filenames are refused, not flattened", "[nats_agent]") {
  const std::string sep = "attachment[0] has unsafe filename (path separator or NUL)";
  CHECK(rejected(with_attachment("../../etc/passwd", "aGk=")) == sep);
  CHECK(rejected(with_attachment("/etc/passwd", "aGk=")) == sep);
  CHECK(rejected(with_attachment("./a", "aGk=")) == sep);
  CHECK(rejected(with_attachment("a\\\\b", "aGk=")) == sep);     // JSON "a\\b"
  CHECK(rejected(with_attachment("a\\u0000b", "aGk=")) == sep);  // JSON NUL escape
  CHECK(rejected(with_attachment("", "aGk=")) == "attachment[0] has empty filename");
  CHECK(rejected(with_attachment(".", "aGk=")) ==
        "attachment[0] has unsafe filename ('.' or '..' component)");
  CHECK(rejected(with_attachment("..", "aGk=")) ==
        "attachment[0] has unsafe filename ('.' or '..' component)");
  // The filename check runs before the content is decoded.
  CHECK(rejected(with_attachment("..", "!!")) ==
        "attachment[0] has unsafe filename ('.' or '..' component)");

  CHECK(filename_problem("ok.txt") == std::nullopt);
  CHECK(filename_problem("..foo") == std::nullopt);
  CHECK(filename_problem(std::string("a\0b", 3)) == "unsafe filename (path separator or NUL)");
}

TEST_CASE("nats_agent prompt: D7 attachments when attachments_ok is false", "[nats_agent]") {
  prompt_limits no_files;
  no_files.attachments_ok = false;
  const auto d = rejected(with_attachment("a.txt", "aGk="), no_files);
  CHECK(d == "attachments are not supported by this endpoint");
  CHECK(d.find("attachments") != std::string::npos);
  // Even a malformed attachment gets the capability answer first.
  CHECK(rejected(R"({"prompt":"p","attachments":[7]})", no_files) ==
        "attachments are not supported by this endpoint");
}

TEST_CASE("nats_agent prompt: legacy v0.1 {from, body}", "[nats_agent]") {
  auto p = accepted(R"({"from":"bob","body":"hello"})");
  CHECK(p.form == prompt_form::legacy_v01);
  CHECK(p.text == "hello");
  CHECK(p.from == "bob");
  CHECK(accepted(R"({"body":"hi"})").text == "hi");
  // `prompt` wins when both are there; an empty body is no prompt.
  CHECK(accepted(R"({"prompt":"p","body":"b"})").text == "p");
  CHECK(rejected(R"({"prompt":"","body":"b"})") == "envelope `prompt` must be a non-empty string");
  CHECK(rejected(R"({"body":""})") == "envelope missing required string `prompt` field");
  prompt_limits strict;
  strict.accept_v01_body = false;
  CHECK(rejected(R"({"from":"bob","body":"hello"})", strict) ==
        "envelope missing required string `prompt` field");
}

TEST_CASE("nats_agent prompt: a rejected request is answered with exactly error 400 + terminator",
          "[nats_agent]") {
  // SDK-PY test_leading_ack_e2e / TS test 7: two frames, no ack before them.
  for (const char* payload : {"", R"({"no_prompt":true})"}) {
    auto r = decode_prompt(payload, defaults);
    REQUIRE_FALSE(r);
    const auto frames = error_then_terminator(r.error());
    REQUIRE(frames.size() == 2);
    CHECK(frames[0].headers.at(0) ==
          std::pair<std::string, std::string>{"Nats-Service-Error-Code", "400"});
    CHECK(frames[0].body.empty());
    CHECK(frames[1].is_terminator());
  }
  auto r = decode_prompt(with_attachment("../../etc/passwd", "aGk="), defaults);
  REQUIRE_FALSE(r);
  CHECK(error_then_terminator(r.error())[0].headers.at(1).second ==
        "attachment[0] has unsafe filename (path separator or NUL)");
}
