#include <catch2/catch.hpp>

#include "src/json/document.hpp"
#include "backends/matrix/room_event.hpp"

using namespace parley;
using namespace parley::matrix;

namespace {

room_event event_of(const std::string& event_json) {
  auto doc = json::document::parse(R"({"e":)" + event_json + "}", "event", json::lenient_object);
  REQUIRE(doc);
  simdjson::dom::element e;
  REQUIRE(doc->object()["e"].get(e) == simdjson::SUCCESS);
  auto ev = read_event(e);
  REQUIRE(ev);
  return *ev;
}

}  // namespace

TEST_CASE("matrix events: an m.room.message maps to the seam's message", "[matrix][event]") {
  auto ev = event_of(R"({"event_id":"$abc","type":"m.room.message","sender":"@alice:parley.local",
    "origin_server_ts":1783958591204,"content":{"msgtype":"m.text","body":"hi @bob and @carol",
    "app.parley.topic":"ctx","m.relates_to":{"m.in_reply_to":{"event_id":"$root"}}}})");
  CHECK(ev.is_message());
  CHECK(belongs(ev, "ctx", false));
  CHECK(belongs(ev, "ctx", true));
  CHECK_FALSE(belongs(ev, "other", true));
  CHECK(belongs(ev, "other", false));  // the tag only matters in a shared room
  auto m = to_message(ev, "ctx", "parley.local");
  CHECK(m.topic == "ctx");
  CHECK(m.sender_handle == "@alice:parley.local");
  CHECK(m.content == "hi @bob and @carol");
  CHECK(m.timestamp == "2026-07-13T16:03:11.204Z");
  CHECK(m.backend_msg_id == "$abc");
  CHECK(m.cursor.text == "$abc");
  CHECK(m.mentions == std::vector<std::string>{"bob", "carol"});
  REQUIRE(m.in_reply_to);
  CHECK(*m.in_reply_to == "$root");
}

TEST_CASE("matrix events: what is not a message is skipped, alone", "[matrix][event]") {
  auto member = event_of(R"({"event_id":"$m","type":"m.room.member","state_key":"@a:x","content":{"membership":"join"}})");
  CHECK_FALSE(member.is_message());
  CHECK_FALSE(belongs(member, "ctx", false));
  auto no_body = event_of(R"({"event_id":"$n","type":"m.room.message","content":{"msgtype":"m.text"}})");
  CHECK_FALSE(belongs(no_body, "ctx", false));
  auto number_body = event_of(R"({"event_id":"$n","type":"m.room.message","content":{"body":42}})");
  CHECK_FALSE(belongs(number_body, "ctx", false));
  auto doc = json::document::parse(R"({"chunk":[1,{"type":"x"},{"event_id":"$ok","type":"m.room.message",
    "content":{"body":"fine"}},"str",{"event_id":"$also","type":"m.room.message","content":"nope"}]})",
                             "page", json::lenient_object);
  REQUIRE(doc);
  std::size_t skipped = 0;
  auto events = read_events(*json::array_of(doc->object(), "chunk"), skipped);
  CHECK(skipped == 3);
  REQUIRE(events.size() == 2);
  CHECK(events[0].event_id == "$ok");
  CHECK(events[0].is_message());
  CHECK_FALSE(events[1].is_message());  // content not an object: no body
}

TEST_CASE("matrix events: invalid UTF-8 and lone surrogates are repaired, not fatal", "[matrix][event]") {
  const std::string raw = std::string(R"({"event_id":"$u","type":"m.room.message","content":{"body":"a)") +
                          "\xff\xc3" + R"(b"}})";
  auto ev = event_of(raw);
  CHECK(*ev.body == "a\xEF\xBF\xBD\xEF\xBF\xBD" "b");
  auto lone = event_of(R"({"event_id":"$s","type":"m.room.message","content":{"body":"x\udc80y\ud83e\udd9cz\\udc80"}})");
  CHECK(*lone.body == "x\xEF\xBF\xBDy\xF0\x9F\xA6\x9Cz\\udc80");
  CHECK_FALSE(json::document::parse("{\"next_batch\": 12", "sync", json::lenient_object));
  CHECK_FALSE(json::document::parse("[1,2]", "sync", json::lenient_object));
}

TEST_CASE("matrix events: a post's content, with a reply when there is one", "[matrix][event]") {
  CHECK(message_content("hi \"x\"", "ctx", std::nullopt) ==
        R"({"msgtype":"m.text","body":"hi \"x\"","app.parley.topic":"ctx"})");
  CHECK(message_content("re", "ctx", std::string("$root")) ==
        R"({"msgtype":"m.text","body":"re","app.parley.topic":"ctx","m.relates_to":{"m.in_reply_to":{"event_id":"$root"}}})");
}
