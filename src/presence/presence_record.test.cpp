#include "src/presence/presence_record.hpp"

#include <catch2/catch.hpp>

#include <regex>
#include <set>
#include <string>

using namespace parley::presence;
using strings = std::vector<std::string>;

namespace {

constexpr std::int64_t now = 1'752'343'391'204;

/// A valid beat with `fields` spliced in after `"v":2` (later keys win).
std::string beat_with(const std::string& fields) {
  return R"({"v":2,"kind":"hello","at":1752343391204,"topics":["ctx"])" +
         (fields.empty() ? std::string() : "," + fields) + "}";
}

std::string json_string_list(const strings& items) {
  std::string out = "[";
  for (std::size_t i = 0; i < items.size(); ++i) out += (i ? ",\"" : "\"") + items[i] + "\"";
  return out + "]";
}

}  // namespace

TEST_CASE("presence record: encode writes the original's keys in its order") {
  record r;
  r.kind = beat_kind::hello;
  r.at_ms = 1752343391204;
  r.topics = {"ctx", "reviews"};
  r.post_topics = {"ctx-.*"};
  r.instance_id = "6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f";
  CHECK(
      encode(r) ==
      R"({"v":2,"kind":"hello","at":1752343391204,"topics":["ctx","reviews"],"postTopics":["ctx-.*"],)"
      R"("instanceId":"6f1c2a4e-8d3b-4c5a-9e7f-0a1b2c3d4e5f"})");

  record empty;
  empty.kind = beat_kind::goodbye;
  CHECK(encode(empty) ==
        R"({"v":2,"kind":"goodbye","at":0,"topics":[],"postTopics":[],"instanceId":""})");
  empty.kind = beat_kind::heartbeat;
  empty.topics = {"a\"b\\c"};
  CHECK(
      encode(empty) ==
      R"({"v":2,"kind":"heartbeat","at":0,"topics":["a\"b\\c"],"postTopics":[],"instanceId":""})");
}

TEST_CASE("presence record: decode reads back what encode wrote") {
  for (beat_kind k : {beat_kind::hello, beat_kind::heartbeat, beat_kind::goodbye}) {
    record r;
    r.kind = k;
    r.at_ms = now - 1000;
    r.topics = {"ctx", "t\xC3\xA9"};
    r.post_topics = {"ctx-.*", "(a|b)"};
    r.instance_id = new_instance_id();
    const auto back = decode(encode(r), now);
    REQUIRE(back.has_value());
    CHECK(back->kind == r.kind);
    CHECK(back->at_ms == r.at_ms);
    CHECK(back->topics == r.topics);
    CHECK(back->post_topics == r.post_topics);
    CHECK(back->instance_id == r.instance_id);
  }
}

TEST_CASE("presence record: only v 2, a known kind and a numeric at are accepted") {
  CHECK(decode(beat_with(""), now).has_value());
  CHECK(decode(beat_with(R"("v":2.0)"), now).has_value());  // JavaScript: 2.0 === 2
  CHECK_FALSE(decode(beat_with(R"("v":1)"), now));
  CHECK_FALSE(decode(beat_with(R"("v":3)"), now));
  CHECK_FALSE(decode(beat_with(R"("v":"2")"), now));
  CHECK_FALSE(decode(beat_with(R"("v":2.5)"), now));
  CHECK_FALSE(decode(R"({"kind":"hello","at":1,"topics":[]})", now));

  CHECK_FALSE(decode(beat_with(R"("kind":"bye")"), now));
  CHECK_FALSE(decode(beat_with(R"("kind":"Hello")"), now));
  CHECK_FALSE(decode(beat_with(R"("kind":1)"), now));
  CHECK_FALSE(decode(R"({"v":2,"at":1,"topics":[]})", now));

  CHECK_FALSE(decode(beat_with(R"("at":"1752343391204")"), now));
  CHECK_FALSE(decode(beat_with(R"("at":null)"), now));
  CHECK_FALSE(decode(beat_with(R"("at":true)"), now));
  CHECK_FALSE(decode(R"({"v":2,"kind":"hello","topics":[]})", now));
  const auto frac = decode(beat_with(R"("at":1000.25)"), now);
  REQUIRE(frac.has_value());
  CHECK(frac->at_ms == 1001);  // rounded up: keeps every `now - at < window` test exact
  const auto neg = decode(beat_with(R"("at":-5)"), now);
  REQUIRE(neg.has_value());
  CHECK(neg->at_ms == -5);
  const auto ancient = decode(beat_with(R"("at":-1e300)"), now);  // finite, just stale
  REQUIRE(ancient.has_value());
  CHECK(ancient->at_ms < -1'000'000'000'000'000'000);
}

TEST_CASE("presence record: anything that is not a JSON object is ignored, never a crash") {
  for (const std::string& bad : strings{
           "", " ", "hello", "[1,2]", "null", "2", "\"v\"", "{", R"({"v":2,"kind":"hello")",
           R"({"v":2,"kind":"hello","at":1,"topics":[]}trailing)", "{\"v\":2,\"kind\":\"\xFF\"}",
           std::string("{\"v\":2\0}", 8), std::string(5000, '[') + std::string(5000, ']'),
           R"({"v":2,"kind":"hello","at":1e400,"topics":[]})"}) {
    INFO(bad.substr(0, 60));
    CHECK_FALSE(decode(bad, now));
  }
  // Whitespace around a valid object is fine, as for JSON.parse.
  CHECK(decode("  " + beat_with("") + "\n", now).has_value());
}

TEST_CASE("presence record: at more than five minutes ahead is dropped, not clamped") {
  const auto at_limit = decode(beat_with(R"("at":)" + std::to_string(now + 300'000)), now);
  REQUIRE(at_limit.has_value());
  CHECK(at_limit->at_ms == now + 300'000);
  CHECK_FALSE(decode(beat_with(R"("at":)" + std::to_string(now + 300'001)), now));
  CHECK_FALSE(decode(beat_with(R"("at":)" + std::to_string(now + 300'000) + ".5"), now));
  CHECK_FALSE(decode(beat_with(R"("at":1e300)"), now));
  CHECK_FALSE(decode(beat_with(R"("at":18446744073709551615)"), now));
}

TEST_CASE("presence record: topics must be non-empty strings; long ones dropped, then 64 kept") {
  CHECK_FALSE(decode(beat_with(R"("topics":[""])"), now));
  CHECK_FALSE(decode(beat_with(R"("topics":["ok",""])"), now));
  CHECK_FALSE(decode(beat_with(R"("topics":["ok",1])"), now));
  CHECK_FALSE(decode(beat_with(R"("topics":"ctx")"), now));
  CHECK_FALSE(decode(beat_with(R"("topics":null)"), now));
  CHECK_FALSE(decode(R"({"v":2,"kind":"hello","at":1})", now));
  const auto none = decode(beat_with(R"("topics":[])"), now);
  REQUIRE(none.has_value());
  CHECK(none->topics.empty());

  const std::string t512(512, 'x');
  const std::string t513(513, 'y');
  const auto lengths =
      decode(beat_with(R"("topics":)" + json_string_list({"a", t513, t512, "b"})), now);
  REQUIRE(lengths.has_value());
  CHECK(lengths->topics == strings{"a", t512, "b"});

  // Dropping happens before the cap: ten long ones do not use up slots.
  strings many(10, t513);
  for (int i = 0; i < 100; ++i) many.push_back("t" + std::to_string(i));
  const auto capped = decode(beat_with(R"("topics":)" + json_string_list(many)), now);
  REQUIRE(capped.has_value());
  REQUIRE(capped->topics.size() == 64);
  CHECK(capped->topics.front() == "t0");
  CHECK(capped->topics.back() == "t63");
  // Every entry is still checked past the cap.
  many.push_back("");
  CHECK_FALSE(decode(beat_with(R"("topics":)" + json_string_list(many)), now));

  // Lengths are JavaScript lengths (UTF-16 units), not bytes.
  std::string e512;
  for (int i = 0; i < 512; ++i) e512 += "\xC3\xA9";  // é, one unit
  std::string emoji257;
  for (int i = 0; i < 257; ++i) emoji257 += "\xF0\x9F\x98\x80";  // 😀, two units
  const auto units = decode(beat_with(R"("topics":)" + json_string_list({e512, emoji257})), now);
  REQUIRE(units.has_value());
  CHECK(units->topics == strings{e512});
}

TEST_CASE("presence record: a malformed postTopics becomes empty, a valid one is capped") {
  for (const std::string& bad :
       strings{R"("postTopics":"ctx-.*")", R"("postTopics":[1])", R"("postTopics":[""])",
               R"("postTopics":null)", R"("postTopics":{})", ""}) {
    INFO(bad);
    const auto r = decode(beat_with(bad), now);
    REQUIRE(r.has_value());  // the beat still counts
    CHECK(r->post_topics.empty());
    CHECK(r->topics == strings{"ctx"});
  }
  strings many{std::string(513, 'p')};
  for (int i = 0; i < 70; ++i) many.push_back("p" + std::to_string(i) + ".*");
  const auto r = decode(beat_with(R"("postTopics":)" + json_string_list(many)), now);
  REQUIRE(r.has_value());
  REQUIRE(r->post_topics.size() == 64);
  CHECK(r->post_topics.front() == "p0.*");
}

TEST_CASE("presence record: instanceId is cut to 128 characters; anything else is anonymous") {
  const auto long_id = decode(beat_with(R"("instanceId":")" + std::string(200, 'i') + "\""), now);
  REQUIRE(long_id.has_value());
  CHECK(long_id->instance_id == std::string(128, 'i'));

  // The cut never leaves half a character behind.
  const auto emoji =
      decode(beat_with(R"("instanceId":")" + std::string(127, 'i') + "\xF0\x9F\x98\x80\""), now);
  REQUIRE(emoji.has_value());
  CHECK(emoji->instance_id == std::string(127, 'i'));

  for (const std::string& anon :
       strings{R"("instanceId":42)", R"("instanceId":"")", R"("instanceId":null)", ""}) {
    INFO(anon);
    const auto r = decode(beat_with(anon), now);
    REQUIRE(r.has_value());
    CHECK(r->instance_id.empty());
  }
}

TEST_CASE("presence record: a repeated key keeps its last value, as JSON.parse does") {
  const auto r =
      decode(R"({"v":1,"v":2,"kind":"goodbye","kind":"heartbeat","at":5,"at":7,"topics":[""],)"
             R"("topics":["b"],"instanceId":"x","instanceId":"y"})",
             now);
  REQUIRE(r.has_value());
  CHECK(r->kind == beat_kind::heartbeat);
  CHECK(r->at_ms == 7);
  CHECK(r->topics == strings{"b"});
  CHECK(r->instance_id == "y");
  CHECK_FALSE(decode(beat_with(R"("v":1)"), now));  // the later `v` wins here too
}

TEST_CASE("presence record: instance ids are random version 4 UUIDs") {
  const std::regex uuid_v4("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  std::set<std::string> seen;
  for (int i = 0; i < 200; ++i) {
    const std::string id = new_instance_id();
    CHECK(std::regex_match(id, uuid_v4));
    seen.insert(id);
  }
  CHECK(seen.size() == 200);
}
