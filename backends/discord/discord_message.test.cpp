#include "backends/discord/discord_message.hpp"

#include <catch2/catch.hpp>

#include "src/json/document.hpp"

using namespace parley;
using namespace parley::discord;

TEST_CASE("a Discord message becomes the seam's message", "[discord][message]") {
  auto doc = json::document::parse(R"({"id":"1000","channel_id":"7","type":19,"content":"hi @bob",
      "timestamp":"2026-01-02T03:04:05.678000+00:00","author":{"id":"5","username":"alice"},
      "message_reference":{"message_id":"999","channel_id":"7"},"attachments":[]})", "m");
  REQUIRE(doc.has_value());
  auto m = read_message(doc->root());
  REQUIRE(m.has_value());
  auto msg = to_message(*m, "general");
  CHECK(msg.topic == "general");
  CHECK(msg.backend_msg_id == "1000");
  CHECK(msg.cursor.text == "1000");
  CHECK(msg.sender_handle == "alice");
  CHECK(msg.timestamp == "2026-01-02T03:04:05.678000+00:00");
  CHECK(msg.mentions == std::vector<std::string>{"bob"});
  CHECK(msg.in_reply_to == "999");
  CHECK_FALSE(m->has_attachments);
}

TEST_CASE("a forward is not a reply, a message without ids is refused", "[discord][message]") {
  auto fwd = json::document::parse(R"({"id":"3","channel_id":"7","message_reference":{"type":1,"message_id":"2"}})", "m");
  REQUIRE(fwd.has_value());
  CHECK_FALSE(read_message(fwd->root())->reply_to.has_value());
  auto bad = json::document::parse(R"({"id":"x","channel_id":"7"})", "m");
  CHECK_FALSE(read_message(bad->root()).has_value());
}

TEST_CASE("pages come newest first and are read oldest first, by number", "[discord][message]") {
  auto doc = json::document::parse(R"([{"id":"10","channel_id":"1"},{"id":"9","channel_id":"1"},{"id":"100","channel_id":"1"}])",
                             "page");
  REQUIRE(doc.has_value());
  auto page = read_page_ascending(doc->root());
  REQUIRE(page.has_value());
  REQUIRE(page->size() == 3);
  CHECK((*page)[0].id == "9");
  CHECK((*page)[1].id == "10");
  CHECK((*page)[2].id == "100");
}
