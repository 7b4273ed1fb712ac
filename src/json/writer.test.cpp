#include "src/json/writer.hpp"

#include <catch2/catch.hpp>

using parley::json::writer;

TEST_CASE("json writer: compact output has no whitespace") {
  writer w;
  w.begin_object().key("a").value(1).key("b").begin_array().value("x").value(true).null().end_array();
  w.key("c").begin_object().end_object().key("d").begin_array().end_array().end_object();
  CHECK(w.str() == R"({"a":1,"b":["x",true,null],"c":{},"d":[]})");
}

TEST_CASE("json writer: pretty output is JSON.stringify(v, null, 2)") {
  writer w(2);
  w.begin_object().key("messages").begin_array();
  w.begin_object().key("topic").value("t").key("mentions").begin_array().end_array().end_object();
  w.end_array().key("nextCursor").value("3").end_object();
  CHECK(w.str() ==
        "{\n  \"messages\": [\n    {\n      \"topic\": \"t\",\n      \"mentions\": []\n    }\n  ],\n"
        "  \"nextCursor\": \"3\"\n}");
}

TEST_CASE("json writer: strings are escaped as JSON requires") {
  std::string out;
  parley::json::append_quoted(out, "q\"b\\n\n\r\t\b\f\x01\x1f\x7f ✓ 🦜");
  CHECK(out == "\"q\\\"b\\\\n\\n\\r\\t\\b\\f\\u0001\\u001f\x7f ✓ 🦜\"");
  out.clear();
  parley::json::append_quoted(out, std::string_view("nul\0x", 5));
  CHECK(out == "\"nul\\u0000x\"");
}

TEST_CASE("json writer: bytes that are not UTF-8 become U+FFFD, never invalid JSON") {
  std::string out;
  parley::json::append_quoted(out, "ok \xc3\x28 and \xff end ✓");
  CHECK(out == "\"ok \xEF\xBF\xBD( and \xEF\xBF\xBD end ✓\"");
}
