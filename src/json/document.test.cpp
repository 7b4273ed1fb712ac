#include "src/json/document.hpp"

#include <catch2/catch.hpp>

using namespace parley;

TEST_CASE("a document keeps its root while it lives, and says what failed to parse", "[json][document]") {
  auto doc = json::document::parse(R"({"a":"x","n":3,"f":1.7e3,"o":{"k":true},"l":[1,2]})", "answer");
  REQUIRE(doc);
  CHECK(json::text_of(doc->root(), "a") == "x");
  CHECK(json::integer_of(doc->object(), "n") == 3);
  CHECK(json::integer_of(doc->root(), "f") == 1700);
  CHECK(json::member<bool>(*json::object_of(doc->root(), "o"), "k") == true);
  CHECK(json::array_of(doc->root(), "l")->size() == 2);
  CHECK_FALSE(json::text_of(doc->root(), "n"));  // present, but not a string
  CHECK_FALSE(json::integer_of(doc->root(), "missing"));

  auto bad = json::document::parse("{\"a\": 1", "Zulip GET /events answer");
  REQUIRE_FALSE(bad);
  CHECK(bad.error().code == errc::backend_unavailable);
  CHECK(bad.error().message.rfind("Zulip GET /events answer is not JSON", 0) == 0);
}

TEST_CASE("require_object refuses any other root", "[json][document]") {
  CHECK(json::document::parse("[1,2]", "x"));
  auto arr = json::document::parse("[1,2]", "x", {.require_object = true});
  REQUIRE_FALSE(arr);
  CHECK(arr.error().message == "x is not a JSON object");
}

TEST_CASE("invalid UTF-8 and lone surrogates: refused strictly, repaired on request", "[json][document]") {
  const std::string bad_bytes = "{\"t\":\"a\xff" "b\"}";
  CHECK_FALSE(json::document::parse(bad_bytes, "frame"));
  auto repaired = json::document::parse(bad_bytes, "frame", json::lenient_object);
  REQUIRE(repaired);
  CHECK(repaired->repaired());
  CHECK(json::text_of(repaired->object(), "t") == "a\xEF\xBF\xBD" "b");
  CHECK_FALSE(json::document::parse(R"({"t":"ok"})", "frame", json::lenient_object)->repaired());

  CHECK(json::repair_text(R"({"t":"\ud83d"})") == R"({"t":"\uFFFD"})");        // lone high
  CHECK(json::repair_text(R"({"t":"x\udc00y"})") == R"({"t":"x\uFFFDy"})");     // lone low
  CHECK(json::repair_text(R"({"t":"\ud83d\ude00"})") == R"({"t":"\ud83d\ude00"})");  // a pair stays
  CHECK(json::repair_text(R"({"t":"\\ud83d"})") == R"({"t":"\\ud83d"})");       // an escaped backslash
  auto surrogate = json::document::parse(R"({"t":"a\ud83d"})", "event", json::lenient_object);
  REQUIRE(surrogate);
  CHECK(json::text_of(surrogate->root(), "t") == "a\xEF\xBF\xBD");
}
